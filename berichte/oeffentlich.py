"""/oeffentlich/: the public transparency pages and the open data, without login.

What is shown: the strategy (Handlungsfelder, Lebensbereiche), the published Maßnahmen
(`Massnahme.objects.veroeffentlicht()`: published and not archived) with their progress, and
figures over them. Never shown: anything unpublished, and no personal data (no contact
persons, no authors, no user names or e-mail addresses) — the fields below are chosen one
by one, nothing is dumped wholesale.

Caching: every response is `Cache-Control: public, max-age=300`. The pages are rendered
without the request context (no session, no CSRF cookie, no user in the header), so they
are the same for everyone and carry neither `Set-Cookie` nor `Vary: Cookie`; a proxy or
browser may keep them for five minutes. The figures are cached on the server for the same
time, so the pages do not grow slower with the number of Maßnahmen in the country.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from csp.constants import SELF
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Max, Min, Prefetch, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import quote_etag
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

from core.charts import balkendiagramm
from core.eingaben import kreis_ags
from core.formatting import euro
from core.quartal import quartal_text
from foerderung.models import Foerderbescheid, Mittelabruf
from handlungsfelder.models import Handlungsfeld, Lebensbereich
from kommunen.context_processors import navigation
from kommunen.models import Kommune, Kreis
from massnahmen.models import (
    FORTSCHRITT_ERKLAERUNG,
    Massnahme,
    Meilenstein,
    Nachnutzung,
    Sichtbarkeit,
    Statusmeldung,
    fortschritt_zaehlt_q,
)

from . import dcat, offene_daten
from .datenstand import datenstand, download_etag

CACHE_SEKUNDEN = 300
MASSNAHMEN_JE_SEITE = 25
NEUESTE = 8

LIZENZ_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LIZENZ_URL = "https://www.govdata.de/dl-de/by-2-0"
LIZENZ_DCAT = str(dcat.LIZENZ_DCAT)

oeffentlich_cache = cache_control(public=True, max_age=CACHE_SEKUNDEN)
# The downloads stream, so no middleware can hash their content: ETag and Last-Modified come
# from the data stand, and a harvester's conditional request gets its 304 before any row is
# read. (The pages and the catalogue get a content ETag from ConditionalGetMiddleware and
# Last-Modified from berichte.middleware.DatenstandMiddleware.)
download_bedingt = condition(
    etag_func=lambda request, *args, **kwargs: download_etag(request),
    last_modified_func=lambda request, *args, **kwargs: datenstand(request),
)


def veroeffentlichte():
    """The only Maßnahmen the public side ever reads."""
    return Massnahme.objects.veroeffentlicht()


def _seite(request, template: str, context: dict) -> HttpResponse:
    """Render without the request context: the same page for everyone (see module doc).

    Nothing here may touch `request.user` or the session.
    """
    basis = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "user": AnonymousUser(),
        **navigation(SimpleNamespace(path=request.path, user=None)),
    }
    return HttpResponse(render_to_string(template, {**basis, **context}))


def nicht_gefunden(request) -> HttpResponse:
    """The 404 of a public path: like every public page the same for everyone, so a
    logged-in visitor's name does not appear and the session is not read (lippe_portal.urls
    routes public paths here)."""
    response = _seite(request, "404.html", {})
    response.status_code = 404
    return response


def _kreis_aus_anfrage(request) -> Kreis | None:
    ags = kreis_ags(request.GET.get("kreis", ""))
    if ags is None:
        return None
    kreis = Kreis.objects.filter(pk=ags).first()
    if kreis is None:
        raise Http404("Kreis nicht gefunden.")
    return kreis


# --- figures (cached) --------------------------------------------------------------------


@dataclass(frozen=True)
class Zahlen:
    """Figures over the published Maßnahmen (of one Kreis, or of all)."""

    anzahl: int
    fortschritt: float | None
    je_status: list[tuple[str, int]]
    handlungsfelder: list[dict]
    lebensbereiche: list[dict]


def zahlen(kreis_id: str | None) -> Zahlen:
    """The figures, cached for CACHE_SEKUNDEN (as long as any proxy may keep the page)."""
    schluessel = f"oeffentlich:zahlen:{kreis_id or 'alle'}"
    wert = cache.get(schluessel)
    if wert is None:
        wert = _zahlen_berechnen(kreis_id)
        cache.set(schluessel, wert, CACHE_SEKUNDEN)
    return wert


def _zahlen_berechnen(kreis_id: str | None) -> Zahlen:
    qs = veroeffentlichte()
    bedingung = Q(massnahmen__sichtbarkeit=Sichtbarkeit.OEFFENTLICH, massnahmen__archiviert=False)
    if kreis_id:
        qs = qs.filter(kreis_id=kreis_id)
        bedingung &= Q(massnahmen__kreis_id=kreis_id)
    status_namen = dict(Massnahme.Status.choices)
    je_status = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    # The one definition of the average progress (massnahmen.models.FORTSCHRITT_ERKLAERUNG).
    gesamt = qs.aggregate(n=Count("pk"), avg=Avg("fortschritt", filter=fortschritt_zaehlt_q()))
    handlungsfelder = [
        {
            "pk": hf.pk,
            "nummer": hf.nummer,
            "kurzname": hf.kurzname,
            "name": hf.name,
            "beschreibung": hf.beschreibung,
            "anzahl": hf.n,
            "fortschritt": None if hf.avg is None else round(float(hf.avg), 1),
        }
        for hf in Handlungsfeld.objects.annotate(
            n=Count("massnahmen", filter=bedingung),
            avg=Avg(
                "massnahmen__fortschritt",
                filter=bedingung & ~Q(massnahmen__status__in=Massnahme.OHNE_FORTSCHRITT),
            ),
        ).order_by("nummer")
    ]
    lebensbereiche = [
        {"pk": lb.pk, "name": lb.name, "anzahl": lb.n}
        for lb in Lebensbereich.objects.annotate(n=Count("massnahmen", filter=bedingung)).order_by(
            "reihenfolge", "name"
        )
    ]
    return Zahlen(
        anzahl=gesamt["n"],
        fortschritt=None if gesamt["avg"] is None else round(float(gesamt["avg"]), 1),
        je_status=[(status_namen[s], je_status[s]) for s in status_namen if je_status.get(s)],
        handlungsfelder=handlungsfelder,
        lebensbereiche=lebensbereiche,
    )


def kreise_mit_daten() -> list[dict]:
    """Every Kreis with published Maßnahmen: AGS, name, count, last change (cached)."""
    schluessel = "oeffentlich:kreise"
    wert = cache.get(schluessel)
    if wert is None:
        wert = list(
            veroeffentlichte()
            .filter(kreis__isnull=False)  # a region project has no Kreis: only in "alle"
            .values("kreis_id", "kreis__name", "kreis__typ")
            .annotate(
                anzahl=Count("pk"), erstellt=Min("erstellt_am"), geaendert=Max("geaendert_am")
            )
            .order_by("kreis__name")
        )
        cache.set(schluessel, wert, CACHE_SEKUNDEN)
    return wert


# --- pages ----------------------------------------------------------------------------------


def _liste_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))
    return reverse("oeffentlich:massnahmen") + (f"?{query}" if query else "")


@require_safe
@oeffentlich_cache
def index(request):
    """The strategy, the figures and the newest published Maßnahmen."""
    kreis = _kreis_aus_anfrage(request)
    kreis_id = kreis.pk if kreis else None
    z = zahlen(kreis_id)
    fortschritt_hf = balkendiagramm(
        titel="Durchschnittlicher Fortschritt je Handlungsfeld",
        beschreibung="Mittlerer Fortschritt der veröffentlichten Maßnahmen in Prozent, "
        "je Handlungsfeld der Rahmenstrategie.",
        kategorien=[hf["kurzname"] for hf in z.handlungsfelder],
        werte=[hf["fortschritt"] for hf in z.handlungsfelder],
        einheit="%",
        maximum=100,
        links=[_liste_url(kreis=kreis_id, handlungsfeld=hf["pk"]) for hf in z.handlungsfelder],
        wertname="Fortschritt",
        stellen=1,
    )
    anzahl_lb = balkendiagramm(
        titel="Veröffentlichte Maßnahmen je Lebensbereich",
        beschreibung="Anzahl der veröffentlichten Maßnahmen, die den Lebensbereich betreffen "
        "(eine Maßnahme kann mehrere Lebensbereiche betreffen).",
        kategorien=[lb["name"] for lb in z.lebensbereiche],
        werte=[lb["anzahl"] for lb in z.lebensbereiche],
        einheit="",
        maximum=None,
        links=[_liste_url(kreis=kreis_id, lebensbereich=lb["pk"]) for lb in z.lebensbereiche],
        wertname="Maßnahmen",
    )
    neueste = veroeffentlichte().select_related("handlungsfeld", "kreis", "region", "federfuehrend")
    if kreis:
        neueste = neueste.filter(kreis=kreis)
    return _seite(
        request,
        "oeffentlich/index.html",
        {
            "fortschritt_erklaerung": FORTSCHRITT_ERKLAERUNG,
            "kreis": kreis,
            "kreise": kreise_mit_daten(),
            "zahlen": z,
            "diagramm_handlungsfelder": fortschritt_hf,
            "diagramm_lebensbereiche": anzahl_lb,
            "neueste": list(neueste.order_by("-pk")[:NEUESTE]),
            "liste_url": _liste_url(kreis=kreis_id),
        },
    )


def _gefiltert(request):
    """Published Maßnahmen filtered by ?kreis, ?handlungsfeld, ?lebensbereich, ?status."""
    qs = veroeffentlichte()
    kreis = _kreis_aus_anfrage(request)
    filter_aktiv = {}
    if kreis:
        qs = qs.filter(kreis=kreis)
        filter_aktiv["kreis"] = kreis
    for param, feld in (("handlungsfeld", "handlungsfeld"), ("lebensbereich", "lebensbereiche")):
        wert = request.GET.get(param, "")
        if wert:
            if not wert.isdigit() or len(wert) > 9:
                raise Http404
            qs = qs.filter(**{feld: int(wert)})
            filter_aktiv[param] = int(wert)
    status = request.GET.get("status", "")
    if status:
        if status not in Massnahme.Status.values:
            raise Http404
        qs = qs.filter(status=status)
        filter_aktiv["status"] = status
    return qs, kreis, filter_aktiv


@require_safe
@oeffentlich_cache
def massnahmen(request):
    """All published Maßnahmen, newest first, filterable and paginated."""
    qs, kreis, filter_aktiv = _gefiltert(request)
    qs = qs.select_related("handlungsfeld", "kreis", "region", "federfuehrend").order_by("-pk")
    paginator = Paginator(qs, MASSNAHMEN_JE_SEITE)
    if set(filter_aktiv) <= {"kreis"}:
        # The count is already among the cached figures; no second count over the country.
        paginator.count = zahlen(kreis.pk if kreis else None).anzahl
    seite = paginator.get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return _seite(
        request,
        "oeffentlich/massnahme_list.html",
        {
            "kreis": kreis,
            "kreise": kreise_mit_daten(),
            "handlungsfelder": Handlungsfeld.objects.order_by("nummer"),
            "lebensbereiche": Lebensbereich.objects.order_by("reihenfolge", "name"),
            "status_choices": Massnahme.Status.choices,
            "filter_aktiv": filter_aktiv,
            "page_obj": seite,
            "object_list": seite.object_list,
            "is_paginated": seite.has_other_pages(),
            "seiten_query": query.urlencode(),
            "anzahl": paginator.count,
        },
    )


@dataclass(frozen=True)
class Ereignis:
    """One entry of a public Maßnahme's timeline (`zeitleiste`)."""

    datum: dt.date
    art: str  # meldung, meilenstein, bescheid, auszahlung (CSS class and sort order)
    art_anzeige: str
    titel: str
    text: str = ""
    anker: str = ""  # the id of a public update, which its Atom entry links to


REIHENFOLGE = {"bescheid": 0, "auszahlung": 1, "meilenstein": 2, "meldung": 3}


def oeffentliche_meldungen(massnahmen=None):
    """The public updates (`Statusmeldung.objects.oeffentlich()`), with nothing loaded but
    what the public may read: quarter, summary and its date."""
    qs = Statusmeldung.objects.oeffentlich()
    if massnahmen is not None:
        qs = qs.filter(massnahme__in=massnahmen)
    return qs.only(
        "pk", "massnahme_id", "quartal", "oeffentliche_zusammenfassung", "zusammenfassung_am"
    )


def zeitleiste(m: Massnahme) -> list[Ereignis]:
    """The public timeline of a published Maßnahme, oldest first: its public updates, its
    milestones (reached or due), its Förderbescheide and the money paid out under them.
    A Statusmeldung without a public summary never appears, and of one with a summary
    only the summary does (issue 17, point 6)."""
    ereignisse = [
        Ereignis(
            datum=timezone.localtime(s.oeffentlich_seit).date(),
            art="meldung",
            art_anzeige="Meldung",
            titel=f"Stand {quartal_text(s.quartal)}",
            text=s.oeffentliche_zusammenfassung,
            anker=f"meldung-{s.quartal}",
        )
        for s in oeffentliche_meldungen().filter(massnahme=m)
    ]
    for ms in m.meilensteine.all():
        if ms.erreicht_am:
            ereignisse.append(
                Ereignis(ms.erreicht_am, "meilenstein", "Meilenstein erreicht", ms.titel)
            )
        else:
            ereignisse.append(
                Ereignis(ms.faellig_am, "meilenstein", "Meilenstein geplant", ms.titel)
            )
    bescheide = list(
        m.foerderbescheide.exclude(status=Foerderbescheid.Status.WIDERRUFEN)
        .select_related("programm")
        .annotate(anzahl_massnahmen=Count("massnahmen"))
        .only(
            "pk", "bescheiddatum", "bewilligter_betrag", "programm__name", "programm__foerdergeber"
        )
    )
    herkunft = {}
    for b in bescheide:
        gemeinsam = (
            f" Der Bescheid gilt gemeinsam für {b.anzahl_massnahmen} Maßnahmen."
            if b.anzahl_massnahmen > 1
            else ""
        )
        herkunft[b.pk] = (b.programm.name, gemeinsam)
        ereignisse.append(
            Ereignis(
                b.bescheiddatum,
                "bescheid",
                "Förderung bewilligt",
                f"{euro(b.bewilligter_betrag)} aus „{b.programm.name}“",
                f"Fördergeber: {b.programm.foerdergeber}.{gemeinsam}",
            )
        )
    auszahlungen = Mittelabruf.objects.filter(
        bescheid__in=[b.pk for b in bescheide],
        status=Mittelabruf.Status.AUSGEZAHLT,
        ausgezahlt_am__isnull=False,
    ).only("bescheid_id", "betrag", "ausgezahlt_am")
    for a in auszahlungen:
        programm, gemeinsam = herkunft[a.bescheid_id]
        ereignisse.append(
            Ereignis(
                a.ausgezahlt_am,
                "auszahlung",
                "Fördermittel erhalten",
                f"{euro(a.betrag)} aus „{programm}“",
                gemeinsam.strip(),
            )
        )
    ereignisse.sort(key=lambda e: (e.datum, REIHENFOLGE[e.art]))
    return ereignisse


@require_safe
@oeffentlich_cache
def massnahme(request, pk: int):
    """One published Maßnahme: what, who leads, who takes part, how far, and its timeline
    of public updates, milestones and funding."""
    m = get_object_or_404(
        veroeffentlichte()
        .select_related("handlungsfeld", "kreis", "region", "federfuehrend")
        .prefetch_related(
            "lebensbereiche",
            Prefetch("beteiligte", queryset=Kommune.objects.order_by("name")),
            Prefetch("meilensteine", queryset=Meilenstein.objects.order_by("faellig_am", "pk")),
            Prefetch(
                "nachnutzungen",
                queryset=Nachnutzung.objects.select_related("kommune").order_by("kommune__name"),
            ),
        ),
        pk=pk,
    )
    # Reuse is named only between published Maßnahmen (an unpublished title stays private).
    vorlage = (
        veroeffentlichte().filter(pk=m.nachnutzung_von_id).first() if m.nachnutzung_von_id else None
    )
    return _seite(
        request,
        "oeffentlich/massnahme_detail.html",
        {
            "m": m,
            "vorlage": vorlage,
            "uebernahmen": list(veroeffentlichte().filter(nachnutzung_von=m).order_by("titel")),
            "zeitleiste": zeitleiste(m),
            "heute": timezone.localdate(),
        },
    )


EINBETTEN_HOECHSTENS = 25


@require_safe
@oeffentlich_cache
def einbetten(request, slug: str):
    """A small widget for the Kommune's own website (issue 17, point 5): its published
    Maßnahmen (led or taking part) with their progress, in an iframe of at least 300 px.

    Framable only by the origins Kreis staff listed for the Kommune
    (`Kommune.einbettende_websites`): `frame-ancestors` names them, and this is the one view
    exempt from `X-Frame-Options: DENY` (a browser that knows frame-ancestors ignores
    X-Frame-Options where both are set; one that does not would refuse every frame). The
    ETag covers the origins too, so a changed list is never answered with a 304."""
    kommune = get_object_or_404(Kommune.objects.select_related("kreis"), slug=slug)
    qs = veroeffentlichte().filter(
        pk__in=Massnahme.objects.filter(Q(federfuehrend=kommune) | Q(beteiligte=kommune)).values(
            "pk"
        )
    )
    # The one definition of the average progress (FORTSCHRITT_ERKLAERUNG).
    zahlen = qs.aggregate(n=Count("pk"), avg=Avg("fortschritt", filter=fortschritt_zaehlt_q()))
    massnahmen = list(
        qs.only("pk", "titel", "status", "fortschritt", "federfuehrend_id").order_by("titel", "pk")[
            :EINBETTEN_HOECHSTENS
        ]
    )
    response = HttpResponse(
        render_to_string(
            "oeffentlich/einbetten.html",
            {
                "PORTAL_NAME": settings.PORTAL_NAME,
                "kommune": kommune,
                "massnahmen": massnahmen,
                "anzahl": zahlen["n"],
                "weitere": zahlen["n"] - len(massnahmen),
                "fortschritt": None if zahlen["avg"] is None else round(float(zahlen["avg"]), 1),
                "fortschritt_erklaerung": FORTSCHRITT_ERKLAERUNG,
            },
        )
    )
    origins = kommune.einbettende_origins
    response._csp_replace = {"frame-ancestors": [SELF, *origins]}
    response.xframe_options_exempt = True
    roh = response.content + "\n".join(origins).encode()
    response["ETag"] = quote_etag(hashlib.sha256(roh).hexdigest()[:32])
    return response


@require_safe
@oeffentlich_cache
def daten(request):
    """The open data: formats, columns, licence, links, and the DCAT-AP.de catalogue."""
    bestaende = offene_daten.bestaende()
    tabellen = [
        {
            "tabelle": tabelle,
            "url_name": f"oeffentlich:{schluessel}_csv",
            "excel_url_name": f"oeffentlich:{schluessel}_excel_csv",
            "kreise": sorted(bestaende[schluessel].values(), key=lambda b: b.kreis_name),
        }
        for schluessel, tabelle in offene_daten.TABELLEN.items()
    ]
    return _seite(
        request,
        "oeffentlich/daten.html",
        {
            "kreise": kreise_mit_daten(),
            "felder": FELDER,
            "tabellen": tabellen,
            "lizenz_name": LIZENZ_NAME,
            "lizenz_url": LIZENZ_URL,
            "dialekte": offene_daten.DIALEKTE,
        },
    )


# --- open data ------------------------------------------------------------------------------


def _json_wert(wert):
    """JSON keeps the conventions it always had: ISO dates, amounts as text with a point."""
    if isinstance(wert, dt.date):  # datetime too
        return wert.isoformat()
    if isinstance(wert, Decimal):
        return f"{wert:.2f}"
    return wert


# (key, description, value of a Maßnahme). The same keys in CSV and JSON.
FELDER: tuple[tuple[str, str, object], ...] = (
    ("id", "Nummer der Maßnahme im Portal", lambda m, u: m.pk),
    ("titel", "Titel", lambda m, u: m.titel),
    ("beschreibung", "Beschreibung", lambda m, u: m.beschreibung),
    (
        "kreis_ags",
        "Amtlicher Gemeindeschlüssel des Kreises (leer: ein Projekt der Region)",
        lambda m, u: m.kreis_id or "",
    ),
    (
        "kreis",
        "Name des Kreises (leer: ein Projekt der Region)",
        lambda m, u: m.kreis.name if m.kreis_id else "",
    ),
    ("handlungsfeld", "Handlungsfeld der Rahmenstrategie", lambda m, u: m.handlungsfeld.kurzname),
    (
        "lebensbereiche",
        "Lebensbereiche, durch „|“ getrennt",
        lambda m, u: "|".join(lb.name for lb in m._od_lebensbereiche),
    ),
    (
        "federfuehrung",
        "federführende Kommune (leer: der Kreis, bei einem Projekt der Region die Region)",
        lambda m, u: m.federfuehrend.name if m.federfuehrend_id else "",
    ),
    (
        "federfuehrung_ags",
        "Gemeindeschlüssel der federführenden Kommune",
        lambda m, u: m.federfuehrend.ags if m.federfuehrend_id else "",
    ),
    (
        "beteiligte_kommunen",
        "beteiligte Kommunen, durch „|“ getrennt",
        lambda m, u: "|".join(k.name for k in m._od_beteiligte),
    ),
    ("status", "Status", lambda m, u: m.get_status_display()),
    ("fortschritt_prozent", "Fortschritt in Prozent (0–100)", lambda m, u: m.fortschritt),
    ("ampel", "Ampel: gruen, gelb oder rot", lambda m, u: m.ampel),
    ("beginn", "Beginn", lambda m, u: m.beginn),
    ("ende_geplant", "geplantes Ende", lambda m, u: m.ende_geplant),
    (
        "ende_tatsaechlich",
        "tatsächliches Ende",
        lambda m, u: m.ende_tatsaechlich,
    ),
    (
        "budget_eur",
        "Budget in Euro (leer: nicht angegeben)",
        lambda m, u: None if m.budget is None else Decimal(m.budget).quantize(Decimal("0.01")),
    ),
    ("geaendert_am", "zuletzt geändert (Zeitpunkt)", lambda m, u: m.geaendert_am),
    ("url", "Seite der Maßnahme im Portal", lambda m, u: u(m)),
)


def _opendata_queryset(request):
    qs = veroeffentlichte()
    kreis = _kreis_aus_anfrage(request)
    if kreis:
        qs = qs.filter(kreis=kreis)
    qs = (
        qs.select_related("kreis", "region", "handlungsfeld", "federfuehrend")
        .prefetch_related(
            Prefetch(
                "lebensbereiche",
                queryset=Lebensbereich.objects.order_by("reihenfolge", "name"),
                to_attr="_od_lebensbereiche",
            ),
            Prefetch(
                "beteiligte", queryset=Kommune.objects.order_by("name"), to_attr="_od_beteiligte"
            ),
        )
        .order_by("kreis_id", "pk")
    )
    return qs, kreis


def _url_bauer(request):
    basis = request.build_absolute_uri("/")[:-1]
    return lambda m: basis + reverse("oeffentlich:massnahme", kwargs={"pk": m.pk})


def datensaetze(request) -> tuple[Iterator[dict], Kreis | None]:
    """The published Maßnahmen as flat records (streamed in chunks)."""
    qs, kreis = _opendata_queryset(request)
    url = _url_bauer(request)
    return (
        (
            {schluessel: wert(m, url) for schluessel, _, wert in FELDER}
            for m in qs.iterator(chunk_size=1000)
        ),
        kreis,
    )


def _dateiname(kreis: Kreis | None, endung: str) -> str:
    return f"massnahmen-{kreis.pk if kreis else 'alle'}.{endung}"


def _csv_zeilen(saetze: Iterable[dict], dialekt) -> Iterator[str]:
    kopf = [schluessel for schluessel, _, _ in FELDER]
    return offene_daten.csv_zeilen(kopf, (satz.values() for satz in saetze), dialekt)


def _download(inhalt, content_type: str, dateiname: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(inhalt, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{dateiname}"'
    response["Link"] = f'<{LIZENZ_URL}>; rel="license"'
    return response


@require_safe
@oeffentlich_cache
@download_bedingt
def massnahmen_csv(request, dialekt: str = "maschine"):
    """CSV in one of two dialects (offene_daten.DIALEKTE): RFC 4180 for machines (UTF-8
    without BOM, comma, ISO dates, decimal point) or for German Excel (BOM, semicolon,
    TT.MM.JJJJ, decimal comma) — the same columns and rows."""
    saetze, kreis = datensaetze(request)
    endung = "csv" if dialekt == "maschine" else "excel.csv"
    return _download(
        _csv_zeilen(saetze, offene_daten.DIALEKTE[dialekt]),
        "text/csv; charset=utf-8",
        _dateiname(kreis, endung),
    )


def _json_teile(saetze: Iterable[dict], kopf: dict) -> Iterator[str]:
    kopf_text = json.dumps(kopf, ensure_ascii=False, indent=None)
    yield kopf_text[:-1] + ', "massnahmen": ['
    for index, satz in enumerate(saetze):
        satz = {schluessel: _json_wert(wert) for schluessel, wert in satz.items()}
        yield ("," if index else "") + "\n" + json.dumps(satz, ensure_ascii=False)
    yield "\n]}\n"


@require_safe
@oeffentlich_cache
@download_bedingt
def massnahmen_json(request):
    """JSON: licence and source first, then the list of Maßnahmen (same keys as the CSV)."""
    saetze, kreis = datensaetze(request)
    kopf = {
        "titel": "Veröffentlichte Maßnahmen der Digitalisierung"
        + (f" – {kreis.name}" if kreis else ""),
        "herausgeber": settings.PORTAL_NAME,
        "quelle": request.build_absolute_uri(reverse("oeffentlich:index")),
        "lizenz": {"name": LIZENZ_NAME, "url": LIZENZ_URL},
        "stand": timezone.now().isoformat(timespec="seconds"),
        "felder": {schluessel: beschreibung for schluessel, beschreibung, _ in FELDER},
    }
    return _download(
        _json_teile(saetze, kopf), "application/json; charset=utf-8", _dateiname(kreis, "json")
    )


# --- the other tables and the DCAT-AP.de catalogue --------------------------------------------


@require_safe
@oeffentlich_cache
@download_bedingt
def tabelle_csv(request, schluessel: str, dialekt: str = "maschine"):
    """Kennzahlen, OZG coverage or funding totals as CSV, in the same two dialects as the
    Maßnahmen."""
    tabelle = offene_daten.TABELLEN[schluessel]
    kreis = _kreis_aus_anfrage(request)
    zeilen = offene_daten.csv_zeilen(
        tabelle.kopf, tabelle.saetze(kreis), offene_daten.DIALEKTE[dialekt]
    )
    endung = "csv" if dialekt == "maschine" else "excel.csv"
    dateiname = f"{schluessel}-{kreis.pk if kreis else 'alle'}.{endung}"
    return _download(zeilen, "text/csv; charset=utf-8", dateiname)


@require_safe
@oeffentlich_cache
def katalog(request):
    """The DCAT-AP.de catalogue (RDF/XML) that GovData and Open.NRW harvest."""
    inhalt = dcat.katalog_graph(request).serialize(format="pretty-xml", encoding="utf-8")
    return HttpResponse(inhalt, content_type="application/rdf+xml; charset=utf-8")


@require_safe
@oeffentlich_cache
def katalog_ttl(request):
    """The same catalogue as Turtle."""
    inhalt = dcat.katalog_graph(request).serialize(format="turtle", encoding="utf-8")
    return HttpResponse(inhalt, content_type="text/turtle; charset=utf-8")

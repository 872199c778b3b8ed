"""Every public page, without login: /oeffentlich/ (the transparency pages) and
/strategie/oeffentlich/ (the published Ziele); the open data are in daten.py.

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
from dataclasses import dataclass
from types import SimpleNamespace

from csp.constants import SELF
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Max, Min, Prefetch, Q
from django.http import Http404, HttpResponse
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
from handlungsfelder.diagramme import verlauf_diagramm
from handlungsfelder.models import Handlungsfeld, Lebensbereich, Ziel
from handlungsfelder.views import ziele_mit_auswertung
from kommunen.models import Kommune, Kreis
from massnahmen.models import (
    FORTSCHRITT_ERKLAERUNG,
    Massnahme,
    Meilenstein,
    Nachnutzung,
    Sichtbarkeit,
    Statusmeldung,
    fortschritt_counts_q,
)
from portal.context_processors import navigation

from . import dcat
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
# Last-Modified from oeffentlich.middleware.DatenstandMiddleware.)
download_bedingt = condition(
    etag_func=lambda request, *args, **kwargs: download_etag(request),
    last_modified_func=lambda request, *args, **kwargs: datenstand(request),
)


def veroeffentlichte():
    """The only Maßnahmen the public side ever reads."""
    return Massnahme.objects.veroeffentlicht()


def oeffentliche_seite(request, template: str, context: dict) -> HttpResponse:
    """Render without the request context: the same page for everyone (see module doc).

    Nothing here may touch `request.user` or the session.
    """
    basis = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "user": AnonymousUser(),
        **navigation(SimpleNamespace(path=request.path, user=None)),
    }
    return HttpResponse(render_to_string(template, {**basis, **context}))


def not_found(request) -> HttpResponse:
    """The 404 of a public path: like every public page the same for everyone, so a
    logged-in visitor's name does not appear and the session is not read (lippe_portal.urls
    routes public paths here)."""
    response = oeffentliche_seite(request, "404.html", {})
    response.status_code = 404
    return response


def kreis_from_request(request) -> Kreis | None:
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
        wert = _compute_figures(kreis_id)
        cache.set(schluessel, wert, CACHE_SEKUNDEN)
    return wert


def _compute_figures(kreis_id: str | None) -> Zahlen:
    qs = veroeffentlichte()
    bedingung = Q(massnahmen__sichtbarkeit=Sichtbarkeit.OEFFENTLICH, massnahmen__archiviert=False)
    if kreis_id:
        qs = qs.filter(kreis_id=kreis_id)
        bedingung &= Q(massnahmen__kreis_id=kreis_id)
    status_namen = dict(Massnahme.Status.choices)
    je_status = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    # The one definition of the average progress (massnahmen.models.FORTSCHRITT_ERKLAERUNG).
    gesamt = qs.aggregate(n=Count("pk"), avg=Avg("fortschritt", filter=fortschritt_counts_q()))
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


def kreise_with_daten() -> list[dict]:
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


def _list_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))
    return reverse("oeffentlich:massnahmen") + (f"?{query}" if query else "")


@require_safe
@oeffentlich_cache
def index(request):
    """The strategy, the figures and the newest published Maßnahmen."""
    kreis = kreis_from_request(request)
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
        links=[_list_url(kreis=kreis_id, handlungsfeld=hf["pk"]) for hf in z.handlungsfelder],
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
        links=[_list_url(kreis=kreis_id, lebensbereich=lb["pk"]) for lb in z.lebensbereiche],
        wertname="Maßnahmen",
    )
    neueste = veroeffentlichte().select_related("handlungsfeld", "kreis", "region", "federfuehrend")
    if kreis:
        neueste = neueste.filter(kreis=kreis)
    return oeffentliche_seite(
        request,
        "oeffentlich/index.html",
        {
            "fortschritt_erklaerung": FORTSCHRITT_ERKLAERUNG,
            "kreis": kreis,
            "kreise": kreise_with_daten(),
            "zahlen": z,
            "diagramm_handlungsfelder": fortschritt_hf,
            "diagramm_lebensbereiche": anzahl_lb,
            "neueste": list(neueste.order_by("-pk")[:NEUESTE]),
            "liste_url": _list_url(kreis=kreis_id),
        },
    )


def _filtered(request):
    """Published Maßnahmen filtered by ?kreis, ?handlungsfeld, ?lebensbereich, ?status."""
    qs = veroeffentlichte()
    kreis = kreis_from_request(request)
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
    qs, kreis, filter_aktiv = _filtered(request)
    qs = qs.select_related("handlungsfeld", "kreis", "region", "federfuehrend").order_by("-pk")
    paginator = Paginator(qs, MASSNAHMEN_JE_SEITE)
    if set(filter_aktiv) <= {"kreis"}:
        # The count is already among the cached figures; no second count over the country.
        paginator.count = zahlen(kreis.pk if kreis else None).anzahl
    seite = paginator.get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return oeffentliche_seite(
        request,
        "oeffentlich/massnahme_list.html",
        {
            "kreis": kreis,
            "kreise": kreise_with_daten(),
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
    art_display: str
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
            datum=timezone.localtime(s.public_since).date(),
            art="meldung",
            art_display="Meldung",
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
    return oeffentliche_seite(
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
    zahlen = qs.aggregate(n=Count("pk"), avg=Avg("fortschritt", filter=fortschritt_counts_q()))
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
    origins = kommune.embedding_origins
    response._csp_replace = {"frame-ancestors": [SELF, *origins]}
    response.xframe_options_exempt = True
    roh = response.content + "\n".join(origins).encode()
    response["ETag"] = quote_etag(hashlib.sha256(roh).hexdigest()[:32])
    return response


# --- the strategy ---------------------------------------------------------------------------


@require_safe
@oeffentlich_cache
def strategie(request):
    """/strategie/oeffentlich/: published Ziele with their Kennzahlen, no login, no names of
    people; only published Maßnahmen are listed.

    The same page for everyone, like /oeffentlich/ (the path is among
    PORTAL_OEFFENTLICHE_PFADE): rendered without the request context, never reading
    `request.user` or the session, so it is `public`, cookie-free and may be compressed;
    without `?kreis=` it shows the first Kreis by name.
    """
    kreise = list(Kreis.objects.filter(ziele__veroeffentlicht=True).distinct().order_by("name"))
    kreis = None
    if kreise:
        wunsch = request.GET.get("kreis")
        kreis = (
            next((k for k in kreise if wunsch in (k.ags, k.slug)), None) if wunsch else kreise[0]
        )
        if kreis is None:
            raise Http404("Kreis nicht gefunden.")
    felder = (
        ziele_mit_auswertung(
            Ziel.objects.filter(kreis=kreis, veroeffentlicht=True), kreis, nur_veroeffentlicht=True
        )
        if kreis
        else []
    )
    for feld in felder:
        for ziel in feld["ziele"]:
            ziel.diagramme = [verlauf_diagramm(v) for v in ziel.auswertungen]
    return oeffentliche_seite(
        request,
        "oeffentlich/strategie.html",
        {
            "request": SimpleNamespace(path=request.path, GET=request.GET),
            "kreis": kreis,
            "kreise": kreise,
            "felder": felder,
        },
    )

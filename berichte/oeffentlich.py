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

import csv
import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Max, Prefetch, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core.charts import balkendiagramm
from handlungsfelder.models import Handlungsfeld, Lebensbereich
from kommunen.context_processors import navigation
from kommunen.models import Kommune, Kreis
from massnahmen.exports import neutralisieren
from massnahmen.models import (
    FORTSCHRITT_ERKLAERUNG,
    Massnahme,
    Meilenstein,
    Nachnutzung,
    fortschritt_zaehlt_q,
)

CACHE_SEKUNDEN = 300
MASSNAHMEN_JE_SEITE = 25
NEUESTE = 8

LIZENZ_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LIZENZ_URL = "https://www.govdata.de/dl-de/by-2-0"
LIZENZ_DCAT = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
CSV_TRENNER = ","

oeffentlich_cache = cache_control(public=True, max_age=CACHE_SEKUNDEN)


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


def _kreis_aus_anfrage(request) -> Kreis | None:
    ags = request.GET.get("kreis", "")
    if not ags:
        return None
    kreis = Kreis.objects.filter(pk=ags[:5]).first()
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
    bedingung = Q(massnahmen__veroeffentlicht=True, massnahmen__archiviert=False)
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
            .values("kreis_id", "kreis__name", "kreis__typ")
            .annotate(anzahl=Count("pk"), geaendert=Max("geaendert_am"))
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
    neueste = veroeffentlichte().select_related("handlungsfeld", "kreis", "federfuehrend")
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
    qs = qs.select_related("handlungsfeld", "kreis", "federfuehrend").order_by("-pk")
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


@require_safe
@oeffentlich_cache
def massnahme(request, pk: int):
    """One published Maßnahme: what, who leads, who takes part, how far, milestones."""
    m = get_object_or_404(
        veroeffentlichte()
        .select_related("handlungsfeld", "kreis", "federfuehrend")
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
            "heute": timezone.localdate(),
        },
    )


@require_safe
@oeffentlich_cache
def daten(request):
    """The open data: formats, columns, licence, links, and the DCAT-AP.de catalogue."""
    return _seite(
        request,
        "oeffentlich/daten.html",
        {
            "kreise": kreise_mit_daten(),
            "felder": FELDER,
            "lizenz_name": LIZENZ_NAME,
            "lizenz_url": LIZENZ_URL,
            "csv_trenner": CSV_TRENNER,
        },
    )


# --- open data ------------------------------------------------------------------------------


def _iso(wert: dt.date | dt.datetime | None) -> str | None:
    return wert.isoformat() if wert else None


# (key, description, value of a Maßnahme). The same keys in CSV and JSON.
FELDER: tuple[tuple[str, str, object], ...] = (
    ("id", "Nummer der Maßnahme im Portal", lambda m, u: m.pk),
    ("titel", "Titel", lambda m, u: m.titel),
    ("beschreibung", "Beschreibung", lambda m, u: m.beschreibung),
    ("kreis_ags", "Amtlicher Gemeindeschlüssel des Kreises", lambda m, u: m.kreis_id),
    ("kreis", "Name des Kreises", lambda m, u: m.kreis.name),
    ("handlungsfeld", "Handlungsfeld der Rahmenstrategie", lambda m, u: m.handlungsfeld.kurzname),
    (
        "lebensbereiche",
        "Lebensbereiche, durch „|“ getrennt",
        lambda m, u: "|".join(lb.name for lb in m._od_lebensbereiche),
    ),
    (
        "federfuehrung",
        "federführende Kommune (leer: der Kreis)",
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
    ("beginn", "Beginn (JJJJ-MM-TT)", lambda m, u: _iso(m.beginn)),
    ("ende_geplant", "geplantes Ende (JJJJ-MM-TT)", lambda m, u: _iso(m.ende_geplant)),
    (
        "ende_tatsaechlich",
        "tatsächliches Ende (JJJJ-MM-TT)",
        lambda m, u: _iso(m.ende_tatsaechlich),
    ),
    (
        "budget_eur",
        "Budget in Euro, Dezimalpunkt (leer: nicht angegeben)",
        lambda m, u: f"{m.budget:.2f}" if m.budget is not None else None,
    ),
    ("geaendert_am", "zuletzt geändert (ISO 8601)", lambda m, u: _iso(m.geaendert_am)),
    ("url", "Seite der Maßnahme im Portal", lambda m, u: u(m)),
)


def _opendata_queryset(request):
    qs = veroeffentlichte()
    kreis = _kreis_aus_anfrage(request)
    if kreis:
        qs = qs.filter(kreis=kreis)
    qs = (
        qs.select_related("kreis", "handlungsfeld", "federfuehrend")
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


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_zeilen(saetze: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=CSV_TRENNER, lineterminator="\r\n")
    yield writer.writerow([schluessel for schluessel, _, _ in FELDER])
    for satz in saetze:
        yield writer.writerow(
            [
                "" if v is None else neutralisieren(v) if isinstance(v, str) else v
                for v in satz.values()
            ]
        )


def _download(inhalt, content_type: str, dateiname: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(inhalt, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{dateiname}"'
    response["Link"] = f'<{LIZENZ_URL}>; rel="license"'
    return response


@require_safe
@oeffentlich_cache
def massnahmen_csv(request):
    """CSV (RFC 4180): UTF-8 without BOM, comma, header row, ISO dates, decimal point."""
    saetze, kreis = datensaetze(request)
    return _download(_csv_zeilen(saetze), "text/csv; charset=utf-8", _dateiname(kreis, "csv"))


def _json_teile(saetze: Iterable[dict], kopf: dict) -> Iterator[str]:
    kopf_text = json.dumps(kopf, ensure_ascii=False, indent=None)
    yield kopf_text[:-1] + ', "massnahmen": ['
    for index, satz in enumerate(saetze):
        yield ("," if index else "") + "\n" + json.dumps(satz, ensure_ascii=False)
    yield "\n]}\n"


@require_safe
@oeffentlich_cache
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


# --- DCAT-AP.de catalogue -------------------------------------------------------------------

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)
NS["xml"] = "http://www.w3.org/XML/1998/namespace"  # known to ElementTree as "xml:" already

# Open.NRW's contributor id in the DCAT-AP.de vocabulary (GovData groups the harvest by it);
# another Land's portal sets its own with OPENDATA_CONTRIBUTOR_ID.
CONTRIBUTOR_ID = "http://dcat-ap.de/def/contributors/openNRW"
THEMA = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
SPRACHE = "http://publications.europa.eu/resource/authority/language/DEU"
FORMATE = {
    "csv": ("http://publications.europa.eu/resource/authority/file-type/CSV", "text/csv"),
    "json": ("http://publications.europa.eu/resource/authority/file-type/JSON", "application/json"),
}
GEOCODING_KREIS = "http://dcat-ap.de/def/politicalGeocoding/districtKey/"
GEOCODING_EBENE = "http://dcat-ap.de/def/politicalGeocodingLevel/administrativeDistrict"


def _q(name: str) -> str:
    prefix, lokal = name.split(":")
    return f"{{{NS[prefix]}}}{lokal}"


def _el(eltern, name: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(
        eltern, _q(name), {_q(k.replace("__", ":")): v for k, v in attrs.items()}
    )
    if text is not None:
        element.text = text
    return element


def _ressource(eltern, name: str, uri: str) -> ET.Element:
    return _el(eltern, name, rdf__resource=uri)


def _datum(eltern, name: str, wert: dt.datetime) -> None:
    _el(eltern, name, wert.isoformat(timespec="seconds"), rdf__datatype=NS["xsd"] + "dateTime")


def _agent(eltern, name: str, anzeige: str) -> None:
    agent = _el(_el(eltern, name), "foaf:Organization")
    _el(agent, "foaf:name", anzeige)


def katalog_xml(request) -> bytes:
    """The catalogue as RDF/XML: one dcat:Dataset per Kreis with published Maßnahmen,
    each with a CSV and a JSON distribution under the Datenlizenz Deutschland 2.0."""
    absolut = request.build_absolute_uri
    contributor = getattr(settings, "OPENDATA_CONTRIBUTOR_ID", CONTRIBUTOR_ID)
    kreise = kreise_mit_daten()
    root = ET.Element(_q("rdf:RDF"))
    katalog = _el(root, "dcat:Catalog", rdf__about=absolut(reverse("oeffentlich:katalog")))
    _el(katalog, "dct:title", f"Offene Daten – {settings.PORTAL_NAME}", **{"xml__lang": "de"})
    _el(
        katalog,
        "dct:description",
        "Maßnahmen der kommunalen Digitalisierungsstrategien: Titel, Handlungsfeld, "
        "Federführung, Status und Fortschritt der veröffentlichten Maßnahmen je Kreis.",
        **{"xml__lang": "de"},
    )
    _agent(katalog, "dct:publisher", settings.PORTAL_NAME)
    _ressource(katalog, "foaf:homepage", absolut(reverse("oeffentlich:index")))
    _ressource(katalog, "dct:language", SPRACHE)
    _ressource(katalog, "dct:license", LIZENZ_DCAT)
    if kreise:
        _datum(katalog, "dct:modified", max(k["geaendert"] for k in kreise))
    for k in kreise:
        name = (
            k["kreis__name"] if k["kreis__typ"] == Kreis.Typ.KREIS else f"Stadt {k['kreis__name']}"
        )
        name = f"Kreis {name}" if k["kreis__typ"] == Kreis.Typ.KREIS else name
        seite = absolut(reverse("oeffentlich:massnahmen") + f"?kreis={k['kreis_id']}")
        ds = _el(
            _el(katalog, "dcat:dataset"),
            "dcat:Dataset",
            rdf__about=absolut(reverse("oeffentlich:daten") + f"#kreis-{k['kreis_id']}"),
        )
        _el(ds, "dct:identifier", f"massnahmen-{k['kreis_id']}")
        _el(ds, "dct:title", f"Maßnahmen der Digitalisierung – {name}", **{"xml__lang": "de"})
        _el(
            ds,
            "dct:description",
            f"Die {k['anzahl']} veröffentlichten Maßnahmen der Digitalisierungsstrategie "
            f"({name}): Handlungsfeld, Lebensbereiche, federführende und beteiligte Kommunen, "
            "Status, Fortschritt in Prozent, Zeitraum und Budget.",
            **{"xml__lang": "de"},
        )
        _ressource(ds, "dcatde:contributorID", contributor)
        _agent(ds, "dct:publisher", name)
        _ressource(ds, "dcat:theme", THEMA)
        _ressource(ds, "dct:language", SPRACHE)
        _ressource(ds, "dcat:landingPage", seite)
        _ressource(ds, "dcatde:politicalGeocodingURI", GEOCODING_KREIS + k["kreis_id"])
        _ressource(ds, "dcatde:politicalGeocodingLevelURI", GEOCODING_EBENE)
        _el(ds, "dcat:keyword", "Digitalisierung", **{"xml__lang": "de"})
        _el(ds, "dcat:keyword", "OZG", **{"xml__lang": "de"})
        _datum(ds, "dct:modified", k["geaendert"])
        for endung, (format_uri, media_type) in FORMATE.items():
            url = absolut(reverse(f"oeffentlich:massnahmen_{endung}") + f"?kreis={k['kreis_id']}")
            dist = _el(_el(ds, "dcat:distribution"), "dcat:Distribution", rdf__about=url)
            _el(dist, "dct:title", f"Maßnahmen {name} als {endung.upper()}", **{"xml__lang": "de"})
            _ressource(dist, "dcat:accessURL", url)
            _ressource(dist, "dcat:downloadURL", url)
            _ressource(dist, "dct:format", format_uri)
            _el(dist, "dcat:mediaType", media_type)
            _ressource(dist, "dct:license", LIZENZ_DCAT)
            _el(dist, "dcatde:licenseAttributionByText", f"{name}, {settings.PORTAL_NAME}")
            _datum(dist, "dct:modified", k["geaendert"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@require_safe
@oeffentlich_cache
def katalog(request):
    """The DCAT-AP.de catalogue (RDF/XML) that GovData and Open.NRW harvest."""
    return HttpResponse(katalog_xml(request), content_type="application/rdf+xml; charset=utf-8")

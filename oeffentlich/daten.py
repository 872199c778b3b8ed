"""/oeffentlich/daten/: the open-data page, the downloads (CSV, JSON) and the DCAT-AP.de
catalogue. The tables behind the downloads are in offene_daten.py, the catalogue graph in
dcat.py; the caching and cookie policy is that of every public page (views.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from handlungsfelder.models import Lebensbereich
from kommunen.models import Kommune, Kreis

from . import dcat, offene_daten
from .views import (
    LIZENZ_NAME,
    LIZENZ_URL,
    download_bedingt,
    kreis_from_request,
    kreise_with_daten,
    oeffentlich_cache,
    oeffentliche_seite,
    veroeffentlichte,
)


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
    return oeffentliche_seite(
        request,
        "oeffentlich/daten.html",
        {
            "kreise": kreise_with_daten(),
            "felder": FELDER,
            "tabellen": tabellen,
            "lizenz_name": LIZENZ_NAME,
            "lizenz_url": LIZENZ_URL,
            "dialekte": offene_daten.DIALEKTE,
        },
    )


# --- open data ------------------------------------------------------------------------------


def _json_value(wert):
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
    kreis = kreis_from_request(request)
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


def _url_builder(request):
    basis = request.build_absolute_uri("/")[:-1]
    return lambda m: basis + reverse("oeffentlich:massnahme", kwargs={"pk": m.pk})


def datensaetze(request) -> tuple[Iterator[dict], Kreis | None]:
    """The published Maßnahmen as flat records (streamed in chunks)."""
    qs, kreis = _opendata_queryset(request)
    url = _url_builder(request)
    return (
        (
            {schluessel: wert(m, url) for schluessel, _, wert in FELDER}
            for m in qs.iterator(chunk_size=1000)
        ),
        kreis,
    )


def _filename(kreis: Kreis | None, endung: str) -> str:
    return f"massnahmen-{kreis.pk if kreis else 'alle'}.{endung}"


def _csv_rows(saetze: Iterable[dict], dialekt) -> Iterator[str]:
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
        _csv_rows(saetze, offene_daten.DIALEKTE[dialekt]),
        "text/csv; charset=utf-8",
        _filename(kreis, endung),
    )


def _json_teile(saetze: Iterable[dict], kopf: dict) -> Iterator[str]:
    kopf_text = json.dumps(kopf, ensure_ascii=False, indent=None)
    yield kopf_text[:-1] + ', "massnahmen": ['
    for index, satz in enumerate(saetze):
        satz = {schluessel: _json_value(wert) for schluessel, wert in satz.items()}
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
        _json_teile(saetze, kopf), "application/json; charset=utf-8", _filename(kreis, "json")
    )


# --- the other tables and the DCAT-AP.de catalogue --------------------------------------------


@require_safe
@oeffentlich_cache
@download_bedingt
def tabelle_csv(request, schluessel: str, dialekt: str = "maschine"):
    """Kennzahlen, OZG coverage or funding totals as CSV, in the same two dialects as the
    Maßnahmen."""
    tabelle = offene_daten.TABELLEN[schluessel]
    kreis = kreis_from_request(request)
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

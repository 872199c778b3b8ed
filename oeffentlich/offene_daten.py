"""The open-data tables besides the Maßnahmen: Kennzahlen, OZG coverage, Förderung totals.

Each table is a list of typed records (str, int, Decimal, date) per Kreis; the CSV writer
turns them into one of two dialects (`DIALEKTE`):

- `maschine`: RFC 4180 — UTF-8 without BOM, comma, ISO dates, decimal point. For harvesters
  and scripts; the DCAT catalogue points to it first.
- `excel`: what German Excel and LibreOffice open with a double click, the same conventions
  as the portal's internal exports (massnahmen.exports) — UTF-8 with BOM, semicolon,
  dates TT.MM.JJJJ, decimal comma.

Only what the public side may show: Kennzahlen of published Ziele only, OZG and funding
only as counts and sums (no Aktenzeichen, no recipient's contact, no person).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from core.quartal import Quartal
from dashboards.auswertung import abruf_quote, kreise_with_summen
from foerderung.models import Foerderbescheid, Mittelabruf
from handlungsfelder.models import Kennzahl, KennzahlWert
from handlungsfelder.services import evaluate
from kommunen.models import Kommune, Kreis
from massnahmen.exports import neutralise
from ozg.models import OzgLeistung, Umsetzungsstand


@dataclass(frozen=True)
class Dialekt:
    """How a CSV file is written (see module doc)."""

    name: str
    trenner: str
    bom: bool
    dezimal: str
    datum: Callable[[dt.date], str]
    zeit: Callable[[dt.datetime], str]
    beschreibung: str


DIALEKTE = {
    "maschine": Dialekt(
        name="maschine",
        trenner=",",
        bom=False,
        dezimal=".",
        datum=lambda d: d.isoformat(),
        zeit=lambda t: t.isoformat(),
        beschreibung="RFC 4180: UTF-8 ohne BOM, Komma als Trennzeichen, Datum JJJJ-MM-TT, "
        "Dezimalpunkt",
    ),
    "excel": Dialekt(
        name="excel",
        trenner=";",
        bom=True,
        dezimal=",",
        datum=lambda d: d.strftime("%d.%m.%Y"),
        zeit=lambda t: timezone.localtime(t).strftime("%d.%m.%Y %H:%M"),
        beschreibung="für Excel und LibreOffice: UTF-8 mit BOM, Semikolon als Trennzeichen, "
        "Datum TT.MM.JJJJ, Dezimalkomma",
    ),
}


def zelle(wert, dialekt: Dialekt) -> str:
    """One CSV cell: None empty, numbers and dates in the dialect, text neutralised
    against formula injection (a leading =, +, -, @ is quoted)."""
    if wert is None:
        return ""
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, dt.datetime):
        return dialekt.zeit(wert)
    if isinstance(wert, dt.date):
        return dialekt.datum(wert)
    if isinstance(wert, Decimal | float):
        return str(wert).replace(".", dialekt.dezimal)
    if isinstance(wert, int):
        return str(wert)
    return neutralise(str(wert))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_zeilen(kopf: list[str], saetze: Iterable[Iterable], dialekt: Dialekt) -> Iterator[str]:
    """The CSV file line by line (streams; nothing held in memory)."""
    writer = csv.writer(_Echo(), delimiter=dialekt.trenner, lineterminator="\r\n")
    yield ("\ufeff" if dialekt.bom else "") + writer.writerow(kopf)
    for satz in saetze:
        yield writer.writerow([zelle(v, dialekt) for v in satz])


@dataclass(frozen=True)
class Tabelle:
    """One open-data table: its columns (key, description) and its records for a Kreis."""

    schluessel: str
    titel: str
    beschreibung: str
    felder: tuple[tuple[str, str], ...]
    saetze: Callable[[Kreis | None], Iterator[tuple]]
    stichworte: tuple[str, ...]

    @property
    def kopf(self) -> list[str]:
        return [schluessel for schluessel, _ in self.felder]


# Title, description, columns and keywords of every table, as data (the texts the DCAT-AP.de
# catalogue shows, edited without touching code).
BESCHREIBUNGEN = Path(settings.BASE_DIR) / "data" / "offene_daten" / "tabellen.yaml"


@functools.cache
def _beschreibungen() -> dict:
    return yaml.safe_load(BESCHREIBUNGEN.read_text(encoding="utf-8"))


def _tabelle(schluessel: str, saetze: Callable[[Kreis | None], Iterator[tuple]]) -> Tabelle:
    """The table `schluessel` of data/offene_daten/tabellen.yaml with its records' source."""
    eintrag = _beschreibungen()[schluessel]
    return Tabelle(
        schluessel=schluessel,
        titel=eintrag["titel"],
        beschreibung=eintrag["beschreibung"],
        felder=tuple(eintrag["felder"].items()),
        saetze=saetze,
        stichworte=tuple(eintrag["stichworte"]),
    )


def _zwei(wert: Decimal | None) -> Decimal | None:
    return None if wert is None else wert.quantize(Decimal("0.01"))


# --- Kennzahlen ------------------------------------------------------------------------------


def kennzahlen_saetze(kreis: Kreis | None) -> Iterator[tuple]:
    """One record per measured value of a Kennzahl of a published Ziel (derived Kennzahlen
    with the values the portal computes, as on the public strategy page)."""
    kennzahlen = Kennzahl.objects.filter(ziel__veroeffentlicht=True).select_related(
        "ziel__kreis", "ziel__handlungsfeld"
    )
    if kreis is not None:
        kennzahlen = kennzahlen.filter(ziel__kreis=kreis)
    kennzahlen = list(kennzahlen.order_by("ziel__kreis_id", "ziel__handlungsfeld__nummer", "pk"))
    verlaeufe = evaluate(kennzahlen)
    kreis_ids = {k.ziel.kreis_id for k in kennzahlen}
    kommunen = {k.pk: k for k in Kommune.objects.filter(kreis_id__in=kreis_ids)}
    for kennzahl in kennzahlen:
        ziel = kennzahl.ziel
        kopf = (
            ziel.kreis_id,
            ziel.kreis.name,
            ziel.handlungsfeld.kurzname,
            ziel.titel,
            kennzahl.name,
            kennzahl.einheit_display,
            kennzahl.get_richtung_display(),
            _zwei(kennzahl.basiswert),
            kennzahl.basisdatum,
            _zwei(kennzahl.zielwert),
            kennzahl.zieldatum,
        )
        for quartal, kommune_id, wert in _values(verlaeufe[kennzahl.pk], kennzahl):
            kommune = kommunen.get(kommune_id)
            yield (
                *kopf,
                str(quartal),
                kommune.ags if kommune else "",
                kommune.name if kommune else "",
                _zwei(wert),
            )


def _values(verlauf, kennzahl: Kennzahl) -> Iterator[tuple[Quartal, int | None, Decimal]]:
    """(quarter, Kommune id or None, value) of a Kennzahl's evaluation, in quarter order:
    per Kommune where it is measured there, else the Kreis value."""
    if kennzahl.ebene == Kennzahl.Ebene.KOMMUNE:
        zeilen = [
            (Quartal.parse(q), kommune_id, wert)
            for kommune_id, werte in verlauf.je_kommune.items()
            for q, wert in werte.items()
            if wert is not None
        ]
        yield from sorted(zeilen, key=lambda z: (z[0], z[1]))
        return
    for stand in verlauf.staende:
        if stand.ist is not None and not stand.zukuenftig:
            yield stand.quartal, None, stand.ist


KENNZAHLEN = _tabelle("kennzahlen", kennzahlen_saetze)


# --- OZG coverage ----------------------------------------------------------------------------


def ozg_saetze(kreis: Kreis | None) -> Iterator[tuple]:
    """One record per Kommune: how many OZG services of the catalogue it offers online."""
    katalog = OzgLeistung.objects.count()
    kommunen = Kommune.objects.select_related("kreis").annotate(
        online_n=Count("umsetzungsstaende", filter=Q(umsetzungsstaende__online=True)),
        bewertet_n=Count("umsetzungsstaende"),
        stand=Max("umsetzungsstaende__geaendert_am"),
    )
    if kreis is not None:
        kommunen = kommunen.filter(kreis=kreis)
    for k in kommunen.order_by("kreis_id", "ags"):
        anteil = (Decimal(100 * k.online_n) / katalog).quantize(Decimal("0.1")) if katalog else None
        yield (
            k.kreis_id,
            k.kreis.name,
            k.ags,
            k.name,
            katalog,
            k.bewertet_n,
            k.online_n,
            anteil,
            k.stand.date() if k.stand else None,
        )


OZG = _tabelle("ozg", ozg_saetze)


# --- Förderung totals ------------------------------------------------------------------------


def foerderung_saetze(kreis: Kreis | None) -> Iterator[tuple]:
    """One record per Kreis with Förderbescheide: count, granted and drawn-down sums."""
    mit_bescheiden = Foerderbescheid.objects.values("kreis_id")
    if kreis is not None:
        mit_bescheiden = mit_bescheiden.filter(kreis=kreis)
    for k in kreise_with_summen(mit_bescheiden.distinct()):
        yield (
            k.ags,
            k.name,
            k.anzahl_bescheide,
            _zwei(Decimal(k.bewilligt)),
            _zwei(Decimal(k.abgerufen)),
            None if abruf_quote(k) is None else Decimal(str(abruf_quote(k))),
            Quartal.current().ende,
        )


FOERDERUNG = _tabelle("foerderung", foerderung_saetze)

TABELLEN = {t.schluessel: t for t in (KENNZAHLEN, OZG, FOERDERUNG)}


# --- what the catalogue says about them --------------------------------------------------------


@dataclass(frozen=True)
class Bestand:
    """A Kreis's part of one table: first and last change (for dct:issued / dct:modified)."""

    kreis_id: str
    kreis_name: str
    kreis_typ: str
    erstellt: dt.datetime
    geaendert: dt.datetime


def _bestaende(qs, kreis_feld: str) -> dict[str, Bestand]:
    zeilen = (
        qs.order_by()
        .values(kreis_feld, f"{kreis_feld.removesuffix('_id')}__name")
        .annotate(
            typ=Max(f"{kreis_feld.removesuffix('_id')}__typ"),
            erstellt=Min("erstellt_am"),
            geaendert=Max("geaendert_am"),
        )
    )
    return {
        z[kreis_feld]: Bestand(
            kreis_id=z[kreis_feld],
            kreis_name=z[f"{kreis_feld.removesuffix('_id')}__name"],
            kreis_typ=z["typ"],
            erstellt=z["erstellt"],
            geaendert=z["geaendert"],
        )
        for z in zeilen
    }


def _changed_later(bestand: dict[str, Bestand], qs, kreis_feld: str) -> None:
    """Move a Kreis's dct:modified forward to the newest change among related rows."""
    for z in qs.order_by().values(kreis_feld).annotate(geaendert=Max("geaendert_am")):
        alt = bestand.get(z[kreis_feld])
        if alt and z["geaendert"] > alt.geaendert:
            bestand[alt.kreis_id] = Bestand(**{**alt.__dict__, "geaendert": z["geaendert"]})


def bestaende() -> dict[str, dict[str, Bestand]]:
    """Per table, the Kreise with data in it (five grouped queries)."""
    kennzahlen = _bestaende(Kennzahl.objects.filter(ziel__veroeffentlicht=True), "ziel__kreis_id")
    _changed_later(
        kennzahlen,
        KennzahlWert.objects.filter(kennzahl__ziel__veroeffentlicht=True),
        "kennzahl__ziel__kreis_id",
    )
    ozg = _bestaende(Umsetzungsstand.objects.all(), "kommune__kreis_id")
    foerderung = _bestaende(Foerderbescheid.objects.all(), "kreis_id")
    # A drawdown changes the sums too.
    _changed_later(foerderung, Mittelabruf.objects.all(), "bescheid__kreis_id")
    return {"kennzahlen": kennzahlen, "ozg": ozg, "foerderung": foerderung}

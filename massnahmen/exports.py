"""CSV and XLSX export of Maßnahmen, and the one column spec that export and import share.

The spec (`SPALTEN`) names each column, the model field behind it, its kind and how a
Maßnahme shows in it. The export writes exactly these columns; the import
(massnahmen/imports.py) reads the same headers back, so an exported file can be edited in a
spreadsheet and uploaded again.

People read names, the import needs keys: Kreis, Lebensbereiche, Federführung and Beteiligte
each have a name column ("Detmold", "Gesellschaft und Soziales") and, right after it, a code
column ("Federführung (AGS)", "Lebensbereiche (Schlüssel)"). The import reads the code column
and checks that the name column agrees; where one of the two is empty the other one counts.

Both formats follow what German office software expects: the CSV is UTF-8 with BOM,
`;`-separated, with dates as `TT.MM.JJJJ` and decimals with a comma; the XLSX has real number
and date cells. Text that a spreadsheet would run as a formula is neutralised (`neutralisieren`).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db.models import Prefetch, QuerySet

from core.formatting import zahl

from .models import Ampel, Massnahme, Sichtbarkeit

# --- the column spec ----------------------------------------------------------------------


class Art(enum.Enum):
    """How a column's values are written and read."""

    TEXT = "text"
    GANZZAHL = "ganzzahl"
    BETRAG = "betrag"
    DATUM = "datum"
    JA_NEIN = "ja_nein"
    LISTE = "liste"  # several keys, comma-separated


AMPEL_KURZ = {Ampel.GRUEN: "grün", Ampel.GELB: "gelb", Ampel.ROT: "rot"}
SICHTBARKEIT_KURZ = {
    Sichtbarkeit.KREIS: "Kreis",
    Sichtbarkeit.REGION: "Region",
    Sichtbarkeit.OEFFENTLICH: "öffentlich",
}
JA, NEIN = "ja", "nein"
LISTEN_TRENNER = ", "


@dataclass(frozen=True)
class Spalte:
    """One column of the export and import file."""

    titel: str  # the header, exactly as written in the file
    feld: str  # model field (or "kreis"/"id"); the import maps errors back by it
    art: Art
    wert: Callable[[Massnahme], Any]  # the typed value of a Maßnahme in this column
    hilfe: str  # what the import accepts (shown on the import page)
    breite: int = 14  # XLSX column width
    # True for the name column of a field that also has a code column (same `feld`).
    anzeige: bool = False


def _ziel(m: Massnahme) -> str:
    return m.ziel.titel if m.ziel_id else ""


def _kommune(m: Massnahme) -> str:
    return m.federfuehrend.ags if m.federfuehrend_id else ""


def _liste(values: Iterable[str]) -> str:
    return LISTEN_TRENNER.join(sorted(values))


def _namen(objekte: Iterable, code: str) -> str:
    """The names, in the order of their codes (so both columns list them alike)."""
    return LISTEN_TRENNER.join(o.name for o in sorted(objekte, key=lambda o: getattr(o, code)))


def _verknuepft(m: Massnahme, feld: str) -> Iterable:
    """The related objects, from `export_queryset`'s prefetch when there is one."""
    vorab = getattr(m, f"_export_{feld}", None)
    return vorab if vorab is not None else getattr(m, feld).all()


_PAAR_HILFE = (
    "Sind beide Spalten ausgefüllt, müssen sie übereinstimmen; ist eine davon leer, gilt die "
    "andere."
)


def _listenpaar(
    titel: str, feld: str, code: str, code_titel: str, name_hilfe: str, code_hilfe: str
) -> tuple[Spalte, Spalte]:
    """The name column and the code column of a many-to-many field, listed alike."""
    return (
        Spalte(
            titel,
            feld,
            Art.LISTE,
            lambda m: _namen(_verknuepft(m, feld), code),
            name_hilfe,
            30,
            anzeige=True,
        ),
        Spalte(
            f"{titel} ({code_titel})",
            feld,
            Art.LISTE,
            lambda m: _liste(getattr(o, code) for o in _verknuepft(m, feld)),
            f"{code_hilfe} {_PAAR_HILFE}",
            24,
        ),
    )


SPALTEN: tuple[Spalte, ...] = (
    Spalte(
        "ID",
        "id",
        Art.GANZZAHL,
        lambda m: m.pk,
        "Leer lassen für eine neue Maßnahme; mit ID wird die bestehende Maßnahme geändert.",
        8,
    ),
    Spalte(
        "Kreis",
        "kreis",
        Art.TEXT,
        lambda m: m.kreis.name if m.kreis_id else "",
        "Name des Kreises; leer = der Kreis des Imports.",
        12,
        anzeige=True,
    ),
    Spalte(
        "Kreis (AGS)",
        "kreis",
        Art.TEXT,
        lambda m: m.kreis_id,
        "Amtlicher Gemeindeschlüssel (AGS) des Kreises; leer = der Kreis des Imports.",
        8,
    ),
    Spalte(
        "Titel", "titel", Art.TEXT, lambda m: m.titel, "Pflichtangabe, höchstens 250 Zeichen.", 45
    ),
    Spalte("Beschreibung", "beschreibung", Art.TEXT, lambda m: m.beschreibung, "Freitext.", 60),
    Spalte(
        "Handlungsfeld",
        "handlungsfeld",
        Art.TEXT,
        lambda m: m.handlungsfeld.kurzname,
        "Pflichtangabe: Nummer (1–4) oder Kurzname des Handlungsfelds.",
        30,
    ),
    *_listenpaar(
        "Lebensbereiche",
        "lebensbereiche",
        "schluessel",
        "Schlüssel",
        "Namen der Lebensbereiche, durch Komma getrennt, z. B. „Verwaltung, Mobilität“.",
        "Schlüssel der Lebensbereiche, durch Komma getrennt, z. B. „verwaltung, mobilitaet“.",
    ),
    Spalte(
        "Ziel",
        "ziel",
        Art.TEXT,
        _ziel,
        "Titel (oder ID) eines Ziels des Kreises im selben Handlungsfeld; leer = kein Ziel.",
        30,
    ),
    Spalte(
        "Federführung",
        "federfuehrend",
        Art.TEXT,
        lambda m: m.federfuehrung_anzeige,
        "Name der federführenden Kommune; „Kreis …“ (z. B. „Kreis Lippe“) oder leer = der "
        "Kreis selbst.",
        18,
        anzeige=True,
    ),
    Spalte(
        "Federführung (AGS)",
        "federfuehrend",
        Art.TEXT,
        _kommune,
        "AGS (8 Ziffern) der federführenden Kommune; sind beide Spalten zur Federführung leer, "
        "ist der Kreis selbst federführend. " + _PAAR_HILFE,
        14,
    ),
    *_listenpaar(
        "Beteiligte",
        "beteiligte",
        "ags",
        "AGS",
        "Namen der beteiligten Kommunen, durch Komma getrennt.",
        "AGS der beteiligten Kommunen, durch Komma getrennt.",
    ),
    Spalte(
        "Status",
        "status",
        Art.TEXT,
        lambda m: m.get_status_display(),
        "Eines von: " + ", ".join(str(label) for _, label in Massnahme.Status.choices) + ".",
        14,
    ),
    Spalte(
        "Fortschritt",
        "fortschritt",
        Art.GANZZAHL,
        lambda m: m.fortschritt,
        "Ganze Zahl von 0 bis 100 (Prozent).",
        11,
    ),
    Spalte(
        "Ampel",
        "ampel",
        Art.TEXT,
        lambda m: AMPEL_KURZ.get(m.ampel, m.ampel),
        "grün, gelb oder rot.",
        8,
    ),
    Spalte("Beginn", "beginn", Art.DATUM, lambda m: m.beginn, "Datum als TT.MM.JJJJ.", 12),
    Spalte(
        "geplantes Ende",
        "ende_geplant",
        Art.DATUM,
        lambda m: m.ende_geplant,
        "Datum als TT.MM.JJJJ, nicht vor dem Beginn.",
        14,
    ),
    Spalte(
        "tatsächliches Ende",
        "ende_tatsaechlich",
        Art.DATUM,
        lambda m: m.ende_tatsaechlich,
        "Datum als TT.MM.JJJJ; Pflicht, wenn der Status „abgeschlossen“ ist.",
        16,
    ),
    Spalte(
        "Budget",
        "budget",
        Art.BETRAG,
        lambda m: m.budget,
        "Betrag in Euro, z. B. 12500,00; leer = kein Budget angegeben.",
        14,
    ),
    Spalte(
        "Sichtbarkeit",
        "sichtbarkeit",
        Art.TEXT,
        lambda m: SICHTBARKEIT_KURZ[m.sichtbarkeit],
        "Kreis, Region oder öffentlich (öffentlich: auf der Transparenzseite zeigen).",
        12,
    ),
    Spalte("archiviert", "archiviert", Art.JA_NEIN, lambda m: m.archiviert, "ja oder nein.", 10),
    Spalte(
        "übernommen von (ID)",
        "nachnutzung_von",
        Art.GANZZAHL,
        lambda m: m.nachnutzung_von_id,
        "ID der Maßnahme, deren Lösung nachgenutzt wird (Einer für Alle); sonst leer.",
        12,
    ),
    Spalte(
        "Version",
        "version",
        Art.GANZZAHL,
        lambda m: m.version,
        "Aus dem Export übernehmen: Wurde die Maßnahme seitdem geändert, wird die Zeile "
        "abgelehnt, statt die neuere Änderung zu überschreiben. Leer = nicht prüfen.",
        9,
    ),
)

KOPFZEILE: tuple[str, ...] = tuple(s.titel for s in SPALTEN)


def export_queryset(queryset: QuerySet[Massnahme]) -> QuerySet[Massnahme]:
    """What one export row reads, loaded in a fixed number of queries."""
    # to_attr: plain lists, without a manager and queryset per row (a third of the time).
    return queryset.select_related(
        "kreis", "handlungsfeld", "federfuehrend", "ziel"
    ).prefetch_related(
        Prefetch("lebensbereiche", to_attr="_export_lebensbereiche"),
        Prefetch("beteiligte", to_attr="_export_beteiligte"),
    )


# --- formula injection ----------------------------------------------------------------------

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and CR,
# strips them and then does). OWASP "CSV Injection".
FORMEL_ZEICHEN = ("=", "+", "-", "@", "\t", "\r")


def ist_gefaehrlich(text: str) -> bool:
    """True for text a spreadsheet might evaluate as a formula."""
    return text.startswith(FORMEL_ZEICHEN)


def neutralisieren(text: str) -> str:
    """Prefix `'` so the cell stays text: `=1+1` → `'=1+1`.

    Text that already starts with `'` followed by a formula character (or another `'`) gets
    one more, so that `entneutralisieren` restores every value exactly.
    """
    if ist_gefaehrlich(text) or (
        len(text) > 1 and text[0] == "'" and (text[1] == "'" or ist_gefaehrlich(text[1:]))
    ):
        return "'" + text
    return text


def entneutralisieren(text: str) -> str:
    """The inverse of `neutralisieren`, used by the import."""
    if len(text) > 1 and text[0] == "'" and (text[1] == "'" or ist_gefaehrlich(text[1:])):
        return text[1:]
    return text


# --- CSV --------------------------------------------------------------------------------------

CSV_TRENNER = ";"
BOM = "\ufeff"


def datum_de(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def csv_wert(spalte: Spalte, value: Any) -> str:
    """One cell of the CSV file as German Excel reads it."""
    if value is None or value == "":
        return ""
    if spalte.art is Art.DATUM:
        return datum_de(value)
    if spalte.art is Art.BETRAG:
        # no thousands dots: German Excel reads `1234,50` back as a number
        return zahl(value, 2, tausender=False)
    if spalte.art is Art.JA_NEIN:
        return JA if value else NEIN
    if spalte.art is Art.GANZZAHL:
        return str(value)
    return neutralisieren(str(value))


class _Zeilenpuffer:
    """A file-like object whose `write` returns what it was given (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_zeilen(massnahmen: Iterable[Massnahme]) -> Iterator[str]:
    """The CSV file line by line: BOM and header first; streams without holding the list."""
    writer = csv.writer(_Zeilenpuffer(), delimiter=CSV_TRENNER, lineterminator="\r\n")
    yield BOM + writer.writerow(KOPFZEILE)
    for massnahme in massnahmen:
        yield writer.writerow([csv_wert(s, s.wert(massnahme)) for s in SPALTEN])


# --- XLSX -------------------------------------------------------------------------------------

XLSX_DATUM = "DD.MM.YYYY"
XLSX_BETRAG = '#,##0.00 "€"'
XLSX_GANZZAHL = "0"
XLSX_BLATT = "Maßnahmen"

# Characters XML 1.0 cannot hold; openpyxl refuses them.
_XML_UNGUELTIG = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _spaltenbuchstabe(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def xlsx_schreiben(massnahmen: Iterable[Massnahme], ziel: BinaryIO) -> int:
    """Write the workbook to `ziel`; returns the number of data rows.

    Uses openpyxl's write-only mode, so memory stays flat for long lists.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(XLSX_BLATT)
    sheet.freeze_panes = "A2"
    for index, spalte in enumerate(SPALTEN, start=1):
        sheet.column_dimensions[_spaltenbuchstabe(index)].width = spalte.breite
    fett = Font(bold=True)

    def kopf(titel: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=titel)
        cell.font = fett
        return cell

    sheet.append([kopf(s.titel) for s in SPALTEN])

    def zelle(spalte: Spalte, value: Any) -> WriteOnlyCell | None:
        if value is None or value == "":
            return None
        if spalte.art is Art.DATUM:
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = XLSX_DATUM
            return cell
        if spalte.art is Art.BETRAG:
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = XLSX_BETRAG
            return cell
        if spalte.art is Art.GANZZAHL:
            cell = WriteOnlyCell(sheet, value=int(value))
            cell.number_format = XLSX_GANZZAHL
            return cell
        if spalte.art is Art.JA_NEIN:
            return WriteOnlyCell(sheet, value=JA if value else NEIN)
        text = _XML_UNGUELTIG.sub("", str(value))
        if ist_gefaehrlich(text):
            # openpyxl would store "=…" as a formula: force a plain string, and mark it with
            # quotePrefix so that editing the cell in Excel/LibreOffice keeps it text too.
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        # The import strips a protective "'" from XLSX cells as from CSV cells (a CSV export
        # saved as XLSX by a spreadsheet keeps it as text): text that starts with one
        # gets one more, so it comes back unchanged.
        return WriteOnlyCell(sheet, value=neutralisieren(text))

    anzahl = 0
    for massnahme in massnahmen:
        sheet.append([zelle(s, s.wert(massnahme)) for s in SPALTEN])
        anzahl += 1
    sheet.auto_filter.ref = f"A1:{_spaltenbuchstabe(len(SPALTEN))}{anzahl + 1}"
    workbook.save(ziel)
    return anzahl


def xlsx_datei(massnahmen: Iterable[Massnahme]) -> BinaryIO:
    """The workbook in a temporary file (in memory up to 10 MB), positioned at its start."""
    datei = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    xlsx_schreiben(massnahmen, datei)
    datei.seek(0)
    return datei

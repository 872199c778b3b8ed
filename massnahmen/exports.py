"""CSV and XLSX export of Maßnahmen.

The export writes exactly the file columns of `MassnahmeTable` (massnahmen/tables.py,
`export_columns`); the import (massnahmen/imports.py) reads the same headers back, so an
exported file can be edited in a spreadsheet and uploaded again.

Both formats follow what German office software expects: the CSV is UTF-8 with BOM,
`;`-separated, with dates as `TT.MM.JJJJ` and decimals with a comma; the XLSX has real number
and date cells. Text that a spreadsheet would run as a formula is neutralised (`neutralise`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.db.models import Prefetch, QuerySet

from core.formatting import zahl

from .models import Massnahme
from .tables import JA, KOPFZEILE, NEIN, Art, FileColumn, MassnahmeTable

# The file's columns, in their order.
SPALTEN: tuple[FileColumn, ...] = MassnahmeTable.export_columns


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


def is_dangerous(text: str) -> bool:
    """True for text a spreadsheet might evaluate as a formula."""
    return text.startswith(FORMEL_ZEICHEN)


def neutralise(text: str) -> str:
    """Prefix `'` so the cell stays text: `=1+1` → `'=1+1`.

    Text that already starts with `'` followed by a formula character (or another `'`) gets
    one more, so that `unneutralise` restores every value exactly.
    """
    if is_dangerous(text) or (
        len(text) > 1 and text[0] == "'" and (text[1] == "'" or is_dangerous(text[1:]))
    ):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """The inverse of `neutralise`, used by the import."""
    if len(text) > 1 and text[0] == "'" and (text[1] == "'" or is_dangerous(text[1:])):
        return text[1:]
    return text


# --- CSV --------------------------------------------------------------------------------------

CSV_TRENNER = ";"
BOM = "\ufeff"


def datum_de(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def csv_wert(spalte: FileColumn, value: Any) -> str:
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
    return neutralise(str(value))


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


def write_xlsx(massnahmen: Iterable[Massnahme], ziel: BinaryIO) -> int:
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

    def zelle(spalte: FileColumn, value: Any) -> WriteOnlyCell | None:
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
        if is_dangerous(text):
            # openpyxl would store "=…" as a formula: force a plain string, and mark it with
            # quotePrefix so that editing the cell in Excel/LibreOffice keeps it text too.
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        # The import strips a protective "'" from XLSX cells as from CSV cells (a CSV export
        # saved as XLSX by a spreadsheet keeps it as text): text that starts with one
        # gets one more, so it comes back unchanged.
        return WriteOnlyCell(sheet, value=neutralise(text))

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
    write_xlsx(massnahmen, datei)
    datei.seek(0)
    return datei

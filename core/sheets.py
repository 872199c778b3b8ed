"""Bounds of an uploaded XLSX workbook, checked before any spreadsheet library reads it.

An XLSX file is a ZIP of XML parts. A few kilobytes can declare a sheet of 1,048,576 rows ×
16,384 columns (`<dimension ref="A1:XFD1048576"/>`) or hold one cell at `XFD1048576`, and a
reader that fills the gaps with empty cells walks billions of them. `check_xlsx_limits`
looks only at the ZIP directory and streams the worksheet XML once through a regular
expression (C speed, no objects per cell), so it costs milliseconds per megabyte and refuses:

- more unpacked bytes than `max_bytes` (the sizes in the ZIP directory bound what zipfile
  unpacks, so they cannot be understated);
- a declared dimension or a cell reference beyond `max_zeilen` rows or `max_spalten` columns
  (empty rows count: a cell in row 1,000,000 makes a sheet of a million rows);
- more cells than `max_zellen`.

The messages are German and meant for the user.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .formatting import zahl

_LESEBLOCK = 1024 * 1024
# `<dimension ref="A1:XFD1048576"/>`, possibly with a namespace prefix.
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*["\']([^"\']*)["\']')
# The start tag of a cell, `<c r="B7" …>` or `<c>`; group 1 is the reference if it has one.
_ZELLE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])(?:[^>]*?\br\s*=\s*["\']([^"\']*)["\'])?')
# `<row r="1048576" …>`: an empty row far down makes the sheet that long for a reader, too.
_ZEILE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])[^>]*?\br\s*=\s*["\']([0-9]{1,9})["\']')
_BEZUG = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})")


class SheetTooLarge(Exception):
    """The workbook exceeds a bound; the message is German."""


@dataclass(frozen=True)
class Umfang:
    """What the check saw: unpacked bytes, and the extent of the largest worksheet."""

    bytes_entpackt: int
    zeilen: int
    spalten: int
    zellen: int


def column_number(buchstaben: str) -> int:
    """`A` → 1, `Z` → 26, `AA` → 27, `XFD` → 16384."""
    nummer = 0
    for zeichen in buchstaben.upper():
        nummer = nummer * 26 + (ord(zeichen) - ord("A") + 1)
    return nummer


def _bezug(text: str) -> tuple[int, int] | None:
    """(row, column) of a cell reference such as `XFD1048576`, None if it is none."""
    treffer = _BEZUG.fullmatch(text.strip())
    if treffer is None:
        return None
    return int(treffer.group(2)), column_number(treffer.group(1))


def _worksheets(mappe: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Every worksheet part of the package. By content type when [Content_Types].xml names
    them (a sheet may live at any path), else by the usual location."""
    namen = {info.filename: info for info in mappe.infolist()}
    blaetter: list[zipfile.ZipInfo] = []
    typen = namen.get("[Content_Types].xml")
    if typen is not None and typen.file_size <= 1024 * 1024:
        inhalt = mappe.read(typen)
        for treffer in re.finditer(rb"<Override\b[^>]*>", inhalt):
            tag = treffer.group(0)
            if b"spreadsheetml.worksheet+xml" not in tag:
                continue
            teil = re.search(rb'PartName\s*=\s*["\']/?([^"\']+)["\']', tag)
            if teil is not None:
                info = namen.get(teil.group(1).decode("utf-8", "replace"))
                if info is not None:
                    blaetter.append(info)
    gesehen = {info.filename for info in blaetter}
    for name, info in namen.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and name not in gesehen:
            blaetter.append(info)
    return blaetter


def check_xlsx_limits(
    inhalt: bytes, *, max_zeilen: int, max_spalten: int, max_zellen: int, max_bytes: int
) -> Umfang:
    """Refuse a workbook beyond the bounds (see the module docstring); returns its extent.

    `max_zeilen` counts the header row. Raises `SheetTooLarge`; a file that is no ZIP at all
    raises `zipfile.BadZipFile` (the caller has its own message for that).
    """
    with zipfile.ZipFile(io.BytesIO(inhalt)) as mappe:
        entpackt = sum(info.file_size for info in mappe.infolist())
        if entpackt > max_bytes:
            raise SheetTooLarge(
                f"Die Arbeitsmappe ist entpackt zu groß ({zahl(entpackt // (1024 * 1024))} MB, "
                f"höchstens {zahl(max_bytes // (1024 * 1024))} MB). Bitte teilen Sie sie auf."
            )
        zeilen = spalten = zellen = 0
        for blatt in _worksheets(mappe):
            z, s, n = _check_sheet(
                mappe, blatt, max_zeilen=max_zeilen, max_spalten=max_spalten, max_zellen=max_zellen
            )
            zeilen, spalten, zellen = max(zeilen, z), max(spalten, s), max(zellen, n)
    return Umfang(bytes_entpackt=entpackt, zeilen=zeilen, spalten=spalten, zellen=zellen)


def _too_many_rows(max_zeilen: int) -> SheetTooLarge:
    return SheetTooLarge(
        f"Das Tabellenblatt reicht über mehr als {zahl(max_zeilen - 1)} Zeilen (leere Zeilen "
        "zählen mit). Bitte löschen Sie leere Zeilen unter der Tabelle oder teilen Sie sie auf."
    )


def _too_many_columns(max_spalten: int) -> SheetTooLarge:
    return SheetTooLarge(
        f"Das Tabellenblatt reicht über mehr als {zahl(max_spalten)} Spalten, die Importdatei "
        "kennt nicht so viele. Bitte löschen Sie leere Spalten rechts der Tabelle."
    )


def _limits(zeile: int, spalte: int, *, max_zeilen: int, max_spalten: int) -> SheetTooLarge | None:
    if zeile > max_zeilen:
        return _too_many_rows(max_zeilen)
    if spalte > max_spalten:
        return _too_many_columns(max_spalten)
    return None


def _check_sheet(
    mappe: zipfile.ZipFile,
    blatt: zipfile.ZipInfo,
    *,
    max_zeilen: int,
    max_spalten: int,
    max_zellen: int,
) -> tuple[int, int, int]:
    zeilen = spalten = zellen = 0
    dimension_gesehen = False
    rest = b""
    with mappe.open(blatt) as datei:
        while True:
            block = datei.read(_LESEBLOCK)
            daten = rest + block
            if block:
                # Keep an unfinished tag for the next block.
                schnitt = daten.rfind(b"<")
                daten, rest = (daten[:schnitt], daten[schnitt:]) if schnitt > 0 else (daten, b"")
            if not dimension_gesehen:
                treffer = _DIMENSION.search(daten)
                if treffer is not None:
                    dimension_gesehen = True
                    ende = treffer.group(1).decode("ascii", "replace").split(":")[-1]
                    bezug = _bezug(ende)
                    if bezug is not None:
                        fehler = _limits(*bezug, max_zeilen=max_zeilen, max_spalten=max_spalten)
                        if fehler is not None:
                            raise fehler
            for treffer in _ZELLE.finditer(daten):
                zellen += 1
                if treffer.group(1) is not None:
                    bezug = _bezug(treffer.group(1).decode("ascii", "replace"))
                    if bezug is not None:
                        zeile, spalte = bezug
                        zeilen, spalten = max(zeilen, zeile), max(spalten, spalte)
            for treffer in _ZEILE.finditer(daten):
                zeilen = max(zeilen, int(treffer.group(1)))
            fehler = _limits(zeilen, spalten, max_zeilen=max_zeilen, max_spalten=max_spalten)
            if fehler is not None:
                raise fehler
            if zellen > max_zellen:
                raise SheetTooLarge(
                    f"Das Tabellenblatt hat mehr als {zahl(max_zellen)} Zellen. Bitte teilen "
                    "Sie es auf."
                )
            if not block:
                break
    return zeilen, spalten, zellen

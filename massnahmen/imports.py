"""Reading and checking an import file of Maßnahmen (CSV or XLSX in the export's columns).

`read_tabelle` turns the uploaded bytes into a `Tabelle` or raises `DateiFehler` with a German
message for the upload field (wrong type, broken file, wrong encoding, unknown columns …).
`Pruefung` checks every row against the same rules as the Maßnahme form (the model's
`full_clean`) and against the Kreis of the import; it never writes. `schreiben` (used by
massnahmen/services.py inside one transaction) stores the checked rows in bulk, with history.

Row numbers are those a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import ngettext

from core.compat import DATUM_AUSSERHALB, FRUEHESTES_JAHR, SPAETESTES_JAHR
from core.formatting import zahl
from core.models import User
from handlungsfelder.models import Handlungsfeld, Lebensbereich, Ziel
from kommunen.models import Kommune, Kreis

from .exports import unneutralise
from .models import Ampel, Massnahme, Sichtbarkeit
from .signals import im_bulk_geschrieben
from .tables import (
    AMPEL_KURZ,
    LISTEN_TRENNER,
    SICHTBARKEIT_KURZ,
    FileColumn,
    MassnahmeTable,
)

# The columns the import expects: those the export writes, from the list's one declaration.
SPALTEN: tuple[FileColumn, ...] = MassnahmeTable.export_columns

ERLAUBTE_ENDUNGEN = (".csv", ".xlsx")
MAX_DATEIGROESSE = 20 * 1024 * 1024
# An XLSX file unpacked (XML is verbose; the export of 20,000 Maßnahmen is about 30 MB).
MAX_ENTPACKT = 64 * 1024 * 1024
# Columns a file may span: the export's, plus room for a few empty ones a spreadsheet keeps.
MAX_SPALTEN = len(SPALTEN) + 16
# Stored error entries per import; beyond this a summary entry says how many were left out.
MAX_FEHLER = 1000


def max_zeilen() -> int:
    return settings.MASSNAHMEN_IMPORT_MAX_ZEILEN


def max_zellen() -> int:
    """Cells a file may hold: every row (and the header) in the export's columns."""
    return (max_zeilen() + 1) * len(SPALTEN)


class DateiFehler(Exception):
    """The file as a whole cannot be read; the message is German and meant for the user."""


# --- reading the file -------------------------------------------------------------------------


def _normalisiert(text: str) -> str:
    """Header comparison: case, umlauts and spacing do not matter."""
    text = text.replace("\ufeff", "").strip().casefold()
    for umlaut, ersatz in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, ersatz)
    return re.sub(r"\s+", " ", text)


# Other headers people write for the same column.
_ALIASE = {
    "federfuehrend": "federfuehrend",
    "federfuehrende kommune": "federfuehrend",
    "beteiligte kommunen": "beteiligte",
    "budget (eur)": "budget",
    "budget in eur": "budget",
    "fortschritt in %": "fortschritt",
    "fortschritt (%)": "fortschritt",
    "uebernommen von": "nachnutzung_von",
    "nachnutzung von": "nachnutzung_von",
    "ende geplant": "ende_geplant",
    "ende tatsaechlich": "ende_tatsaechlich",
    # Files written before issue 15 had a yes/no column "veröffentlicht".
    "veroeffentlicht": "sichtbarkeit",
}
# The column a field's value is read from (its code column where it has two) …
_SPALTE_NACH_FELD = {s.feld: s for s in SPALTEN if not s.anzeige}
# … and the name column of the fields that also have one.
_ANZEIGE_NACH_FELD = {s.feld: s for s in SPALTEN if s.anzeige}
_SPALTE_NACH_KOPF = {_normalisiert(s.titel): s for s in SPALTEN} | {
    kopf: _SPALTE_NACH_FELD[feld] for kopf, feld in _ALIASE.items()
}


@dataclass
class Tabelle:
    """The rows of an import file, mapped to the column spec."""

    dateiname: str
    spalten: list[FileColumn | None]  # per position in the file; None = column without header
    zeilen: list[tuple[int, list[Any]]]  # (row number as shown in a spreadsheet, cell values)

    @property
    def felder(self) -> set[str]:
        return {s.feld for s in self.spalten if s is not None}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _kurz(value: Any, laenge: int = 60) -> str:
    """A cell value quoted in a message: long text cut, so the error list stays readable."""
    text = str(value)
    return text if len(text) <= laenge else text[: laenge - 1] + "…"


def _endung(dateiname: str) -> str:
    return os.path.splitext(dateiname or "")[1].lower()


_ZU_VIELE_ZEILEN = (
    "Die Datei hat mehr als {} Zeilen (leere Zeilen zählen mit). Bitte teilen Sie sie auf."
)


def precheck(inhalt: bytes, dateiname: str) -> int:
    """The checks that need no reading of rows: type, size and the bounds of the sheet
    (declared dimension, columns, rows including empty ones, cells, unpacked bytes).

    Cheap (milliseconds per megabyte), so it runs in the request before anything else and
    refuses an absurd file before a spreadsheet library walks it. Returns the file's extent in
    bytes (unpacked for XLSX), which decides whether the rows are checked in the request or
    by the Celery task. Raises `DateiFehler`.
    """
    endung = _endung(dateiname)
    if endung not in ERLAUBTE_ENDUNGEN:
        raise DateiFehler(
            "Bitte laden Sie eine CSV- oder XLSX-Datei hoch (Endung .csv oder .xlsx)."
        )
    if not inhalt:
        raise DateiFehler("Die Datei ist leer.")
    if len(inhalt) > MAX_DATEIGROESSE:
        raise DateiFehler(
            f"Die Datei ist zu groß (höchstens {MAX_DATEIGROESSE // (1024 * 1024)} MB)."
        )
    if endung == ".csv":
        # Counting separators and line breaks is a C loop. A line break inside a quoted
        # cell does not end a row, so only twice the row limit surely means too many rows
        # (reading counts them exactly and stops at the limit).
        if inhalt.count(b"\n") > 2 * (max_zeilen() + 1):
            raise DateiFehler(_ZU_VIELE_ZEILEN.format(zahl(max_zeilen())))
        if max(inhalt.count(t) for t in (b";", b",", b"\t")) > max_zellen():
            raise DateiFehler(
                f"Die Datei hat mehr als {zahl(max_zellen())} Zellen. Bitte teilen Sie sie auf."
            )
        return len(inhalt)
    return _precheck_xlsx(inhalt).bytes_entpackt


def _precheck_xlsx(inhalt: bytes):
    from core.sheets import SheetTooLarge, check_xlsx_limits

    # XLSX is a ZIP container; check that before anything reads it.
    if not zipfile.is_zipfile(io.BytesIO(inhalt)):
        raise DateiFehler(
            "Die Datei ist keine gültige XLSX-Arbeitsmappe. Bitte speichern Sie sie in Excel "
            "oder LibreOffice als „Excel-Arbeitsmappe (.xlsx)“."
        )
    try:
        return check_xlsx_limits(
            inhalt,
            max_zeilen=max_zeilen() + 1,
            max_spalten=MAX_SPALTEN,
            max_zellen=max_zellen(),
            max_bytes=MAX_ENTPACKT,
        )
    except SheetTooLarge as error:
        raise DateiFehler(str(error)) from error
    except Exception as error:  # noqa: BLE001 - zipfile raises many kinds on broken files
        raise DateiFehler(
            "Die XLSX-Datei ist beschädigt oder keine Excel-Arbeitsmappe und kann nicht "
            "gelesen werden."
        ) from error


def read_tabelle(inhalt: bytes, dateiname: str) -> Tabelle:
    """Read an uploaded CSV or XLSX file; raises `DateiFehler` for anything unreadable."""
    precheck(inhalt, dateiname)
    endung = _endung(dateiname)
    rohzeilen = _xlsx_rows(inhalt) if endung == ".xlsx" else _csv_rows(inhalt)
    return _tabelle(rohzeilen, dateiname)


def _xlsx_rows(inhalt: bytes) -> Iterable[Sequence[Any]]:
    from openpyxl import load_workbook

    try:
        # data_only: a formula someone typed counts with its last computed value, never as code.
        workbook = load_workbook(io.BytesIO(inhalt), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise DateiFehler("Die XLSX-Arbeitsmappe enthält kein Tabellenblatt.")
        rows = [
            # The export's protective "'" is text here too when a spreadsheet saved the CSV
            # export as XLSX: remove it as the CSV import does.
            [unneutralise(v) if isinstance(v, str) else v for v in row]
            # Bounded explicitly: openpyxl would otherwise pad every row to the declared
            # width and every gap up to the last declared row.
            for row in _begrenzt(
                workbook.worksheets[0].iter_rows(
                    max_col=MAX_SPALTEN, max_row=max_zeilen() + 2, values_only=True
                )
            )
        ]
        workbook.close()
        # As wide as the cells in use (the rows were padded to MAX_SPALTEN).
        breite = max((i + 1 for row in rows for i, v in enumerate(row) if not _empty(v)), default=0)
        rows = [row[:breite] for row in rows]
    except DateiFehler:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise DateiFehler(
            "Die XLSX-Datei ist beschädigt oder keine Excel-Arbeitsmappe und kann nicht "
            "gelesen werden."
        ) from error
    return rows


def _begrenzt(rows: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
    """Stop at the row limit, empty rows included (a sheet of a million empty rows costs as
    much to walk as a full one); refuse values beyond the known columns."""
    limit = max_zeilen() + 1  # plus the header
    for nummer, row in enumerate(rows, start=1):
        if nummer > limit:
            raise DateiFehler(_ZU_VIELE_ZEILEN.format(zahl(max_zeilen())))
        if len(row) > MAX_SPALTEN:
            if not all(_empty(v) for v in row[MAX_SPALTEN:]):
                raise DateiFehler(
                    f"Zeile {nummer} hat Werte in mehr als {MAX_SPALTEN} Spalten; die "
                    f"Importdatei kennt {len(SPALTEN)}."
                )
            row = row[:MAX_SPALTEN]
        yield row


def _csv_text(inhalt: bytes) -> str:
    import filetype

    if inhalt.startswith((b"\xff\xfe", b"\xfe\xff")):
        # "Unicode-Text" from Excel is UTF-16.
        try:
            return inhalt.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DateiFehler("Die Datei ist nicht lesbar kodiert.") from error
    erkannt = filetype.guess(inhalt[:8192])
    if erkannt is not None or b"\x00" in inhalt[:8192]:
        if erkannt is not None and erkannt.extension in {"zip", "xlsx"}:
            raise DateiFehler(
                "Die Datei ist eine Excel-Arbeitsmappe, aber als .csv benannt. Bitte laden Sie "
                "sie mit der Endung .xlsx hoch."
            )
        raise DateiFehler("Die Datei ist keine CSV-Datei (sie enthält keinen Text).")
    for kodierung in ("utf-8-sig", "cp1252"):
        try:
            return inhalt.decode(kodierung)
        except UnicodeDecodeError:
            continue
    raise DateiFehler(
        "Die Zeichenkodierung der Datei ist unbekannt. Bitte speichern Sie sie als "
        "„CSV UTF-8 (durch Trennzeichen getrennt)“."
    )


def _csv_rows(inhalt: bytes) -> Iterable[Sequence[Any]]:
    text = _csv_text(inhalt)
    if "\x00" in text:
        raise DateiFehler("Die Datei ist keine CSV-Datei (sie enthält keinen Text).")
    erste_zeile = text.split("\n", 1)[0]
    # The export writes ";"; a file saved elsewhere may use "," or tabs.
    trenner = max((";", ",", "\t"), key=lambda t: (erste_zeile.count(t), t == ";"))
    try:
        # The export prefixed formula-like text with "'"; give it back its original value.
        return [
            [unneutralise(zelle) for zelle in row]
            for row in _begrenzt(csv.reader(io.StringIO(text, newline=""), delimiter=trenner))
        ]
    except csv.Error as error:
        raise DateiFehler(f"Die CSV-Datei ist fehlerhaft aufgebaut ({error}).") from error


def _tabelle(rohzeilen: Iterable[Sequence[Any]], dateiname: str) -> Tabelle:
    rows = iter(rohzeilen)
    kopf = next(rows, None)
    if kopf is None or all(_empty(v) for v in kopf):
        raise DateiFehler(
            "Die erste Zeile muss die Spaltenüberschriften enthalten (wie im Export), sie ist "
            "aber leer."
        )
    spalten: list[FileColumn | None] = []
    unbekannt: list[str] = []
    gesehen: set[tuple[str, bool]] = set()
    for value in kopf:
        if _empty(value):
            spalten.append(None)
            continue
        titel = str(value).strip()
        spalte = _SPALTE_NACH_KOPF.get(_normalisiert(titel))
        if spalte is None:
            unbekannt.append(titel)
            spalten.append(None)
            continue
        if (spalte.feld, spalte.anzeige) in gesehen:
            raise DateiFehler(f"Die Spalte „{spalte.titel}“ kommt mehrfach vor.")
        gesehen.add((spalte.feld, spalte.anzeige))
        spalten.append(spalte)
    if unbekannt:
        erlaubt = ", ".join(s.titel for s in SPALTEN)
        namen = ", ".join(f"„{_kurz(t)}“" for t in unbekannt)
        wort = "Unbekannte Spalte" if len(unbekannt) == 1 else "Unbekannte Spalten"
        raise DateiFehler(f"{wort}: {namen}. Erlaubt sind: {erlaubt}.")
    if not {feld for feld, _ in gesehen} & {"id", "titel"}:
        raise DateiFehler(
            "Die Datei braucht mindestens die Spalte „ID“ (zum Ändern) oder „Titel“ "
            "(für neue Maßnahmen). Am einfachsten nehmen Sie einen Export als Vorlage."
        )
    zeilen = [
        (nummer, list(row))
        for nummer, row in enumerate(rows, start=2)
        if not all(_empty(v) for v in row)
    ]
    if not zeilen:
        raise DateiFehler("Die Datei enthält keine Maßnahmen, nur die Kopfzeile.")
    return Tabelle(dateiname=dateiname, spalten=spalten, zeilen=zeilen)


# --- parsing single cells ---------------------------------------------------------------------


class Ungueltig(ValueError):
    """A cell value that cannot be read; the message is German."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    # Only spaces: a leading tab is content (and was neutralised by the export).
    return str(value).strip(" \u00a0")


def ganzzahl(value: Any, *, name: str = "eine ganze Zahl") -> int | None:
    if _empty(value):
        return None
    if isinstance(value, bool):
        raise Ungueltig(f"Bitte {name} angeben.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return int(value)
        raise Ungueltig(f"Bitte {name} ohne Nachkommastellen angeben.")
    text = str(value).strip().rstrip("%").strip()
    if re.fullmatch(r"[+-]?\d{1,18}", text):
        return int(text)
    if re.fullmatch(r"[+-]?\d{1,18}[,.]0*", text):
        return int(re.split(r"[,.]", text)[0])
    raise Ungueltig(f"„{_kurz(value)}“ ist keine ganze Zahl. Bitte {name} angeben.")


_DATUM_FORMATE = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


def datum(value: Any) -> dt.date | None:
    """A date cell or text; like every form date, between 2000 and 2100 (core.compat)."""
    if _empty(value):
        return None
    if isinstance(value, dt.datetime):
        return _im_rahmen(value.date(), value)
    if isinstance(value, dt.date):
        return _im_rahmen(value, value)
    text = str(value).strip()
    # "2025-01-01 00:00:00" from some spreadsheets
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    for format_ in _DATUM_FORMATE:
        try:
            tag = dt.datetime.strptime(text, format_).date()
        except ValueError:
            continue
        return _im_rahmen(tag, value)
    raise Ungueltig(
        f"„{_kurz(value)}“ ist kein gültiges Datum. Bitte im Format TT.MM.JJJJ angeben."
    )


def _im_rahmen(tag: dt.date, value: Any) -> dt.date:
    # A far-out date breaks the quarter arithmetic of later pages ("year 10000").
    if not FRUEHESTES_JAHR <= tag.year <= SPAETESTES_JAHR:
        raise Ungueltig(f"„{tag.strftime('%d.%m.%Y')}“: {DATUM_AUSSERHALB}")
    return tag


def betrag(value: Any) -> Decimal | None:
    """An amount in euros. Text cells are read by the Maßnahme form's own field (German
    notation, the same limits, the same messages), so the import accepts and refuses exactly
    what the form does; number cells of a spreadsheet are taken as they are."""
    if _empty(value):
        return None
    if isinstance(value, bool):
        raise Ungueltig("Bitte einen Betrag in Euro angeben, z. B. 12.500,00.")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise Ungueltig("Bitte einen Betrag in Euro angeben, z. B. 12.500,00.")
        if isinstance(value, float):
            # A spreadsheet's binary float: round to cents if it only differs in the noise.
            zahl_wert = Decimal(repr(value))
            try:
                gerundet = zahl_wert.quantize(Decimal("0.01"))
            except InvalidOperation:  # too large to round: the form field reports it
                gerundet = zahl_wert
            if abs(zahl_wert - gerundet) < Decimal("0.000001"):
                zahl_wert = gerundet
        else:
            zahl_wert = Decimal(value)
        value = zahl_wert
    try:
        return _budget_field().clean(value)
    except ValidationError as fehler:
        raise Ungueltig(
            f"„{_kurz(value)}“ ist kein gültiger Betrag. {fehler.messages[0]}"
        ) from fehler


def _budget_field():
    from .forms import MassnahmeForm  # the forms import the models the import reads too

    return MassnahmeForm.base_fields["budget"]


_JA = {"ja", "j", "x", "1", "wahr", "true", "yes"}
_NEIN = {"nein", "n", "0", "falsch", "false", "no", "-", ""}


def ja_nein(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
    text = str(value).strip().casefold()
    if text in _JA:
        return True
    if text in _NEIN:
        return False
    raise Ungueltig(f"„{_kurz(value)}“ ist weder „ja“ noch „nein“.")


def liste(value: Any) -> list[str]:
    """`"a, b; c"` → `["a", "b", "c"]`."""
    if _empty(value):
        return []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [_text(value)]
    return [teil.strip() for teil in re.split(r"[,;\n]", str(value)) if teil.strip()]


def _pad(text: str, stellen: int) -> str:
    """Spreadsheets drop leading zeros of a AGS typed as a number: 5766020 → 05766020."""
    return text.zfill(stellen) if text.isdigit() and len(text) < stellen else text


# --- checking rows ----------------------------------------------------------------------------

NEU, GEAENDERT, UNVERAENDERT = "neu", "geaendert", "unveraendert"

# Fields the row check resolves itself (from preloaded lookups): full_clean() must not look
# each of them up in the database again.
_FK_FELDER = [
    "kreis",
    "handlungsfeld",
    "ziel",
    "federfuehrend",
    "ansprechperson",
    "nachnutzung_von",
]
# Model fields an import can set, in the order of the spec.
IMPORT_FELDER = [
    s.feld
    for s in SPALTEN
    if s.feld not in {"id", "kreis", "version", "lebensbereiche", "beteiligte"}
]
M2M_FELDER = ("lebensbereiche", "beteiligte")


_MIT_STANDARDWERT = {"status", "fortschritt", "ampel", "sichtbarkeit"}


@dataclass
class RowResult:
    """One checked row: what would be stored, or why not."""

    zeile: int
    massnahme: Massnahme
    art: str = NEU
    m2m: dict[str, set[int]] = field(default_factory=dict)
    geaenderte_felder: list[str] = field(default_factory=list)
    m2m_geaendert: set[str] = field(default_factory=set)
    fehler: list[dict] = field(default_factory=list)


def fehler_eintrag(zeile: int | None, spalte: str, meldung: str) -> dict:
    return {"zeile": zeile, "spalte": spalte, "meldung": meldung}


def _titel(feld_name: str) -> str:
    spalte = _SPALTE_NACH_FELD.get(feld_name)
    if spalte is not None:
        return spalte.titel
    if feld_name == NON_FIELD_ERRORS:
        return ""
    try:
        return str(Massnahme._meta.get_field(feld_name).verbose_name)
    except Exception:  # noqa: BLE001
        return feld_name


class Pruefung:
    """Checks the rows of one import file for one Kreis. Lookups are loaded once up front, so
    checking a row costs no query; nothing is written."""

    def __init__(
        self, *, tabelle: Tabelle, kreis: Kreis, user: User | None = None, sperren: bool = False
    ) -> None:
        """`sperren`: lock the Maßnahmen the file changes until the transaction ends (for the
        real import, so that no form save slips in between check and write)."""
        self.tabelle = tabelle
        self.sperren = sperren
        self.kreis = kreis
        self.user = user
        self.felder = tabelle.felder
        self._index = {
            s.feld: i for i, s in enumerate(tabelle.spalten) if s is not None and not s.anzeige
        }
        self._ids_gesehen: dict[int, int] = {}

        self.handlungsfelder: dict[str, Handlungsfeld] = {}
        for hf in Handlungsfeld.objects.all():
            for key in (str(hf.nummer), hf.kurzname, hf.name, hf.slug):
                self.handlungsfelder[_normalisiert(key)] = hf
        self.lebensbereiche: dict[str, Lebensbereich] = {}
        for lb in Lebensbereich.objects.all():
            for key in (lb.schluessel, lb.name):
                self.lebensbereiche[_normalisiert(key)] = lb
        self.kommunen: dict[str, Kommune] = {}
        # The lead comes from the Kreis, partners from the whole region (issue 15, point 1):
        # by AGS, or by name (a name of the own Kreis wins over the same name elsewhere).
        self.partner: dict[str, Kommune] = {}
        for kommune in Kommune.objects.filter(kreis__region_id=kreis.region_id).order_by(
            "kreis__name"
        ):
            eigen = kommune.kreis_id == kreis.pk
            for ziel in (self.kommunen, self.partner) if eigen else (self.partner,):
                ziel[kommune.ags] = kommune
                ziel.setdefault(_normalisiert(kommune.name), kommune)
        for kommune in self.kommunen.values():
            self.partner[_normalisiert(kommune.name)] = kommune
        self._ags_anderswo: set[str] | None = None
        self.ziele = list(Ziel.objects.filter(kreis=kreis))
        self.bestehende = self._load_existing()
        self.nachnutzbar = self._nachnutzbare_ids()

    # -- lookups

    def _column_values(self, feld_name: str) -> list[Any]:
        index = self._index.get(feld_name)
        if index is None:
            return []
        return [row[index] if index < len(row) else None for _, row in self.tabelle.zeilen]

    def _ids(self, feld_name: str) -> set[int]:
        ids = set()
        for value in self._column_values(feld_name):
            try:
                wert = ganzzahl(value)
            except Ungueltig:
                continue
            if wert is not None and 0 < wert < 2**63:
                ids.add(wert)
        return ids

    def _load_existing(self) -> dict[int, Massnahme]:
        ids = sorted(self._ids("id"))
        bestehende: dict[int, Massnahme] = {}
        for start in range(0, len(ids), 900):  # stay below SQLite's parameter limit
            teil = ids[start : start + 900]
            queryset = (
                Massnahme.objects.filter(kreis=self.kreis, pk__in=teil)
                .select_related("handlungsfeld", "federfuehrend", "ziel")
                .prefetch_related(
                    Prefetch("lebensbereiche", to_attr="_import_lebensbereiche"),
                    Prefetch("beteiligte", to_attr="_import_beteiligte"),
                )
            )
            if self.sperren:
                queryset = queryset.select_for_update(of=("self",))
            for m in queryset:
                bestehende[m.pk] = m
        return bestehende

    def _nachnutzbare_ids(self) -> set[int]:
        ids = sorted(self._ids("nachnutzung_von"))
        if not ids:
            return set()
        basis = (
            Massnahme.objects.for_user(self.user)
            if self.user is not None
            else Massnahme.objects.filter(kreis=self.kreis)
        )
        gefunden: set[int] = set()
        for start in range(0, len(ids), 900):
            gefunden |= set(
                basis.filter(pk__in=ids[start : start + 900]).values_list("pk", flat=True)
            )
        return gefunden

    def _kommune(self, text: str, *, partner: bool = False) -> Kommune:
        """The lead (a Kommune of the Kreis) or, with `partner`, a partner (of the region)."""
        key = _pad(text.strip(), 8)
        kommunen = self.partner if partner else self.kommunen
        kommune = kommunen.get(key) or kommunen.get(_normalisiert(key))
        if kommune is not None:
            return kommune
        if key.isdigit() and len(key) == 8:
            if self._ags_anderswo is None:
                self._ags_anderswo = set(Kommune.objects.values_list("ags", flat=True))
            if key in self._ags_anderswo:
                if partner:
                    raise Ungueltig(
                        f"Die Kommune {key} gehört nicht zur Region {self.kreis.genitiv}."
                    )
                raise Ungueltig(f"Die Kommune {key} gehört nicht {self.kreis.mit('zu')}.")
        wo = "in der Region" if partner else self.kreis.lokativ
        raise Ungueltig(
            f"Eine Kommune „{_kurz(text)}“ gibt es {wo} nicht. Bitte den "
            "achtstelligen Gemeindeschlüssel (AGS) angeben."
        )

    def _federfuehrung(self, text: str) -> Kommune | None:
        """The lead Kommune; None for the Kreis itself (empty, or as the export names it:
        "Kreis Lippe")."""
        if not text or _normalisiert(text) in {
            _normalisiert(str(self.kreis)),
            _normalisiert(f"Kreis {self.kreis.name}"),
            _normalisiert(self.kreis.bezeichnung),
        }:
            return None
        return self._kommune(text)

    def _ziel(self, text: str, handlungsfeld: Handlungsfeld | None) -> Ziel:
        treffer = [z for z in self.ziele if text.isdigit() and z.pk == int(text)]
        if not treffer:  # by title (a title may be a number, too)
            treffer = [z for z in self.ziele if _normalisiert(z.titel) == _normalisiert(text)]
            if len(treffer) > 1 and handlungsfeld is not None:
                treffer = [z for z in treffer if z.handlungsfeld_id == handlungsfeld.pk]
        if len(treffer) == 1:
            return treffer[0]
        if len(treffer) > 1:
            raise Ungueltig(
                f"Es gibt mehrere Ziele „{_kurz(text)}“ im Kreis. Bitte geben Sie die ID des Ziels an."
            )
        raise Ungueltig(f"Ein Ziel „{_kurz(text)}“ gibt es {self.kreis.lokativ} nicht.")

    # -- one row

    def zeile(self, nummer: int, row: list[Any]) -> RowResult:
        werte: dict[str, Any] = {}  # per field: the cell the import reads
        namen: dict[str, Any] = {}  # per field with a name column besides: its cell
        for i, s in enumerate(self.tabelle.spalten):
            if s is not None:
                (namen if s.anzeige else werte)[s.feld] = row[i] if i < len(row) else None
        # Where the code cell is missing or empty, the name cell counts (and its errors are
        # reported under its column); where both are filled, they must agree (`_match`).
        quelle: dict[str, str] = {}
        for feld_name, name in namen.items():
            if _empty(werte.get(feld_name)):
                werte[feld_name] = name
                quelle[feld_name] = _ANZEIGE_NACH_FELD[feld_name].titel
        beide = {f for f, name in namen.items() if f not in quelle and not _empty(name)}
        fehler: list[dict] = []

        def melden(feld_name: str, meldung: str, spalte: str | None = None) -> None:
            titel = spalte or quelle.get(feld_name) or _titel(feld_name)
            fehler.append(fehler_eintrag(nummer, titel, meldung))

        for i, spalte in enumerate(self.tabelle.spalten):
            if spalte is None and i < len(row) and not _empty(row[i]):
                fehler.append(
                    fehler_eintrag(
                        nummer, f"Spalte {i + 1}", "Wert in einer Spalte ohne Überschrift."
                    )
                )

        # Which Maßnahme: an ID changes an existing one of this Kreis, no ID creates one.
        massnahme: Massnahme | None = None
        try:
            pk = ganzzahl(werte.get("id"), name="die ID der Maßnahme")
        except Ungueltig as error:
            melden("id", str(error))
            pk = None
        if pk is not None:
            if pk in self._ids_gesehen:
                melden("id", f"Die ID {pk} steht schon in Zeile {self._ids_gesehen[pk]}.")
            else:
                self._ids_gesehen[pk] = nummer
            massnahme = self.bestehende.get(pk)
            if massnahme is None:
                melden("id", f"Eine Maßnahme mit der ID {pk} gibt es {self.kreis.lokativ} nicht.")
        neu = massnahme is None
        if neu:
            massnahme = Massnahme(kreis=self.kreis)
        ergebnis = RowResult(zeile=nummer, massnahme=massnahme, fehler=fehler)
        ergebnis.art = NEU if pk is None else GEAENDERT

        kreiszellen = [(werte.get("kreis"), None)]
        if "kreis" in beide:
            kreiszellen.append((namen["kreis"], _ANZEIGE_NACH_FELD["kreis"].titel))
        for zelle, spalte in kreiszellen:
            kreis_text = _text(zelle)
            if (
                kreis_text
                and _pad(kreis_text, 5) != self.kreis.ags
                and (
                    _normalisiert(kreis_text)
                    not in {_normalisiert(self.kreis.name), _normalisiert(str(self.kreis))}
                )
            ):
                melden(
                    "kreis",
                    f"Die Zeile gehört zum Kreis „{_kurz(kreis_text)}“; importiert wird in "
                    f"{self.kreis.akkusativ} ({self.kreis.ags}).",
                    spalte,
                )

        if not neu and "version" in self.felder:
            try:
                version = ganzzahl(werte.get("version"), name="die Version aus dem Export")
            except Ungueltig as error:
                melden("version", str(error))
            else:
                if version is not None and version != massnahme.version:
                    melden(
                        "version",
                        f"Die Maßnahme wurde nach dem Export geändert (Version in der Datei: "
                        f"{version}, aktuell: {massnahme.version}). Bitte exportieren Sie neu und "
                        "übertragen Sie Ihre Änderungen, damit nichts überschrieben wird.",
                    )

        vorher = {
            f: getattr(massnahme, Massnahme._meta.get_field(f).attname) for f in IMPORT_FELDER
        }
        ungueltig: set[str] = set()
        for feld_name in IMPORT_FELDER:
            if feld_name not in self.felder:
                continue
            try:
                self._set(massnahme, feld_name, werte.get(feld_name))
            except Ungueltig as error:
                melden(feld_name, str(error))
                ungueltig.add(feld_name)

        for feld_name in M2M_FELDER:
            alt = (
                {obj.pk for obj in getattr(massnahme, f"_import_{feld_name}")} if not neu else set()
            )
            if feld_name not in self.felder:
                ergebnis.m2m[feld_name] = alt
                continue
            try:
                ergebnis.m2m[feld_name] = self._m2m(feld_name, werte.get(feld_name))
            except Ungueltig as error:
                melden(feld_name, str(error))
                ergebnis.m2m[feld_name] = alt
                ungueltig.add(feld_name)
            if ergebnis.m2m[feld_name] != alt:
                ergebnis.m2m_geaendert.add(feld_name)

        for feld_name in sorted(beide - {"kreis"} - ungueltig):
            meldung = self._match(feld_name, namen[feld_name], werte[feld_name], ergebnis)
            if meldung:
                melden(feld_name, meldung, _ANZEIGE_NACH_FELD[feld_name].titel)

        if massnahme.handlungsfeld_id is None and "handlungsfeld" not in ungueltig:
            melden("handlungsfeld", "Bitte ein Handlungsfeld angeben (Nummer oder Kurzname).")
        if (
            massnahme.nachnutzung_von_id is not None
            and massnahme.pk is not None
            and massnahme.nachnutzung_von_id == massnahme.pk
        ):
            melden("nachnutzung_von", "Eine Maßnahme kann nicht sich selbst nachnutzen.")

        # The same rules as the Maßnahme form. clean() mirrors the CheckConstraints (with the
        # same German messages), so the constraints need no extra query per row here; the
        # database still enforces them on save.
        try:
            massnahme.full_clean(
                exclude=[*_FK_FELDER, *ungueltig], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for feld_name, meldungen in error.message_dict.items():
                if feld_name in ungueltig:
                    continue
                for meldung in meldungen:
                    melden(feld_name, meldung)

        if not neu and not ergebnis.fehler:
            nachher = {
                f: getattr(massnahme, Massnahme._meta.get_field(f).attname) for f in IMPORT_FELDER
            }
            ergebnis.geaenderte_felder = [f for f in IMPORT_FELDER if nachher[f] != vorher[f]]
            if not ergebnis.geaenderte_felder and not ergebnis.m2m_geaendert:
                ergebnis.art = UNVERAENDERT
        return ergebnis

    def _match(self, feld_name: str, name: Any, code: Any, ergebnis: RowResult) -> str | None:
        """Why the name cell of a field disagrees with its code cell, or None if it agrees."""
        try:
            if feld_name == "federfuehrend":
                kommune = self._federfuehrung(_text(name))
                passt = (kommune.pk if kommune else None) == ergebnis.massnahme.federfuehrend_id
            else:
                passt = self._m2m(feld_name, name) == ergebnis.m2m[feld_name]
        except Ungueltig as error:
            return str(error)
        if passt:
            return None
        if feld_name == "federfuehrend":
            bedeutung = ergebnis.massnahme.federfuehrung_display
        else:
            namen = {
                obj.pk: obj.name
                for obj in (
                    self.lebensbereiche if feld_name == "lebensbereiche" else self.kommunen
                ).values()
            }
            bedeutung = LISTEN_TRENNER.join(
                sorted((namen[pk] for pk in ergebnis.m2m[feld_name]), key=_normalisiert)
            )
        code_titel = _SPALTE_NACH_FELD[feld_name].titel
        return (
            f"„{_kurz(_text(name))}“ passt nicht zur Spalte „{code_titel}“ "
            f"(„{_kurz(_text(code))}“: {_kurz(bedeutung) or 'keine Angabe'}). Bitte ändern Sie "
            "beide Spalten gleich oder leeren Sie eine davon."
        )

    def _set(self, massnahme: Massnahme, feld_name: str, value: Any) -> None:
        """Read one cell into the Maßnahme; raises `Ungueltig` (the field is then left empty
        so that the cross-field rules do not report a follow-up error)."""
        try:
            self._set_or_error(massnahme, feld_name, value)
        except Ungueltig:
            if feld_name in {"beginn", "ende_geplant", "ende_tatsaechlich", "budget"}:
                setattr(massnahme, feld_name, None)
            raise

    def _set_or_error(self, massnahme: Massnahme, feld_name: str, value: Any) -> None:
        text = _text(value)
        if not text and feld_name in _MIT_STANDARDWERT and massnahme.pk is None:
            # A new row may leave status, progress and traffic light empty: the defaults of
            # the form apply. An existing Maßnahme keeps nothing implicit: see below.
            setattr(massnahme, feld_name, Massnahme._meta.get_field(feld_name).get_default())
            return
        if feld_name in {"titel", "beschreibung"}:
            if "\x00" in text:
                raise Ungueltig("Der Text enthält ein unzulässiges Steuerzeichen (NUL).")
            setattr(massnahme, feld_name, text)
        elif feld_name == "handlungsfeld":
            if not text:
                massnahme.handlungsfeld_id = None
                return
            hf = self.handlungsfelder.get(_normalisiert(text))
            if hf is None:
                raise Ungueltig(
                    f"Ein Handlungsfeld „{_kurz(text)}“ gibt es nicht. Bitte die Nummer (1–4) oder den "
                    "Kurznamen angeben."
                )
            massnahme.handlungsfeld = hf
        elif feld_name == "ziel":
            massnahme.ziel = (
                self._ziel(text, massnahme.handlungsfeld if massnahme.handlungsfeld_id else None)
                if text
                else None
            )
        elif feld_name == "federfuehrend":
            massnahme.federfuehrend = self._federfuehrung(text)
        elif feld_name == "status":
            massnahme.status = _auswahl(text, Massnahme.Status.choices, {}, "Status")
        elif feld_name == "ampel":
            kurz = {v: str(k) for k, v in AMPEL_KURZ.items()} | {"gruen": Ampel.GRUEN}
            massnahme.ampel = _auswahl(text, Ampel.choices, kurz, "Ampel")
        elif feld_name == "fortschritt":
            fortschritt = ganzzahl(value, name="den Fortschritt in Prozent (0 bis 100)")
            if fortschritt is None:
                raise Ungueltig("Bitte den Fortschritt in Prozent angeben (0 bis 100).")
            if not 0 <= fortschritt <= 100:
                raise Ungueltig("Der Fortschritt liegt zwischen 0 und 100 %.")
            massnahme.fortschritt = fortschritt
        elif feld_name in {"beginn", "ende_geplant", "ende_tatsaechlich"}:
            setattr(massnahme, feld_name, datum(value))
        elif feld_name == "budget":
            massnahme.budget = betrag(value)
        elif feld_name == "sichtbarkeit":
            # The yes/no of the former column "veröffentlicht" still reads: ja = öffentlich.
            alt = {j: Sichtbarkeit.OEFFENTLICH for j in _JA}
            alt |= {n: Sichtbarkeit.KREIS for n in _NEIN}  # empty, too: as "nein" did
            massnahme.sichtbarkeit = _auswahl(
                text, list(SICHTBARKEIT_KURZ.items()), alt, "die Sichtbarkeit"
            )
        elif feld_name == "archiviert":
            massnahme.archiviert = ja_nein(value)
        elif feld_name == "nachnutzung_von":
            pk = ganzzahl(value, name="die ID der nachgenutzten Maßnahme")
            if pk is not None and pk not in self.nachnutzbar:
                raise Ungueltig(f"Eine Maßnahme mit der ID {pk} gibt es nicht.")
            massnahme.nachnutzung_von_id = pk
        else:  # pragma: no cover - every import field is handled above
            raise AssertionError(feld_name)

    def _m2m(self, feld_name: str, value: Any) -> set[int]:
        ids: set[int] = set()
        unbekannt: list[str] = []
        for teil in liste(value):
            if feld_name == "lebensbereiche":
                lb = self.lebensbereiche.get(_normalisiert(teil))
                if lb is None:
                    unbekannt.append(teil)
                else:
                    ids.add(lb.pk)
            else:
                ids.add(self._kommune(teil, partner=True).pk)
        if unbekannt:
            erlaubt = ", ".join(sorted({lb.schluessel for lb in self.lebensbereiche.values()}))
            namen = ", ".join(f"„{_kurz(t)}“" for t in unbekannt)
            raise Ungueltig(f"Unbekannte Lebensbereiche: {namen}. Erlaubt sind: {erlaubt}.")
        return ids

    def alle(self) -> Iterator[RowResult]:
        """Check every row; yields the results in file order."""
        for nummer, row in self.tabelle.zeilen:
            yield self.zeile(nummer, row)


def _auswahl(text: str, choices, extra: dict[str, str], name: str) -> str:
    """A choice by its German label or its stored value."""
    key = _normalisiert(text)
    for value, label in choices:
        if key in {_normalisiert(str(value)), _normalisiert(str(label))}:
            return value
    for alias, value in extra.items():
        if key == _normalisiert(alias):
            return value
    if not text:
        raise Ungueltig(f"Bitte {name} angeben.")
    erlaubt = ", ".join(str(label) for _, label in choices)
    raise Ungueltig(f"„{_kurz(text)}“ ist kein gültiger Wert für {name}. Erlaubt: {erlaubt}.")


def limit(fehler: list[dict]) -> list[dict]:
    if len(fehler) <= MAX_FEHLER:
        return fehler
    rest = len(fehler) - MAX_FEHLER
    zeilen = len({f["zeile"] for f in fehler})
    return [
        *fehler[:MAX_FEHLER],
        fehler_eintrag(
            None,
            "",
            ngettext(
                "… und %(rest)s weitere Fehler (insgesamt %(alle)s Fehler in %(zeilen)s Zeile).",
                "… und %(rest)s weitere Fehler (insgesamt %(alle)s Fehler in %(zeilen)s Zeilen).",
                zeilen,
            )
            % {"rest": zahl(rest), "alle": zahl(len(fehler)), "zeilen": zahl(zeilen)},
        ),
    ]


# --- writing (inside the caller's transaction) --------------------------------------------------


@dataclass
class Zaehler:
    neu: int = 0
    aktualisiert: int = 0
    unveraendert: int = 0


def schreiben(
    ergebnisse: Sequence[RowResult],
    *,
    user: User | None = None,
    grund: str = "",
    zaehler: Zaehler,
) -> None:
    """Store checked, error-free rows in bulk: new and changed Maßnahmen, their Lebensbereiche
    and Beteiligte, and one history record per stored Maßnahme (with its M2M snapshot, as
    django-simple-history would write it, attributed to `user` with `grund`).

    Must run inside a transaction; a changed row gets `version + 1`.
    """
    jetzt = timezone.now()
    neue = [e for e in ergebnisse if e.art == NEU]
    geaenderte = [e for e in ergebnisse if e.art == GEAENDERT]
    zaehler.unveraendert += sum(1 for e in ergebnisse if e.art == UNVERAENDERT)

    if neue:
        objs = [e.massnahme for e in neue]
        if connection.features.can_return_rows_from_bulk_insert:
            Massnahme.objects.bulk_create(objs)
        else:  # pragma: no cover - PostgreSQL and SQLite ≥ 3.35 return the new ids
            for obj in objs:
                obj.save_without_historical_record()
        zaehler.neu += len(objs)
    # Only the fields the file changes, so a field nobody touched is never overwritten; rows
    # that change the same fields share one UPDATE per batch (bulk_update's CASE expressions
    # grow with rows × columns, so both stay small).
    gruppen: dict[tuple[str, ...], list[Massnahme]] = {}
    for e in geaenderte:
        e.massnahme.version += 1
        e.massnahme.geaendert_am = jetzt
        gruppen.setdefault(tuple(e.geaenderte_felder), []).append(e.massnahme)
    for felder, objs in gruppen.items():
        Massnahme.objects.bulk_update(objs, [*felder, "version", "geaendert_am"], batch_size=100)
    zaehler.aktualisiert += len(geaenderte)

    gespeichert = [*neue, *geaenderte]
    if not gespeichert:
        return
    durchgangszeilen = _write_m2m(neue, geaenderte)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _write_historie(gespeichert, durchgangszeilen, user=user, grund=grund, jetzt=jetzt)
    im_bulk_geschrieben.send(
        sender=Massnahme,
        neue=[e.massnahme for e in neue],
        geaenderte=[e.massnahme for e in geaenderte],
        user=user,
    )


def _write_m2m(
    neue: Sequence[RowResult], geaenderte: Sequence[RowResult]
) -> dict[str, dict[int, list]]:
    """Replace the M2M rows where they changed; returns every stored Maßnahme's through rows
    (with their ids, which the history snapshot needs)."""
    zeilen: dict[str, dict[int, list]] = {}
    for feld_name in M2M_FELDER:
        m2m_field = Massnahme._meta.get_field(feld_name)
        through = m2m_field.remote_field.through
        ziel_spalte = m2m_field.m2m_reverse_field_name()  # "lebensbereich" / "kommune"
        ersetzen = [e for e in geaenderte if feld_name in e.m2m_geaendert]
        if ersetzen:
            through.objects.filter(massnahme_id__in=[e.massnahme.pk for e in ersetzen]).delete()
        neu_rows = [
            through(massnahme_id=e.massnahme.pk, **{f"{ziel_spalte}_id": ziel_id})
            for e in [*neue, *ersetzen]
            for ziel_id in sorted(e.m2m[feld_name])
        ]
        through.objects.bulk_create(neu_rows, batch_size=500)
        je_massnahme: dict[int, list] = {}
        for row in neu_rows:
            je_massnahme.setdefault(row.massnahme_id, []).append(row)
        unveraendert = [e.massnahme.pk for e in geaenderte if feld_name not in e.m2m_geaendert]
        for start in range(0, len(unveraendert), 900):
            for row in through.objects.filter(massnahme_id__in=unveraendert[start : start + 900]):
                je_massnahme.setdefault(row.massnahme_id, []).append(row)
        zeilen[feld_name] = je_massnahme
    return zeilen


def _write_historie(
    gespeichert: Sequence[RowResult],
    durchgangszeilen: dict[str, dict[int, list]],
    *,
    user: User | None,
    grund: str,
    jetzt: dt.datetime,
) -> None:
    history_model = Massnahme.history.model
    records = []
    for e in gespeichert:
        m = e.massnahme
        records.append(
            history_model(
                history_date=jetzt,
                history_type="+" if e.art == NEU else "~",
                history_user=user,
                history_change_reason=grund[:100] or None,
                **{f.attname: getattr(m, f.attname) for f in history_model.tracked_fields},
            )
        )
    history_model.objects.bulk_create(records, batch_size=500)
    for m2m_field in history_model._history_m2m_fields:
        m2m_history_model = next(
            rel.related_model
            for rel in history_model._meta.related_objects
            if rel.related_model.__name__.endswith(f"_{m2m_field.name}")
        )
        through = m2m_field.remote_field.through
        spalten = [f.attname for f in through._meta.fields]  # ids, not objects: no queries
        je_massnahme = durchgangszeilen.get(m2m_field.name, {})
        rows = [
            m2m_history_model(history=record, **{name: getattr(row, name) for name in spalten})
            for record in records
            for row in je_massnahme.get(record.id, [])
        ]
        m2m_history_model.objects.bulk_create(rows, batch_size=500)

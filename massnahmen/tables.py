"""The Maßnahmen list's one declaration (issue 20): `MassnahmeTable`.

Its `Column`s are the columns of /massnahmen/ (header, cell, sort key); its
`export_columns` (`SPALTEN`) are the columns of the CSV/XLSX export, which the import
(massnahmen/imports.py) reads back by the same headers, so an exported file can be edited in
a spreadsheet and uploaded again. The file has more columns than the page: everything the
import can set.

Each file column names its header, the model field behind it, its kind and how a Maßnahme
shows in it. People read names, the import needs keys: Kreis, Lebensbereiche, Federführung
and Beteiligte each have a name column ("Detmold", "Gesellschaft und Soziales") and, right
after it, a code column ("Federführung (AGS)", "Lebensbereiche (Schlüssel)"). The import
reads the code column and checks that the name column agrees; where one of the two is empty
the other one counts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.dateformat import format as datum_format
from django.utils.formats import localize
from django.utils.html import conditional_escape as esc

from core.tables import Column, Table
from kommunen.scope import scope_for

from .models import Ampel, Massnahme, Sichtbarkeit

# --- the columns of the export and import file ------------------------------------------------


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
class FileColumn:
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


def _list(values: Iterable[str]) -> str:
    return LISTEN_TRENNER.join(sorted(values))


def _names(objekte: Iterable, code: str) -> str:
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


def _list_pair(
    titel: str, feld: str, code: str, code_titel: str, name_hilfe: str, code_hilfe: str
) -> tuple[FileColumn, FileColumn]:
    """The name column and the code column of a many-to-many field, listed alike."""
    return (
        FileColumn(
            titel,
            feld,
            Art.LISTE,
            lambda m: _names(_verknuepft(m, feld), code),
            name_hilfe,
            30,
            anzeige=True,
        ),
        FileColumn(
            f"{titel} ({code_titel})",
            feld,
            Art.LISTE,
            lambda m: _list(getattr(o, code) for o in _verknuepft(m, feld)),
            f"{code_hilfe} {_PAAR_HILFE}",
            24,
        ),
    )


SPALTEN: tuple[FileColumn, ...] = (
    FileColumn(
        "ID",
        "id",
        Art.GANZZAHL,
        lambda m: m.pk,
        "Leer lassen für eine neue Maßnahme; mit ID wird die bestehende Maßnahme geändert.",
        8,
    ),
    FileColumn(
        "Kreis",
        "kreis",
        Art.TEXT,
        lambda m: m.kreis.name if m.kreis_id else "",
        "Name des Kreises; leer = der Kreis des Imports.",
        12,
        anzeige=True,
    ),
    FileColumn(
        "Kreis (AGS)",
        "kreis",
        Art.TEXT,
        lambda m: m.kreis_id,
        "Amtlicher Gemeindeschlüssel (AGS) des Kreises; leer = der Kreis des Imports.",
        8,
    ),
    FileColumn(
        "Titel", "titel", Art.TEXT, lambda m: m.titel, "Pflichtangabe, höchstens 250 Zeichen.", 45
    ),
    FileColumn("Beschreibung", "beschreibung", Art.TEXT, lambda m: m.beschreibung, "Freitext.", 60),
    FileColumn(
        "Handlungsfeld",
        "handlungsfeld",
        Art.TEXT,
        lambda m: m.handlungsfeld.kurzname,
        "Pflichtangabe: Nummer (1–4) oder Kurzname des Handlungsfelds.",
        30,
    ),
    *_list_pair(
        "Lebensbereiche",
        "lebensbereiche",
        "schluessel",
        "Schlüssel",
        "Namen der Lebensbereiche, durch Komma getrennt, z. B. „Verwaltung, Mobilität“.",
        "Schlüssel der Lebensbereiche, durch Komma getrennt, z. B. „verwaltung, mobilitaet“.",
    ),
    FileColumn(
        "Ziel",
        "ziel",
        Art.TEXT,
        _ziel,
        "Titel (oder ID) eines Ziels des Kreises im selben Handlungsfeld; leer = kein Ziel.",
        30,
    ),
    FileColumn(
        "Federführung",
        "federfuehrend",
        Art.TEXT,
        lambda m: m.federfuehrung_display,
        "Name der federführenden Kommune; „Kreis …“ (z. B. „Kreis Lippe“) oder leer = der "
        "Kreis selbst.",
        18,
        anzeige=True,
    ),
    FileColumn(
        "Federführung (AGS)",
        "federfuehrend",
        Art.TEXT,
        _kommune,
        "AGS (8 Ziffern) der federführenden Kommune; sind beide Spalten zur Federführung leer, "
        "ist der Kreis selbst federführend. " + _PAAR_HILFE,
        14,
    ),
    *_list_pair(
        "Beteiligte",
        "beteiligte",
        "ags",
        "AGS",
        "Namen der beteiligten Kommunen, durch Komma getrennt.",
        "AGS der beteiligten Kommunen, durch Komma getrennt.",
    ),
    FileColumn(
        "Status",
        "status",
        Art.TEXT,
        lambda m: m.get_status_display(),
        "Eines von: " + ", ".join(str(label) for _, label in Massnahme.Status.choices) + ".",
        14,
    ),
    FileColumn(
        "Fortschritt",
        "fortschritt",
        Art.GANZZAHL,
        lambda m: m.fortschritt,
        "Ganze Zahl von 0 bis 100 (Prozent).",
        11,
    ),
    FileColumn(
        "Ampel",
        "ampel",
        Art.TEXT,
        lambda m: AMPEL_KURZ.get(m.ampel, m.ampel),
        "grün, gelb oder rot.",
        8,
    ),
    FileColumn("Beginn", "beginn", Art.DATUM, lambda m: m.beginn, "Datum als TT.MM.JJJJ.", 12),
    FileColumn(
        "geplantes Ende",
        "ende_geplant",
        Art.DATUM,
        lambda m: m.ende_geplant,
        "Datum als TT.MM.JJJJ, nicht vor dem Beginn.",
        14,
    ),
    FileColumn(
        "tatsächliches Ende",
        "ende_tatsaechlich",
        Art.DATUM,
        lambda m: m.ende_tatsaechlich,
        "Datum als TT.MM.JJJJ; Pflicht, wenn der Status „abgeschlossen“ ist.",
        16,
    ),
    FileColumn(
        "Budget",
        "budget",
        Art.BETRAG,
        lambda m: m.budget,
        "Betrag in Euro, z. B. 12500,00; leer = kein Budget angegeben.",
        14,
    ),
    FileColumn(
        "Sichtbarkeit",
        "sichtbarkeit",
        Art.TEXT,
        lambda m: SICHTBARKEIT_KURZ[m.sichtbarkeit],
        "Kreis, Region oder öffentlich (öffentlich: auf der Transparenzseite zeigen).",
        12,
    ),
    FileColumn(
        "archiviert", "archiviert", Art.JA_NEIN, lambda m: m.archiviert, "ja oder nein.", 10
    ),
    FileColumn(
        "übernommen von (ID)",
        "nachnutzung_von",
        Art.GANZZAHL,
        lambda m: m.nachnutzung_von_id,
        "ID der Maßnahme, deren Lösung nachgenutzt wird (Einer für Alle); sonst leer.",
        12,
    ),
    FileColumn(
        "Version",
        "version",
        Art.GANZZAHL,
        lambda m: m.version,
        "Aus dem Export übernehmen: Wurde die Maßnahme seitdem geändert, wird die Zeile "
        "abgelehnt, statt die neuere Änderung zu überschreiben. Leer = nicht prüfen.",
        9,
    ),
)


# --- the list ---------------------------------------------------------------------------------


def _titel(m: Massnahme, table: MassnahmeTable) -> str:
    archiviert = ' <span class="meta">(archiviert)</span>' if m.archiviert else ""
    return f'<a href="{table.detail_url.format(pk=m.pk)}">{esc(m.titel)}</a>{archiviert}'


def _federfuehrung(m: Massnahme, table: MassnahmeTable) -> str:
    # Rows led by another Kreis (a partner's, a Region-visible one) say who leads them.
    if table.eigene_kreise and m.kreis_id not in table.eigene_kreise:
        return f'<span class="meta">federführend: {esc(m.federfuehrung_with_kreis)}</span>'
    return esc(m.federfuehrung_display)


class MassnahmeTable(Table):
    """/massnahmen/ and its CSV/XLSX export. The rows come from `massnahmen_for_list`."""

    caption = "Maßnahmen, sortierbar"
    default_sort = "handlungsfeld"

    titel = Column("Maßnahme", sort="titel", row_header=True, render=_titel)
    handlungsfeld = Column("Handlungsfeld", sort="handlungsfeld__nummer")
    federfuehrung = Column("Federführung", sort="federfuehrend__name", render=_federfuehrung)
    status = Column("Status", sort="status", render=lambda m, t: esc(m.get_status_display()))
    fortschritt = Column(
        "Fortschritt", sort="fortschritt", num=True, render=lambda m, t: f"{m.fortschritt} %"
    )
    ampel = Column(
        "Ampel",
        sort="ampel",
        render=lambda m, t: (
            f'<span class="ampel ampel-{esc(m.ampel)}">{esc(m.get_ampel_display())}</span>'
        ),
    )
    ende = Column(
        "geplantes Ende",
        sort="ende_geplant",
        render=lambda m, t: datum_format(m.ende_geplant, "d.m.Y") if m.ende_geplant else "–",
    )
    nachnutzungen = Column(
        "Nachnutzungen",
        sort="anzahl_nachnutzungen",
        num=True,
        render=lambda m, t: localize(m.anzahl_nachnutzungen),
    )

    export_columns = SPALTEN

    def __init__(self, rows, *, eigene_kreise=None, **kwargs) -> None:
        super().__init__(rows, **kwargs)
        if eigene_kreise is None and self.request is not None:
            eigene_kreise = scope_for(self.request.user).own_kreis_ids
        self.eigene_kreise = eigene_kreise
        # Massnahme.get_absolute_url, reversed once per page instead of once per row.
        platzhalter = 1_000_000_001
        self.detail_url = esc(reverse("massnahmen:detail", kwargs={"pk": platzhalter})).replace(
            str(platzhalter), "{pk}"
        )


KOPFZEILE: tuple[str, ...] = tuple(s.titel for s in MassnahmeTable.export_columns)

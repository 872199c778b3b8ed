"""The Förderbescheide list's one declaration (issue 20): `FoerderbescheidTable`."""

from __future__ import annotations

from django.utils.dateformat import format as datum_format
from django.utils.html import conditional_escape as esc

from core.formatting import euro
from core.tables import Column, KernTable

from .models import Foerderbescheid


def _aktenzeichen(b: Foerderbescheid, table) -> str:
    return f'<a href="{esc(b.get_absolute_url())}">{esc(b.aktenzeichen)}</a>'


def _partner(b: Foerderbescheid, table) -> str:
    return esc(", ".join(k.name for k in b.partner.all())) or "–"


def _datum(attribute: str):
    def render(b: Foerderbescheid, table) -> str:
        value = getattr(b, attribute)
        return datum_format(value, "d.m.Y") if value else ""

    return render


def _euro(attribute: str):
    return lambda b, table: esc(euro(getattr(b, attribute)))


class FoerderbescheidTable(KernTable):
    """/foerderung/: the Bescheide with their amounts; the rows from `bescheide_for_list`."""

    caption = "Förderbescheide, sortierbar"
    default_sort = "-bescheiddatum"

    aktenzeichen = Column(
        "Aktenzeichen", sort="aktenzeichen", row_header=True, render=_aktenzeichen
    )
    programm = Column(
        "Programm", sort="programm__kurzname", render=lambda b, t: esc(b.programm.kurzname)
    )
    empfaenger = Column(
        "Zuwendungsempfänger",
        sort="zuwendungsempfaenger__name",
        render=lambda b, t: esc(b.zuwendungsempfaenger.name),
    )
    partner = Column("Partner", render=_partner)
    bescheiddatum = Column("Bescheiddatum", sort="bescheiddatum", render=_datum("bescheiddatum"))
    bewilligt = Column(
        "bewilligt", sort="bewilligter_betrag", num=True, render=_euro("bewilligter_betrag")
    )
    abgerufen = Column(
        "abgerufen", sort="abgerufen_summe", num=True, render=_euro("abgerufen_summe")
    )
    verbleibend = Column(
        "verbleibend", sort="verbleibend_summe", num=True, render=_euro("verbleibend_summe")
    )
    ende = Column(
        "Bewilligung bis",
        sort="bewilligungszeitraum_ende",
        render=_datum("bewilligungszeitraum_ende"),
    )
    status = Column("Status", sort="status", render=lambda b, t: esc(b.get_status_display()))

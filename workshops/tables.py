"""The Workshops list's one declaration (issue 20): `WorkshopTable`."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format, localize, time_format
from django.utils.html import conditional_escape as esc
from django.utils.text import Truncator

from core.tables import Column, Table

from .models import Workshop

ABGESAGT = (
    ' <span class="kern-badge kern-badge--small kern-badge--danger">'
    '<span class="kern-label">abgesagt</span></span>'
)
ENTWURF = (
    ' <span class="kern-badge kern-badge--small kern-badge--warning">'
    '<span class="kern-label">Entwurf</span></span>'
)


def _termin(w: Workshop, table) -> str:
    beginn = timezone.localtime(w.beginn)
    ende = time_format(timezone.localtime(w.ende), "H:i") if w.ende else ""
    return f"{date_format(beginn, 'D, d.m.Y')}<br>{time_format(beginn, 'H:i')}–{ende} Uhr"


def _titel(w: Workshop, table) -> str:
    return (
        f'<a href="{esc(w.get_absolute_url())}">{esc(w.titel)}</a>'
        f"{ABGESAGT if w.abgesagt else ''}{'' if w.veroeffentlicht_am else ENTWURF}"
    )


def _format(w: Workshop, table) -> str:
    ort = f'<br><span class="meta">{esc(Truncator(w.ort).chars(60))}</span>' if w.ort else ""
    return f"{esc(w.get_format_display())}{ort}"


class WorkshopTable(Table):
    """/workshops/: upcoming or past workshops; the rows from `workshops_for_list`. The
    default order depends on the period (`WorkshopListView.get_sorting`)."""

    caption = "Workshops, sortierbar"

    beginn = Column("Termin", sort="beginn", render=_termin)
    titel = Column("Workshop", sort="titel", row_header=True, render=_titel)
    format = Column("Format", sort="format", render=_format)
    handlungsfeld = Column(
        "Handlungsfeld",
        sort="handlungsfeld__nummer",
        render=lambda w, t: esc(w.handlungsfeld) if w.handlungsfeld else "–",
    )
    ausrichtung = Column("Ausrichtung", render=lambda w, t: esc(w.organisiert_von or w.traeger))
    anmeldungen = Column(
        "angemeldete Kommunen",
        sort="anzahl_kommunen",
        num=True,
        render=lambda w, t: localize(w.anzahl_kommunen),
    )
    ich_angemeldet = Column(
        "Ihre Anmeldung",
        render=lambda w, t: "angemeldet" if w.ich_angemeldet else '<span class="meta">–</span>',
    )

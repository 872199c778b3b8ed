"""The Kommunen list's one declaration (issue 20): `KommuneTable`, one table per Kreis."""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import localize
from django.utils.html import conditional_escape as esc

from core.tables import Column, Table

from .models import Kommune


def _name(k: Kommune, table) -> str:
    return f'<a href="{esc(k.get_absolute_url())}">{esc(k.name)}</a>'


def _count(attribute: str):
    return lambda k, table: localize(getattr(k, attribute))


class KommuneTable(Table):
    """/kommunen/: the Kommunen of one Kreis with population and counts (`with_counts`)."""

    name = Column("Kommune", row_header=True, render=_name)
    typ = Column("Typ")
    einwohner = Column(
        "Einwohner",
        num=True,
        render=lambda k, t: esc(intcomma(k.einwohner)) if k.einwohner else "–",
    )
    federfuehrend = Column(
        "Maßnahmen federführend", num=True, render=_count("anzahl_federfuehrend")
    )
    beteiligt = Column("Maßnahmen beteiligt", num=True, render=_count("anzahl_beteiligt"))
    ozg_online = Column("OZG-Leistungen online", num=True, render=_count("anzahl_ozg_online"))

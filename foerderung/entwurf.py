"""Draft lines of a Statusmeldung: drawdowns paid in the quarter (massnahmen.entwurf)."""

from __future__ import annotations

from core.formatting import euro
from massnahmen.entwurf import register_entwurfsquelle

from .models import Mittelabruf


@register_entwurfsquelle("mittelabrufe")
def _mittelabrufe(massnahme, quartal):
    abrufe = (
        Mittelabruf.objects.filter(
            bescheid__massnahmen=massnahme,
            status=Mittelabruf.Status.AUSGEZAHLT,
            ausgezahlt_am__range=(quartal.beginn, quartal.ende),
        )
        .select_related("bescheid")
        .order_by("ausgezahlt_am", "pk")
    )
    return [
        (
            a.ausgezahlt_am,
            f"Mittelabruf über {euro(a.betrag)} aus Förderbescheid {a.bescheid.aktenzeichen} "
            f"ausgezahlt am {a.ausgezahlt_am:%d.%m.%Y}",
        )
        for a in abrufe
    ]

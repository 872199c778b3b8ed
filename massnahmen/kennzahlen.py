"""Derived Kennzahl of the strategy: share of Maßnahmen abgeschlossen (registered in
MassnahmenConfig.ready()).

As of a quarter's end: a Maßnahme counts from the earlier of its start (`beginn`) and the
day it was entered, so Maßnahmen entered after the fact count from their real start. It is
abgeschlossen at the quarter's end when its status is abgeschlossen and `ende_tatsaechlich`
lies on or before that day. Archived and cancelled (abgebrochen) Maßnahmen are left out of
both counts; status and archive flag are taken as they are now (the portal has no reliable
status history for Maßnahmen entered by import).

Per Kommune: the Maßnahmen the Kommune leads.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q

from core.quartal import Quartal
from handlungsfelder.quellen import anteil, quartal_spalten, register_quelle, schluessel

from .models import Massnahme


@register_quelle(
    "massnahmen_abgeschlossen",
    einheit="%",
    stichtag=(
        "Anteil der zum Quartalsende laufenden oder abgeschlossenen Maßnahmen, die bis zum "
        "Quartalsende abgeschlossen wurden (nach dem tatsächlichen Ende); archivierte und "
        "abgebrochene Maßnahmen zählen nicht."
    ),
)
def anteil_abgeschlossen(
    *, kreis_ids: Sequence[str], quartale: Sequence[Quartal], je_kommune: bool
) -> dict:
    spalten = quartal_spalten(quartale)
    gruppe = "federfuehrend_id" if je_kommune else "kreis_id"
    aggregate = {}
    for alias, q in spalten:
        aggregate[f"{alias}_alle"] = Count("pk", filter=Q(seit__lte=q.ende))
        aggregate[f"{alias}_fertig"] = Count(
            "pk",
            filter=Q(
                seit__lte=q.ende,
                status=Massnahme.Status.ABGESCHLOSSEN,
                ende_tatsaechlich__lte=q.ende,
            ),
        )
    zeilen = (
        Massnahme.objects.filter(kreis_id__in=kreis_ids, archiviert=False)
        .exclude(status=Massnahme.Status.ABGEBROCHEN)
        .mit_seit()
        .values(gruppe)
        .annotate(**aggregate)
    )
    gefunden = {z[gruppe]: z for z in zeilen}
    return {
        key: {
            str(q): anteil(
                gefunden.get(key, {}).get(f"{alias}_fertig"),
                gefunden.get(key, {}).get(f"{alias}_alle"),
            )
            for alias, q in spalten
        }
        for key in schluessel(kreis_ids, je_kommune)
    }

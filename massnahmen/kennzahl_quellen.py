"""Derived Kennzahl of the strategy: share of Maßnahmen abgeschlossen (registered in
MassnahmenConfig.ready()).

As of a quarter's end (core.stichtag): the Maßnahmen as they stood at midnight after its
last day, read from the change history – a Maßnahme entered later does not count for it,
and one finished later counts as running. Archived and cancelled (abgebrochen) Maßnahmen at
that moment are left out of both counts.

Per Kommune: the Maßnahmen the Kommune leads.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q

from core.quartal import Quartal
from core.stichtag import stichtag, valid_on, with_validity
from handlungsfelder.quellen import anteil, quartal_columns, register_quelle, schluessel

from .models import Massnahme


@register_quelle(
    "massnahmen_abgeschlossen",
    einheit="%",
    stichtag=(
        "Anteil der zum Quartalsende laufenden oder abgeschlossenen Maßnahmen, die an diesem "
        "Tag abgeschlossen waren (Stand der Daten am Quartalsende); archivierte und "
        "abgebrochene Maßnahmen zählen nicht."
    ),
)
def anteil_abgeschlossen(
    *, kreis_ids: Sequence[str], quartale: Sequence[Quartal], je_kommune: bool
) -> dict:
    spalten = quartal_columns(quartale)
    gruppe = "federfuehrend_id" if je_kommune else "kreis_id"
    zaehlt = Q(archiviert=False) & ~Q(status=Massnahme.Status.ABGEBROCHEN)
    aggregate = {}
    for alias, q in spalten:
        am = valid_on(stichtag(q)) & zaehlt
        aggregate[f"{alias}_alle"] = Count("history_id", filter=am)
        aggregate[f"{alias}_fertig"] = Count(
            "history_id", filter=am & Q(status=Massnahme.Status.ABGESCHLOSSEN)
        )
    zeilen = (
        with_validity(Massnahme.history.filter(kreis_id__in=kreis_ids))
        .order_by()
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

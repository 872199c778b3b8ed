"""Derived Kennzahl of the strategy: OZG services online (registered in OzgConfig.ready()).

"Online" is the stored `Umsetzungsstand.online`: Reifegrad ≥ 3 under the OZG-Reifegradmodell
2.0, or the equivalent online level (≥ 3, see `ONLINE_AB`) for ratings still made under 1.1.

As of a quarter's end (core.stichtag): the ratings as they stood at midnight after its last
day, read from the change history – a service rated online later, or rated down later,
counts for each quarter with the rating it had then.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Q

from core.quartal import Quartal
from core.stichtag import stichtag, valid_on, with_validity
from handlungsfelder.quellen import quartal_columns, register_quelle, schluessel

from .models import Umsetzungsstand


@register_quelle(
    "ozg_reifegrad",
    einheit="Anzahl",
    stichtag=(
        "Gezählt werden OZG-Leistungen ab Reifegrad 3 (Modell 2.0, oder die gleichwertige "
        "Online-Stufe im Modell 1.1) mit der Bewertung, die am Quartalsende galt."
    ),
)
def ozg_leistungen_online(
    *, kreis_ids: Sequence[str], quartale: Sequence[Quartal], je_kommune: bool
) -> dict:
    spalten = quartal_columns(quartale)
    gruppe = "kommune_id" if je_kommune else "kommune__kreis_id"
    zeilen = (
        with_validity(Umsetzungsstand.history.filter(kommune__kreis_id__in=kreis_ids))
        .order_by()
        .values(gruppe)
        .annotate(
            **{
                alias: Count("history_id", filter=valid_on(stichtag(q)) & Q(online=True))
                for alias, q in spalten
            }
        )
    )
    gefunden = {z[gruppe]: z for z in zeilen}
    return {
        key: {str(q): Decimal(gefunden.get(key, {}).get(alias, 0)) for alias, q in spalten}
        for key in schluessel(kreis_ids, je_kommune)
    }

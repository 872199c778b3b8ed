"""Derived Kennzahl of the strategy: OZG services online (registered in OzgConfig.ready()).

"Online" is the stored `Umsetzungsstand.online`: Reifegrad ≥ 3 under the OZG-Reifegradmodell
2.0, or the equivalent online level (≥ 3, see `ONLINE_AB`) for ratings still made under 1.1.

As of a quarter's end: a service counts when it is online now and went online on or before
that day, by `online_seit`, else `bewertet_am`, else the day the row was entered. The current
Reifegrad is used for earlier quarters as well (a service that has since dropped below the
online level is no longer counted anywhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncDate

from core.quartal import Quartal
from handlungsfelder.quellen import quartal_spalten, register_quelle, schluessel

from .models import Umsetzungsstand


@register_quelle(
    "ozg_reifegrad",
    einheit="Anzahl",
    stichtag=(
        "Gezählt werden OZG-Leistungen ab Reifegrad 3 (Modell 2.0, oder die gleichwertige "
        "Online-Stufe im Modell 1.1), die zum Quartalsende online waren (nach „online seit“, "
        "sonst nach dem Bewertungsdatum)."
    ),
)
def ozg_leistungen_online(
    *, kreis_ids: Sequence[str], quartale: Sequence[Quartal], je_kommune: bool
) -> dict:
    spalten = quartal_spalten(quartale)
    gruppe = "kommune_id" if je_kommune else "kommune__kreis_id"
    zeilen = (
        Umsetzungsstand.objects.filter(online=True, kommune__kreis_id__in=kreis_ids)
        .annotate(stichtag=Coalesce("online_seit", "bewertet_am", TruncDate("erstellt_am")))
        .values(gruppe)
        .annotate(**{alias: Count("pk", filter=Q(stichtag__lte=q.ende)) for alias, q in spalten})
    )
    gefunden = {z[gruppe]: z for z in zeilen}
    return {
        key: {str(q): Decimal(gefunden.get(key, {}).get(alias, 0)) for alias, q in spalten}
        for key in schluessel(kreis_ids, je_kommune)
    }

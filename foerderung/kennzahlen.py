"""Derived Kennzahl of the strategy: Fördermittel abgerufen in % (registered in
FoerderungConfig.ready()).

As of a quarter's end: the sum of all Mittelabrufe dated on or before that day, divided by
the granted amounts of the Kreis's Förderbescheide issued (Bescheiddatum) on or before that
day; revoked (widerrufen) Bescheide count in neither sum. The status is taken as it is now.

Per Kommune: the Bescheide the Kommune received as Zuwendungsempfänger.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, Sum

from core.quartal import Quartal
from handlungsfelder.quellen import anteil, quartal_spalten, register_quelle, schluessel

from .models import Foerderbescheid, Mittelabruf


@register_quelle(
    "foerdermittel_abgerufen",
    einheit="%",
    stichtag=(
        "Summe der bis zum Quartalsende abgerufenen Mittel im Verhältnis zu den bis dahin "
        "bewilligten Beträgen der Förderbescheide (ohne widerrufene Bescheide)."
    ),
)
def foerdermittel_abgerufen(
    *, kreis_ids: Sequence[str], quartale: Sequence[Quartal], je_kommune: bool
) -> dict:
    spalten = quartal_spalten(quartale)
    gruppe = "zuwendungsempfaenger_id" if je_kommune else "kreis_id"
    bescheide = Foerderbescheid.objects.filter(kreis_id__in=kreis_ids).exclude(
        status=Foerderbescheid.Status.WIDERRUFEN
    )
    bewilligt = {
        z[gruppe]: z
        for z in bescheide.values(gruppe).annotate(
            **{
                alias: Sum("bewilligter_betrag", filter=Q(bescheiddatum__lte=q.ende))
                for alias, q in spalten
            }
        )
    }
    abgerufen = {
        z[f"bescheid__{gruppe}"]: z
        for z in Mittelabruf.objects.filter(bescheid__in=bescheide)
        .values(f"bescheid__{gruppe}")
        .annotate(
            **{
                alias: Sum(
                    "betrag", filter=Q(datum__lte=q.ende, bescheid__bescheiddatum__lte=q.ende)
                )
                for alias, q in spalten
            }
        )
    }
    return {
        key: {
            str(q): anteil(abgerufen.get(key, {}).get(alias), bewilligt.get(key, {}).get(alias))
            for alias, q in spalten
        }
        for key in schluessel(kreis_ids, je_kommune)
    }

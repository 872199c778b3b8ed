"""Derived Kennzahl of the strategy: Fördermittel abgerufen in % (registered in
FoerderungConfig.ready()).

As of a quarter's end (core.stichtag, the rule of `bescheide_at_quartalsende` and
`mittelabrufe_at_quartalsende`): the drawdowns dated by that day, with their amounts at
that moment, divided by the granted amounts of the Förderbescheide issued (Bescheiddatum) by
that day; a Bescheid revoked (widerrufen) at that moment counts in neither sum.

Per Kommune: the Bescheide the Kommune received as Zuwendungsempfänger.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q, Sum

from core.quartal import Quartal
from core.stichtag import stichtag, valid_on, with_validity
from handlungsfelder.quellen import anteil, quartal_columns, register_quelle, schluessel

from .models import Foerderbescheid, Mittelabruf

NICHT_WIDERRUFEN = ~Q(status=Foerderbescheid.Status.WIDERRUFEN)


@register_quelle(
    "foerdermittel_abgerufen",
    einheit="%",
    stichtag=(
        "Summe der bis zum Quartalsende abgerufenen Mittel im Verhältnis zu den bis dahin "
        "bewilligten Beträgen der Förderbescheide (ohne die an diesem Tag widerrufenen), "
        "mit dem Stand der Daten am Quartalsende."
    ),
)
def foerdermittel_abgerufen(
    *, kreis_ids: Sequence[str], quartale: Sequence[Quartal], je_kommune: bool
) -> dict:
    spalten = quartal_columns(quartale)
    gruppe = "zuwendungsempfaenger_id" if je_kommune else "kreis_id"
    bescheide = with_validity(Foerderbescheid.history.filter(kreis_id__in=kreis_ids))
    bewilligt = {
        z[gruppe]: z
        for z in bescheide.order_by()
        .values(gruppe)
        .annotate(
            **{
                alias: Sum(
                    "bewilligter_betrag",
                    filter=valid_on(stichtag(q)) & NICHT_WIDERRUFEN & Q(bescheiddatum__lte=q.ende),
                )
                for alias, q in spalten
            }
        )
    }

    def bescheid_zaehlt(q: Quartal):
        return Exists(
            bescheide.filter(
                valid_on(stichtag(q)) & NICHT_WIDERRUFEN & Q(bescheiddatum__lte=q.ende),
                id=OuterRef("bescheid_id"),
            )
        )

    abgerufen = {
        z[f"bescheid__{gruppe}"]: z
        for z in with_validity(Mittelabruf.history.filter(bescheid__kreis_id__in=kreis_ids))
        .order_by()
        .values(f"bescheid__{gruppe}")
        .annotate(
            **{
                alias: Sum(
                    "betrag",
                    filter=valid_on(stichtag(q)) & Q(datum__lte=q.ende) & Q(bescheid_zaehlt(q)),
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

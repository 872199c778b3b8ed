"""Registry of derived Kennzahlen: sources whose values the portal computes, never typed.

The data behind a derived Kennzahl lives in apps *above* handlungsfelder (massnahmen,
foerderung, ozg). handlungsfelder must not import them, so the dependency is inverted:
each of those apps keeps its computing function in its own `kennzahl_quellen.py`, decorated with
`@register_quelle(...)`, and imports that module in its `AppConfig.ready()`. This module only
holds the registry and the calling convention; `handlungsfelder.services` looks a source up
by `Kennzahl.quelle` and calls it. A source whose app is not installed is simply missing, and
its Kennzahlen show "–" instead of failing.

The calling convention of a source function (keyword-only):

    berechne(*, kreis_ids: Sequence[str], quartale: Sequence[Quartal], je_kommune: bool)
        -> dict[str | int, dict[str, Decimal | None]]

It returns, per Kreis (AGS, when `je_kommune` is false) or per Kommune (pk, for every
Kommune of the given Kreise, when true), the value for each quarter (`str(quartal)`) as of
that quarter's last day. A few queries in total, not one per quarter or per Kommune.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.quartal import Quartal
from kommunen.models import Kommune

Werte = dict[str | int, dict[str, Decimal | None]]
Berechnung = Callable[..., Werte]


@dataclass(frozen=True)
class Quelle:
    """A registered source: its key (a `Kennzahl.Quelle` value), the unit its values have,
    the function, and a German sentence on what "as of the quarter's end" means for it."""

    schluessel: str
    einheit: str
    stichtag: str
    berechne: Berechnung


QUELLEN: dict[str, Quelle] = {}


def register_quelle(schluessel: str, *, einheit: str, stichtag: str):
    """Register the decorated function as the source `schluessel` (idempotent on reload)."""

    def decorator(berechne: Berechnung) -> Berechnung:
        QUELLEN[schluessel] = Quelle(schluessel, einheit, stichtag, berechne)
        return berechne

    return decorator


def schluessel(kreis_ids: Sequence[str], je_kommune: bool) -> list[str | int]:
    """The keys a source answers with: the Kreise, or every Kommune of them."""
    if not je_kommune:
        return list(kreis_ids)
    return list(Kommune.objects.filter(kreis_id__in=kreis_ids).values_list("pk", flat=True))


def quartal_columns(quartale: Sequence[Quartal]) -> list[tuple[str, Quartal]]:
    """Aggregate aliases for conditional aggregation, one per quarter: ("q_2026_3", Quartal)."""
    return [(f"q_{q.jahr}_{q.nummer}", q) for q in quartale]


def anteil(teil, ganzes) -> Decimal | None:
    """`teil / ganzes` in percent with two decimals; None when there is nothing to divide by."""
    if not ganzes:
        return None
    return (Decimal(teil or 0) * 100 / Decimal(ganzes)).quantize(Decimal("0.01"), ROUND_HALF_UP)

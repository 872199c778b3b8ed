"""German number and money formatting, independent of the active locale."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def zahl(value, stellen: int = 0) -> str:
    """`1234567.5` → `1.234.567,50` (with `stellen` decimals)."""
    if value is None:
        return "–"
    quant = Decimal(1).scaleb(-stellen)
    number = Decimal(value).quantize(quant, ROUND_HALF_UP)
    text = f"{number:,.{stellen}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def euro(value) -> str:
    """`245000` → `245.000,00 €` (non-breaking space before the sign)."""
    if value is None:
        return "–"
    return f"{zahl(value, 2)}\u00a0€"

"""German numbers, independent of the active locale: the one place that writes and reads
them (issue 20, point 3). Forms (`core.money`), the import, the exports, the charts, the
templates and the PDF report all go through here, so what one writes the other reads.

Writing: `zahl` (`1.234.567,50`), `euro` (`245.000,00 €`), `mit_einheit` (`42,5 %`).
Reading: `deutsche_zahl` accepts exactly the German notation and refuses everything
ambiguous (`245,000.00`, `12.50`, `1.2.3`) with a German message, instead of guessing and
storing a thousandfold wrong amount.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

EURO_EINHEITEN = ("€", "EUR", "Euro")


def zahl(value, stellen: int = 0, *, tausender: bool = True) -> str:
    """`1234567.5` → `1.234.567,50` (with `stellen` decimals); `tausender=False` leaves out
    the thousands dots (`1234567,50`: what spreadsheets read back as a number)."""
    if value is None:
        return "–"
    quant = Decimal(1).scaleb(-stellen)
    number = Decimal(value).quantize(quant, ROUND_HALF_UP)
    text = f"{number:{',' if tausender else ''}.{stellen}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def mit_einheit(wert: float | None, einheit: str = "", stellen: int | None = None) -> str:
    """German number with unit: `42.5, "%"` → `42,5 %` (narrow no-break space); None → `–`.
    Without `stellen`: no decimals for whole numbers, one otherwise."""
    if wert is None:
        return "–"
    if stellen is None:
        stellen = 0 if float(wert).is_integer() else 1
    text = zahl(wert, stellen)
    return f"{text}\u202f{einheit}" if einheit else text


def euro(value) -> str:
    """`245000` → `245.000,00 €` (non-breaking space before the sign)."""
    if value is None:
        return "–"
    return f"{zahl(value, 2)}\u00a0€"


# Digits without grouping (`245000`, `245000,5`) or grouped by dots in threes
# (`245.000`, `1.245.000,00`); optional comma with decimals (checked separately).
# ASCII digits only: `\d` would also take Arabic-Indic or full-width digits.
_OHNE_GRUPPEN = re.compile(r"[0-9]+")
_MIT_GRUPPEN = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_NACHKOMMA = re.compile(r"[0-9]+")
_LEERZEICHEN = re.compile(r"[\s\u00a0\u202f]+")


def deutsche_zahl(
    text: str,
    *,
    einheiten: tuple[str, ...] = (),
    nachkommastellen: int = 2,
    beispiel: str = "245.000,00",
) -> Decimal:
    """Parse a non-negative German decimal number, e.g. `1.245.000,50` → Decimal("1245000.50").

    `einheiten` may follow the number (e.g. "€", "EUR"). Raises ValidationError with a German
    message for anything else.
    """
    wert = _LEERZEICHEN.sub(" ", str(text)).strip()
    for einheit in einheiten:
        if wert.lower().endswith(einheit.lower()):
            wert = wert[: -len(einheit)].strip()
            break
    if wert.startswith(("-", "\u2212")):
        raise ValidationError("Negative Werte sind nicht zulässig.", code="negative")
    ganz, komma, nachkomma = wert.partition(",")
    if not (_OHNE_GRUPPEN.fullmatch(ganz) or _MIT_GRUPPEN.fullmatch(ganz)) or (
        komma and not _NACHKOMMA.fullmatch(nachkomma)
    ):
        raise ValidationError(
            f"Bitte geben Sie eine Zahl in deutscher Schreibweise ein, z. B. {beispiel}.",
            code="invalid",
        )
    if len(nachkomma) > nachkommastellen:
        raise ValidationError(
            f"Bitte geben Sie höchstens {nachkommastellen} Nachkommastellen an.",
            code="decimal_places",
        )
    try:
        return Decimal(f"{ganz.replace('.', '')}.{nachkomma or '0'}").quantize(
            Decimal(1).scaleb(-nachkommastellen)
        )
    except InvalidOperation as error:  # pragma: no cover - the patterns above exclude it
        raise ValidationError("Bitte geben Sie eine gültige Zahl ein.", code="invalid") from error

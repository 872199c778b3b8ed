"""Money and other decimal input the German way: `245.000,00 €` in, `Decimal` out.

Browsers and `forms.DecimalField` expect `245000.00`; people in a German administration
type `245.000,00`, `245000` or `245.000 €`. The fields here accept exactly the German
notation and refuse everything ambiguous (`245,000.00`, `1.2.3`) with a German message,
instead of guessing and storing a thousandfold wrong amount. The reading itself is
`core.formatting.deutsche_zahl`, the one German number module; here are the form widgets
and fields around it.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from core.formatting import EURO_EINHEITEN, deutsche_zahl, zahl


class DeutscheZahlInput(forms.TextInput):
    """A text input that shows stored values German style (`245.000,00`).

    Not `type="number"`: number inputs follow the browser's locale, refuse the thousands
    dot and silently drop what they cannot parse.
    """

    def __init__(self, attrs=None, stellen: int = 2):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.stellen = stellen

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return zahl(value, self.stellen)
        return super().format_value(value)


class DeutscheZahlField(forms.DecimalField):
    """A DecimalField that reads German notation with an optional unit behind the number."""

    einheiten: tuple[str, ...] = ()
    beispiel = "1.234,56"
    fehler_zu_gross = "Der Wert ist zu groß."

    def __init__(self, *, max_digits: int = 12, decimal_places: int = 2, **kwargs):
        kwargs.setdefault("widget", DeutscheZahlInput(stellen=decimal_places))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        self.localize = False

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        text = str(value).strip()
        if not text:
            return None
        if len(text) > 40:  # no regex work on pasted novels
            raise ValidationError(
                f"Bitte geben Sie eine Zahl in deutscher Schreibweise ein, z. B. {self.beispiel}.",
                code="invalid",
            )
        zahl_wert = deutsche_zahl(
            text,
            einheiten=self.einheiten,
            nachkommastellen=self.decimal_places,
            beispiel=self.beispiel,
        )
        if self.max_digits is not None:
            ganzstellen = len(str(int(zahl_wert))) if zahl_wert >= 1 else 0
            if ganzstellen > self.max_digits - self.decimal_places:
                raise ValidationError(self.fehler_zu_gross, code="max_digits")
        return zahl_wert

    def validate(self, value):
        # The parser above already guarantees a finite, well-formed number.
        forms.Field.validate(self, value)


class EuroField(DeutscheZahlField):
    """An amount in EUR: `245.000,00`, `245000`, `245.000 €`, `245000,5` → Decimal.

    At most two decimals, never negative; shown back as `245.000,00`.
    """

    einheiten = EURO_EINHEITEN
    beispiel = "245.000,00"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        stellen = (self.max_digits or 12) - self.decimal_places
        groesster = Decimal("9" * stellen + "." + "9" * self.decimal_places)
        self.fehler_zu_gross = f"Der Betrag ist zu groß (höchstens {zahl(groesster, 2)} €)."
        # Validator messages are %-formatted: a literal percent sign would need escaping.
        if self.min_value is not None:
            self.error_messages["min_value"] = (
                "Der Betrag muss größer als 0 € sein."
                if self.min_value == Decimal("0.01")
                else f"Der Betrag muss mindestens {zahl(self.min_value, 2)} € betragen."
            )
        if self.max_value is not None:
            self.error_messages["max_value"] = (
                f"Der Betrag darf höchstens {zahl(self.max_value, 2)} € betragen."
            )


class ProzentField(DeutscheZahlField):
    """A percentage such as `90`, `90,5` or `90 %`."""

    einheiten = ("%", "Prozent")
    beispiel = "90,00"

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        super().__init__(**kwargs)
        self.fehler_zu_gross = "Bitte geben Sie höchstens 100 % an."
        if self.min_value is not None:
            self.error_messages["min_value"] = (
                f"Bitte geben Sie mindestens {zahl(self.min_value, 2)} %% an."
            )
        if self.max_value is not None:
            self.error_messages["max_value"] = (
                f"Bitte geben Sie höchstens {zahl(self.max_value, 2)} %% an."
            )

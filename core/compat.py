"""Guards against integer overflow on SQLite (the laptop database).

SQLite stores at most 64-bit integers; Django passes a larger id from a form straight to
the database, which raises OverflowError (a 500) instead of "invalid choice". PostgreSQL
compares such values fine. Ids in URLs are bounded by the `id` path converter below; ids
in forms by wrapping the two model choice fields, which also refuse a NUL byte (PostgreSQL
cannot compare it: a 500). Form dates are kept between 2000 and 2100. Applied once from
CoreConfig.ready().
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms import models as form_models


class IdConverter:
    """Like Django's `int` converter, but at most 18 digits (fits a 64-bit integer)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def _invalid_choice(field, value):
    return ValidationError(
        field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
    )


# Every date a form accepts lies in these years: beyond them a typo (31.12.9999) would reach
# the database and date arithmetic ("year 10000 is out of range") on later pages.
FRUEHESTES_JAHR, SPAETESTES_JAHR = 2000, 2100
DATUM_AUSSERHALB = f"Bitte ein Datum zwischen {FRUEHESTES_JAHR} und {SPAETESTES_JAHR} angeben."


def _date_in_range(value) -> None:
    if value is not None and not FRUEHESTES_JAHR <= value.year <= SPAETESTES_JAHR:
        raise ValidationError(DATUM_AUSSERHALB, code="datum_ausserhalb")


def _install_date_range() -> None:
    """Every forms.DateField and DateTimeField of the project (model forms, filters, admin)
    refuses years outside FRUEHESTES_JAHR..SPAETESTES_JAHR with a German message."""
    for feld in (forms.DateField, forms.DateTimeField):
        if getattr(feld, "_portal_datumsbereich", False):
            continue
        validate = feld.validate

        def validate_im_rahmen(self, value, _validate=validate):
            _validate(self, value)
            _date_in_range(value)

        feld.validate = validate_im_rahmen
        feld._portal_datumsbereich = True


def install() -> None:
    _install_date_range()
    single = form_models.ModelChoiceField
    multiple = form_models.ModelMultipleChoiceField
    if getattr(single, "_portal_overflow_guard", False):
        return
    to_python, check_values = single.to_python, multiple._check_values

    # PostgreSQL refuses a NUL byte in a query parameter (a 500): no such choice exists.
    def safe_to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise _invalid_choice(self, value.replace("\x00", ""))
        try:
            return to_python(self, value)
        except OverflowError:
            raise _invalid_choice(self, value) from None

    def safe_check_values(self, value):
        for einzeln in value if isinstance(value, list | tuple) else []:
            if isinstance(einzeln, str) and "\x00" in einzeln:
                raise _invalid_choice(self, einzeln.replace("\x00", ""))
        try:
            return check_values(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": "…"},
            ) from None

    single.to_python = safe_to_python
    multiple._check_values = safe_check_values
    single._portal_overflow_guard = True

"""Guards against integer overflow on SQLite (the laptop database).

SQLite stores at most 64-bit integers; Django passes a larger id from a form straight to
the database, which raises OverflowError (a 500) instead of "invalid choice". PostgreSQL
compares such values fine. Ids in URLs are bounded by the `id` path converter below; ids
in forms by wrapping the two model choice fields. Applied once from CoreConfig.ready().
"""

from __future__ import annotations

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


def install() -> None:
    single = form_models.ModelChoiceField
    multiple = form_models.ModelMultipleChoiceField
    if getattr(single, "_portal_overflow_guard", False):
        return
    to_python, check_values = single.to_python, multiple._check_values

    def safe_to_python(self, value):
        try:
            return to_python(self, value)
        except OverflowError:
            raise _invalid_choice(self, value) from None

    def safe_check_values(self, value):
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

"""Quarters as a small value type used by Statusmeldungen, Kennzahlen and reports.

Three spellings, each for one purpose: `str()` gives the stored and URL form `2026-Q3`
(machines only); `label` the text form `3. Quartal 2026`; `kurz` the short form `Q3/2026`
for table headers and chart axes. Templates use the filters `quartal` and `quartal_kurz`,
Python code `quartal_text()` and `quartal_kurz()`, which also take the stored string.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

QUARTAL_RE = re.compile(r"^(?P<jahr>\d{4})-Q(?P<q>[1-4])$")

quartal_validator = RegexValidator(
    QUARTAL_RE.pattern, "Bitte ein Quartal im Format JJJJ-Qn angeben, z. B. 2026-Q3."
)


@dataclass(frozen=True, order=True)
class Quartal:
    """A calendar quarter; `str()` gives the stored form `2026-Q3`."""

    jahr: int
    nummer: int

    @classmethod
    def parse(cls, value: str | Quartal) -> Quartal:
        if isinstance(value, Quartal):
            return value
        match = QUARTAL_RE.match(str(value).strip())
        if not match:
            raise ValidationError(
                "Bitte ein Quartal im Format JJJJ-Qn angeben, z. B. 2026-Q3.", code="quartal"
            )
        return cls(int(match["jahr"]), int(match["q"]))

    @classmethod
    def from_date(cls, day: dt.date) -> Quartal:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls) -> Quartal:
        return cls.from_date(timezone.localdate())

    @classmethod
    def last_complete(cls) -> Quartal:
        return cls.current().previous()

    def previous(self, steps: int = 1) -> Quartal:
        index = self.jahr * 4 + (self.nummer - 1) - steps
        return Quartal(index // 4, index % 4 + 1)

    def next(self, steps: int = 1) -> Quartal:
        return self.previous(-steps)

    @property
    def beginn(self) -> dt.date:
        return dt.date(self.jahr, 3 * (self.nummer - 1) + 1, 1)

    @property
    def ende(self) -> dt.date:
        return self.next().beginn - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """`3. Quartal 2026`: the form for running text, headings and choices."""
        return f"{self.nummer}. Quartal {self.jahr}"

    @property
    def genitiv(self) -> str:
        """`des 3. Quartals 2026`, as in "der Abschluss des 3. Quartals 2026"."""
        return f"des {self.nummer}. Quartals {self.jahr}"

    @property
    def kurz(self) -> str:
        """`Q3/2026`: the form where space is short (table headers, chart axes)."""
        return f"Q{self.nummer}/{self.jahr}"

    def __str__(self) -> str:
        return f"{self.jahr}-Q{self.nummer}"


class QuartalField(models.CharField):
    """Stores a quarter as `YYYY-Qn`; that form sorts chronologically as text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("validators", [quartal_validator])
        kwargs.setdefault("verbose_name", "Quartal")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if kwargs.get("max_length") == 7:
            kwargs.pop("max_length")
        return name, path, args, kwargs


def _quartal_or_none(value) -> Quartal | None:
    if value in (None, ""):
        return None
    try:
        return Quartal.parse(value)
    except ValidationError:
        return None


def quartal_text(value) -> str:
    """A quarter (or its stored form `2026-Q3`) as `3. Quartal 2026`; other text unchanged."""
    quartal = _quartal_or_none(value)
    return quartal.label if quartal else ("" if value is None else str(value))


def quartal_kurz(value) -> str:
    """A quarter (or its stored form `2026-Q3`) as `Q3/2026`; other text unchanged."""
    quartal = _quartal_or_none(value)
    return quartal.kurz if quartal else ("" if value is None else str(value))

"""Helpers for idempotent loading, shared by the per-app `reference.py` and `demo.py` hooks.

`manage.py load_reference_data` calls `<app>.reference.load(stdout)` for every installed app
that has one; this module deliberately has no `load()` of its own. The hooks return counts
as `{"<Modell (Plural)>.<created|updated|unchanged>": n}`; `Zaehler` builds that dict.

Rows are only written when a value differs, so a second run touches nothing: no
`geaendert_am` bump and no new rows in the change history (django-simple-history).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import models

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
AKTIONEN = (CREATED, UPDATED, UNCHANGED)


class Zaehler:
    """Counts created / updated / unchanged rows per model."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def add(self, model: type[models.Model], aktion: str) -> None:
        self._counts[f"{model._meta.verbose_name_plural}.{aktion}"] += 1

    def as_dict(self) -> dict[str, int]:
        return dict(self._counts)


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of a reference CSV file in `settings.REFERENCE_DATA_DIR`, values stripped."""
    path = Path(settings.REFERENCE_DATA_DIR) / name
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def _differs(obj: models.Model, values: dict) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def apply(obj: models.Model, values: dict) -> bool:
    """Set `values` on a saved object and save it only if something differs."""
    changed = _differs(obj, values)
    if not changed:
        return False
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return True


def upsert(
    model: type[models.Model],
    lookup: dict,
    values: dict | None = None,
    *,
    zaehler: Zaehler | None = None,
    existing: models.Model | None = None,
) -> tuple[models.Model, str]:
    """Get the row matching `lookup` (or `existing`, if already fetched), create it with
    `values` if missing, otherwise update only the fields that differ.

    Use attribute names for foreign keys in `values` (`kreis_id`, not `kreis`), so the
    comparison needs no extra query.
    """
    values = values or {}
    obj = existing
    if obj is None:
        obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        aktion = CREATED
    else:
        aktion = UPDATED if apply(obj, values) else UNCHANGED
    if zaehler is not None:
        zaehler.add(model, aktion)
    return obj, aktion


def sync_rows(
    model: type[models.Model], key: str, rows: list[dict], zaehler: Zaehler
) -> dict[str, models.Model]:
    """Upsert many rows identified by the unique field `key`; one query to read them all.

    Returns the objects by key. Rows missing from `rows` are left alone (never deleted:
    other data may refer to them).
    """
    bestand = model._default_manager.in_bulk([row[key] for row in rows], field_name=key)
    result = {}
    for row in rows:
        values = {name: value for name, value in row.items() if name != key}
        obj, _ = upsert(
            model, {key: row[key]}, values, zaehler=zaehler, existing=bestand.get(row[key])
        )
        result[row[key]] = obj
    return result

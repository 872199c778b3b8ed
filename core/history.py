"""Readable change history from django-simple-history records (who changed what, when)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

HIDDEN = {"geaendert_am", "erstellt_am", "version", "history_change_reason"}


@dataclass
class Aenderung:
    feld: str
    alt: str
    neu: str


@dataclass
class Eintrag:
    wann: Any
    wer: str
    was: str  # "angelegt" / "geändert" / "gelöscht"
    objekt: str
    aenderungen: list[Aenderung] = field(default_factory=list)


def _anzeige(model, field_name: str, value) -> str:
    if value in (None, ""):
        return "–"
    try:
        f = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - m2m history fields are not concrete on the model
        f = None
    if isinstance(value, list):  # m2m changes come as lists of through-row dicts
        return ", ".join(str(next(iter(v.values()), "")) for v in value) or "–"
    if f is not None and f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if f is not None and isinstance(f, models.ForeignKey):
        try:
            return str(f.related_model._default_manager.get(pk=value))
        except f.related_model.DoesNotExist:
            return f"(gelöscht: {value})"
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def verlauf(records, *, objekt_label=str) -> list[Eintrag]:
    """Entries for a list of historical records of ONE object, newest first."""
    records = list(records)
    entries: list[Eintrag] = []
    for index, record in enumerate(records):
        model = record.instance_type
        wer = str(record.history_user) if record.history_user_id else "System"
        objekt = objekt_label(record)
        if record.history_type == "+":
            entries.append(Eintrag(record.history_date, wer, "angelegt", objekt))
            continue
        if record.history_type == "-":
            entries.append(Eintrag(record.history_date, wer, "gelöscht", objekt))
            continue
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is None:
            continue
        delta = record.diff_against(previous)
        changes = [
            Aenderung(
                str(model._meta.get_field(c.field).verbose_name)
                if c.field in {f.name for f in model._meta.get_fields()}
                else c.field,
                _anzeige(model, c.field, c.old),
                _anzeige(model, c.field, c.new),
            )
            for c in delta.changes
            if c.field not in HIDDEN
        ]
        if changes:
            entries.append(Eintrag(record.history_date, wer, "geändert", objekt, changes))
    return entries


def unterschiede(alt, neu) -> list[Aenderung]:
    """Field changes between two historical records of the same object."""
    model = neu.instance_type
    return [
        Aenderung(
            str(model._meta.get_field(c.field).verbose_name),
            _anzeige(model, c.field, c.old),
            _anzeige(model, c.field, c.new),
        )
        for c in neu.diff_against(alt).changes
        if c.field not in HIDDEN
    ]

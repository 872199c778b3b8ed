"""Readable change history from django-simple-history records: who changed what, when.

django-simple-history keeps a row per save, and saving a form writes one more row per
many-to-many field. This module turns those rows into entries with values shown the way the
portal shows them (German money, percent and dates, names instead of ids). Core knows no
domain app: callers name their money, percent and hidden fields; related objects are looked
up through the model's `_meta`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import Truncator

from .formatting import euro, zahl

# Bookkeeping fields nobody needs to read about.
VERBORGEN = frozenset({"id", "erstellt_am", "geaendert_am", "version"})
AKTIONEN = {"+": "angelegt", "~": "geändert", "-": "gelöscht"}
# Rows of the same person and change reason within this window are shown as one change,
# because a form save writes the row and then each many-to-many field separately.
ZUSAMMENFASSEN = dt.timedelta(seconds=10)


@dataclass
class Aenderung:
    feld: str
    alt: str
    neu: str


@dataclass
class Eintrag:
    zeitpunkt: dt.datetime
    person: str
    objekt: str
    aktion: str  # "angelegt" / "geändert" / "gelöscht"
    aenderungen: list[Aenderung] = field(default_factory=list)
    grund: str = ""  # the record's change reason, e.g. "Import aus massnahmen.csv"


@dataclass(frozen=True)
class _Display:
    """How the values of one model are shown, with the names of its related objects."""

    model: Any
    geld: Collection[str]
    prozent: Collection[str]
    namen: dict[Any, dict[Any, str]]

    def feld(self, name: str):
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def label(self, name: str) -> str:
        return str(getattr(self.feld(name), "verbose_name", name))

    def wert(self, name: str, value) -> str:
        if value in (None, "", []):
            return "–"
        if name in self.geld:
            return euro(value)
        if name in self.prozent:
            return f"{zahl(value, 2)}\u00a0%"
        f = self.feld(name)
        if f is not None and f.many_to_many:  # a list of through-table rows
            namen = self.namen.get(f.related_model, {})
            schluessel = f.m2m_reverse_field_name()
            return (
                ", ".join(sorted(namen.get(row.get(schluessel), "(gelöscht)") for row in value))
                or "–"
            )
        if f is not None and f.many_to_one:
            return self.namen.get(f.related_model, {}).get(value, f"(gelöscht: {value})")
        if f is not None and f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "ja" if value else "nein"
        if isinstance(value, dt.date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, Decimal):
            return zahl(value, 2)
        return Truncator(str(value)).chars(160)


def _display(model, changes: Iterable, geld, prozent) -> _Display:
    """Load the names of all related objects the changes mention, one query per model."""
    ids: dict[Any, set] = defaultdict(set)
    for change in changes:
        try:
            f = model._meta.get_field(change.field)
        except FieldDoesNotExist:
            continue
        if f.many_to_many:
            schluessel = f.m2m_reverse_field_name()
            for rows in (change.old, change.new):
                ids[f.related_model].update(row.get(schluessel) for row in rows or ())
        elif f.many_to_one:
            ids[f.related_model].update((change.old, change.new))
    namen = {
        related: {pk: str(obj) for pk, obj in related._base_manager.in_bulk(pks - {None}).items()}
        for related, pks in ids.items()
    }
    return _Display(model, frozenset(geld), frozenset(prozent), namen)


def _person(record) -> str:
    return str(record.history_user) if record.history_user_id else "System"


def verlauf(
    records: Iterable,
    *,
    objekt: str | Callable[[Any], str],
    geld: Collection[str] = (),
    prozent: Collection[str] = (),
    verborgen: Collection[str] = (),
) -> list[Eintrag]:
    """Entries for the history rows of one model (one or several objects), newest first.

    `objekt` names the object of a row ("Förderbescheid" or a function of the row); `geld`
    and `prozent` are fields shown as euro amounts and percentages; `verborgen` are fields
    whose changes are not shown. A change without a visible difference is left out.
    """
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    if not records:
        return []
    model = records[0].instance_type
    pk_name = model._meta.pk.attname
    ausgeblendet = VERBORGEN | set(verborgen)
    beschriften = objekt if callable(objekt) else lambda record: objekt

    pro_objekt: dict[Any, list] = defaultdict(list)
    for record in records:
        pro_objekt[getattr(record, pk_name)].append(record)
    deltas = {}  # history_id -> changes against the object's previous row
    for rows in pro_objekt.values():
        for vorher, record in zip(rows, rows[1:], strict=False):
            if record.history_type == "~":
                deltas[record.history_id] = record.diff_against(
                    vorher, excluded_fields=ausgeblendet
                ).changes
    darstellung = _display(
        model, (c for changes in deltas.values() for c in changes), geld, prozent
    )

    eintraege: list[Eintrag] = []
    for rows in pro_objekt.values():
        letzter: Eintrag | None = None
        for record in rows:
            aenderungen = [
                Aenderung(
                    darstellung.label(c.field),
                    darstellung.wert(c.field, c.old),
                    darstellung.wert(c.field, c.new),
                )
                for c in deltas.get(record.history_id, [])
            ]
            person = _person(record)
            grund = getattr(record, "history_change_reason", None) or ""
            if record.history_type == "~":
                if not aenderungen:
                    continue  # a save without visible change, or the oldest row loaded
                if (
                    letzter is not None
                    and letzter.person == person
                    and letzter.grund == grund
                    and record.history_date - letzter.zeitpunkt <= ZUSAMMENFASSEN
                ):
                    letzter.aenderungen.extend(aenderungen)
                    continue
            letzter = Eintrag(
                zeitpunkt=record.history_date,
                person=person,
                objekt=beschriften(record),
                aktion=AKTIONEN.get(record.history_type, "geändert"),
                aenderungen=aenderungen,
                grund=grund,
            )
            eintraege.append(letzter)
    eintraege.sort(key=lambda e: e.zeitpunkt, reverse=True)
    return eintraege


def differences(
    alt,
    neu,
    *,
    geld: Collection[str] = (),
    prozent: Collection[str] = (),
    verborgen: Collection[str] = (),
) -> list[Aenderung]:
    """Field changes between two historical records of the same object."""
    model = neu.instance_type
    changes = neu.diff_against(alt, excluded_fields=VERBORGEN | set(verborgen)).changes
    darstellung = _display(model, changes, geld, prozent)
    return [
        Aenderung(
            darstellung.label(c.field),
            darstellung.wert(c.field, c.old),
            darstellung.wert(c.field, c.new),
        )
        for c in changes
    ]

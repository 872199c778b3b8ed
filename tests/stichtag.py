"""Test data that existed in the past: figures of an ended quarter come from the change
history (core.stichtag), so data a test creates "now" must be moved back in time to count
for an earlier quarter."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone

from core.stichtag import past_changed

GESCHICHTE = [
    "massnahmen.Massnahme",
    "massnahmen.Meilenstein",
    "massnahmen.Statusmeldung",
    "foerderung.Foerderbescheid",
    "foerderung.Mittelabruf",
    "ozg.Umsetzungsstand",
]


def zurueckdatieren(am: dt.datetime | dt.date) -> None:
    """Every history row written after `am` is dated `am`: all data created so far stood
    as they are now already at that moment."""
    am = _zeitpunkt(am)
    for name in GESCHICHTE:
        apps.get_model(name).history.filter(history_date__gt=am).update(history_date=am)
    past_changed()


def _zeitpunkt(tag: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(tag, dt.datetime):
        return tag
    return timezone.make_aware(dt.datetime.combine(tag, dt.time(12, 0)))


def eingetragen_am(obj, tag: dt.date | dt.datetime):
    """`obj` stood as it is now since `tag` (all its history rows are dated then)."""
    obj.history.update(history_date=_zeitpunkt(tag))
    past_changed()
    return obj


def verlauf(obj, *staende: tuple[dt.date, dict]):
    """`obj` went through `staende`, each `(tag, {field: value})` from that day on: its
    history is rewritten to exactly these states (fields not named keep today's value)."""
    from core.stichtag import backfill_stand

    (erster_tag, erste_werte), *weitere = staende
    obj.history.update(history_date=_zeitpunkt(erster_tag), **erste_werte)
    past_changed()
    for tag, werte in weitere:
        backfill_stand(obj, _zeitpunkt(tag), **werte)
    return obj

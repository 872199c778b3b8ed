"""Test data that existed in the past: figures of an ended quarter come from the change
history (core.stichtag), so data a test creates "now" must be moved back in time to count
for an earlier quarter."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone

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
    if not isinstance(am, dt.datetime):
        am = timezone.make_aware(dt.datetime.combine(am, dt.time(12, 0)))
    for name in GESCHICHTE:
        apps.get_model(name).history.filter(history_date__gt=am).update(history_date=am)

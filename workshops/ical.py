"""iCalendar (RFC 5545) output of workshops: one appointment as .ics, and the personal
subscription feed. Times are local to Europe/Berlin with a VTIMEZONE, so calendar apps
keep the wall-clock time across daylight saving changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Teilnahme, Workshop

ZEITZONE = ZoneInfo("Europe/Berlin")
PRODID = "-//Kreis Lippe//Lippe Digitalportal Workshops//DE"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _host() -> str:
    return urlsplit(settings.PORTAL_BASE_URL).hostname or "lippe-digitalportal.invalid"


def workshop_uid(workshop: Workshop) -> str:
    """Stable for the life of the workshop, so updates replace the entry in calendars."""
    return f"workshop-{workshop.pk}@{_host()}"


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}"


def _beschreibung(workshop: Workshop, mit_link: bool, teilnahme: Teilnahme | None) -> str:
    zeilen = []
    if workshop.abgesagt:
        zeilen += ["Dieser Workshop ist abgesagt.", ""]
    elif teilnahme is not None:
        fuer = f" für {teilnahme.kommune.name}" if teilnahme.kommune_id else ""
        zeilen += [f"Sie sind angemeldet{fuer}.", ""]
    zeilen.append(f"Format: {workshop.get_format_display()}")
    if workshop.ort:
        zeilen.append(f"Ort: {workshop.ort}")
    if mit_link and workshop.online_link:
        zeilen.append(f"Videokonferenz: {workshop.online_link}")
    zeilen.append(f"Ausrichtung: {workshop.organisiert_von or workshop.traeger.bezeichnung}")
    if workshop.handlungsfeld_id:
        zeilen.append(f"Handlungsfeld: {workshop.handlungsfeld}")
    if workshop.agenda:
        zeilen += ["", "Tagesordnung:", workshop.agenda.strip()]
    zeilen += ["", f"Details und Anmeldung: {_absolute(workshop.get_absolute_url())}"]
    return "\n".join(zeilen)


def _location(workshop: Workshop, mit_link: bool) -> str:
    if workshop.ort:
        return workshop.ort
    if mit_link and workshop.online_link:
        return workshop.online_link
    return workshop.get_format_display()


def workshop_event(
    workshop: Workshop, *, mit_link: bool, teilnahme: Teilnahme | None = None
) -> Event:
    """One VEVENT. `mit_link`: the video link may be included (members of the Kreis only).
    `teilnahme`: the reader's active registration, marked in the entry."""
    zusammenfassung = f"Abgesagt: {workshop.titel}" if workshop.abgesagt else workshop.titel
    kategorien = ["Workshop"] + (["Angemeldet"] if teilnahme is not None else [])
    event = Event.new(
        uid=workshop_uid(workshop),
        summary=zusammenfassung,
        start=timezone.localtime(workshop.beginn, ZEITZONE),
        end=timezone.localtime(workshop.ende, ZEITZONE),
        # Without METHOD, DTSTAMP is the time the entry was last revised (RFC 5545 3.8.7.2);
        # it keeps the feed byte-identical between polls when nothing changed.
        stamp=workshop.geaendert_am.astimezone(dt.UTC),
        created=workshop.erstellt_am.astimezone(dt.UTC),
        last_modified=workshop.geaendert_am.astimezone(dt.UTC),
        sequence=workshop.sequenz,
        status="CANCELLED" if workshop.abgesagt else "CONFIRMED",
        transparency="TRANSPARENT" if workshop.abgesagt else "OPAQUE",
        location=_location(workshop, mit_link),
        description=_beschreibung(workshop, mit_link, teilnahme),
        url=_absolute(workshop.get_absolute_url()),
        categories=kategorien,
    )
    return event


def kalender(
    workshops: Iterable[Workshop],
    *,
    name: str,
    uid: str,
    mit_link: set[str] | bool,
    teilnahmen: dict[int, Teilnahme] | None = None,
    transparent_ohne_anmeldung: bool = False,
) -> bytes:
    """A VCALENDAR with one VEVENT per workshop and the VTIMEZONE they need.

    `uid`: stable name of this calendar (without host).
    `mit_link`: True/False for all, or the Kreis ids (AGS) whose video links may appear.
    `teilnahmen`: the reader's registrations by workshop id; in the personal feed, entries
    without one are shown as free time (TRANSP:TRANSPARENT)."""
    teilnahmen = teilnahmen or {}
    cal = Calendar.new(
        prodid=PRODID,
        # icalendar does not escape line breaks in NAME (a title typed with one was a 500).
        name=" ".join(name.split()),
        refresh_interval=dt.timedelta(hours=1),
        uid=f"{uid}@{_host()}",
    )
    cal.add("X-WR-TIMEZONE", "Europe/Berlin")
    cal.add("X-PUBLISHED-TTL", "PT1H")
    beginne, enden = [], []
    for workshop in workshops:
        link = mit_link if isinstance(mit_link, bool) else workshop.kreis_id in mit_link
        teilnahme = teilnahmen.get(workshop.pk)
        event = workshop_event(workshop, mit_link=link, teilnahme=teilnahme)
        if transparent_ohne_anmeldung and teilnahme is None:
            event.transparency = "TRANSPARENT"
        cal.add_component(event)
        beginne.append(timezone.localtime(workshop.beginn, ZEITZONE).date())
        enden.append(timezone.localtime(workshop.ende, ZEITZONE).date())
    if beginne:
        # The VTIMEZONE covers the events (from the year before the first to the year
        # after the last) instead of 1970–2038, which keeps the file small.
        cal.add_missing_timezones(
            first_date=dt.date(min(beginne).year - 1, 1, 1),
            last_date=dt.date(max(enden).year + 2, 1, 1),
        )
    return cal.to_ical()


def workshop_ics(workshop: Workshop, *, mit_link: bool, teilnahme: Teilnahme | None = None):
    """One workshop as a downloadable calendar file."""
    return kalender(
        [workshop],
        name=workshop.titel,
        uid=f"workshop-{workshop.pk}-kalender",
        mit_link=mit_link,
        teilnahmen={workshop.pk: teilnahme} if teilnahme else None,
    )

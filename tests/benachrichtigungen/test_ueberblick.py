"""The daily and the weekly overview: what is in them (only what the person may read and
wants at that frequency), the duties and deadlines of the weekly one, once per day or week
however often the task runs, and the beat schedule (Monday 07:00 Europe/Berlin)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.utils import timezone

from benachrichtigungen.models import Benachrichtigung, Mailpraeferenz
from benachrichtigungen.ueberblick import tagesueberblick, wochenueberblick
from core.quartal import Quartal
from massnahmen.models import Sichtbarkeit
from tests.factories import (
    FoerderbescheidFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    StatusmeldungFactory,
    WorkshopFactory,
)
from workshops.models import Ergebnis

pytestmark = pytest.mark.django_db

NUMMER = itertools.count(1)
MONTAG = dt.date(2026, 11, 30)  # KW 49; the 4th quarter ends on 31.12., in 31 days


def um(tag: dt.date, stunde: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(tag, dt.time(stunde)))


def eintrag(person, massnahme, art, text, am: dt.datetime):
    b = Benachrichtigung.objects.create(
        empfaenger=person,
        massnahme=massnahme,
        art=art,
        text=text,
        link=massnahme.get_absolute_url(),
        ereignis=f"test:{next(NUMMER)}",
    )
    Benachrichtigung.objects.filter(pk=b.pk).update(erstellt_am=am)
    return b


def senden(capture, funktion, tag) -> int:
    with capture(execute=True):
        return funktion(heute=tag)


def an(adresse: str) -> list:
    return [m for m in django_mail.outbox if m.to == [adresse]]


# --- Daily ----------------------------------------------------------------------------------


def test_daily_overview_has_yesterdays_news_of_the_kinds_wanted_daily_once(
    welt, django_capture_on_commit_callbacks
):
    person = welt.users["cdo_andere"]  # Statusmeldungen daily by default
    heute = dt.date(2026, 12, 3)
    eintrag(
        person,
        welt.massnahme,
        "statusmeldung",
        "Gestern gemeldet",
        um(heute - dt.timedelta(days=1), 0),
    )
    eintrag(
        person,
        welt.massnahme,
        "statusmeldung",
        "Vorgestern gemeldet",
        um(heute - dt.timedelta(days=2), 23),
    )
    eintrag(person, welt.massnahme, "statusmeldung", "Heute gemeldet", um(heute, 0))
    eintrag(
        person, welt.massnahme, "dokument", "Gestern ein Dokument", um(heute - dt.timedelta(days=1))
    )

    assert senden(django_capture_on_commit_callbacks, tagesueberblick, heute) == 1
    assert senden(django_capture_on_commit_callbacks, tagesueberblick, heute) == 0
    [nachricht] = an("cdo.lemgo@example.invalid")
    assert nachricht.subject == "[Lippe Digitalportal] Ihr Tagesüberblick vom 02.12.2026"
    assert "Gestern gemeldet" in nachricht.body
    for fehlt in ("Vorgestern", "Heute gemeldet", "Dokument"):  # other days, weekly kind
        assert fehlt not in nachricht.body
    html = nachricht.alternatives[0][0]
    assert "Gestern gemeldet" in html
    assert nachricht.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_daily_overview_leaves_out_what_the_person_may_no_longer_read(
    welt, django_capture_on_commit_callbacks
):
    """A notification from when Herford's staff could still read the Kreis-visible
    Maßnahme (say, it was Region-visible then) is not mailed now."""
    assert welt.massnahme.sichtbarkeit == Sichtbarkeit.KREIS
    heute = dt.date(2026, 12, 3)
    eintrag(
        welt.users["kreis_fremd"],
        welt.massnahme,
        "statusmeldung",
        "Geheim",
        um(heute - dt.timedelta(days=1)),
    )
    assert senden(django_capture_on_commit_callbacks, tagesueberblick, heute) == 0
    assert django_mail.outbox == []


def test_daily_overview_respects_aus(welt, django_capture_on_commit_callbacks):
    person = welt.users["cdo_andere"]
    Mailpraeferenz.objects.create(person=person, art="statusmeldung", haeufigkeit="aus")
    heute = dt.date(2026, 12, 3)
    eintrag(person, welt.massnahme, "statusmeldung", "Gestern", um(heute - dt.timedelta(days=1)))
    assert senden(django_capture_on_commit_callbacks, tagesueberblick, heute) == 0


# --- Weekly ---------------------------------------------------------------------------------


@pytest.fixture
def pflichten(welt):
    """Duties of Detmold (its CDO is cdo_eigen) and one of Lemgo, which Detmold does not see."""
    MeilensteinFactory(
        massnahme=welt.massnahme, titel="Pilotamt angebunden", faellig_am=dt.date(2026, 12, 5)
    )
    MeilensteinFactory(
        massnahme=welt.massnahme, titel="Schon lange überfällig", faellig_am=dt.date(2026, 10, 1)
    )
    MeilensteinFactory(
        massnahme=welt.massnahme,
        titel="Erreicht",
        faellig_am=dt.date(2026, 12, 1),
        erreicht_am=dt.date(2026, 11, 20),
    )
    MeilensteinFactory(
        massnahme=welt.massnahme, titel="Erst im Frühjahr", faellig_am=dt.date(2027, 3, 1)
    )
    lemgo = MassnahmeFactory(kreis=welt.lippe, federfuehrend=welt.lemgo, titel="Lemgoer Ratsinfo")
    MeilensteinFactory(
        massnahme=lemgo, titel="Lemgoer Meilenstein", faellig_am=dt.date(2026, 12, 4)
    )
    StatusmeldungFactory(massnahme=lemgo, quartal=str(Quartal(2026, 4)))
    workshop = WorkshopFactory(
        kreis=welt.lippe, titel="CDO-Runde Dezember", veroeffentlicht_am=timezone.now()
    )
    Ergebnis.objects.create(
        workshop=workshop,
        beschreibung="Musterdienstanweisung prüfen",
        verantwortlich=welt.detmold,
        faellig_am=dt.date(2026, 12, 10),
    )
    Ergebnis.objects.create(
        workshop=workshop,
        beschreibung="Erledigte Aufgabe",
        verantwortlich=welt.detmold,
        status=Ergebnis.Status.ERLEDIGT,
    )
    Ergebnis.objects.create(
        workshop=workshop, beschreibung="Aufgabe für Lemgo", verantwortlich=welt.lemgo
    )
    FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        aktenzeichen="34.2-IKZ-2021/777",
        verwendungsnachweis_faellig=dt.date(2026, 12, 15),
        bewilligungszeitraum_ende=dt.date(2027, 6, 30),
    )
    return lemgo


def test_weekly_overview_has_news_duties_and_deadlines_of_my_kommune(
    welt, pflichten, django_capture_on_commit_callbacks
):
    person = welt.users["cdo_eigen"]
    eintrag(
        person,
        welt.massnahme,
        "dokument",
        "Neues Dokument „Konzept“",
        um(MONTAG - dt.timedelta(days=3)),
    )
    eintrag(
        person, welt.massnahme, "dokument", "Vorletzte Woche", um(MONTAG - dt.timedelta(days=8))
    )

    senden(django_capture_on_commit_callbacks, wochenueberblick, MONTAG)
    [nachricht] = an("cdo.detmold@example.invalid")
    text = nachricht.body
    assert nachricht.subject == "[Lippe Digitalportal] Ihr Wochenüberblick (KW 49/2026)"
    assert "Neues bei dem, dem Sie folgen" in text and "Neues Dokument „Konzept“" in text
    assert "Vorletzte Woche" not in text
    assert (
        "Statusmeldungen, die noch fehlen\n\n- Digitale Akte in Detmold (fällig bis 31.12.2026)"
        in text
    )
    assert "Pilotamt angebunden (Digitale Akte in Detmold) (fällig am 05.12.2026)" in text
    assert "Schon lange überfällig (Digitale Akte in Detmold) (überfällig seit 01.10.2026)" in text
    for fehlt in ("Erreicht", "Erst im Frühjahr", "Lemgo", "Erledigte Aufgabe"):
        assert fehlt not in text
    assert (
        "Musterdienstanweisung prüfen (Workshop „CDO-Runde Dezember“) (fällig am 10.12.2026)"
        in text
    )
    assert "Förderbescheid 34.2-IKZ-2021/777: Verwendungsnachweis fällig (am 15.12.2026)" in text
    assert "Bewilligungszeitraum endet" not in text  # June 2027: not yet

    [lemgo] = an("cdo.lemgo@example.invalid")
    assert "Lemgoer Meilenstein" in lemgo.body and "Aufgabe für Lemgo" in lemgo.body
    assert "Pilotamt" not in lemgo.body and "34.2-IKZ-2021/777" not in lemgo.body
    # Herford sees nothing of Lippe.
    for herford in an("kreis.herford@example.invalid"):
        assert "Detmold" not in herford.body and "Lemgo" not in herford.body


def test_weekly_overview_is_sent_once_per_week(welt, pflichten, django_capture_on_commit_callbacks):
    erste = senden(django_capture_on_commit_callbacks, wochenueberblick, MONTAG)
    assert erste >= 2
    assert senden(django_capture_on_commit_callbacks, wochenueberblick, MONTAG) == 0
    # A retry later that week still counts as the same week.
    assert (
        senden(django_capture_on_commit_callbacks, wochenueberblick, MONTAG + dt.timedelta(days=2))
        == 0
    )
    assert len(an("cdo.detmold@example.invalid")) == 1


def test_weekly_overview_without_duties_when_turned_off(
    welt, pflichten, django_capture_on_commit_callbacks
):
    person = welt.users["cdo_eigen"]
    Mailpraeferenz.objects.create(person=person, art="aufgaben", haeufigkeit="aus")
    senden(django_capture_on_commit_callbacks, wochenueberblick, MONTAG)
    assert an("cdo.detmold@example.invalid") == []
    eintrag(person, welt.massnahme, "dokument", "Neues Dokument", um(MONTAG + dt.timedelta(days=1)))
    senden(django_capture_on_commit_callbacks, wochenueberblick, MONTAG + dt.timedelta(days=7))
    [nachricht] = an("cdo.detmold@example.invalid")
    assert "Pilotamt" not in nachricht.body and "Neues Dokument" in nachricht.body


def test_kreis_staff_see_what_the_kreis_leads(welt, django_capture_on_commit_callbacks):
    kreis_massnahme = MassnahmeFactory(
        kreis=welt.lippe, federfuehrend=None, titel="Kreisweites WLAN"
    )
    MeilensteinFactory(
        massnahme=kreis_massnahme, titel="Ausschreibung", faellig_am=dt.date(2026, 12, 7)
    )
    MeilensteinFactory(
        massnahme=welt.massnahme, titel="Detmolder Schritt", faellig_am=dt.date(2026, 12, 7)
    )
    senden(django_capture_on_commit_callbacks, wochenueberblick, MONTAG)
    [nachricht] = an("kreis.lippe@example.invalid")
    assert "Ausschreibung (Kreisweites WLAN)" in nachricht.body
    assert "Kreisweites WLAN (fällig bis 31.12.2026)" in nachricht.body
    assert "Detmolder Schritt" not in nachricht.body


def test_beat_sends_the_overviews():
    woche = settings.CELERY_BEAT_SCHEDULE["benachrichtigungen-wochenueberblick"]
    assert woche["task"] == "benachrichtigungen.wochenueberblick"
    assert (woche["schedule"].day_of_week, woche["schedule"].hour, woche["schedule"].minute) == (
        {1},
        {7},
        {0},
    )
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"
    tag = settings.CELERY_BEAT_SCHEDULE["benachrichtigungen-tagesueberblick"]
    assert (tag["schedule"].hour, tag["schedule"].minute) == ({7}, {0})
    from lippe_portal.celery import app

    assert {"benachrichtigungen.wochenueberblick", "benachrichtigungen.tagesueberblick"} <= set(
        app.tasks
    )

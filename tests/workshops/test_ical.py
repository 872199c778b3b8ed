"""Calendar output parsed back with the icalendar library: VTIMEZONE, local times, stable
UIDs, SEQUENCE on change, STATUS:CANCELLED, and the personal feed without a session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from kommunen.models import Rolle
from tests.factories import MitgliedschaftFactory, TeilnahmeFactory, UserFactory, WorkshopFactory
from workshops import services
from workshops.models import KalenderToken, Workshop

BERLIN = ZoneInfo("Europe/Berlin")


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _event(cal: Calendar, workshop: Workshop):
    events = [e for e in cal.events if str(e["UID"]).startswith(f"workshop-{workshop.pk}@")]
    assert len(events) == 1, [str(e["UID"]) for e in cal.events]
    return events[0]


def _feed(client, user) -> Calendar:
    token = services.kalender_token(user=user).token
    client.logout()  # calendar apps have no session
    return _parse(client.get(f"/workshops/kalender/{token}.ics"))


def _lokal(jahr, monat, tag, stunde, minute=0):
    return timezone.make_aware(dt.datetime(jahr, monat, tag, stunde, minute), BERLIN)


def test_download_has_vtimezone_and_local_times(welt, login, workshop, settings):
    settings.PORTAL_BASE_URL = "https://portal.kreis-lippe.invalid"
    response = login(welt.users["cdo_eigen"]).get(f"/workshops/{workshop.pk}.ics")
    assert f'filename="workshop-{workshop.pk}.ics"' in response["Content-Disposition"]
    cal = _parse(response)
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Berlin"]
    assert cal.get_missing_tzids() == set()
    event = _event(cal, workshop)
    assert event.start == timezone.localtime(workshop.beginn, BERLIN)
    assert event.start.tzinfo.key == "Europe/Berlin"
    assert event.start.hour == 14
    assert event.end.hour == 16
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(event["UID"]) == f"workshop-{workshop.pk}@portal.kreis-lippe.invalid"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event["LAST-MODIFIED"].dt == workshop.geaendert_am.replace(microsecond=0)
    assert str(event["URL"]) == f"https://portal.kreis-lippe.invalid/workshops/{workshop.pk}/"
    assert str(event["SUMMARY"]) == workshop.titel
    assert "Stufen 0–7" in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("monat", "utc_stunde"),
    [(1, 9), (7, 8)],  # CET (UTC+1) in winter, CEST (UTC+2) in summer
)
def test_wall_clock_time_survives_daylight_saving(welt, login, monat, utc_stunde):
    workshop = WorkshopFactory(
        kreis=welt.lippe,
        beginn=_lokal(2027, monat, 12, 10),
        ende=_lokal(2027, monat, 12, 12),
        veroeffentlicht_am=timezone.now(),
    )
    cal = _parse(login(welt.users["cdo_eigen"]).get(f"/workshops/{workshop.pk}.ics"))
    event = _event(cal, workshop)
    assert event.start.hour == 10
    assert event.start.astimezone(dt.UTC).hour == utc_stunde
    assert b"DTSTART;TZID=Europe/Berlin:20270" in cal.to_ical()
    # The VTIMEZONE knows both offsets.
    offsets = {sub["TZOFFSETTO"].to_ical() for sub in cal.timezones[0].subcomponents}
    assert {"+0100", "+0200"} <= offsets


def test_uid_is_stable_and_sequence_follows_changes(welt, login, workshop):
    client = login(welt.users["cdo_eigen"])
    vorher = _event(_feed(client, welt.users["cdo_eigen"]), workshop)

    # Kreis staff move the workshop by an hour through the form.
    kreis = login(welt.users["kreis"])
    neu_beginn = timezone.localtime(workshop.beginn) + dt.timedelta(hours=1)
    kreis.post(
        f"/workshops/{workshop.pk}/bearbeiten/",
        {
            "titel": workshop.titel,
            "beginn": neu_beginn.strftime("%Y-%m-%dT%H:%M"),
            "ende": (neu_beginn + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "format": workshop.format,
            "online_link": workshop.online_link,
            "handlungsfeld": welt.handlungsfeld.pk,
            "organisiert_von": welt.detmold.pk,
            "agenda": workshop.agenda,
            "version": workshop.version,  # the hidden field of the form
        },
    )
    nachher = _event(_feed(client, welt.users["cdo_eigen"]), workshop)
    assert str(nachher["UID"]) == str(vorher["UID"])
    assert nachher["SEQUENCE"] == vorher["SEQUENCE"] + 1
    assert nachher.start.hour == 15
    assert nachher["LAST-MODIFIED"].dt >= vorher["LAST-MODIFIED"].dt


def test_cancellation_shows_in_the_feed(welt, login, workshop):
    client = login(welt.users["cdo_eigen"])
    vorher = _event(_feed(client, welt.users["cdo_eigen"]), workshop)
    login(welt.users["kreis"]).post(f"/workshops/{workshop.pk}/absagen/")
    nachher = _event(_feed(client, welt.users["cdo_eigen"]), workshop)
    assert str(nachher["STATUS"]) == "CANCELLED"
    assert nachher["SEQUENCE"] == vorher["SEQUENCE"] + 1
    assert str(nachher["SUMMARY"]).startswith("Abgesagt: ")


def test_feed_has_published_workshops_of_the_users_kreise_and_marks_registrations(
    welt, client, workshop, entwurf
):
    herford = WorkshopFactory(kreis=welt.herford, veroeffentlicht_am=timezone.now())
    anderer = WorkshopFactory(
        kreis=welt.lippe, titel="Ohne Anmeldung", veroeffentlicht_am=timezone.now()
    )
    alt = WorkshopFactory(
        kreis=welt.lippe,
        beginn=timezone.now() - dt.timedelta(days=500),
        ende=timezone.now() - dt.timedelta(days=500) + dt.timedelta(hours=2),
        veroeffentlicht_am=timezone.now() - dt.timedelta(days=520),
    )
    TeilnahmeFactory(workshop=workshop, person=welt.users["cdo_eigen"], kommune=welt.detmold)

    cal = _feed(client, welt.users["cdo_eigen"])
    uids = {str(e["UID"]).split("@")[0] for e in cal.events}
    assert uids == {f"workshop-{workshop.pk}", f"workshop-{anderer.pk}"}
    assert f"workshop-{entwurf.pk}" not in uids  # drafts never
    assert f"workshop-{herford.pk}" not in uids and f"workshop-{alt.pk}" not in uids
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Berlin"]

    angemeldet = _event(cal, workshop)
    assert "Angemeldet" in angemeldet.categories
    assert str(angemeldet["TRANSP"]) == "OPAQUE"
    assert "Sie sind angemeldet für Detmold." in str(angemeldet["DESCRIPTION"])
    frei = _event(cal, anderer)
    assert "Angemeldet" not in frei.categories
    assert str(frei["TRANSP"]) == "TRANSPARENT"


def test_kreis_staff_feed_also_has_no_drafts(welt, client, entwurf, workshop):
    cal = _feed(client, welt.users["kreis"])
    assert {str(e["UID"]).split("@")[0] for e in cal.events} == {f"workshop-{workshop.pk}"}


def test_video_link_never_reaches_readers_outside_the_kreis(welt, client, login, workshop):
    assert workshop.online_link in _feed(client, welt.users["cdo_eigen"]).to_ical().decode()
    region_feed = _feed(client, welt.users["region"]).to_ical().decode()
    assert f"workshop-{workshop.pk}@" in region_feed
    assert workshop.online_link not in region_feed
    download = login(welt.users["region"]).get(f"/workshops/{workshop.pk}.ics")
    assert workshop.online_link not in download.content.decode()
    # A person who is CDO in Lippe and reader elsewhere sees the Lippe link.
    doppelt = UserFactory(email="doppelt@example.invalid")
    MitgliedschaftFactory(user=doppelt, rolle=Rolle.CDO, kommune=welt.blomberg)
    MitgliedschaftFactory(user=doppelt, rolle=Rolle.REGION, kommune=None, region=welt.region)
    assert workshop.online_link in _feed(client, doppelt).to_ical().decode()


def test_other_kreis_feed_has_nothing_of_lippe(welt, client, workshop):
    cal = _feed(client, welt.users["kreis_fremd"])
    assert cal.events == []
    assert cal.timezones == []


def test_unknown_renewed_or_inactive_tokens_are_404(welt, client, workshop):
    assert client.get("/workshops/kalender/gibt-es-nicht.ics").status_code == 404
    user = welt.users["cdo_eigen"]
    alt = services.kalender_token(user=user).token
    neu = services.renew_kalender_token(user=user).token
    assert alt != neu
    assert client.get(f"/workshops/kalender/{alt}.ics").status_code == 404
    assert client.get(f"/workshops/kalender/{neu}.ics").status_code == 200
    user.is_active = False
    user.save()
    assert client.get(f"/workshops/kalender/{neu}.ics").status_code == 404


def test_feed_is_not_cached_and_answers_head(welt, client, workshop):
    token = services.kalender_token(user=welt.users["cdo_eigen"]).token
    response = client.get(f"/workshops/kalender/{token}.ics")
    assert "no-store" in response["Cache-Control"]
    assert client.head(f"/workshops/kalender/{token}.ics").status_code == 200
    assert client.post(f"/workshops/kalender/{token}.ics").status_code == 405


def test_tokens_are_long_random_and_unique(welt):
    tokens = {services.new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 43 for t in tokens)
    services.kalender_token(user=welt.users["cdo_eigen"])
    services.kalender_token(user=welt.users["cdo_andere"])
    assert KalenderToken.objects.values("token").distinct().count() == 2


def test_hostile_text_round_trips(welt, client):
    workshop = WorkshopFactory(
        kreis=welt.lippe,
        titel='Titel; mit, Sonderzeichen\n"BEGIN:VEVENT" <script>',
        ort="Saal 1; 2. OG, Zimmer\\3",
        format=Workshop.Format.PRAESENZ,
        agenda="END:VCALENDAR\r\nBEGIN:VEVENT\nUID:gefälscht",
        veroeffentlicht_am=timezone.now(),
    )
    cal = _feed(client, welt.users["cdo_eigen"])
    assert len(cal.events) == 1
    event = _event(cal, workshop)
    assert str(event["SUMMARY"]) == workshop.titel
    assert str(event["LOCATION"]) == workshop.ort
    assert "UID:gefälscht" in str(event["DESCRIPTION"])

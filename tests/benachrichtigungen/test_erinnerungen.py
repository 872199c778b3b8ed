"""Reminders of Statusmeldungen owed: the lead Kommune's CDO 14 days before the quarter's
end and 5 days after, the Kreis staff's list of what is still missing 10 days after; days
per Kreis; every stage once, however often the daily task runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail as django_mail

from benachrichtigungen.erinnerungen import remind_statusmeldungen
from benachrichtigungen.models import Erinnerungsregel, Mail, Mailpraeferenz
from core.quartal import Quartal
from kommunen.models import Rolle
from massnahmen.models import Massnahme, Quartalsabschluss
from tests.factories import (
    MassnahmeFactory,
    MitgliedschaftFactory,
    StatusmeldungFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Q3 = Quartal(2026, 3)  # ends 30.09.2026


def lauf(capture, tag: dt.date) -> int:
    with capture(execute=True):
        return remind_statusmeldungen(heute=tag)


def an(adresse: str) -> list:
    return [m for m in django_mail.outbox if m.to == [adresse]]


@pytest.fixture
def lemgo_massnahme(welt):
    """A second Maßnahme of Lippe, led by Lemgo, and one of Herford."""
    MassnahmeFactory(kreis=welt.herford, federfuehrend=welt.herford_stadt, titel="Herforder Portal")
    return MassnahmeFactory(kreis=welt.lippe, federfuehrend=welt.lemgo, titel="Lemgoer Ratsinfo")


def test_the_lead_cdo_is_reminded_14_days_before_the_quarter_ends_once(
    welt, lemgo_massnahme, django_capture_on_commit_callbacks
):
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 15)) == 0
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 16)) == 2
    # The task runs again (retry, second beat, next day): nothing more.
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 16)) == 0
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 17)) == 0

    [detmold] = an("cdo.detmold@example.invalid")
    assert (
        detmold.subject
        == "[Lippe Digitalportal] Erinnerung: Statusmeldung 3. Quartal 2026 fehlt noch"
    )
    assert "das 3. Quartal 2026 endet am 30.09.2026, in 14 Tagen." in detmold.body
    assert "Digitale Akte in Detmold" in detmold.body and "Lemgoer Ratsinfo" not in detmold.body
    assert f"/massnahmen/{welt.massnahme.pk}/statusmeldung/" in detmold.body
    assert "List-Unsubscribe" in detmold.extra_headers
    [lemgo] = an("cdo.lemgo@example.invalid")
    assert "Lemgoer Ratsinfo" in lemgo.body and "Digitale Akte" not in lemgo.body
    # Partners, other Kreise and the Kreis staff are not reminded.
    assert len(django_mail.outbox) == 2
    assert Mail.objects.count() == 2


def test_a_statusmeldung_already_there_is_not_asked_for(welt, django_capture_on_commit_callbacks):
    StatusmeldungFactory(massnahme=welt.massnahme, quartal=str(Q3))
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 20)) == 0
    assert django_mail.outbox == []


def test_second_reminder_5_days_after_links_to_the_past_quarter(
    welt, django_capture_on_commit_callbacks
):
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 4)) == 0
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 5)) == 1
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 5)) == 0
    [nachricht] = an("cdo.detmold@example.invalid")
    assert "Zweite Erinnerung: Statusmeldung 3. Quartal 2026 fehlt" in nachricht.subject
    assert f"/massnahmen/{welt.massnahme.pk}/statusmeldung/?quartal=2026-Q3" in nachricht.body
    assert "Was am 10.10.2026 noch fehlt, erhält die Kreisverwaltung als Liste." in nachricht.body


def test_what_is_missing_10_days_after_goes_to_the_kreis_staff_as_one_list(
    welt, lemgo_massnahme, django_capture_on_commit_callbacks
):
    StatusmeldungFactory(massnahme=lemgo_massnahme, quartal=str(Q3))
    zweite = MassnahmeFactory(kreis=welt.lippe, federfuehrend=None, titel="Kreisweites WLAN")
    herford_kollegin = UserFactory(email="kreis2.herford@example.invalid")
    MitgliedschaftFactory(
        user=herford_kollegin, rolle=Rolle.KREIS, kommune=None, kreis=welt.herford
    )

    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 9)) == 2  # 2nd reminders
    django_mail.outbox.clear()
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 10)) == 3
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 10)) == 0
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 11, 2)) == 0

    [liste] = an("kreis.lippe@example.invalid")
    assert (
        liste.subject
        == "[Lippe Digitalportal] Fehlende Statusmeldungen 3. Quartal 2026: 2 im Kreis Lippe"
    )
    assert "Detmold (1)" in liste.body and "Kreis Lippe (1)" in liste.body
    assert "Digitale Akte in Detmold" in liste.body and zweite.titel in liste.body
    assert "Lemgoer Ratsinfo" not in liste.body  # it has its Statusmeldung
    assert "Herforder Portal" not in liste.body
    # Herford's staff get Herford's list, with nothing of Lippe in it.
    for adresse in ("kreis.herford@example.invalid", "kreis2.herford@example.invalid"):
        [herford] = an(adresse)
        assert "Herforder Portal" in herford.body and "Detmold" not in herford.body
    assert an("cdo.detmold@example.invalid") == []


def test_days_are_set_per_kreis(welt, lemgo_massnahme, django_capture_on_commit_callbacks):
    Erinnerungsregel.objects.create(
        kreis=welt.lippe, tage_vor_quartalsende=7, tage_nach_quartalsende=3, tage_bis_eskalation=20
    )
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 16)) == 0
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 23)) == 2
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 3)) == 2
    django_mail.outbox.clear()
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 10)) == 1  # Herford's list
    assert an("kreis.lippe@example.invalid") == []
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 20)) == 1
    assert len(an("kreis.lippe@example.invalid")) == 1


def test_turned_off_and_frozen_quarters_send_no_reminder(welt, django_capture_on_commit_callbacks):
    Mailpraeferenz.objects.create(
        person=welt.users["cdo_eigen"], art="erinnerung", haeufigkeit="aus"
    )
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 20)) == 0
    Mailpraeferenz.objects.all().delete()
    Quartalsabschluss.objects.create(kreis=welt.lippe, quartal=str(Q3))
    # Nobody can write a Statusmeldung of a frozen quarter any more: no second reminder.
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 6)) == 0
    # The Kreis still gets its list.
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 10, 11)) == 1


def test_finished_maßnahmen_owe_nothing(welt, django_capture_on_commit_callbacks):
    Massnahme.objects.filter(pk=welt.massnahme.pk).update(
        status=Massnahme.Status.ABGESCHLOSSEN, ende_tatsaechlich=dt.date(2026, 8, 31)
    )
    assert lauf(django_capture_on_commit_callbacks, dt.date(2026, 9, 20)) == 0


def test_beat_runs_the_reminders_daily():
    eintrag = settings.CELERY_BEAT_SCHEDULE["benachrichtigungen-statusmeldungen-erinnern"]
    assert eintrag["task"] == "benachrichtigungen.statusmeldungen_erinnern"
    assert eintrag["schedule"].hour == {6} and eintrag["schedule"].minute == {30}
    from lippe_portal.celery import app

    assert "benachrichtigungen.statusmeldungen_erinnern" in app.tasks


# --- The days as Kreis staff set them -------------------------------------------------------


def test_kreis_staff_set_the_days(welt, login):
    client = login(welt.users["kreis"])
    url = "/konto/benachrichtigungen/erinnerungen/lippe/"
    html = client.get(url).content.decode()
    assert "Erinnerungsfristen Kreis Lippe" in html and 'value="14"' in html
    response = client.post(
        url,
        {"tage_vor_quartalsende": "10", "tage_nach_quartalsende": "4", "tage_bis_eskalation": "12"},
        follow=True,
    )
    assert "Die Erinnerungsfristen für Kreis Lippe sind gespeichert." in response.content.decode()
    regel = Erinnerungsregel.objects.get(kreis=welt.lippe)
    assert (
        regel.tage_vor_quartalsende,
        regel.tage_nach_quartalsende,
        regel.tage_bis_eskalation,
    ) == (10, 4, 12)
    assert (
        "Erinnerungsfristen Kreis Lippe"
        in client.get("/konto/benachrichtigungen/").content.decode()
    )


def test_the_list_cannot_go_before_the_second_reminder(welt, login):
    response = login(welt.users["kreis"]).post(
        "/konto/benachrichtigungen/erinnerungen/lippe/",
        {"tage_vor_quartalsende": "14", "tage_nach_quartalsende": "10", "tage_bis_eskalation": "5"},
    )
    assert response.status_code == 400
    assert (
        "Die Liste an den Kreis geht erst nach der zweiten Erinnerung hinaus"
        in response.content.decode()
    )
    assert not Erinnerungsregel.objects.exists()


def test_a_cdo_sees_no_link_to_the_kreis_days(welt, login):
    html = login(welt.users["cdo_eigen"]).get("/konto/benachrichtigungen/").content.decode()
    assert "Erinnerungsfristen" not in html


# --- The form the reminder links to ---------------------------------------------------------


def test_the_form_opens_for_the_past_quarter_from_the_reminder_link(welt, login):
    vorher = Quartal.current().previous()
    client = login(welt.users["cdo_eigen"])
    url = f"/massnahmen/{welt.massnahme.pk}/statusmeldung/?quartal={vorher}"
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>Statusmeldung {vorher.label}</h1>" in response.content.decode()
    from tests.massnahmen.test_statusmeldung import _formulardaten

    daten = {**_formulardaten(response.context["form"]), "erreicht": "Pilot abgeschlossen."}
    assert client.post(url, daten).status_code == 302
    assert welt.massnahme.statusmeldungen.get().quartal == str(vorher)


@pytest.mark.parametrize("wert", ["2019-Q1", "kaputt", "2099-Q4"])
def test_other_quarters_are_not_offered(welt, login, wert):
    response = login(welt.users["cdo_eigen"]).get(
        f"/massnahmen/{welt.massnahme.pk}/statusmeldung/?quartal={wert}"
    )
    assert response.status_code == 404

"""Workflows of the workshops app: publishing and invitations, cancelling, registration,
attendance, tokens and the link from an Ergebnis to its Maßnahme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from benachrichtigungen import workshops as workshop_mails
from benachrichtigungen.models import Mailpraeferenz
from benachrichtigungen.tasks import workshop_absage, workshop_einladung
from kommunen.models import Rolle
from tests.factories import (
    MassnahmeFactory,
    MitgliedschaftFactory,
    TeilnahmeFactory,
    UserFactory,
)
from workshops import services
from workshops.models import Ergebnis, Teilnahme

# --- publishing and invitations --------------------------------------------------------


def test_invitations_go_to_active_cdos_of_the_kreis_once(welt, entwurf):
    # A second membership of the same person and an inactive CDO change nothing.
    MitgliedschaftFactory(user=welt.users["cdo_eigen"], rolle=Rolle.CDO, kommune=welt.blomberg)
    inaktiv = UserFactory(email="inaktiv@example.invalid", is_active=False)
    MitgliedschaftFactory(user=inaktiv, rolle=Rolle.CDO, kommune=welt.blomberg)
    assert services.invitees(entwurf) == [
        "cdo.detmold@example.invalid",
        "cdo.lemgo@example.invalid",
    ]


def test_publish_sends_invitations_after_commit(welt, entwurf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.publish(workshop=entwurf) is True
    assert mail.outbox == []  # nothing before the transaction commits
    # The commit runs what waited for it (the invitations; the data stand of the caches
    # moves on as well); the mails go out after their own commit.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(mail.outbox) == 2
    entwurf.refresh_from_db()
    assert entwurf.veroeffentlicht_am is not None and entwurf.sequenz == 1


def test_publish_twice_invites_once(welt, entwurf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(workshop=entwurf)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.publish(workshop=entwurf) is False
    assert callbacks == []
    assert len(mail.outbox) == 2


def test_invitation_text_is_german_with_absolute_link_and_calendar_file(
    welt, workshop, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://portal.kreis-lippe.invalid"
    with django_capture_on_commit_callbacks(execute=True):
        assert workshop_einladung.delay(workshop.pk).get() == 2
    nachricht = mail.outbox[0]
    assert nachricht.subject == "[Lippe Digitalportal] Einladung: " + workshop.titel
    assert len(nachricht.to) == 1  # nobody sees the other addresses
    body = nachricht.body
    assert "Guten Tag," in body and "Mit freundlichen Grüßen" in body
    assert "Bitte melden Sie Ihre Kommune im Portal an:" in body
    assert f"https://portal.kreis-lippe.invalid/workshops/{workshop.pk}/" in body
    assert timezone.localtime(workshop.beginn).strftime("%d.%m.%Y, 14:00") in body
    assert "&amp;" not in body and "&lt;" not in body  # plain text, not HTML-escaped
    name, inhalt, typ = nachricht.attachments[0]
    assert (name, typ) == ("einladung.ics", "text/calendar")
    event = Calendar.from_ical(inhalt).events[0]
    assert event.start.hour == 14
    assert workshop.online_link in str(event["DESCRIPTION"])  # CDOs are members
    # The one mail path: an HTML part too, signed by the Kreis that invites, and a one-click
    # unsubscribe (RFC 8058) of the workshop mails.
    [(html, typ)] = nachricht.alternatives
    assert typ == "text/html" and workshop.titel in html and "Tagesordnung" in html
    assert "Mit freundlichen Grüßen\nIhr Kreis Lippe" in body
    assert nachricht.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_cdo_who_turned_workshop_mails_off_is_not_invited(
    welt, workshop, django_capture_on_commit_callbacks
):
    Mailpraeferenz.objects.create(
        person=welt.users["cdo_andere"], art="workshop", haeufigkeit="aus"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert workshop_mails.send_einladungen(workshop.pk) == 1
        # The task run twice sends nothing twice.
        assert workshop_mails.send_einladungen(workshop.pk) == 0
    assert [m.to for m in mail.outbox] == [["cdo.detmold@example.invalid"]]


def test_no_invitations_for_cancelled_or_unpublished(welt, workshop, entwurf):
    assert workshop_mails.send_einladungen(entwurf.pk) == 0
    workshop.abgesagt = True
    workshop.save()
    assert workshop_mails.send_einladungen(workshop.pk) == 0
    assert workshop_mails.send_einladungen(999_999) == 0
    assert mail.outbox == []


# --- cancelling ------------------------------------------------------------------------


def test_cancel_bumps_sequence_and_mails_the_registered_only(
    welt, workshop, django_capture_on_commit_callbacks
):
    TeilnahmeFactory(workshop=workshop, person=welt.users["cdo_eigen"], kommune=welt.detmold)
    TeilnahmeFactory(
        workshop=workshop,
        person=welt.users["cdo_andere"],
        kommune=welt.lemgo,
        status=Teilnahme.Status.ABGESAGT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel(workshop=workshop) is True
    workshop.refresh_from_db()
    assert workshop.abgesagt and workshop.sequenz == 1
    assert [m.to for m in mail.outbox] == [["cdo.detmold@example.invalid"]]
    assert mail.outbox[0].subject.endswith("Abgesagt: " + workshop.titel)
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).events[0]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel(workshop=workshop) is False
    workshop.refresh_from_db()
    assert workshop.sequenz == 1 and len(mail.outbox) == 1


def test_cancelling_a_draft_mails_nobody(welt, entwurf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(workshop=entwurf)
    assert mail.outbox == []
    assert workshop_absage.delay(entwurf.pk).get() == 0


# --- registration ----------------------------------------------------------------------


def test_register_for_own_kommune(welt, workshop):
    teilnahme = services.register(workshop=workshop, user=welt.users["cdo_eigen"])
    assert teilnahme.kommune == welt.detmold
    # Registering twice keeps the one registration.
    services.register(workshop=workshop, user=welt.users["cdo_eigen"])
    assert Teilnahme.objects.count() == 1


def test_cdo_of_two_kommunen_chooses(welt, workshop):
    user = welt.users["cdo_eigen"]
    MitgliedschaftFactory(user=user, rolle=Rolle.CDO, kommune=welt.blomberg)
    teilnahme = services.register(workshop=workshop, user=user, kommune=welt.blomberg)
    assert teilnahme.kommune == welt.blomberg


def test_kreis_staff_register_for_the_kreis(welt, workshop):
    teilnahme = services.register(workshop=workshop, user=welt.users["kreis"])
    assert teilnahme.kommune is None


@pytest.mark.parametrize("rolle", ["cdo_andere", "region", "kreis_fremd"])
def test_nobody_registers_a_kommune_that_is_not_theirs(welt, workshop, rolle):
    with pytest.raises(ValidationError):
        services.register(workshop=workshop, user=welt.users[rolle], kommune=welt.detmold)
    assert not Teilnahme.objects.exists()


def test_seat_limit_counts_active_registrations(welt, workshop):
    workshop.max_teilnehmende = 1
    workshop.save()
    TeilnahmeFactory(
        workshop=workshop,
        person=welt.users["cdo_andere"],
        kommune=welt.lemgo,
        status=Teilnahme.Status.ABGESAGT,
    )
    services.register(workshop=workshop, user=welt.users["cdo_eigen"])
    with pytest.raises(ValidationError, match="ausgebucht"):
        services.register(workshop=workshop, user=welt.users["cdo_andere"])
    services.deregister(workshop=workshop, user=welt.users["cdo_eigen"])
    services.register(workshop=workshop, user=welt.users["cdo_andere"])


def test_no_unregistering_after_the_workshop(welt, workshop):
    services.register(workshop=workshop, user=welt.users["cdo_eigen"])
    workshop.beginn = timezone.now() - dt.timedelta(days=2)
    workshop.ende = workshop.beginn + dt.timedelta(hours=2)
    workshop.save()
    with pytest.raises(ValidationError, match="vorbei"):
        services.deregister(workshop=workshop, user=welt.users["cdo_eigen"])
    assert Teilnahme.objects.get().status == Teilnahme.Status.ANGEMELDET


def test_unregister_without_registration_is_harmless(welt, workshop):
    assert services.deregister(workshop=workshop, user=welt.users["cdo_eigen"]) is None


# --- attendance ------------------------------------------------------------------------


def test_attendance_sets_status_and_adds_walk_ins_once(welt, workshop):
    t = TeilnahmeFactory(workshop=workshop, person=welt.users["cdo_eigen"], kommune=welt.detmold)
    lemgo = welt.users["cdo_andere"].mitgliedschaften.get()
    geaendert = services.record_teilnahme(
        workshop=workshop,
        status_je_teilnahme={t.pk: "teilgenommen"},
        nachtragen=[lemgo],
    )
    assert geaendert == 2
    assert (
        services.record_teilnahme(
            workshop=workshop, status_je_teilnahme={t.pk: "teilgenommen"}, nachtragen=[lemgo]
        )
        == 0
    )
    assert set(workshop.teilnahmen.values_list("kommune__name", "status")) == {
        ("Detmold", "teilgenommen"),
        ("Lemgo", "teilgenommen"),
    }


def test_attendance_ignores_foreign_teilnahmen_and_bad_status(welt, workshop, entwurf):
    fremd = TeilnahmeFactory(workshop=entwurf, person=welt.users["cdo_eigen"])
    t = TeilnahmeFactory(workshop=workshop, person=welt.users["cdo_andere"])
    services.record_teilnahme(
        workshop=workshop, status_je_teilnahme={fremd.pk: "teilgenommen", t.pk: "kaputt"}
    )
    fremd.refresh_from_db()
    t.refresh_from_db()
    assert fremd.status == t.status == Teilnahme.Status.ANGEMELDET


# --- Ergebnis → Maßnahme ---------------------------------------------------------------


def test_link_ergebnis_to_the_new_massnahme(welt, ergebnis):
    massnahme = MassnahmeFactory(kreis=welt.lippe, federfuehrend=welt.detmold)
    verknuepft = services.link_ergebnis(ergebnis_id=str(ergebnis.pk), massnahme=massnahme)
    assert verknuepft == ergebnis
    ergebnis.refresh_from_db()
    assert ergebnis.massnahme == massnahme
    assert ergebnis.status == Ergebnis.Status.IN_ARBEIT
    # Calling again with the same Maßnahme is harmless.
    assert services.link_ergebnis(ergebnis_id=ergebnis.pk, massnahme=massnahme)


@pytest.mark.parametrize(
    "ergebnis_id", [None, "", "abc", "-1", "0", "1.5", "99999999999999999999", "<script>"]
)
def test_malformed_ergebnis_ids_are_ignored(welt, ergebnis, ergebnis_id):
    massnahme = MassnahmeFactory(kreis=welt.lippe)
    assert services.link_ergebnis(ergebnis_id=ergebnis_id, massnahme=massnahme) is None
    ergebnis.refresh_from_db()
    assert ergebnis.massnahme is None


def test_no_link_across_kreise_or_over_an_existing_link(welt, ergebnis):
    fremd = MassnahmeFactory(kreis=welt.herford)
    assert services.link_ergebnis(ergebnis_id=ergebnis.pk, massnahme=fremd) is None
    erste = MassnahmeFactory(kreis=welt.lippe)
    zweite = MassnahmeFactory(kreis=welt.lippe)
    services.link_ergebnis(ergebnis_id=ergebnis.pk, massnahme=erste)
    assert services.link_ergebnis(ergebnis_id=ergebnis.pk, massnahme=zweite) is None
    ergebnis.refresh_from_db()
    assert ergebnis.massnahme == erste


def test_link_checks_the_users_permission_when_given(welt, ergebnis):
    massnahme = MassnahmeFactory(kreis=welt.lippe)
    assert (
        services.link_ergebnis(
            ergebnis_id=ergebnis.pk, massnahme=massnahme, user=welt.users["cdo_andere"]
        )
        is None
    )
    assert services.link_ergebnis(
        ergebnis_id=ergebnis.pk, massnahme=massnahme, user=welt.users["cdo_eigen"]
    )


def test_prefill_takes_the_first_line_and_keeps_titles_short(welt, ergebnis):
    params = services.massnahme_initial(ergebnis)
    assert params["titel"] == "Stand der E-Akte in allen Kommunen abfragen"
    ergebnis.beschreibung = "x" * 400
    params = services.massnahme_initial(ergebnis)
    assert len(params["titel"]) == 250 and params["titel"].endswith("…")
    ergebnis.verantwortlich = None
    ergebnis.workshop.handlungsfeld = None
    params = services.massnahme_initial(ergebnis)
    assert "federfuehrend" not in params and "handlungsfeld" not in params


def test_the_invitation_arrives_by_smtp_with_text_html_and_calendar(
    welt, workshop, smtp, django_capture_on_commit_callbacks
):
    """The whole way: outbox → Celery task → Django's SMTP backend → a real SMTP server."""
    from tests.benachrichtigungen.smtp import teile

    with django_capture_on_commit_callbacks(execute=True):
        assert workshop_mails.send_einladungen(workshop.pk) == 2
    [nachricht] = smtp.an("cdo.detmold@example.invalid")
    text, html = teile(nachricht)
    assert "lädt Sie herzlich zum folgenden Workshop ein" in text
    assert workshop.titel in html and 'lang="de"' in html
    assert nachricht["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [anhang] = list(nachricht.iter_attachments())
    assert anhang.get_filename() == "einladung.ics"
    assert anhang.get_content_type() == "text/calendar"
    event = Calendar.from_ical(anhang.get_content()).events[0]
    assert str(event["SUMMARY"]) == workshop.titel

"""What becomes due by itself: "Meilenstein überfällig" and "Frist naht" (the deadlines of
Förderbescheide). The daily task finds them, the followers and those responsible read them
in the inbox and by mail (German, text and HTML, one-click unsubscribe); run twice, it
tells nobody twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.conf import settings
from django.core import mail as django_mail

from benachrichtigungen import services
from benachrichtigungen.faelligkeiten import check_faelligkeiten, check_fristen
from benachrichtigungen.models import Benachrichtigung, Mail, Mailpraeferenz
from benachrichtigungen.tasks import check_faelligkeiten as faelligkeiten_task
from foerderung.models import Erinnerung, Foerderbescheid
from kommunen.models import Rolle
from massnahmen.models import Massnahme, Sichtbarkeit
from tests.benachrichtigungen.smtp import teile
from tests.factories import (
    FoerderbescheidFactory,
    MeilensteinFactory,
    MitgliedschaftFactory,
    MittelabrufFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEUTE = dt.date(2026, 5, 4)


def lauf(capture, heute):
    with capture(execute=True):
        return check_faelligkeiten(heute=heute)


def frist_lauf(capture, heute):
    with capture(execute=True):
        return check_fristen(heute=heute)


def inbox(person, art=None):
    eintraege = Benachrichtigung.objects.for_recipient(person)
    if art:
        eintraege = eintraege.filter(art=art)
    return list(eintraege.values_list("text", flat=True))


# --- Meilenstein überfällig ------------------------------------------------------------------


@pytest.fixture
def stein(welt):
    # The lead's CDO follows the Maßnahme (as the signal does after the commit).
    services.follow_automatically(massnahme=welt.massnahme, kommune_ids=[welt.detmold.pk])
    return MeilensteinFactory(
        massnahme=welt.massnahme, titel="Pilot im Bürgerbüro", faellig_am=HEUTE
    )


def test_an_overdue_milestone_reaches_the_followers_the_day_after_once(
    welt, stein, django_capture_on_commit_callbacks
):
    detmold, lemgo = welt.users["cdo_eigen"], welt.users["cdo_andere"]
    services.follow(person=lemgo, gegenstand=welt.lemgo, aktiv=True)  # not this Maßnahme's
    assert lauf(django_capture_on_commit_callbacks, HEUTE)["meilensteine"] == 0
    # Due today is not overdue; tomorrow it is, for the lead's CDO (who follows by default).
    assert lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1)) == {
        "meilensteine": 1,
        "fristen": 0,
    }
    erwartet = (
        "Der Meilenstein „Pilot im Bürgerbüro“ von „Digitale Akte in Detmold“ war am "
        "04.05.2026 fällig und ist noch nicht erreicht."
    )
    assert inbox(detmold) == [erwartet]
    assert inbox(lemgo) == []
    # The task runs again, that day and the next: nothing more.
    assert lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1)) == {
        "meilensteine": 0,
        "fristen": 0,
    }
    assert (
        lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=2))["meilensteine"] == 0
    )
    assert Benachrichtigung.objects.filter(art="meilenstein").count() == 1
    # Mailed at once by default, with its own unsubscribe.
    [nachricht] = [m for m in django_mail.outbox if m.to == [detmold.email]]
    assert nachricht.subject == f"[Lippe Digitalportal] {erwartet}"
    assert "List-Unsubscribe-Post" in nachricht.extra_headers


def test_a_reached_milestone_or_a_finished_massnahme_is_not_overdue(
    welt, stein, django_capture_on_commit_callbacks
):
    stein.erreicht_am = HEUTE
    stein.save()
    assert (
        lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1))["meilensteine"] == 0
    )
    stein.erreicht_am = None
    stein.save()
    Massnahme.objects.filter(pk=welt.massnahme.pk).update(
        status=Massnahme.Status.ABGESCHLOSSEN, ende_tatsaechlich=HEUTE
    )
    assert (
        lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1))["meilensteine"] == 0
    )


def test_a_milestone_moved_and_missed_again_is_news_again_old_ones_are_not_dug_up(
    welt, stein, django_capture_on_commit_callbacks
):
    lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1))
    stein.faellig_am = HEUTE + dt.timedelta(days=10)
    stein.save()
    assert (
        lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=11))["meilensteine"] == 1
    )
    assert len(inbox(welt.users["cdo_eigen"], "meilenstein")) == 2
    # Overdue for longer than the catch-up window when the task first runs: not reported.
    MeilensteinFactory(massnahme=welt.massnahme, faellig_am=HEUTE - dt.timedelta(days=60))
    assert (
        lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=11))["meilensteine"] == 0
    )


def test_a_cdo_of_another_kreis_never_hears_of_a_kreis_visible_milestone_but_a_partner_does(
    welt, stein, django_capture_on_commit_callbacks
):
    herford = UserFactory(email="cdo.herford@example.invalid")
    MitgliedschaftFactory(user=herford, rolle=Rolle.CDO, kommune=welt.herford_stadt)
    # Following the Handlungsfeld (readable by all) does not open the Maßnahme.
    services.follow(person=herford, gegenstand=welt.handlungsfeld, aktiv=True)
    services.follow(person=welt.users["kreis_fremd"], gegenstand=welt.handlungsfeld, aktiv=True)
    assert welt.massnahme.sichtbarkeit == Sichtbarkeit.KREIS
    lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1))
    assert inbox(herford) == [] and inbox(welt.users["kreis_fremd"]) == []
    assert not [m for m in django_mail.outbox if m.to[0].endswith(("herford@example.invalid",))]

    # Herford takes part (a cross-Kreis partner): its CDO follows and hears of the next one.
    with django_capture_on_commit_callbacks(execute=True):
        welt.massnahme.beteiligte.add(welt.herford_stadt)
    MeilensteinFactory(massnahme=welt.massnahme, titel="Schulung", faellig_am=HEUTE)
    lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1))
    assert [t for t in inbox(herford) if "Schulung" in t]
    # Herford's Kreis staff may now read it too (a partner of their Kreis takes part).
    assert services.can_read(welt.users["kreis_fremd"], welt.massnahme)
    assert [t for t in inbox(welt.users["kreis_fremd"]) if "Schulung" in t]


# --- Frist naht: the deadlines of Förderbescheide -------------------------------------------


@pytest.fixture
def erinnerung_welt(welt, settings):
    """A Bescheid of Detmold with partner Blomberg: proof due in 30 days, period ends in 60."""
    settings.PORTAL_BASE_URL = "https://portal.kreis-lippe.example"
    settings.FOERDERUNG_ERINNERUNG_TAGE = [30, 7]
    cdo_blomberg = UserFactory(email="cdo.blomberg@example.invalid")
    MitgliedschaftFactory(user=cdo_blomberg, rolle=Rolle.CDO, kommune=welt.blomberg)
    ehemalig = UserFactory(email="ehemalig@example.invalid", is_active=False)
    MitgliedschaftFactory(user=ehemalig, rolle=Rolle.CDO, kommune=welt.detmold)
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        aktenzeichen="34.2-IKZ-2021/017",
        bewilligungszeitraum_beginn=dt.date(2024, 1, 1),
        bewilligungszeitraum_ende=HEUTE + dt.timedelta(days=60),
        verwendungsnachweis_faellig=HEUTE + dt.timedelta(days=30),
        status=Foerderbescheid.Status.IN_DURCHFUEHRUNG,
    )
    bescheid.partner.set([welt.blomberg])
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("45000"))
    django_mail.outbox.clear()
    return bescheid


ERWARTETE_EMPFAENGER = [
    "cdo.blomberg@example.invalid",
    "cdo.detmold@example.invalid",
    "kreis.lippe@example.invalid",
]


def empfaenger():
    return sorted(m.to[0] for m in django_mail.outbox)


def test_deadline_reaches_the_cdos_of_recipient_and_partners_and_the_kreis_staff(
    erinnerung_welt, welt, django_capture_on_commit_callbacks
):
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE) == 1
    assert empfaenger() == ERWARTETE_EMPFAENGER
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in django_mail.outbox)
    nachricht = next(m for m in django_mail.outbox if m.to == ["cdo.detmold@example.invalid"])
    assert nachricht.subject == (
        "[Lippe Digitalportal] In 30 Tagen fällig: Verwendungsnachweis – 34.2-IKZ-2021/017"
    )
    assert (
        "der Verwendungsnachweis für den Förderbescheid 34.2-IKZ-2021/017 ist am 03.06.2026 "
        "fällig – in 30 Tagen." in nachricht.body
    )
    assert "Bewilligter Betrag: 245.000,00\u00a0€" in nachricht.body
    assert "Noch nicht abgerufen: 200.000,00\u00a0€" in nachricht.body
    assert "https://portal.kreis-lippe.example/benachrichtigungen/" in nachricht.body
    assert "Mit freundlichen Grüßen\nIhr Kreis Lippe" in nachricht.body
    assert "List-Unsubscribe" in nachricht.extra_headers
    [(html, typ)] = nachricht.alternatives
    assert typ == "text/html" and "34.2-IKZ-2021/017" in html
    # In the inbox of each, as "Frist naht".
    for adresse in ERWARTETE_EMPFAENGER:
        eintrag = Benachrichtigung.objects.get(empfaenger__email=adresse)
        assert eintrag.art == "frist" and eintrag.foerderbescheid_id == erinnerung_welt.pk
        assert eintrag.text == (
            "Förderbescheid 34.2-IKZ-2021/017: Verwendungsnachweis fällig am 03.06.2026 "
            "(in 30 Tagen)"
        )
    erinnerung = Erinnerung.objects.get()
    assert (erinnerung.art, erinnerung.frist, erinnerung.tage_vorher) == (
        Erinnerung.Art.VERWENDUNGSNACHWEIS,
        dt.date(2026, 6, 3),
        30,
    )
    assert erinnerung.empfaenger.splitlines() == ERWARTETE_EMPFAENGER


def test_deadline_task_runs_twice_tells_once(erinnerung_welt, django_capture_on_commit_callbacks):
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE) == 1
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE) == 0
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1)) == 0
    assert len(django_mail.outbox) == 3
    assert Erinnerung.objects.count() == 1
    assert Benachrichtigung.objects.filter(art="frist").count() == 3
    assert Mail.objects.count() == 3


def test_each_level_and_each_deadline_once(erinnerung_welt, django_capture_on_commit_callbacks):
    gesendet = []
    for tag in range(0, 62):
        heute = HEUTE + dt.timedelta(days=tag)
        for _ in range(2):  # the task running twice a day changes nothing
            if frist_lauf(django_capture_on_commit_callbacks, heute):
                gesendet.append(tag)
    # Proof due on day 30: levels 30 (day 0) and 7 (day 23). Period ends on day 60:
    # levels 30 (day 30) and 7 (day 53).
    assert gesendet == [0, 23, 30, 53]
    assert sorted(Erinnerung.objects.values_list("art", "tage_vorher")) == [
        ("foerderende", 7),
        ("foerderende", 30),
        ("verwendungsnachweis", 7),
        ("verwendungsnachweis", 30),
    ]
    assert len(django_mail.outbox) == 4 * 3


def test_a_missed_day_is_caught_up_with_the_real_distance(
    erinnerung_welt, django_capture_on_commit_callbacks
):
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=5)) == 1
    assert django_mail.outbox[0].subject.startswith("[Lippe Digitalportal] In 25 Tagen fällig")
    assert Erinnerung.objects.get().tage_vorher == 30


def test_days_are_configurable(erinnerung_welt, settings, django_capture_on_commit_callbacks):
    settings.FOERDERUNG_ERINNERUNG_TAGE = [14, 1]
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE) == 0
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=16)) == 1
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=29)) == 1
    assert "Morgen fällig" in django_mail.outbox[-1].subject
    assert [e.tage_vorher for e in Erinnerung.objects.order_by("tage_vorher")] == [1, 14]


@pytest.mark.parametrize(
    "status",
    [
        Foerderbescheid.Status.VERWENDUNGSNACHWEIS,
        Foerderbescheid.Status.ABGESCHLOSSEN,
        Foerderbescheid.Status.WIDERRUFEN,
    ],
)
def test_no_reminders_for_finished_bescheide(
    erinnerung_welt, status, django_capture_on_commit_callbacks
):
    Foerderbescheid.objects.filter(pk=erinnerung_welt.pk).update(status=status)
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE) == 0
    assert django_mail.outbox == []


def test_other_kreise_are_not_told_even_when_they_follow_the_kommune(
    erinnerung_welt, welt, django_capture_on_commit_callbacks
):
    fremd = welt.users["kreis_fremd"]
    services.follow(person=fremd, gegenstand=welt.detmold, aktiv=True)  # readable Kommune
    frist_lauf(django_capture_on_commit_callbacks, HEUTE)
    for rolle in ("cdo_andere", "kreis_fremd", "region", "admin"):
        assert welt.users[rolle].email not in empfaenger()
    assert inbox(fremd) == []


def test_a_follower_of_the_bescheid_hears_of_it_and_preferences_count(
    erinnerung_welt, welt, django_capture_on_commit_callbacks
):
    lemgo = welt.users["cdo_andere"]  # same Kreis, may read the Bescheid, not responsible
    services.follow(person=lemgo, gegenstand=erinnerung_welt, aktiv=True)
    Mailpraeferenz.objects.create(
        person=welt.users["kreis"], art="frist", haeufigkeit="woechentlich"
    )
    frist_lauf(django_capture_on_commit_callbacks, HEUTE)
    assert len(inbox(lemgo, "frist")) == 1
    assert len(inbox(welt.users["kreis"], "frist")) == 1  # in the inbox, no mail now
    assert "kreis.lippe@example.invalid" not in empfaenger()
    assert lemgo.email in empfaenger()


def test_a_mail_server_that_is_down_loses_no_reminder(
    erinnerung_welt, smtp_aus, django_capture_on_commit_callbacks
):
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE) == 1
    assert Mail.objects.count() == 3
    assert set(Mail.objects.values_list("status", flat=True)) == {Mail.Status.FEHLGESCHLAGEN}
    # Recorded once: the outbox, not the next daily run, delivers it later.
    assert frist_lauf(django_capture_on_commit_callbacks, HEUTE + dt.timedelta(days=1)) == 0


def test_the_reminder_arrives_by_smtp_with_both_parts(
    erinnerung_welt, smtp, django_capture_on_commit_callbacks
):
    frist_lauf(django_capture_on_commit_callbacks, HEUTE)
    [nachricht] = smtp.an("cdo.blomberg@example.invalid")
    text, html = teile(nachricht)
    assert "Verwendungsnachweis" in text and "Verwendungsnachweis" in html
    assert nachricht["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_daily_task_uses_todays_date_and_is_scheduled(
    erinnerung_welt, django_capture_on_commit_callbacks
):
    from celery.schedules import crontab

    from lippe_portal.celery import app

    with (
        patch("benachrichtigungen.faelligkeiten.timezone.localdate", return_value=HEUTE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert faelligkeiten_task.delay().get() == {"meilensteine": 0, "fristen": 1}
    assert len(django_mail.outbox) == 3
    eintrag = settings.CELERY_BEAT_SCHEDULE["benachrichtigungen-faelligkeiten"]
    assert eintrag["task"] == "benachrichtigungen.faelligkeiten_pruefen"
    assert isinstance(eintrag["schedule"], crontab)
    app.loader.import_default_modules()
    assert "benachrichtigungen.faelligkeiten_pruefen" in app.tasks

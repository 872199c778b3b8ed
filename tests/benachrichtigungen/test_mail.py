"""E-mail of the notifications as it arrives: through a real SMTP server (aiosmtpd),
parsed with the email package: German, text and HTML, a one-click unsubscribe that works
without login, only what the recipient may read, and a failing server loses nothing."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.test import Client

from benachrichtigungen import mail, services
from benachrichtigungen.models import Benachrichtigung, Mail, Mailpraeferenz
from benachrichtigungen.tasks import flush_postausgang
from massnahmen.models import Sichtbarkeit
from tests.benachrichtigungen.smtp import teile

pytestmark = pytest.mark.django_db


def rot(massnahme, capture, version=2):
    """The traffic light of `massnahme` turned red (the event, as the signal sends it)."""
    with capture(execute=True):
        return services.notify_ampel_red(massnahme, version=version)


def folgt(person, gegenstand):
    services.follow(person=person, gegenstand=gegenstand, aktiv=True)


def abmelde_url(nachricht) -> str:
    kopf = nachricht["List-Unsubscribe"].strip()
    match = re.fullmatch(
        r"<(https://portal\.example\.de(/konto/benachrichtigungen/abmelden/[^>]+/))>", kopf
    )
    assert match, kopf
    return match[2]


# --- The round trip -------------------------------------------------------------------------


def test_red_light_arrives_by_smtp_in_german_with_both_parts_and_one_click_unsubscribe(
    welt, smtp, django_capture_on_commit_callbacks
):
    person = welt.users["cdo_andere"]
    folgt(person, welt.massnahme)
    assert rot(welt.massnahme, django_capture_on_commit_callbacks) == 1

    [nachricht] = smtp.an("cdo.lemgo@example.invalid")
    assert nachricht["Subject"].strip() == (
        "[Lippe Digitalportal] Die Ampel von „Digitale Akte in Detmold“ steht jetzt auf Rot "
        "(gefährdet)."
    )
    assert nachricht["To"] == "cdo.lemgo@example.invalid"
    assert nachricht["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert nachricht["Auto-Submitted"] == "auto-generated"
    abmelde_url(nachricht)
    text, html = teile(nachricht)
    eintrag = Benachrichtigung.objects.get(empfaenger=person)
    link = f"https://portal.example.de/benachrichtigungen/{eintrag.pk}/"
    assert text.startswith("Guten Tag,")
    assert "Die Ampel von „Digitale Akte in Detmold“ steht jetzt auf Rot" in text
    assert link in text and "Diese E-Mails abbestellen: https://portal.example.de/konto/" in text
    assert '<html lang="de">' in html and f'<a href="{link}"' in html
    assert "Mit freundlichen Grüßen" in text and "Mit freundlichen Grüßen" in html
    assert Mail.objects.get().status == Mail.Status.GESENDET


def test_the_link_in_the_mail_opens_only_for_the_recipient(
    welt, login, smtp, django_capture_on_commit_callbacks
):
    folgt(welt.users["cdo_andere"], welt.massnahme)
    rot(welt.massnahme, django_capture_on_commit_callbacks)
    [nachricht] = smtp.an("cdo.lemgo@example.invalid")
    pfad = re.search(r"https://portal\.example\.de(/benachrichtigungen/\d+/)", teile(nachricht)[0])[
        1
    ]
    assert login(welt.users["kreis"]).get(pfad).status_code == 404
    assert login(None).get(pfad).status_code == 302
    assert (
        login(welt.users["cdo_andere"]).get(pfad)["Location"] == welt.massnahme.get_absolute_url()
    )


def test_another_kreis_never_receives_a_kreis_visible_massnahmes_events(
    welt, smtp, django_capture_on_commit_callbacks
):
    """Even following the Handlungsfeld (which is everyone's) does not carry another Kreis's
    Kreis-visible Maßnahme into the mail of Herford's staff."""
    assert welt.massnahme.sichtbarkeit == Sichtbarkeit.KREIS
    folgt(welt.users["kreis_fremd"], welt.handlungsfeld)
    folgt(welt.users["kreis"], welt.handlungsfeld)
    rot(welt.massnahme, django_capture_on_commit_callbacks)
    assert smtp.an("kreis.herford@example.invalid") == []
    assert len(smtp.an("kreis.lippe@example.invalid")) == 1


# --- Preferences ----------------------------------------------------------------------------


def test_preferences_page_saves_each_kind(welt, login):
    client = login(welt.users["cdo_eigen"])
    html = client.get("/konto/benachrichtigungen/").content.decode()
    assert "<h1>E-Mail-Benachrichtigungen</h1>" in html
    for text in (
        "Ampel auf Rot",
        "Überfällige Meilensteine",
        "Nahende Fristen von Förderbescheiden",
        "Einladungen und Absagen von Workshops",
        "Fertige Quartalsberichte",
        "sofort",
        "im täglichen Überblick",
        "im wöchentlichen Überblick",
        "keine E-Mail",
    ):
        assert text in html
    daten = {
        "statusmeldung": "sofort",
        "ampel_rot": "taeglich",
        "dokument": "aus",
        "nachnutzung": "woechentlich",
        "meilenstein": "woechentlich",
        "frist": "taeglich",
        "erinnerung": "sofort",
        "aufgaben": "aus",
        "workshop": "aus",
        "bericht": "sofort",
        "loesungen": "aus",
    }
    response = client.post("/konto/benachrichtigungen/", daten, follow=True)
    assert "Ihre E-Mail-Einstellungen sind gespeichert." in response.content.decode()
    assert Mailpraeferenz.objects.for_person(welt.users["cdo_eigen"]) == daten


def test_preferences_refuse_a_frequency_the_kind_does_not_offer(welt, login):
    client = login(welt.users["cdo_eigen"])
    daten = dict.fromkeys(["statusmeldung", "ampel_rot", "dokument", "nachnutzung"], "aus")
    response = client.post(
        "/konto/benachrichtigungen/",
        {**daten, "erinnerung": "taeglich", "aufgaben": "aus", "loesungen": "aus"},
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie eine der Möglichkeiten." in response.content.decode()
    assert not Mailpraeferenz.objects.exists()


@pytest.mark.parametrize("haeufigkeit", ["taeglich", "woechentlich", "aus"])
def test_only_sofort_mails_at_once(welt, smtp, django_capture_on_commit_callbacks, haeufigkeit):
    person = welt.users["cdo_andere"]
    Mailpraeferenz.objects.create(person=person, art="ampel_rot", haeufigkeit=haeufigkeit)
    folgt(person, welt.massnahme)
    rot(welt.massnahme, django_capture_on_commit_callbacks)
    assert smtp.eingang == []
    # The inbox has it all the same.
    assert Benachrichtigung.objects.filter(empfaenger=person).count() == 1


# --- Unsubscribe without login --------------------------------------------------------------


def test_one_click_unsubscribe_works_without_login_and_without_csrf(
    welt, smtp, django_capture_on_commit_callbacks
):
    person = welt.users["cdo_andere"]
    folgt(person, welt.massnahme)
    rot(welt.massnahme, django_capture_on_commit_callbacks)
    pfad = abmelde_url(smtp.an("cdo.lemgo@example.invalid")[0])

    # What a mail program sends (RFC 8058): a POST with this body, no cookies, no token.
    programm = Client(enforce_csrf_checks=True)
    response = programm.post(
        pfad, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "Sie erhalten diese E-Mails nicht mehr." in response.content.decode()
    assert Mailpraeferenz.objects.for_person(person)["ampel_rot"] == "aus"
    # Only this kind: the others keep their defaults.
    assert Mailpraeferenz.objects.for_person(person)["statusmeldung"] == "taeglich"

    rot(welt.massnahme, django_capture_on_commit_callbacks, version=3)
    assert len(smtp.an("cdo.lemgo@example.invalid")) == 1


def test_get_on_the_unsubscribe_link_only_asks(welt):
    person = welt.users["cdo_eigen"]
    pfad = f"/konto/benachrichtigungen/abmelden/{mail.abmelde_token(person, ['dokument'])}/"
    response = Client().get(pfad)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Möchten Sie diese E-Mails nicht mehr erhalten?" in html and "Neue Dokumente" in html
    assert f'<form method="post" action="{pfad}">' in html
    assert not Mailpraeferenz.objects.exists()
    # The button on that page does it.
    assert "nicht mehr" in Client(enforce_csrf_checks=True).post(pfad).content.decode()
    assert Mailpraeferenz.objects.for_person(person)["dokument"] == "aus"


@pytest.mark.parametrize(
    "token",
    [
        "kaputt",
        # Signed with another salt (e.g. a token of some other feature).
        "eyJwIjoxLCJhIjpbImRva3VtZW50Il19:1vOtBc:xyz",
    ],
)
def test_a_forged_unsubscribe_link_is_a_404(welt, token):
    assert Client().post(f"/konto/benachrichtigungen/abmelden/{token}/").status_code == 404
    assert not Mailpraeferenz.objects.exists()


def test_a_token_for_one_person_cannot_be_turned_into_another(welt):
    from django.core import signing

    echt = mail.abmelde_token(welt.users["cdo_eigen"], ["dokument"])
    wert, rest = echt.split(":", 1)
    anderer = signing.b64_encode(f'{{"p":{welt.users["kreis"].pk},"a":["dokument"]}}'.encode())
    response = Client().post(f"/konto/benachrichtigungen/abmelden/{anderer.decode()}:{rest}/")
    assert response.status_code == 404


# --- Failing SMTP ---------------------------------------------------------------------------


def test_a_temporary_smtp_error_is_retried_and_logged_and_the_mail_arrives_once(
    welt, smtp, django_capture_on_commit_callbacks, caplog
):
    smtp.ablehnen = 2
    folgt(welt.users["cdo_andere"], welt.massnahme)
    with caplog.at_level(logging.WARNING, logger="benachrichtigungen.mail"):
        rot(welt.massnahme, django_capture_on_commit_callbacks)
    assert smtp.versuche == 3
    assert len(smtp.an("cdo.lemgo@example.invalid")) == 1
    versand = Mail.objects.get()
    assert versand.status == Mail.Status.GESENDET and versand.versuche == 3
    warnungen = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnungen) == 2 and "wird wiederholt" in warnungen[0]


def test_a_mail_server_that_is_down_is_no_error_page_and_loses_nothing(
    welt, login, settings, smtp_aus, django_capture_on_commit_callbacks, caplog
):
    """A Statusmeldung saved through the form while the mail server is down: the save
    succeeds, the mail waits in the outbox and goes out once the server is back."""
    from aiosmtpd.controller import Controller

    from tests.benachrichtigungen.smtp import Postfach, freier_port
    from tests.benachrichtigungen.test_views import statusmeldung_abgeben

    Mailpraeferenz.objects.create(
        person=welt.users["cdo_andere"], art="statusmeldung", haeufigkeit="sofort"
    )
    folgt(welt.users["cdo_andere"], welt.massnahme)
    with caplog.at_level(logging.WARNING):
        statusmeldung_abgeben(
            login(welt.users["cdo_eigen"]), welt.massnahme, django_capture_on_commit_callbacks
        )
    versand = Mail.objects.get()
    assert versand.status == Mail.Status.FEHLGESCHLAGEN
    assert versand.versuche > 1 and "Connection refused" in versand.letzter_fehler
    assert "wird wiederholt" in caplog.text

    postfach = Postfach()
    port = freier_port()
    controller = Controller(postfach, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_PORT = port
        Mail.objects.update(geaendert_am=versand.geaendert_am - dt.timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert flush_postausgang() == 1
        [nachricht] = postfach.an("cdo.lemgo@example.invalid")
        assert "Neue Statusmeldung" in nachricht["Subject"]
        # Once sent, a second sweep sends nothing.
        Mail.objects.update(geaendert_am=versand.geaendert_am - dt.timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert flush_postausgang() == 0
        assert len(postfach.eingang) == 1
    finally:
        controller.stop()


def test_settings_unsubscribe_pages_and_the_mail_are_valid_html(
    welt, login, tmp_path, django_capture_on_commit_callbacks
):
    from django.core import mail as django_mail

    from tests import htmlcheck
    from tests.conftest import require_or_skip

    require_or_skip(htmlcheck.missing_reason() is None, htmlcheck.missing_reason() or "")
    folgt(welt.users["cdo_andere"], welt.massnahme)
    rot(welt.massnahme, django_capture_on_commit_callbacks)
    [nachricht] = django_mail.outbox
    pfad = (
        "/konto/benachrichtigungen/abmelden/"
        + mail.abmelde_token(welt.users["kreis"], ["dokument"])
        + "/"
    )
    kreis = login(welt.users["kreis"])
    seiten = {
        "einstellungen": kreis.get("/konto/benachrichtigungen/").content.decode(),
        "fehler": kreis.post("/konto/benachrichtigungen/", {"erinnerung": "x"}).content.decode(),
        "regel": kreis.get("/konto/benachrichtigungen/erinnerungen/lippe/").content.decode(),
        "abmelden": Client().get(pfad).content.decode(),
        "abgemeldet": Client().post(pfad).content.decode(),
    }
    dateien = []
    for name, html in seiten.items():
        datei = tmp_path / f"{name}.html"
        datei.write_text(htmlcheck.als_dokument(html), encoding="utf-8")
        dateien.append(datei)
    # The mails' HTML parts: a notification, a transactional one and one made from text.
    with django_capture_on_commit_callbacks(execute=True):
        mail.enqueue_mail(
            person=welt.users["kreis"],
            schluessel="test:transaktional",
            inhalt=mail.Inhalt(
                betreff="Einladung",
                einleitung="Zeile eins\nZeile zwei",
                abschnitte=[mail.Abschnitt("Angaben", [mail.Eintrag("Mehrere\nZeilen")])],
                schluss="Schluss",
            ),
            arten=(),
            transaktional=True,
        )
        mail.enqueue_konto_mail(
            person=welt.users["cdo_eigen"],
            schluessel="test:konto",
            betreff="Passwort zurücksetzen",
            text="Guten Tag,\n\nhier: https://portal.example.de/accounts/password/reset/key/x/",
        )
    for name, gesendet in [
        ("mail", nachricht),
        *zip(("transaktional", "konto"), django_mail.outbox[1:], strict=True),
    ]:
        datei = tmp_path / f"{name}.html"
        datei.write_text(gesendet.alternatives[0][0], encoding="utf-8")
        dateien.append(datei)
    befunde = htmlcheck.validate(dateien)
    assert not befunde, htmlcheck.report(befunde)


def test_settings_page_queries_are_few(welt, login, django_assert_max_num_queries):
    client = login(welt.users["kreis"])
    client.get("/konto/benachrichtigungen/")
    with django_assert_max_num_queries(8):
        assert client.get("/konto/benachrichtigungen/").status_code == 200


def test_inbox_links_to_the_mail_settings(welt, login):
    html = login(welt.users["cdo_eigen"]).get("/benachrichtigungen/").content.decode()
    assert 'href="/konto/benachrichtigungen/"' in html


def test_a_cdo_of_another_kreis_gets_no_mail_about_a_kreis_visible_massnahme(
    welt, smtp, django_capture_on_commit_callbacks
):
    """Herford's CDO follows what is everyone's (the Handlungsfeld) and their own Kommune,
    which takes no part: no mail, at once or in an overview. (A partner Kommune's CDO reads
    the Maßnahme since issue 15, point 1, and hears of it: the test below.)"""
    from benachrichtigungen.ueberblick import tagesueberblick, wochenueberblick
    from kommunen.models import Rolle
    from tests.factories import MitgliedschaftFactory, UserFactory

    herford = UserFactory(email="cdo.herford@example.invalid")
    MitgliedschaftFactory(user=herford, rolle=Rolle.CDO, kommune=welt.herford_stadt)
    for art in ("statusmeldung", "ampel_rot", "dokument", "nachnutzung"):
        Mailpraeferenz.objects.create(person=herford, art=art, haeufigkeit="sofort")
    folgt(herford, welt.handlungsfeld)
    folgt(herford, welt.herford_stadt)
    assert welt.massnahme.sichtbarkeit == Sichtbarkeit.KREIS

    rot(welt.massnahme, django_capture_on_commit_callbacks)
    heute = dt.date.today() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        tagesueberblick(heute=heute)
        wochenueberblick(heute=heute + dt.timedelta(days=7))
    for nachricht in smtp.an("cdo.herford@example.invalid"):
        text, html = teile(nachricht)
        assert "Digitale Akte" not in text and "Digitale Akte" not in html
    assert len(smtp.an("cdo.lemgo@example.invalid")) == 0  # follows nothing
    assert not Benachrichtigung.objects.filter(empfaenger=herford).exists()


def test_a_partner_cdo_of_another_kreis_hears_of_the_massnahme_it_takes_part_in(
    welt, smtp, django_capture_on_commit_callbacks
):
    """Issue 15, point 1: a Kommune of another Kreis as partner reads a Kreis-visible
    Maßnahme, so its CDO, following their Kommune, gets the mail."""
    from kommunen.models import Rolle
    from tests.factories import MitgliedschaftFactory, UserFactory

    herford = UserFactory(email="cdo.herford@example.invalid")
    MitgliedschaftFactory(user=herford, rolle=Rolle.CDO, kommune=welt.herford_stadt)
    Mailpraeferenz.objects.create(person=herford, art="ampel_rot", haeufigkeit="sofort")
    folgt(herford, welt.herford_stadt)
    welt.massnahme.beteiligte.add(welt.herford_stadt)
    assert welt.massnahme.sichtbarkeit == Sichtbarkeit.KREIS

    rot(welt.massnahme, django_capture_on_commit_callbacks)
    assert Benachrichtigung.objects.filter(empfaenger=herford).exists()
    texte = [teile(nachricht)[0] for nachricht in smtp.an("cdo.herford@example.invalid")]
    assert any("Digitale Akte in Detmold" in text for text in texte)


def test_admin_sends_a_refused_mail_again(welt, smtp, client):
    """An address the server refused for good (5xx) is kept as abgewiesen, not retried;
    once it is corrected, the admin action sends it."""
    person = welt.users["cdo_andere"]
    versand = mail.enqueue_mail(
        person=person,
        schluessel="test:abgewiesen",
        inhalt=mail.Inhalt(betreff="Test", einleitung="Test"),
        arten=["dokument"],
    )
    Mail.objects.filter(pk=versand.pk).update(status=Mail.Status.ABGEWIESEN, versuche=1)
    client.force_login(welt.users["admin"])
    response = client.post(
        "/admin/benachrichtigungen/mail/",
        {"action": "resend", "_selected_action": [versand.pk]},
        follow=True,
    )
    assert "1 E-Mail(s) erneut in die Warteschlange gestellt." in response.content.decode()
    versand.refresh_from_db()
    assert versand.status == Mail.Status.GESENDET
    assert len(smtp.an("cdo.lemgo@example.invalid")) == 1


def test_a_permanently_refused_address_is_kept_and_not_retried(
    welt, smtp, django_capture_on_commit_callbacks, caplog
):
    smtp.abweisen.add("cdo.lemgo@example.invalid")
    folgt(welt.users["cdo_andere"], welt.massnahme)
    with caplog.at_level(logging.WARNING, logger="benachrichtigungen.mail"):
        rot(welt.massnahme, django_capture_on_commit_callbacks)
    versand = Mail.objects.get()
    assert versand.status == Mail.Status.ABGEWIESEN and versand.versuche == 1
    assert "550" in versand.letzter_fehler
    assert "endgültig abgewiesen" in caplog.text
    # The sweep leaves it alone too.
    Mail.objects.update(geaendert_am=versand.geaendert_am - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert flush_postausgang() == 0

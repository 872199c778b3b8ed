"""E-mail settings, the Kreis's reminder days and the unsubscribe page in a real browser:
no axe findings, no sideways scrolling at 390 px, and the forms work by mouse."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser


def _kein_seitwaerts(page) -> None:
    masse = page.evaluate("({doc: document.documentElement.scrollWidth, win: window.innerWidth})")
    assert masse["doc"] <= masse["win"], (page.url, masse)


@pytest.mark.parametrize("breite", [390, 1280])
def test_settings_and_reminder_days(demo, page, breite):
    page.set_viewport_size({"width": breite, "height": 844})
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/benachrichtigungen/")
    page.get_by_role("link", name="E-Mail-Einstellungen").click()
    assert_no_axe_violations(page)
    _kein_seitwaerts(page)
    page.get_by_label("Neue Dokumente").select_option(label="sofort")
    page.get_by_role("button", name="Einstellungen speichern").click()
    assert page.get_by_text("Ihre E-Mail-Einstellungen sind gespeichert.").is_visible()
    assert page.get_by_label("Neue Dokumente").input_value() == "sofort"
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Erinnerungsfristen Kreis Lippe").click()
    assert_no_axe_violations(page)
    _kein_seitwaerts(page)
    page.get_by_label("Liste an den Kreis nach Quartalsende (Tage)").fill("3")
    page.get_by_role("button", name="Speichern").click()
    assert page.get_by_text(
        "Fehler: Die Liste an den Kreis geht erst nach der zweiten"
    ).is_visible()
    assert_no_axe_violations(page)
    _kein_seitwaerts(page)


@pytest.mark.parametrize("breite", [390, 1280])
def test_unsubscribe_without_login(demo, page, breite):
    from django.contrib.auth import get_user_model

    from benachrichtigungen.mail import abmelde_token
    from benachrichtigungen.models import Mailpraeferenz

    person = get_user_model().objects.get(email="cdo.luegde@demo.invalid")
    page.set_viewport_size({"width": breite, "height": 844})
    page.goto(f"/konto/benachrichtigungen/abmelden/{abmelde_token(person, ['ampel_rot'])}/")
    assert_no_axe_violations(page)
    _kein_seitwaerts(page)
    page.get_by_role("button", name="Ja, abbestellen").click()
    assert page.get_by_text("Sie erhalten diese E-Mails nicht mehr.").is_visible()
    assert_no_axe_violations(page)
    _kein_seitwaerts(page)
    assert Mailpraeferenz.objects.for_person(person)["ampel_rot"] == "aus"


@pytest.mark.parametrize("breite", [390, 1280])
def test_inbox_shows_overdue_milestone_and_coming_deadline(demo, page, breite, tmp_path):
    """The daily task's findings as the Kreis staff read them: unread first, opening one
    marks it read and leads to the Förderbescheid."""
    import datetime as dt

    from django.utils import timezone

    from benachrichtigungen.faelligkeiten import check_faelligkeiten
    from foerderung.models import Foerderbescheid
    from massnahmen.models import Massnahme, Meilenstein

    heute = timezone.localdate()
    bescheid = Foerderbescheid.objects.filter(kreis__slug="lippe").order_by("pk").first()
    Foerderbescheid.objects.filter(pk=bescheid.pk).update(
        verwendungsnachweis_faellig=heute + dt.timedelta(days=7),
        status=Foerderbescheid.Status.IN_DURCHFUEHRUNG,
    )
    massnahme = Massnahme.objects.filter(kreis__slug="lippe", archiviert=False).exclude(
        status__in=Massnahme.OHNE_MELDEPFLICHT
    )[0]
    Meilenstein.objects.create(
        massnahme=massnahme, titel="Abnahme der Schnittstelle", faellig_am=heute - dt.timedelta(1)
    )
    from django.contrib.auth import get_user_model

    from benachrichtigungen.services import follow

    kreis = get_user_model().objects.get(email="kreis@demo.invalid")
    follow(person=kreis, gegenstand=massnahme, aktiv=True)
    check_faelligkeiten(heute=heute)

    page.set_viewport_size({"width": breite, "height": 844})
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/benachrichtigungen/")
    frist = page.get_by_role("link", name=f"Förderbescheid {bescheid.aktenzeichen}: ")
    assert frist.first.is_visible()
    assert page.get_by_text("Der Meilenstein „Abnahme der Schnittstelle“").is_visible()
    assert page.get_by_text("Frist naht").first.is_visible()
    assert page.get_by_text("Meilenstein überfällig").first.is_visible()
    assert_no_axe_violations(page)
    _kein_seitwaerts(page)
    page.screenshot(path=str(tmp_path / f"inbox-{breite}.png"), full_page=True)
    frist.first.click()
    assert page.url.endswith(bescheid.get_absolute_url())

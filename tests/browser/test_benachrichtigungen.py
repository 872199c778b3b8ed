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
    assert Mailpraeferenz.objects.fuer(person)["ampel_rot"] == "aus"

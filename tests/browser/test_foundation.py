"""What a user of the foundation notices in a real browser: login, start page,
accessibility (axe-core, WCAG 2.1 A/AA) and keyboard use."""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser

ANONYME_SEITEN = [
    "/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/signup/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/gibt-es-nicht/",
]
ANGEMELDETE_SEITEN = [
    "/",
    "/kommunen/",
    "/kommunen/detmold/",
    "/kommunen/luegde/",
    "/accounts/password/change/",
    "/accounts/2fa/",
]


def test_demo_cdo_logs_in_and_sees_their_kommune(demo, page):
    login_via_form(page, "cdo.luegde@demo.invalid")
    assert re.search(r"^http://[^/]+/$", page.url), page.url
    main = page.get_by_role("main")
    assert main.get_by_role("link", name="Lügde").is_visible()
    assert "Meine offenen Statusmeldungen" in main.inner_text()


def test_wrong_password_gets_german_error_without_revealing_the_account(demo, page):
    login_via_form(page, "cdo.luegde@demo.invalid", "falsch")
    known = page.get_by_role("main").inner_text()
    login_via_form(page, "niemand@demo.invalid", "falsch")
    unknown = page.get_by_role("main").inner_text()
    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in known
    assert known == unknown


def test_axe_finds_no_violations_on_any_page(demo, page):
    for path in ANONYME_SEITEN:
        page.goto(path)
        assert_no_axe_violations(page)
    login_via_form(page, "kreis@demo.invalid")
    for path in ANGEMELDETE_SEITEN:
        page.goto(path)
        assert_no_axe_violations(page)
    page.goto("/kommunen/herford/")  # another Kreis: 404 page in the site layout
    assert_no_axe_violations(page)


def _tab_to(page, predicate_js: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"
        ):
            return
    raise AssertionError(f"Per Tabulator nicht erreichbar: {predicate_js}")


def test_login_and_navigation_by_keyboard_alone(demo, page):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"

    _tab_to(page, "el.name === 'login'")
    page.keyboard.type("cdo.detmold@demo.invalid")
    _tab_to(page, "el.name === 'password'")
    page.keyboard.type("lippe-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    assert "Detmold" in page.get_by_role("main").inner_text()

    _tab_to(page, "el.tagName === 'A' && el.textContent.trim() === 'Kommunen'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/kommunen/$"))
    _tab_to(page, "el.tagName === 'A' && el.textContent.trim() === 'Lemgo'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/kommunen/lemgo/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lemgo"

    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Abmelden'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Anmelden").first.is_visible()

"""The read API's pages in a real browser: the Swagger UI from our own static files under
the portal's CSP, and the account page "API-Zugang" (create, see once, revoke)."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser


def test_swagger_ui_loads_from_the_portal_alone(browser, live_server, transactional_db):
    """Our own page of it is valid HTML (tests/test_html_valid.py); the DOM Swagger UI builds
    in the browser is the library's and is not sent to the HTML checker here."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    fremd, csp = [], []
    page.on(
        "request",
        lambda r: fremd.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None,
    )
    page.on(
        "console",
        lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    try:
        page.goto("/api/v1/docs/")
        page.wait_for_selector(".opblock")
        assert page.locator(".opblock").count() >= 10
        assert "Lippe Digitalportal – Lese-API" in page.locator(".info .title").first.inner_text()
        # Opening an operation shows its German parameter documentation.
        page.locator(".opblock-summary-path", has_text="/api/v1/massnahmen/").first.click()
        page.wait_for_selector("text=Volltextsuche in Titel und Beschreibung.")
    finally:
        context.close()
    assert not fremd, fremd
    assert not csp, csp


@pytest.mark.parametrize("breite", [390, 1280])
def test_api_zugang_create_see_once_and_revoke(demo, page, breite):
    page.set_viewport_size({"width": breite, "height": 844})
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/accounts/api-zugang/")
    assert_no_axe_violations(page)
    page.get_by_label("Bezeichnung").fill("Auswertung Kreistag")
    page.get_by_role("button", name="Token erstellen").click()
    token = page.get_by_role("textbox", name="Token").input_value()
    assert token.startswith("lpt_")
    assert_no_axe_violations(page)
    masse = page.evaluate("({doc: document.documentElement.scrollWidth, win: window.innerWidth})")
    assert masse["doc"] <= masse["win"], masse
    # The token reads the Kreis's internal Maßnahmen through the API.
    antwort = page.request.get("/api/v1/massnahmen/", headers={"Authorization": f"Bearer {token}"})
    assert antwort.status == 200 and antwort.json()["anzahl"] > 0
    page.reload()
    assert page.get_by_role("textbox", name="Token").count() == 0  # shown once
    page.get_by_role("button", name="Widerrufen: Auswertung Kreistag").click()
    assert "wurde widerrufen" in page.locator("main").inner_text()
    antwort = page.request.get("/api/v1/massnahmen/", headers={"Authorization": f"Bearer {token}"})
    assert antwort.status == 401

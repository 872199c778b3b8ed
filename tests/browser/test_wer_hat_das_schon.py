"""„Wer hat das schon?“ in a real browser (issue 15, point 5): Detmold's CDO finds on the
start page and on Detmold's page what other Kommunen of the region already have, at a
phone's 390 px and a laptop's 1280 px without sideways scrolling, and axe-core finds
nothing (the Nu Html Checker reads every page through the harness)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser

CDO = "cdo.detmold@demo.invalid"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "screenshots"


@pytest.mark.parametrize("breite", [390, 1280])
def test_a_cdo_sees_who_has_it_already(demo, page, breite):
    page.set_viewport_size({"width": breite, "height": 844})
    login_via_form(page, CDO)
    page.goto("/")
    abschnitt = page.get_by_role("region", name="Wer hat das schon? Anregungen für Detmold")
    assert abschnitt.get_by_role(
        "heading", name="OZG-Leistungen, die andere Kommunen der Region schon online anbieten"
    ).is_visible()
    assert abschnitt.get_by_text("Online in ").first.is_visible()
    assert abschnitt.get_by_text("Kontakt: ").first.is_visible()
    loesungen = abschnitt.get_by_role(
        "heading", name="Lösungen ähnlich großer Kommunen in denselben Handlungsfeldern"
    )
    assert loesungen.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"cdo-{breite}-startseite-wer-hat-das-schon.png", full_page=True
    )

    # The first solution opens its Maßnahme.
    erste = abschnitt.locator(".portal-whds__liste").last.get_by_role("link").first
    titel = erste.inner_text()
    erste.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == titel

    page.goto("/kommunen/detmold/")
    assert page.get_by_role("region", name="Wer hat das schon? Anregungen für Detmold").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(page)
    page.screenshot(
        path=SCREENSHOTS / f"cdo-{breite}-kommune-wer-hat-das-schon.png", full_page=True
    )

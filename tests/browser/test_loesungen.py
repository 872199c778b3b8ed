"""The Lösungskatalog in a real browser (issue 15, point 4): a CDO searches it with htmx
(the address can be shared), at a phone's 390 px and a laptop's 1280 px without sideways
scrolling, and axe-core finds nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from core.models import User
from massnahmen.views import loesungen_for
from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser

CDO = "cdo.detmold@demo.invalid"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "screenshots"


@pytest.mark.parametrize("breite", [390, 1280])
def test_a_cdo_searches_the_catalogue(demo, page, breite):
    page.set_viewport_size({"width": breite, "height": 844})
    login_via_form(page, CDO)
    page.goto("/loesungen/")
    assert page.locator("h1").inner_text() == "Lösungskatalog"
    assert page.locator("nav[aria-label=Hauptnavigation] a[href='/loesungen/']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(page)

    loesung = loesungen_for(User.objects.get(email=CDO)).order_by("-pk").first()
    wort = max(loesung.titel.split(), key=len)
    page.evaluate("window.__ohneNeuladen = true")
    vorher = page.locator("#anzahl").inner_text()
    if not page.locator("details.portal-filter-klappe").evaluate("d => d.open"):
        page.locator("summary.portal-filter-klappe__titel").click()  # folded on a phone
    page.locator("#id_q").fill(wort)
    page.locator("#id_q").press("Enter")  # submits; htmx takes the submit over
    page.wait_for_url(re.compile(r"q="))
    page.wait_for_function(
        "(alt) => document.querySelector('#anzahl').textContent !== alt", arg=vorher
    )
    assert page.evaluate("window.__ohneNeuladen === true"), "htmx lud die Seite neu"
    assert page.get_by_role("heading", name=loesung.titel).first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(page)
    # The address can be shared: opening it shows the same result.
    anzahl = page.locator("#anzahl").inner_text()
    page.goto(page.url)
    assert page.locator("#anzahl").inner_text() == anzahl
    assert page.locator("#id_q").input_value() == wort
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"cdo-{breite}-loesungen-suche.png", full_page=True)

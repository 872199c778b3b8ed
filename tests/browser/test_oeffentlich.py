"""The public pages in a real browser, without login: axe clean, figures and charts there."""

from __future__ import annotations

import pytest

from massnahmen.models import Massnahme
from tests.browser.harness import assert_no_axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server):
    """The harness's page, but with the CSP bypassed so axe-core can be injected
    (the strict Content-Security-Policy blocks its inline script tag)."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url, bypass_csp=True)
    seite = context.new_page()
    seite.set_default_timeout(10_000)
    yield seite
    context.close()


def test_public_pages_are_axe_clean(demo, page):
    m = Massnahme.objects.veroeffentlicht().first()
    assert m is not None
    for path in (
        "/oeffentlich/",
        "/oeffentlich/?kreis=05766",
        "/oeffentlich/massnahmen/",
        f"/oeffentlich/massnahmen/{m.pk}/",
        "/oeffentlich/daten/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert "public" in response.headers["cache-control"]
        assert page.get_by_role("heading", level=1).is_visible(), path
        assert_no_axe_violations(page)

    page.goto("/oeffentlich/")
    assert page.get_by_role(
        "img", name="Durchschnittlicher Fortschritt je Handlungsfeld"
    ).is_visible()
    page.get_by_role("link", name="Alle veröffentlichten Maßnahmen").click()
    page.wait_for_load_state()
    assert page.get_by_role("row").count() > 1

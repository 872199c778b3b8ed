"""The public pages in a real browser, without login: axe clean, figures and charts there."""

from __future__ import annotations

import pytest

from massnahmen.models import Massnahme
from tests.browser.harness import assert_no_axe_violations

pytestmark = pytest.mark.browser


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

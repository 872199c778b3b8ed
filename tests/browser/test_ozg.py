"""The OZG matrix in a real browser: a demo CDO rates a service by keyboard alone, and the
matrix (with the inline form open) is axe clean."""

from __future__ import annotations

import pytest

from ozg.models import Umsetzungsstand
from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser


def _tab_bis(page, selector: str, hoechstens: int = 120) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(hoechstens):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} nach {hoechstens}× Tab nicht erreicht")


def test_cdo_rates_a_cell_by_keyboard(demo, page):
    login_via_form(page, "cdo.detmold@demo.invalid")
    page.goto("/ozg/")
    assert page.get_by_role("heading", level=1).inner_text() == "OZG-Umsetzung im Kreis Lippe"
    assert_no_axe_violations(page)

    _tab_bis(page, ".ozg-zelle__link")
    zelle_id = page.evaluate("() => document.activeElement.closest('td').id")
    _, leistung_id, kommune_id = zelle_id.split("-")
    stand = Umsetzungsstand.objects.select_related("kommune", "leistung").get(
        leistung_id=leistung_id, kommune_id=kommune_id
    )
    assert stand.kommune.slug == "detmold"
    neu = 6 if stand.reifegrad != 6 else 5

    page.keyboard.press("Enter")
    eingabe = page.locator(f"#{zelle_id} input[type=number]")
    eingabe.wait_for()
    assert page.evaluate("() => document.activeElement.type") == "number"
    assert_no_axe_violations(page)
    page.keyboard.press("Control+A")
    page.keyboard.type(str(neu))
    page.keyboard.press("Enter")

    zelle = page.locator(f"#{zelle_id}")
    zelle.locator(".ozg-zelle__link").wait_for()
    assert zelle.locator(".ozg-zelle__wert").inner_text().startswith(str(neu))
    assert f"Reifegrad {neu} von 7, online" in zelle.inner_text()
    # The focus is back on the cell, so the keyboard user can go on from there.
    assert page.evaluate("(id) => document.activeElement.closest('td')?.id", zelle_id) == zelle_id
    stand.refresh_from_db()
    assert (stand.reifegradmodell, stand.reifegrad) == ("2.0", neu)

    # Escape cancels an open form without saving.
    page.keyboard.press("Enter")
    eingabe.wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type("0")
    page.keyboard.press("Escape")
    zelle.locator(".ozg-zelle__link").wait_for()
    stand.refresh_from_db()
    assert stand.reifegrad == neu


def test_region_matrix_is_axe_clean(demo, page):
    login_via_form(page, "owl@demo.invalid")
    page.goto("/ozg/?themenfeld=Familie+%26+Kind")
    assert page.locator(".ozg-zelle__link").count() == 0
    assert_no_axe_violations(page)

"""The dashboards in a real browser: axe-clean, charts with their data tables, and the
figures lead to the lists behind them."""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser


def test_dashboard_is_accessible_and_a_figure_opens_its_list(demo, page):
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: Kreis Lippe"
    # Charts are images with a name, and their figures are also a table.
    assert page.get_by_role("img", name=re.compile("Fortschritt je Handlungsfeld")).count() == 1
    page.get_by_text("Daten als Tabelle: Fortschritt je Handlungsfeld").first.click()
    assert page.get_by_role("table", name=re.compile("Fortschritt je Handlungsfeld")).is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name=re.compile(r"Maßnahmen mit Status in Umsetzung")).click()
    page.wait_for_url(re.compile(r"/massnahmen/\?.*status=in_umsetzung"))
    assert page.locator("#id_status").input_value() == "in_umsetzung"


def test_region_is_accessible_with_filters(demo, page):
    login_via_form(page, "owl@demo.invalid")
    page.goto("/region/")
    assert "Ostwestfalen-Lippe" in page.get_by_role("heading", level=1).inner_text()
    # Small multiples: one chart per Kreis of OWL, plus the comparison and the trend.
    assert page.get_by_role("img").count() >= 7 + 2
    assert_no_axe_violations(page)
    page.locator("#id_handlungsfeld").select_option(label="IKZ & Beteiligung")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(re.compile(r"handlungsfeld="))
    assert "nur Handlungsfeld IKZ & Beteiligung" in page.locator("main").inner_text()
    assert_no_axe_violations(page)


def test_region_user_switches_the_kreis_on_the_dashboard(demo, page):
    login_via_form(page, "owl@demo.invalid")
    page.goto("/dashboard/")
    page.get_by_label("Kreis", exact=True).select_option(label="Lippe")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(r"kreis=05766"))
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: Kreis Lippe"
    assert_no_axe_violations(page)

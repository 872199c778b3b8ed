"""The strategy in a real browser: a measured value entered by keyboard alone changes the
table and the chart; axe-core on every strategy page, logged in and public."""

from __future__ import annotations

import pytest

from core.quartal import Quartal
from handlungsfelder.models import Kennzahl, KennzahlWert
from tests.browser.harness import assert_no_axe_violations, login_via_form

# One keyboard helper for every browser test (it lives with the Maßnahmen tests for now).
from tests.browser.test_massnahmen import _tab_to

pytestmark = pytest.mark.browser

E_AKTE = "Kommunen mit E-Akte im Echtbetrieb"


def test_value_entered_by_keyboard_changes_table_and_chart(demo, page):
    kennzahl = Kennzahl.objects.get(name=E_AKTE, ziel__kreis_id="05766")
    aktuell = Quartal.current()
    assert not KennzahlWert.objects.filter(kennzahl=kennzahl, quartal=str(aktuell)).exists()
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/strategie/")
    _tab_to(page, f"el.textContent.trim() === {E_AKTE!r}", limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    svg_vorher = page.locator("figure.diagramm svg:not(.diagramm-svg--schmal)").inner_html()
    zeile = page.locator("#werte-tabelle tbody tr").first
    assert zeile.locator("th").inner_text().startswith(aktuell.label)
    assert zeile.locator("td").first.inner_text() == "–"

    _tab_to(page, "el.name === 'quartal'")
    page.keyboard.press("ArrowUp")  # from the last quarter (preselected) to the current one
    assert page.locator("#id_quartal").input_value() == str(aktuell)
    _tab_to(page, "el.name === 'wert'")
    page.keyboard.type("11")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "wurde gespeichert" in page.get_by_role("main").inner_text()
    zeile = page.locator("#werte-tabelle tbody tr").first
    assert zeile.locator("td").first.inner_text() == "11"
    assert "im Plan" in zeile.inner_text()
    assert page.locator("figure.diagramm svg:not(.diagramm-svg--schmal)").inner_html() != svg_vorher
    assert (
        f"{aktuell.label} (laufendes Quartal): Ist 11"
        in page.locator("#kennzahl-stand").inner_text()
    )
    wert = KennzahlWert.objects.get(kennzahl=kennzahl, quartal=str(aktuell))
    assert wert.wert == 11


def test_axe_on_strategy_pages(demo, page):
    kennzahl = Kennzahl.objects.get(name=E_AKTE, ziel__kreis_id="05766")
    abgeleitet = Kennzahl.objects.filter(ebene="kommune", quelle="ozg_reifegrad").first()
    page.goto("/strategie/oeffentlich/")
    assert_no_axe_violations(page)
    login_via_form(page, "kreis@demo.invalid")
    for path in [
        "/strategie/",
        "/strategie/lebensbereiche/",
        f"/strategie/kennzahlen/{kennzahl.pk}/",
        f"/strategie/kennzahlen/{abgeleitet.pk}/",
        f"/strategie/kennzahlen/{kennzahl.pk}/bearbeiten/",
        f"/strategie/ziele/{kennzahl.ziel_id}/kennzahlen/neu/",
        "/strategie/ziele/neu/",
        f"/strategie/ziele/{kennzahl.ziel_id}/loeschen/",
    ]:
        page.goto(path)
        assert_no_axe_violations(page)
    # a refused value with its error next to the field
    page.goto(f"/strategie/kennzahlen/{kennzahl.pk}/werte/")
    page.get_by_label("Wert").fill("12.5")
    page.get_by_role("button", name="Wert speichern").click()
    page.wait_for_load_state()
    assert "deutscher Schreibweise" in page.get_by_role("main").inner_text()
    assert_no_axe_violations(page)
    page.context.clear_cookies()
    login_via_form(page, "owl@demo.invalid")
    for path in [
        "/strategie/?kreis=05766",
        "/strategie/vergleich/?kennzahl=q:massnahmen_abgeschlossen:kreis",
        "/strategie/vergleich/?kennzahl=n:Anteil geschulter Beschäftigter",
    ]:
        page.goto(path)
        assert_no_axe_violations(page)

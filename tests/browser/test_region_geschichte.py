"""The whole story of issue 15 in a real browser: a CDO of Herford finds a solution of
Lippe in the Lösungskatalog, adopts it ("Nachnutzung"), and it shows on the dashboards of
both Kreise (their Kreis staff) and on the DigitalBüro's /region/. axe-core finds nothing
on any page visited; /region/ is looked at at a phone's 390 px and a laptop's 1280 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from massnahmen.models import Massnahme, Nachnutzung
from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser

LOESUNG = "Gemeinsame Onlinedienste für Gewerbeanmeldung und Hundesteuer"  # Lemgo, Lippe
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "screenshots"


def _anmelden(page, email: str) -> None:
    page.context.clear_cookies()
    login_via_form(page, email)


def _passt_in_die_breite(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_herford_adopts_a_lippe_solution_and_everyone_sees_it(demo, page):
    ursprung = Massnahme.objects.get(titel=LOESUNG, kreis_id="05766")
    assert not Nachnutzung.objects.filter(massnahme=ursprung, kommune__kreis_id="05758").exists()

    # The CDO of Herford searches the catalogue and adopts the solution from Lemgo.
    _anmelden(page, "cdo.herford@demo.invalid")
    page.goto("/loesungen/?q=Hundesteuer")
    assert page.locator("h1").inner_text() == "Lösungskatalog"
    loesung = page.locator("article", has=page.get_by_role("heading", name=LOESUNG))
    assert "Lemgo" in loesung.inner_text() and "Kreis Lippe" in loesung.inner_text()
    assert_no_axe_violations(page)
    loesung.get_by_role("link", name="Nachnutzen").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == f"„{LOESUNG}“ nachnutzen"
    assert_no_axe_violations(page)
    page.get_by_label("Herford", exact=True).check()
    page.get_by_role("button", name="Nachnutzen").click()
    page.wait_for_url(re.compile(r"/massnahmen/\d+/bearbeiten/"))
    assert "Herford nutzt" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    neu = Massnahme.objects.get(nachnutzung_von=ursprung)
    assert (neu.kreis_id, neu.federfuehrend.name) == ("05758", "Herford")

    # Herford's Kreis staff: the adopted solution on their dashboard.
    _anmelden(page, "kreis.herford@demo.invalid")
    page.goto("/dashboard/")
    abschnitt = page.locator("section", has=page.locator("#nachnutzung-kreisgrenze"))
    text = abschnitt.inner_text()
    assert "Lösungen anderer Kreise, die Kommunen des Kreises Herford nachnutzen" in text
    assert LOESUNG in text and "Lemgo (Kreis Lippe)" in text
    assert_no_axe_violations(page)

    # Lippe's Kreis staff: their solution, reused across the county line.
    _anmelden(page, "kreis@demo.invalid")
    page.goto("/dashboard/")
    abschnitt = page.locator("section", has=page.locator("#nachnutzung-kreisgrenze"))
    text = abschnitt.inner_text()
    assert "Lösungen des Kreises Lippe, die Kommunen anderer Kreise nachnutzen" in text
    assert LOESUNG in text and "nachgenutzt von 1 Kommune anderer Kreise" in text
    assert_no_axe_violations(page)

    # The DigitalBüro OWL: on /region/, at both widths.
    _anmelden(page, "owl@demo.invalid")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for breite in (1280, 390):
        page.set_viewport_size({"width": breite, "height": 900})
        page.goto("/region/")
        zeile = page.locator("#nachnutzung ~ div tr", has=page.get_by_role("link", name=LOESUNG))
        assert "Herford (Herford)" in zeile.inner_text()
        assert page.get_by_role("heading", name="Projekte der Region", exact=True).is_visible()
        assert page.get_by_role("link", name=re.compile("Lippische Blaupause")).count() >= 1
        assert page.get_by_text("Maßnahmen je 10.000 Einwohner je Kreis").first.is_visible()
        assert _passt_in_die_breite(page), breite
        assert_no_axe_violations(page)
        page.screenshot(path=SCREENSHOTS / f"region-{breite}-nachnutzung.png", full_page=True)

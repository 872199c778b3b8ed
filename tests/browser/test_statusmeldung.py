"""The quarterly Statusmeldung in a real browser: it keeps the figures just set in the edit
form, shows what someone else saved meanwhile (accessible, axe-core), and the Verlauf says
where a change came from."""

from __future__ import annotations

import pytest

from core.models import User
from core.quartal import Quartal
from massnahmen.models import Massnahme, Statusmeldung
from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser


def test_statusmeldung_keeps_newer_figures_and_shows_a_conflict(demo, page):
    login_via_form(page, "cdo.blomberg@demo.invalid")
    m = (
        Massnahme.objects.filter(federfuehrend__slug="blomberg", archiviert=False)
        .filter(status=Massnahme.Status.IN_UMSETZUNG)
        .first()
    )
    quartal = Quartal.current()
    Statusmeldung.objects.filter(massnahme=m, quartal=str(quartal)).delete()

    # The CDO sets the Maßnahme to 48 % / gelb …
    page.goto(f"/massnahmen/{m.pk}/bearbeiten/")
    page.get_by_label("Fortschritt in %").fill("48")
    page.get_by_label("Ampel").select_option("gelb")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    # … opens the Statusmeldung and saves it as it is prefilled.
    page.goto(f"/massnahmen/{m.pk}/statusmeldung/")
    assert page.get_by_label("Fortschritt in %").input_value() == "48"
    assert page.get_by_label("gelb – Verzug oder Risiken").is_checked()
    erreicht = page.get_by_label("Was wurde erreicht?")
    if not erreicht.input_value():
        erreicht.fill("Pilot läuft")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern", exact=True).click()
    m.refresh_from_db()
    assert (m.fortschritt, m.ampel) == (48, "gelb")

    # Someone else saves the Statusmeldung while the CDO has it open again.
    page.goto(f"/massnahmen/{m.pk}/statusmeldung/")
    meldung = Statusmeldung.objects.get(massnahme=m, quartal=str(quartal))
    meldung.erreicht = "Ergänzung der Kreisverwaltung"
    meldung.autor = User.objects.get(email="kreis@demo.invalid")
    meldung.save()
    page.get_by_label("Fortschritt in %").fill("50")
    page.get_by_label("Was wurde erreicht?").fill("Mein Stand")
    page.get_by_role("button", name="Speichern", exact=True).click()
    page.wait_for_load_state()
    warnung = page.get_by_role("alert").filter(has_text="Inzwischen gespeichert")
    assert f"{meldung.autor} hat die Statusmeldung inzwischen gespeichert" in warnung.inner_text()
    assert "Ergänzung der Kreisverwaltung" in warnung.inner_text()
    assert page.get_by_label("Was wurde erreicht?").input_value() == "Mein Stand"
    assert_no_axe_violations(page)

    # The CDO decides for their own text: saving again stores it.
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern", exact=True).click()
    meldung.refresh_from_db()
    assert (meldung.erreicht, meldung.fortschritt) == ("Mein Stand", 50)
    verlauf = page.locator("section[aria-labelledby=verlauf]").inner_text()
    assert f"Maßnahme geändert (aus Statusmeldung {quartal.label})" in verlauf

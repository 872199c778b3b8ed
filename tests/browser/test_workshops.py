"""Workshops in a real browser: a demo CDO registers for an upcoming workshop and sees it;
Kreis staff open the forms; axe-core finds no WCAG 2.1 A/AA violations on any of it."""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import assert_no_axe_violations, login_via_form
from workshops.models import Teilnahme, Workshop

pytestmark = pytest.mark.browser

WERKSTATT = "Werkstatt Prozessmanagement und digitales Arbeiten"


def test_demo_cdo_registers_for_an_upcoming_workshop(demo, page):
    login_via_form(page, "cdo.detmold@demo.invalid")
    page.goto("/workshops/")
    assert_no_axe_violations(page)
    main = page.get_by_role("main")
    assert main.get_by_role("heading", name=re.compile("Kommende Workshops")).is_visible()

    main.get_by_role("link", name=WERKSTATT).click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    main = page.get_by_role("main")
    assert "Rathaus Blomberg" in main.inner_text()
    assert "Detmold" not in main.locator("#teilnahme ~ dl").first.inner_text()

    main.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    main = page.get_by_role("main")
    assert "Sie sind für Detmold angemeldet." in main.inner_text()
    assert "Detmold" in main.locator("dl").nth(1).inner_text()
    assert main.get_by_role("button", name="Abmelden").is_visible()
    assert_no_axe_violations(page)

    werkstatt = Workshop.objects.get(titel=WERKSTATT)
    assert Teilnahme.objects.filter(
        workshop=werkstatt, person__email="cdo.detmold@demo.invalid", kommune__slug="detmold"
    ).exists()

    # The list shows the registration too.
    page.goto("/workshops/")
    zeile = page.get_by_role("row").filter(has_text=WERKSTATT)
    assert "angemeldet" in zeile.inner_text()

    page.goto("/workshops/kalender/")
    assert_no_axe_violations(page)
    assert "/workshops/kalender/" in page.get_by_label("Ihre Abo-Adresse").input_value()


def test_kreis_pages_and_forms_are_axe_clean(demo, page):
    login_via_form(page, "kreis@demo.invalid")
    werkstatt = Workshop.objects.get(titel=WERKSTATT)
    vergangen = Workshop.objects.get(titel="Regeltreffen der Digitalisierungsbeauftragten")
    ergebnis = vergangen.ergebnisse.first()
    for path in (
        "/workshops/?zeitraum=vergangene",
        f"/workshops/{vergangen.pk}/",
        "/workshops/neu/",
        f"/workshops/{werkstatt.pk}/bearbeiten/",
        f"/workshops/{werkstatt.pk}/absagen/",
        f"/workshops/{werkstatt.pk}/veroeffentlichen/",
        f"/workshops/{vergangen.pk}/teilnahme/",
        f"/workshops/{vergangen.pk}/ergebnisse/neu/",
        f"/workshops/ergebnisse/{ergebnis.pk}/bearbeiten/",
    ):
        page.goto(path)
        assert page.get_by_role("heading", level=1).is_visible(), path
        assert_no_axe_violations(page)

    # A refused form shows its errors next to the fields, still axe clean.
    page.goto("/workshops/neu/")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert page.locator("#id_titel_error").is_visible()
    assert_no_axe_violations(page)

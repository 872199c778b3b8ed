"""Maßnahmen in a real browser: htmx filtering with a shareable URL, a Statusmeldung by
keyboard alone, and axe-core on list, detail and forms."""

from __future__ import annotations

import re

import pytest

from massnahmen.models import Massnahme, Statusmeldung
from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser


def test_filter_with_htmx_updates_table_count_and_url(demo, page):
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/massnahmen/")
    gesamt = page.locator("#anzahl").inner_text()
    page.evaluate("window.__ohneNeuladen = true")
    page.locator("#id_status").select_option("abgeschlossen")
    page.wait_for_url(re.compile(r"status=abgeschlossen"))
    page.wait_for_function(
        "(alt) => !document.querySelector('#anzahl').textContent.includes(alt)", arg=gesamt
    )
    anzahl = page.locator("#anzahl").inner_text()
    erwartet = Massnahme.objects.filter(status="abgeschlossen", archiviert=False).count()
    assert anzahl.startswith(f"{erwartet} Maßnahme")
    assert page.evaluate("window.__ohneNeuladen === true"), "htmx lud die Seite neu"
    # The URL can be shared: opening it shows the same filtered list.
    page.goto(page.url)
    assert page.locator("#anzahl").inner_text() == anzahl
    assert page.locator("#id_status").input_value() == "abgeschlossen"


def _tab_to(page, predicate_js: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"
        ):
            return
    raise AssertionError(f"Per Tabulator nicht erreichbar: {predicate_js}")


def test_statusmeldung_by_keyboard_alone(demo, page):
    login_via_form(page, "cdo.luegde@demo.invalid")
    page.goto("/")
    _tab_to(page, "el.textContent.trim() === 'Statusmeldungen nacheinander abgeben'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/massnahmen/\d+/statusmeldung/$"))
    pk = int(page.url.rstrip("/").split("/")[-2])
    _tab_to(page, "el.name === 'fortschritt'")
    page.keyboard.press("Control+A")
    page.keyboard.type("77")
    _tab_to(page, "el.name === 'ampel'")
    page.keyboard.press("ArrowDown")  # radio group: move to the next traffic light
    _tab_to(page, "el.name === 'erreicht'")
    page.keyboard.press("Control+A")
    page.keyboard.type("Per Tastatur gemeldet")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Speichern'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    meldung = Statusmeldung.objects.get(massnahme_id=pk, erreicht="Per Tastatur gemeldet")
    assert meldung.fortschritt == 77
    assert "wurde gespeichert" in page.get_by_role("main").inner_text()


def test_axe_on_massnahmen_pages(demo, page):
    login_via_form(page, "cdo.blomberg@demo.invalid")
    massnahme = Massnahme.objects.filter(federfuehrend__slug="blomberg").first()
    andere = (
        Massnahme.objects.exclude(federfuehrend__slug="blomberg")
        .filter(federfuehrend__isnull=False)
        .first()
    )
    for path in [
        "/massnahmen/",
        "/massnahmen/?status=in_umsetzung&sortierung=-fortschritt",
        f"/massnahmen/{massnahme.pk}/",
        f"/massnahmen/{massnahme.pk}/bearbeiten/",
        f"/massnahmen/{massnahme.pk}/statusmeldung/",
        f"/massnahmen/{massnahme.pk}/anhaenge/neu/",
        "/massnahmen/neu/",
        f"/massnahmen/{andere.pk}/nachnutzen/",
    ]:
        page.goto(path)
        assert_no_axe_violations(page)
    # a refused form with errors next to the fields
    page.goto(f"/massnahmen/{massnahme.pk}/bearbeiten/")
    page.get_by_label("Fortschritt in %").fill("150")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "100" in page.get_by_role("main").inner_text()
    assert_no_axe_violations(page)

"""Maßnahmen in a real browser: htmx filtering with a shareable URL, a Statusmeldung by
keyboard alone, and axe-core on list, detail and forms."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from massnahmen.exports import KOPFZEILE
from massnahmen.models import Massnahme, Statusmeldung
from tests.browser.harness import assert_no_axe_violations, login_via_form
from tests.factories import MassnahmeFactory

pytestmark = pytest.mark.browser

TITEL = KOPFZEILE.index("Titel")


def _htmx_filtern(page, feld: str, wert: str) -> None:
    """Choose a filter value; wait for the pushed address and the new result count."""
    vorher = page.locator("#anzahl").inner_text()
    page.locator(f"#id_{feld}").select_option(wert)
    page.wait_for_url(re.compile(f"{feld}={wert}"))
    page.wait_for_function(
        "(alt) => document.querySelector('#anzahl').textContent !== alt", arg=vorher
    )


def test_filter_with_htmx_updates_table_count_and_url(demo, page):
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/massnahmen/")
    page.evaluate("window.__ohneNeuladen = true")
    _htmx_filtern(page, "status", "abgeschlossen")
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


def _query(url: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _export_zeilen(page, name: str) -> tuple[str, list[list]]:
    """Click the export link `name`, read the downloaded file; returns (link, data rows)."""
    link = page.get_by_role("link", name=name)
    href = link.get_attribute("href")
    with page.expect_download() as info:
        link.click()
    inhalt = Path(info.value.path()).read_bytes()
    if href.split("?")[0].endswith(".csv"):
        text = inhalt.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    else:
        mappe = load_workbook(io.BytesIO(inhalt), read_only=True)
        rows = [list(r) for r in mappe.worksheets[0].iter_rows(values_only=True)]
    return href, rows[1:]


def _count(page) -> int:
    return int(page.locator("#anzahl").inner_text().split()[0])


def test_export_links_follow_htmx_filter_sorting_and_paging(demo, page):
    """Filtered by htmx, sorted and paged: the address bar has each parameter once, the
    export links carry exactly that query, and the downloaded files have the list's rows."""
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/massnahmen/?sortierung=-fortschritt")
    page.evaluate("window.__ohneNeuladen = true")
    _htmx_filtern(page, "status", "in_umsetzung")
    assert page.evaluate("window.__ohneNeuladen === true"), "htmx lud die Seite neu"
    # What the Kreis staff read: Lippe's own and the Region-visible or public ones of the
    # other Kreise (seed_demo fills the whole region).
    lesbar = Massnahme.objects.for_user(
        get_user_model().objects.get(email="kreis@demo.invalid")
    ).filter(status="in_umsetzung", archiviert=False)
    erwartet = lesbar.count()
    assert _count(page) == erwartet > 0
    query = _query(page.url)
    keys = [k for k, _ in query]
    assert len(keys) == len(set(keys)), f"Parameter doppelt in der Adresse: {page.url}"
    assert ("status", "in_umsetzung") in query and ("sortierung", "-fortschritt") in query
    for name in ("Gefilterte Liste als CSV herunterladen", "Gefilterte Liste als Excel"):
        href, zeilen = _export_zeilen(page, name)
        assert _query(href) == query, (href, page.url)
        assert len(zeilen) == erwartet
        titel = [z[TITEL] for z in zeilen]
        assert titel == [m.titel for m in lesbar.order_by("-fortschritt", "pk")]

    # a second filter on top (htmx again), then sorting by a column header (a link)
    _htmx_filtern(page, "ampel", "gruen")
    query = _query(page.url)
    assert query == [("ampel", "gruen"), ("sortierung", "-fortschritt"), ("status", "in_umsetzung")]
    href, zeilen = _export_zeilen(page, "Gefilterte Liste als CSV herunterladen")
    assert _query(href) == query
    assert len(zeilen) == _count(page)

    page.locator("thead a", has_text="Maßnahme").click()
    page.wait_for_url(re.compile(r"sortierung=titel"))
    query = _query(page.url)
    assert query == [("ampel", "gruen"), ("sortierung", "titel"), ("status", "in_umsetzung")]
    href, zeilen = _export_zeilen(page, "Gefilterte Liste als CSV herunterladen")
    assert _query(href) == query
    # the rows of the export in the order of the list on the page
    assert [z[TITEL] for z in zeilen] == page.locator("tbody th a").all_inner_texts()

    # paging: the export has all of the filtered list, not just the page
    lippe = Massnahme.objects.filter(kreis__ags="05766").first()
    for i in range(30):
        MassnahmeFactory(
            kreis=lippe.kreis,
            handlungsfeld=lippe.handlungsfeld,
            federfuehrend=None,
            status=Massnahme.Status.PAUSIERT,
            titel=f"Pausiert {i:02d}",
        )
    pausiert = Massnahme.objects.for_user(
        get_user_model().objects.get(email="kreis@demo.invalid")
    ).filter(status="pausiert", archiviert=False)
    page.goto("/massnahmen/")
    _htmx_filtern(page, "status", "pausiert")
    assert _count(page) == pausiert.count()
    page.get_by_role("link", name="Nächste Seite").click()
    page.wait_for_url(re.compile(r"seite=2"))
    query = _query(page.url)
    assert query == [("seite", "2"), ("status", "pausiert")]
    href, zeilen = _export_zeilen(page, "Gefilterte Liste als Excel")
    assert _query(href) == query
    assert len(zeilen) == pausiert.count() >= 30

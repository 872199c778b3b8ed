"""The OZG matrix in a real browser: a demo CDO rates a service by keyboard alone, and the
matrix (with the inline form open) is axe clean."""

from __future__ import annotations

from pathlib import Path

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


# --- sticky header and column, folding groups, live coverage (issue 18, point 4) -----------

_ERGEBNISSE = Path(__file__).resolve().parents[2] / "test-results"
_ERGEBNISSE.mkdir(exist_ok=True)

_RAHMEN = """() => {
    const r = document.querySelector('.ozg-matrix-wrapper').getBoundingClientRect();
    return {top: r.top, left: r.left, bottom: r.bottom, right: r.right};
}"""


def _box(page, selector: str) -> dict:
    return page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {top: r.top, left: r.left, bottom: r.bottom, right: r.right}; }",
        selector,
    )


def test_header_row_and_service_column_stay_while_scrolling(demo, page):
    # 16 Kommunen fit beside each other at 1280 px; at 1000 px the frame scrolls both ways.
    page.set_viewport_size({"width": 1000, "height": 800})
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/ozg/")
    rahmen = page.evaluate(_RAHMEN)
    # The page itself does not scroll sideways; the matrix scrolls in its frame.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(
        "() => { const w = document.querySelector('.ozg-matrix-wrapper');"
        " return w.scrollHeight > w.clientHeight && w.scrollWidth > w.clientWidth; }"
    )

    # Scroll down until the third row of the largest Themenfeld is at the top of the frame.
    gruppe = page.evaluate(
        """() => [...document.querySelectorAll('details.ozg-gruppe')]
            .sort((a, b) => b.querySelectorAll('tbody tr').length
                          - a.querySelectorAll('tbody tr').length)[0].id"""
    )
    page.evaluate(
        """(id) => {
            const w = document.querySelector('.ozg-matrix-wrapper');
            const row = document.querySelectorAll('#' + id + ' tbody tr')[2];
            w.scrollTop += row.getBoundingClientRect().top - w.getBoundingClientRect().top;
        }""",
        gruppe,
    )
    kopf = _box(page, f"#{gruppe} thead th.ozg-matrix__kommune")
    assert abs(kopf["top"] - rahmen["top"]) <= 2, (kopf, rahmen)
    # Still sticky after scrolling sideways; the service column stays at the left edge.
    page.evaluate("() => { document.querySelector('.ozg-matrix-wrapper').scrollLeft = 500; }")
    leistung = _box(page, f"#{gruppe} tbody tr:nth-child(3) th.ozg-matrix__leistung")
    assert abs(leistung["left"] - rahmen["left"]) <= 2, (leistung, rahmen)
    assert abs(_box(page, f"#{gruppe} thead th.ozg-matrix__leistung")["top"] - rahmen["top"]) <= 2
    page.locator(".ozg-matrix-wrapper").screenshot(path=str(_ERGEBNISSE / "ozg-matrix-1000.png"))
    letzte = _box(page, f"#{gruppe} tbody tr:nth-child(3) td:last-child")
    assert letzte["right"] <= rahmen["right"] + 1  # the last column came into view

    # On a phone the page is no wider than the screen either; the frame scrolls.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1000, "height": 800})

    # A Themenfeld folds and unfolds.
    page.evaluate("() => { document.querySelector('.ozg-matrix-wrapper').scrollTo(0, 0); }")
    summary = page.locator("details.ozg-gruppe").first.locator("summary")
    tabelle = page.locator("details.ozg-gruppe").first.locator("table")
    assert tabelle.is_visible()
    summary.click()
    assert not tabelle.is_visible()
    summary.click()
    assert tabelle.is_visible()
    assert_no_axe_violations(page)


def test_coverage_updates_after_an_inline_edit_without_reload(demo, page):
    login_via_form(page, "cdo.detmold@demo.invalid")
    page.goto("/ozg/?luecken=1&kommune=" + str(_detmold_pk()))
    page.evaluate("() => { window.ohneNeuladen = true; }")
    link = page.locator(".ozg-zelle__link").first
    zelle_id = link.evaluate("(a) => a.closest('td').id")
    _, leistung_id, kommune_id = zelle_id.split("-")
    zeile = page.locator(f"#abdeckung-{leistung_id}")
    spalte = page.locator(f"#spalte-{kommune_id}")
    vorher_zeile = int(zeile.locator("strong").inner_text().split(" von ")[0])
    vorher_spalte = int(spalte.inner_text().split(" ")[0].split("\n")[0])
    vorher_gesamt = page.locator("#ozg-zusammenfassung strong").inner_text()

    link.click()
    eingabe = page.locator(f"#{zelle_id} input[type=number]")
    eingabe.fill("7")
    eingabe.press("Enter")
    page.locator(f"#{zelle_id} .ozg-zelle__link").wait_for()

    page.wait_for_function(
        "([id, n]) => document.querySelector('#' + id + ' strong').textContent"
        ".startsWith(n + ' von ')",
        arg=[f"abdeckung-{leistung_id}", vorher_zeile + 1],
    )
    assert int(spalte.inner_text().split(" ")[0].split("\n")[0]) == vorher_spalte + 1
    assert page.evaluate("() => window.ohneNeuladen === true"), "the page was reloaded"
    stand = Umsetzungsstand.objects.get(leistung_id=leistung_id, kommune_id=kommune_id)
    assert stand.online
    # The summary is the server's count for the same filter, never a stale one.
    assert (
        page.locator("#ozg-zusammenfassung strong").inner_text().endswith("flächendeckend online")
    )
    assert vorher_gesamt
    assert_no_axe_violations(page)


def test_seventy_kommunen_line_up(demo, page):
    from kommunen.models import Kommune, Kreis

    lippe = Kreis.objects.get(pk="05766")
    for n in range(54):
        Kommune.objects.create(
            kreis=lippe,
            ags=f"05766{900 + n:03d}",
            name=f"Testgemeinde {n:02d}",
            slug=f"testgemeinde-{n:02d}",
            typ=Kommune.Typ.GEMEINDE,
        )
    assert lippe.kommunen.count() == 70
    page.set_viewport_size({"width": 1280, "height": 800})
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/ozg/?themenfeld=Familie+%26+Kind")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(".ozg-matrix-wrapper").screenshot(path=str(_ERGEBNISSE / "ozg-matrix-70.png"))
    # The same Kommune's column starts at the same x in the summary and in a group table.
    xs = page.evaluate(
        """() => [...document.querySelectorAll('.ozg-matrix')].map(t =>
            [...t.querySelectorAll('thead th')].map(th => Math.round(th.getBoundingClientRect().left)))"""
    )
    assert len(xs[0]) == 72 and all(x == xs[0] for x in xs), xs
    # Compact: a service row is one cell high, not a column of wrapped text.
    hoehen = page.evaluate(
        "() => [...document.querySelectorAll('details.ozg-gruppe tbody tr')]"
        ".map(tr => tr.getBoundingClientRect().height)"
    )
    assert hoehen and max(hoehen) <= 48, hoehen
    assert_no_axe_violations(page)

    # All services at 70 columns: the header row and the service column stay while the frame
    # scrolls down into the largest Themenfeld and all the way to the right.
    page.goto("/ozg/")
    rahmen = page.evaluate(_RAHMEN)
    gruppe = page.evaluate(
        """() => [...document.querySelectorAll('details.ozg-gruppe')]
            .sort((a, b) => b.querySelectorAll('tbody tr').length
                          - a.querySelectorAll('tbody tr').length)[0].id"""
    )
    page.evaluate(
        """(id) => {
            const w = document.querySelector('.ozg-matrix-wrapper');
            const row = document.querySelectorAll('#' + id + ' tbody tr')[2];
            w.scrollTop += row.getBoundingClientRect().top - w.getBoundingClientRect().top;
            w.scrollLeft = w.scrollWidth;
        }""",
        gruppe,
    )
    kopf = _box(page, f"#{gruppe} thead th.ozg-matrix__abdeckung")
    assert abs(kopf["top"] - rahmen["top"]) <= 2, (kopf, rahmen)
    leistung = _box(page, f"#{gruppe} tbody tr:nth-child(3) th.ozg-matrix__leistung")
    assert abs(leistung["left"] - rahmen["left"]) <= 2, (leistung, rahmen)
    letzte = _box(page, f"#{gruppe} tbody tr:nth-child(3) td:last-child")
    assert letzte["right"] <= rahmen["right"] + 1  # the last column came into view
    page.locator(".ozg-matrix-wrapper").screenshot(path=str(_ERGEBNISSE / "ozg-matrix-70-alle.png"))


def _detmold_pk() -> int:
    from kommunen.models import Kommune

    return Kommune.objects.get(slug="detmold").pk

"""The Förderung in a real browser: the Kreis records a Mittelabruf on the 245.000 €
Bescheid and sees the remaining amount change; the amount rule shows up live while a
Bescheid is entered; axe-core finds no WCAG 2.1 A/AA violation on any Förderung page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from foerderung.models import Foerderbescheid
from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser

NBSP = "\u00a0"

# The IKZ NRW Bescheid of the demo (data/demo/kreise/lippe.yaml).
IKZ_AKTENZEICHEN = "34.2-IKZ-2021/017"


def ikz_bescheid() -> Foerderbescheid:
    return Foerderbescheid.objects.get(aktenzeichen=IKZ_AKTENZEICHEN)


def verbleibend(page) -> str:
    return page.locator("#betrag-verbleibend").inner_text().strip()


def test_kreis_records_a_drawdown_and_sees_the_remaining_amount_change(demo, page):
    bescheid = ikz_bescheid()
    vorher = bescheid.verbleibend()
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/foerderung/")
    page.get_by_role("link", name=IKZ_AKTENZEICHEN).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Förderbescheid {IKZ_AKTENZEICHEN}"
    )
    assert page.locator("#betrag-bewilligt").inner_text() == f"245.000,00{NBSP}€"
    assert (
        verbleibend(page)
        == f"98.450,00{NBSP}€"
        == f"{vorher:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") + f"{NBSP}€"
    )

    page.get_by_role("link", name="Mittelabruf erfassen").click()
    page.wait_for_load_state()
    page.get_by_label("Datum des Abrufs").fill(timezone.localdate().isoformat())
    # More than remains: refused next to the field, nothing stored.
    page.get_by_label("Betrag").fill("98.450,01")
    page.get_by_role("button", name="Mittelabruf speichern").click()
    page.wait_for_load_state()
    fehler = page.locator("#id_betrag_error")
    assert "Der Abruf übersteigt die verbleibenden Mittel (98.450,00" in fehler.inner_text()
    assert page.get_by_label("Betrag").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)  # the form with errors

    page.get_by_label("Betrag").fill("18.450 €")
    page.get_by_label("Status").select_option(label="ausgezahlt")
    page.get_by_label("ausgezahlt am").fill(timezone.localdate().isoformat())
    page.get_by_label("Bemerkung").fill("4. Abruf: Dokumentation und Know-how (AP 5)")
    page.get_by_role("button", name="Mittelabruf speichern").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"/foerderung/{bescheid.pk}/#mittelabrufe")
    assert "Der Mittelabruf über 18.450,00" in page.get_by_role("main").inner_text()
    assert verbleibend(page) == f"80.000,00{NBSP}€"
    zeile = page.get_by_role("row").filter(has_text="4. Abruf")
    assert f"80.000,00{NBSP}€" in zeile.inner_text()
    assert ikz_bescheid().verbleibend() == vorher - 18450


def test_amount_rule_appears_while_the_bescheid_is_entered(demo, page):
    vorher = Foerderbescheid.objects.count()  # the demo ones
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/foerderung/neu/")
    page.get_by_label("Förderprogramm").select_option(label="IKZ NRW")
    page.get_by_label("Zuwendungsempfänger (federführende Kommune)").select_option(label="Blomberg")
    partner = page.get_by_role("group", name="Partnerkommunen")
    for name in ("Lügde", "Schieder-Schwalenberg", "Kalletal"):
        partner.get_by_label(name, exact=True).check()
    page.get_by_label("bewilligter Betrag").fill("260.000")
    page.get_by_label("Förderquote").fill("90")
    page.get_by_label("Förderquote").blur()
    hoechstbetrag = page.locator("#regel-hoechstbetrag")
    hoechstbetrag.wait_for()
    assert hoechstbetrag.inner_text().startswith(f"245.000,00{NBSP}€ bei 4 NRW-Partnern")
    assert "Betrag über dem Höchstbetrag" in page.locator("#regel-warnung").inner_text()
    assert page.locator("#regel-eigenanteil").inner_text() == f"28.888,89{NBSP}€ (10,00{NBSP}%)"
    assert_no_axe_violations(page)
    assert Foerderbescheid.objects.count() == vorher  # nothing saved


def test_axe_finds_no_violations_on_the_foerderung_pages(demo, page):
    bescheid = ikz_bescheid()
    abruf = bescheid.mittelabrufe.get(status="beantragt")
    login_via_form(page, "kreis@demo.invalid")
    for path in [
        f"/foerderung/{bescheid.pk}/mittelabrufe/{abruf.pk}/bearbeiten/",
        f"/foerderung/{bescheid.pk}/mittelabrufe/{abruf.pk}/ausgezahlt/",
        f"/foerderung/{bescheid.pk}/mittelabrufe/{abruf.pk}/loeschen/",
        "/foerderung/",
        "/foerderung/?kommune=&status=in_durchfuehrung&sortierung=-verbleibend",
        f"/foerderung/{bescheid.pk}/",
        "/foerderung/neu/",
        f"/foerderung/{bescheid.pk}/bearbeiten/",
        f"/foerderung/{bescheid.pk}/mittelabrufe/neu/",
        f"/foerderung/{bescheid.pk}/dokumente/neu/",
        f"/foerderung/{bescheid.pk}/loeschen/",
    ]:
        page.goto(path)
        assert page.get_by_role("heading", level=1).is_visible(), path
        assert_no_axe_violations(page)
    # A form sent empty: the error summary and the errors next to the fields.
    page.goto("/foerderung/neu/")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert page.locator(".portal-error-summary").is_visible()
    assert_no_axe_violations(page)
    # A drawdown dated after the funding period: the warning with its checkbox.
    page.goto(f"/foerderung/{bescheid.pk}/mittelabrufe/{abruf.pk}/bearbeiten/")
    page.get_by_label("Datum des Abrufs").fill("2099-01-01")
    page.get_by_role("button", name="Mittelabruf speichern").click()
    page.wait_for_load_state()
    assert "außerhalb des Bewilligungszeitraums" in page.locator("#hinweise").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Ich habe die Hinweise zum Datum geprüft").check()
    page.get_by_role("button", name="Mittelabruf speichern").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/foerderung/{bescheid.pk}/#mittelabrufe")
    assert_no_axe_violations(page)  # the detail page with the drawdown actions
    # A CDO reads the Bescheid without the management buttons.
    page.context.clear_cookies()
    login_via_form(page, "cdo.luegde@demo.invalid")
    page.goto(f"/foerderung/{bescheid.pk}/")
    assert page.get_by_role("link", name="Mittelabruf erfassen").count() == 0
    assert_no_axe_violations(page)

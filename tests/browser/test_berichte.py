"""Quarterly reports in a real browser: request one, watch the status turn into a download,
and axe-core on /berichte/ and the report page."""

from __future__ import annotations

import re

import pytest

from berichte.models import Quartalsbericht
from core.quartal import Quartal
from tests.browser.harness import assert_no_axe_violations, login_via_form

pytestmark = pytest.mark.browser


def test_request_a_report_and_download_it(demo, page):
    login_via_form(page, "kreis@demo.invalid")
    page.goto("/berichte/")
    assert_no_axe_violations(page)
    quartal = Quartal.last_complete()
    assert page.get_by_label("Quartal").input_value() == str(quartal)
    # Without a broker the report renders in-process, inside this POST: under a loaded CI
    # that takes 20 s and more (seen), so the click does not wait for the navigation with
    # its default 10 s; the address does, as long as the rendering may take.
    page.get_by_role("button", name="Bericht anfordern").click(no_wait_after=True)
    page.wait_for_url(re.compile(r"/berichte/\d+/$"), timeout=120_000)
    # With htmx the status would refresh itself – either way the download link appears.
    link = page.get_by_role("link", name=re.compile(r"PDF herunterladen"))
    link.wait_for(timeout=60_000)
    bericht = Quartalsbericht.objects.get(kreis_id="05766", quartal=str(quartal))
    assert bericht.status == "fertig"
    assert_no_axe_violations(page)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"Quartalsbericht_Lippe_{quartal}_v1.pdf"
    with open(download.path(), "rb") as datei:
        assert datei.read(5) == b"%PDF-"
    # The list shows it with the frozen quarter that can be lifted.
    page.goto("/berichte/")
    assert page.get_by_role("link", name=re.compile(r"PDF herunterladen")).count() >= 1
    assert page.get_by_role("link", name=re.compile(r"Abschluss aufheben")).count() >= 1
    assert_no_axe_violations(page)


def test_status_page_polls_until_the_report_is_ready(demo, page):
    """A report still waiting: the page refreshes its status by htmx, without reloading,
    and shows the download once the (here: simulated) worker has finished."""
    from django.core.files.base import ContentFile

    login_via_form(page, "cdo.detmold@demo.invalid")
    bericht = Quartalsbericht.objects.create(kreis_id="05766", quartal="2026-Q2")
    page.goto(f"/berichte/{bericht.pk}/")
    assert page.get_by_text("wartet auf die Erstellung").is_visible()
    assert_no_axe_violations(page)
    page.evaluate("window.__ohneNeuladen = true")
    bericht.status = "fertig"
    bericht.seiten = 2
    bericht.datei.save("browser.pdf", ContentFile(b"%PDF-1.7 browser"), save=False)
    bericht.save()
    page.get_by_role("link", name=re.compile(r"PDF herunterladen")).wait_for(timeout=15_000)
    assert page.evaluate("window.__ohneNeuladen === true"), "htmx lud die Seite neu"

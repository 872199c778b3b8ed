"""The public pages in a real browser, without login: axe clean, figures and charts there."""

from __future__ import annotations

import pytest

from massnahmen.models import Massnahme, Statusmeldung
from tests.browser.harness import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_public_pages_are_axe_clean(demo, page):
    m = Massnahme.objects.veroeffentlicht().first()
    assert m is not None
    # One with a timeline of public updates, milestones and funding (issue 17, point 6).
    mit_verlauf = Statusmeldung.objects.oeffentlich().first().massnahme
    for path in (
        "/oeffentlich/",
        "/oeffentlich/?kreis=05766",
        "/oeffentlich/massnahmen/",
        f"/oeffentlich/massnahmen/{m.pk}/",
        f"/oeffentlich/massnahmen/{mit_verlauf.pk}/",
        "/oeffentlich/daten/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert "public" in response.headers["cache-control"]
        assert page.get_by_role("heading", level=1).is_visible(), path
        assert_no_axe_violations(page)

    page.goto(f"/oeffentlich/massnahmen/{mit_verlauf.pk}/")
    verlauf = page.get_by_role("list", name="Verlauf")
    assert verlauf.get_by_text("Meldung", exact=True).count() >= 1

    page.goto("/oeffentlich/")
    assert page.get_by_role(
        "img", name="Durchschnittlicher Fortschritt je Handlungsfeld"
    ).is_visible()
    page.get_by_role("link", name="Alle veröffentlichten Maßnahmen").click()
    page.wait_for_load_state()
    assert page.get_by_role("row").count() > 1


PORTAL = "https://portal.example"


def _einbettende_seite(context, origin: str, portal_url: str, widget_pfad: str) -> None:
    """Serve a Kommune's website at `origin` that frames the widget 300 px wide, and the
    portal at PORTAL (both intercepted, nothing leaves the machine; the portal's answers
    come from the live server with their headers). Both public origins: Chromium would
    refuse a public page's frame of localhost for its own reasons (local network access)."""
    context.route(
        f"{PORTAL}/**",
        lambda route: route.fulfill(
            response=route.fetch(url=route.request.url.replace(PORTAL, portal_url))
        ),
    )
    widget_url = PORTAL + widget_pfad
    context.route(
        f"{origin}/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=(
                '<!DOCTYPE html><html lang="de"><head><title>Stadt</title></head><body>'
                f'<iframe title="Digitalisierung" src="{widget_url}" width="300" height="600">'
                "</iframe></body></html>"
            ),
        ),
    )


def test_widget_in_a_300_px_frame_on_the_listed_website_only(demo, page, browser, live_server):
    """Issue 17, point 5: axe clean and without sideways scrolling at 300 px, framed by the
    origin Kreis staff listed for the Kommune, refused by any other."""
    from kommunen.models import Kommune

    kommune = Kommune.objects.get(slug="detmold")
    kommune.einbettende_websites = "https://www.detmold.de"
    kommune.save()
    widget = "/oeffentlich/einbetten/detmold/"

    page.set_viewport_size({"width": 300, "height": 700})
    response = page.goto("/oeffentlich/einbetten/detmold/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1, name="Digitalisierung in der Stadt Detmold")
    assert page.get_by_role("listitem").count() > 0
    assert_no_axe_violations(page)
    masse = page.evaluate("({doc: document.documentElement.scrollWidth, win: window.innerWidth})")
    assert masse["doc"] <= masse["win"], masse

    for origin, erlaubt in (("https://www.detmold.de", True), ("https://boese.example", False)):
        context = browser.new_context(locale="de-DE")
        try:
            meldungen = []
            _einbettende_seite(context, origin, live_server.url, widget)
            fremd = context.new_page()
            fremd.on("console", lambda msg, m=meldungen: m.append(msg.text))
            fremd.goto(f"{origin}/")
            fremd.wait_for_timeout(1000)
            rahmen = next(f for f in fremd.frames if f != fremd.main_frame)
            geladen = rahmen.evaluate("document.querySelector('h1')?.textContent || ''")
            if erlaubt:
                assert "Detmold" in geladen, origin
                breite = rahmen.evaluate("document.documentElement.scrollWidth")
                assert breite <= 300, breite
            else:
                assert "Detmold" not in geladen, origin
                assert any("frame-ancestors" in m for m in meldungen), meldungen
        finally:
            context.close()

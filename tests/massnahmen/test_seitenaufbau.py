"""How the Maßnahme detail and form pages are built, as a reader notices it: actions in one
bar, the facts as a KERN description list, milestone groups with headings of their own, and
every error of the form and its milestone formset in the one error summary at the top."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from tests.factories import MassnahmeFactory, MeilensteinFactory
from tests.massnahmen.test_views import form_data

pytestmark = pytest.mark.django_db


def _klasse(name: str) -> str:
    return f"[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def _seite(response):
    return lxml_html.fromstring(response.content.decode())


def test_detail_page_shows_actions_as_a_bar_and_facts_as_a_description_list(welt, login):
    m = MassnahmeFactory(
        kreis=welt.lippe, federfuehrend=welt.detmold, handlungsfeld=welt.handlungsfeld
    )
    seite = _seite(login(welt.users["cdo_eigen"]).get(f"/massnahmen/{m.pk}/"))

    (leiste,) = seite.xpath("//main//ul" + _klasse("portal-actionbar"))
    assert "Bearbeiten" in leiste.text_content()
    assert leiste.get("aria-label") == "Aktionen zu dieser Maßnahme"

    (fakten,) = seite.xpath("//main//dl" + _klasse("portal-fakten"))
    paare = {
        item.find("dt").text_content(): item.find("dd").text_content()
        for item in fakten.findall("div")
    }
    assert paare["Federführung"] == "Detmold"
    assert set(paare) >= {"Handlungsfeld", "Status", "Fortschritt", "Ampel", "Budget"}


def test_milestones_of_the_form_are_groups_with_their_own_legend(welt, login):
    m = MassnahmeFactory(
        kreis=welt.lippe, federfuehrend=welt.detmold, handlungsfeld=welt.handlungsfeld
    )
    MeilensteinFactory(massnahme=m, titel="Konzept")
    seite = _seite(login(welt.users["cdo_eigen"]).get(f"/massnahmen/{m.pk}/bearbeiten/"))

    (gruppe,) = seite.xpath("//fieldset" + _klasse("portal-formset"))
    assert gruppe.find("legend").text_content() == "Meilensteine"
    titel = [zeile.find("legend").text_content() for zeile in gruppe.findall("fieldset")]
    assert titel[0] == "Meilenstein 1: „Konzept“"
    assert titel[1:] and all(t.endswith("(neu)") for t in titel[1:])


def test_formset_errors_join_the_one_error_summary_with_links_to_their_fields(welt, login):
    daten = form_data(
        handlungsfeld=welt.handlungsfeld.pk,
        federfuehrend=welt.detmold.pk,
        titel="",
        **{"meilensteine-0-titel": "Start", "meilensteine-0-faellig_am": "kein Datum"},
    )
    response = login(welt.users["cdo_eigen"]).post("/massnahmen/neu/", daten)
    assert response.status_code == 422
    seite = _seite(response)

    (zusammenfassung,) = seite.xpath("//*" + _klasse("portal-error-summary"))
    links = {a.get("href"): a.text_content().strip() for a in zusammenfassung.iter("a")}
    assert "#id_titel" in links
    assert links["#id_meilensteine-0-faellig_am"].startswith("Meilenstein 1, Fällig am:")
    # every link leads to a field that exists on the page
    for ziel in links:
        assert seite.get_element_by_id(ziel[1:]) is not None

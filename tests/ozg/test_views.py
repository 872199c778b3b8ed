"""The OZG matrix: what a user sees, what a CDO may change, and that it stays cheap."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from ozg.models import Umsetzungsstand
from tests.factories import KommuneFactory, OzgLeistungFactory, UmsetzungsstandFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ozg(welt):
    """Two services in Lippe: Wohngeld online everywhere, Hundesteuer partly rated."""
    wohngeld = OzgLeistungFactory(ozg_id="20001", name="Wohngeld", themenfeld="Bauen & Wohnen")
    hund = OzgLeistungFactory(
        ozg_id="20002", name="Hundesteuer", themenfeld="Steuern & Zoll", efa=True
    )
    for kommune in (welt.detmold, welt.lemgo, welt.blomberg):
        UmsetzungsstandFactory(leistung=wohngeld, kommune=kommune, reifegrad=4)
    UmsetzungsstandFactory(leistung=hund, kommune=welt.detmold, reifegradmodell="1.1", reifegrad=3)
    UmsetzungsstandFactory(
        leistung=hund, kommune=welt.lemgo, reifegrad=5, nachgenutzt_von=welt.detmold
    )
    return wohngeld, hund


def _zelle(html: str, leistung, kommune) -> str:
    match = re.search(rf'<td id="zelle-{leistung.pk}-{kommune.pk}"[^>]*>(.*?)</td>', html, re.S)
    assert match, f"Zelle {leistung} × {kommune} fehlt"
    return match.group(1)


def test_matrix_shows_levels_models_and_text_for_screen_readers(welt, login, ozg):
    wohngeld, hund = ozg
    html = login(welt.users["region"]).get("/ozg/?kreis=05766").content.decode()
    assert "<caption>Reifegrad der OZG-Leistungen je Kommune im Kreis Lippe" in html
    assert (
        '<th scope="col" class="ozg-matrix__kommune"><a href="/kommunen/detmold/">Detmold</a></th>'
        in html
    )
    assert re.search(r'<th scope="row" class="ozg-matrix__leistung">Wohngeld', html)

    detmold_hund = _zelle(html, hund, welt.detmold)
    assert "3 (1.1)" in detmold_hund
    assert (
        "Detmold, Hundesteuer: Reifegrad 3 von 4 nach dem älteren Reifegradmodell 1.1, online"
        in detmold_hund
    )
    lemgo_hund = _zelle(html, hund, welt.lemgo)
    assert ">5<" in lemgo_hund.replace('<span class="ozg-zelle__online"> ✓</span>', "<")
    assert "Lösung nachgenutzt von Detmold" in lemgo_hund
    assert "ozg-marke" in lemgo_hund
    blomberg_hund = _zelle(html, hund, welt.blomberg)
    assert "–" in blomberg_hund and "Blomberg, Hundesteuer: noch nicht bewertet" in blomberg_hund
    assert "Detmold, Wohngeld: Reifegrad 4 von 7, online" in _zelle(html, wohngeld, welt.detmold)
    # The region reads, but edits nothing.
    assert "ozg-zelle__link" not in html


def test_coverage_per_service_and_per_kommune(welt, login, ozg):
    html = login(welt.users["kreis"]).get("/ozg/").content.decode()
    zeilen = {
        name: zeile
        for zeile in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        for name in ("Wohngeld", "Hundesteuer")
        if f">{name}" in zeile
    }
    assert "3 von 3" in zeilen["Wohngeld"] and "flächendeckend" in zeilen["Wohngeld"]
    assert "2 von 3" in zeilen["Hundesteuer"]
    assert "fehlt in: Blomberg" in zeilen["Hundesteuer"]
    assert "flächendeckend" not in zeilen["Hundesteuer"]
    assert "<strong>1 flächendeckend online</strong> in allen 3 Kommunen" in html
    fuss = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)
    # Blomberg, Detmold, Lemgo (alphabetical): 1, 2, 2 of 2 services online.
    assert re.findall(r"(\d) von 2<br>", fuss) == ["1", "2", "2"]


def test_filter_by_themenfeld_and_coverage(welt, login, ozg):
    client = login(welt.users["kreis"])
    html = client.get("/ozg/", {"themenfeld": "Steuern & Zoll"}).content.decode()
    assert "Hundesteuer" in html and ">Wohngeld" not in html
    offen = client.get("/ozg/", {"abdeckung": "offen"}).content.decode()
    assert "Hundesteuer" in offen and ">Wohngeld" not in offen
    voll = client.get("/ozg/", {"abdeckung": "flaechendeckend"}).content.decode()
    assert ">Wohngeld" in voll and "Hundesteuer" not in voll


def test_default_kreis_is_the_users_own(welt, login, ozg):
    html = login(welt.users["kreis_fremd"]).get("/ozg/").content.decode()
    assert "OZG-Umsetzung im Kreis Herford" in html
    assert login(welt.users["kreis_fremd"]).get("/ozg/?kreis=05766").status_code == 404
    # The region chooses among its Kreise.
    html = login(welt.users["region"]).get("/ozg/?kreis=05758").content.decode()
    assert "OZG-Umsetzung im Kreis Herford" in html
    assert '<option value="05766">Lippe</option>' in html


def test_cdo_gets_edit_links_only_in_own_column(welt, login, ozg):
    html = login(welt.users["cdo_eigen"]).get("/ozg/").content.decode()
    links = re.findall(r'class="ozg-zelle__link" href="/ozg/stand/(\d+)/(\d+)/', html)
    assert links and {int(k) for _, k in links} == {welt.detmold.pk}
    assert len(links) == 2


def test_inline_edit_by_htmx(welt, login, ozg):
    _, hund = ozg
    client = login(welt.users["cdo_eigen"])
    url = f"/ozg/stand/{hund.pk}/{welt.detmold.pk}/"
    form = client.get(url, **HTMX).content.decode()
    assert "<html" not in form
    assert 'type="number"' in form and "autofocus" in form
    # A 1.1 rating is not offered as a 2.0 level: the field starts empty, the old value is named.
    assert 'value=""' in form and "Bisher bewertet nach Modell 1.1 mit Stufe 3" in form

    antwort = client.post(url, {"reifegrad": "6"}, **HTMX).content.decode()
    assert "<html" not in antwort
    assert "Detmold, Hundesteuer: Reifegrad 6 von 7, online" in antwort
    assert "autofocus" in antwort and "data-announce" in antwort
    stand = Umsetzungsstand.objects.get(leistung=hund, kommune=welt.detmold)
    assert (stand.reifegradmodell, stand.reifegrad, stand.online) == ("2.0", 6, True)
    assert stand.bewertet_von == welt.users["cdo_eigen"]
    assert stand.bewertet_am == timezone.localdate()
    assert stand.history.first().history_user == welt.users["cdo_eigen"]


def test_inline_edit_creates_a_missing_rating(welt, login, ozg):
    _, hund = ozg
    url = f"/ozg/stand/{hund.pk}/{welt.blomberg.pk}/"
    antwort = login(welt.users["kreis"]).post(url, {"reifegrad": "1"}, **HTMX)
    assert "Blomberg, Hundesteuer: Reifegrad 1 von 7, nicht online" in antwort.content.decode()
    assert Umsetzungsstand.objects.get(leistung=hund, kommune=welt.blomberg).reifegrad == 1


@pytest.mark.parametrize("wert", ["8", "-1", "drei", ""])
def test_invalid_level_is_refused_with_german_message(welt, login, ozg, wert):
    wohngeld, _ = ozg
    url = f"/ozg/stand/{wohngeld.pk}/{welt.detmold.pk}/"
    antwort = login(welt.users["cdo_eigen"]).post(url, {"reifegrad": wert}, **HTMX)
    assert antwort.status_code == 200
    html = antwort.content.decode()
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert re.search(r"Stufe|ganze Zahl", html)
    assert Umsetzungsstand.objects.get(leistung=wohngeld, kommune=welt.detmold).reifegrad == 4


@pytest.mark.parametrize("rolle", ["cdo_andere", "region"])
def test_others_cannot_change_detmolds_cell(welt, login, ozg, rolle):
    wohngeld, _ = ozg
    url = f"/ozg/stand/{wohngeld.pk}/{welt.detmold.pk}/"
    assert login(welt.users[rolle]).post(url, {"reifegrad": "0"}, **HTMX).status_code == 403
    assert Umsetzungsstand.objects.get(leistung=wohngeld, kommune=welt.detmold).reifegrad == 4


def test_other_kreis_cell_is_not_found(welt, login, ozg):
    wohngeld, _ = ozg
    url = f"/ozg/stand/{wohngeld.pk}/{welt.herford_stadt.pk}/"
    assert login(welt.users["kreis"]).post(url, {"reifegrad": "0"}).status_code == 404


def test_full_page_form_without_javascript(welt, login, ozg):
    wohngeld, _ = ozg
    client = login(welt.users["cdo_eigen"])
    url = f"/ozg/stand/{wohngeld.pk}/{welt.detmold.pk}/?zurueck=themenfeld%3DBauen%2B%26%2BWohnen"
    seite = client.get(url).content.decode()
    assert "<h1>Wohngeld in Detmold bewerten</h1>" in seite
    assert 'name="online_seit"' in seite and 'name="nachgenutzt_von"' in seite
    # Only the other Kommunen of the Kreis can be the source of a reused solution.
    auswahl = re.search(r'<select name="nachgenutzt_von".*?</select>', seite, re.S).group(0)
    assert "Lemgo" in auswahl and "Detmold" not in auswahl and "Herford" not in auswahl

    antwort = client.post(
        url,
        {
            "reifegrad": "7",
            "online_seit": "2025-09-01",
            "link": "service.example/wohngeld",
            "nachgenutzt_von": welt.lemgo.pk,
        },
    )
    assert antwort.status_code == 302
    assert antwort["Location"].startswith("/ozg/?")
    assert "kreis=05766" in antwort["Location"] and "themenfeld=Bauen" in antwort["Location"]
    assert antwort["Location"].endswith(f"#zelle-{wohngeld.pk}-{welt.detmold.pk}")
    stand = Umsetzungsstand.objects.get(leistung=wohngeld, kommune=welt.detmold)
    assert stand.reifegrad == 7 and stand.link == "https://service.example/wohngeld"
    assert stand.nachgenutzt_von == welt.lemgo
    folge = client.get(antwort["Location"]).content.decode()
    assert "Gespeichert: Detmold, Wohngeld: Reifegrad 7 von 7, online" in folge


def test_cancel_returns_the_cell(welt, login, ozg):
    wohngeld, _ = ozg
    url = f"/ozg/stand/{wohngeld.pk}/{welt.detmold.pk}/zelle/"
    html = login(welt.users["cdo_eigen"]).get(url, **HTMX).content.decode()
    assert "Detmold, Wohngeld: Reifegrad 4 von 7, online – bearbeiten" in html
    assert "autofocus" in html


def _viel_mehr_daten(welt, leistungen):
    """Many more Kommunen in Lippe and in another Kreis, ratings everywhere."""
    neue = [KommuneFactory(kreis=welt.lippe) for _ in range(6)]
    fremde = [KommuneFactory(kreis=welt.herford) for _ in range(5)]
    mehr = [OzgLeistungFactory(themenfeld=f"Feld {n % 3}") for n in range(25)]
    for kommune in [*neue, *fremde, welt.detmold]:
        for leistung in mehr + list(leistungen):
            Umsetzungsstand.objects.get_or_create(
                leistung=leistung, kommune=kommune, defaults={"reifegrad": 3}
            )


@pytest.mark.parametrize("rolle", ["cdo_eigen", "region", "admin"])
def test_query_count_is_pinned_and_does_not_grow(
    welt, login, ozg, rolle, django_assert_num_queries
):
    client = login(welt.users[rolle])
    client.get("/ozg/?kreis=05766")  # warm up (session, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as klein:
        assert client.get("/ozg/?kreis=05766").status_code == 200
    assert len(klein) <= 14
    _viel_mehr_daten(welt, ozg)
    with django_assert_num_queries(len(klein)):
        html = client.get("/ozg/?kreis=05766").content.decode()
    assert "27 Leistungen im Filter" in html

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
    assert ">Reifegrad der OZG-Leistungen je Kommune im Kreis Lippe</h2>" in html
    assert (
        '<th scope="col" class="ozg-matrix__kommune"><a href="/kommunen/detmold/">Detmold</a></th>'
        in html
    )
    assert re.search(r'<th scope="row" class="ozg-matrix__leistung">Wohngeld', html)

    detmold_hund = _zelle(html, hund, welt.detmold)
    assert '3<span class="ozg-zelle__online">✓</span><sup class="ozg-zelle__modell">1.1</sup>' in (
        detmold_hund
    )
    assert (
        "Detmold, Hundesteuer: Reifegrad 3 von 4 nach dem älteren Reifegradmodell 1.1, online"
        in detmold_hund
    )
    lemgo_hund = _zelle(html, hund, welt.lemgo)
    assert ">5<" in lemgo_hund.replace('<span class="ozg-zelle__online">✓</span>', "<")
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
    assert re.search(r"<strong>1 flächendeckend online</strong>\s+in allen 3 Kommunen", html)
    # Blomberg, Detmold, Lemgo (alphabetical): 1, 2, 2 of 2 services online.
    spalten = re.findall(r'id="spalte-\d+">(\d)<span class="visually-hidden"> von 2 online', html)
    assert spalten == ["1", "2", "2"]


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

    version = Umsetzungsstand.objects.get(leistung=hund, kommune=welt.detmold).version
    antwort = client.post(url, {"reifegrad": "6", "version": version}, **HTMX).content.decode()
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
    # Only the other Kommunen of the region can be the source of a reused solution (issue 15,
    # point 1), those of other Kreise named with their Kreis.
    auswahl = re.search(r'<select name="nachgenutzt_von".*?</select>', seite, re.S).group(0)
    assert "Lemgo" in auswahl and "Detmold" not in auswahl
    assert "Herford (Kreis Herford)" in auswahl

    antwort = client.post(
        url,
        {
            "reifegrad": "7",
            "online_seit": "2025-09-01",
            "link": "service.example/wohngeld",
            "nachgenutzt_von": welt.lemgo.pk,
            "version": Umsetzungsstand.objects.get(leistung=wohngeld, kommune=welt.detmold).version,
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


# --- views, groups and live coverage (issue 18, point 4) -----------------------------------


def _spalten(html: str) -> list[str]:
    return re.findall(r'class="ozg-matrix__kommune"><a href="/kommunen/([\w-]+)/"', html)


def test_only_my_kommune_shows_one_column_with_the_kreis_wide_coverage(welt, login, ozg):
    client = login(welt.users["cdo_eigen"])
    alle = client.get("/ozg/").content.decode()
    assert set(_spalten(alle)) == {"blomberg", "detmold", "lemgo"}
    assert f'href="?kreis=05766&amp;kommune={welt.detmold.pk}">Nur meine Kommune (Detmold)' in alle

    html = client.get("/ozg/", {"kreis": "05766", "kommune": welt.detmold.pk}).content.decode()
    assert set(_spalten(html)) == {"detmold"}
    assert 'aria-current="page">Nur meine Kommune (Detmold)</a>' in html
    # The coverage column still counts every Kommune of the Kreis.
    assert "<strong>2 von 3</strong>" in html and "fehlt in 1 Kommune" in html
    assert "gezeigt ist nur Detmold" in html
    # Kreis staff have no Kommune of their own, but may pick one.
    kreis = login(welt.users["kreis"]).get("/ozg/").content.decode()
    assert "Nur meine Kommune" not in kreis and '<select name="kommune"' in kreis


def test_only_gaps(welt, login, ozg):
    wohngeld, hund = ozg
    client = login(welt.users["kreis"])
    html = client.get("/ozg/", {"luecken": "1"}).content.decode()
    assert ">Hundesteuer" in html and ">Wohngeld" not in html
    assert 'aria-current="page">Nur Lücken</a>' in html
    # With one Kommune: that Kommune's gaps. Blomberg has not rated Hundesteuer; Detmold
    # offers both online.
    blomberg = client.get("/ozg/", {"kommune": welt.blomberg.pk, "luecken": "1"}).content.decode()
    assert ">Hundesteuer" in blomberg and ">Wohngeld" not in blomberg
    detmold = client.get("/ozg/", {"kommune": welt.detmold.pk, "luecken": "1"}).content.decode()
    assert "Keine OZG-Leistung passt zu diesem Filter." in detmold


def test_a_kommune_of_another_kreis_is_no_column(welt, login, ozg):
    html = login(welt.users["region"]).get(
        "/ozg/", {"kreis": "05766", "kommune": welt.herford_stadt.pk}
    )
    assert html.status_code == 200
    text = html.content.decode()
    assert set(_spalten(text)) == {"blomberg", "detmold", "lemgo"}
    assert "Auswahl" in text  # the German error at the field


def test_themenfeld_groups_fold(welt, login, ozg):
    html = login(welt.users["kreis"]).get("/ozg/").content.decode()
    gruppen = re.findall(
        r'<details class="ozg-gruppe" id="themenfeld-\d+" open>\s*<summary[^>]*>'
        r'<span class="ozg-gruppe__titel">([^<]+)</span> <span[^>]*>([^<]+)</span>',
        html,
    )
    assert gruppen == [
        ("Bauen &amp; Wohnen", "1 Leistung, davon 1 flächendeckend online"),
        ("Steuern &amp; Zoll", "1 Leistung, davon 0 flächendeckend online"),
    ]


def test_saving_a_cell_updates_the_coverage_out_of_band(welt, login, ozg):
    _, hund = ozg
    client = login(welt.users["kreis"])
    matrix = client.get("/ozg/", {"kreis": "05766"}).content.decode()
    zurueck = re.search(rf'data-hx-get="(/ozg/stand/{hund.pk}/{welt.blomberg.pk}/[^"]*)"', matrix)
    assert zurueck, "the cell's link carries the matrix's query string"

    antwort = client.post(zurueck.group(1).replace("&amp;", "&"), {"reifegrad": "5"}, **HTMX)
    html = antwort.content.decode()
    assert "Blomberg, Hundesteuer: Reifegrad 5 von 7, online" in html
    zeile = re.search(
        rf'<div id="abdeckung-{hund.pk}" data-hx-swap-oob="true">(.*?)</div>', html, re.S
    )
    assert zeile and "3 von 3" in zeile.group(1) and "flächendeckend" in zeile.group(1)
    spalte = re.search(rf'<span id="spalte-{welt.blomberg.pk}" data-hx-swap-oob="true">(\d)', html)
    assert spalte and spalte.group(1) == "2"
    assert re.search(r'id="themenfeld-2-zahlen" data-hx-swap-oob="true">1 Leistung, davon 1 ', html)
    assert re.search(
        r'id="ozg-zusammenfassung" data-hx-swap-oob="true">.*<strong>2 flächendeckend', html, re.S
    )
    assert '<span id="ozg-gesamt" data-hx-swap-oob="true">2 von 2 flächendeckend' in html


def test_saving_keeps_the_users_filter_for_the_figures(welt, login, ozg):
    """Filtered to one Themenfeld, the figures are those of that filter, not of the matrix."""
    from urllib.parse import urlencode

    wohngeld, hund = ozg
    client = login(welt.users["kreis"])
    zurueck = urlencode({"kreis": "05766", "themenfeld": "Steuern & Zoll"})
    antwort = client.post(
        f"/ozg/stand/{hund.pk}/{welt.blomberg.pk}/?{urlencode({'zurueck': zurueck})}",
        {"reifegrad": "1"},
        **HTMX,
    ).content.decode()
    # One service in this filter; Blomberg's 1 is not online.
    assert '<span id="ozg-gesamt" data-hx-swap-oob="true">0 von 1 flächendeckend' in antwort
    assert f'<span id="spalte-{welt.blomberg.pk}" data-hx-swap-oob="true">0<' in antwort


def test_seventy_kommunen_stay_compact(welt, login, ozg, django_assert_max_num_queries):
    wohngeld, hund = ozg
    # Own AGS: the factory's sequence can hit an AGS that exists already (get_or_create on
    # ags), and then fewer than 67 Kommunen are added, depending on the tests run before.
    for n in range(67):
        KommuneFactory(kreis=welt.lippe, ags=f"05766{900 + n:03d}", name=f"Gemeinde {n:02d}")
    client = login(welt.users["kreis"])
    client.get("/ozg/")
    with django_assert_max_num_queries(14):
        html = client.get("/ozg/").content.decode()
    assert len(_spalten(html)) == 2 * 70 + 70  # summary table and two Themenfeld groups
    # Missing Kommunen are counted, not listed, when there are many.
    assert "fehlt in 67 Kommunen" in html and "fehlt in 68 Kommunen" in html
    assert "in allen 70 Kommunen" in html

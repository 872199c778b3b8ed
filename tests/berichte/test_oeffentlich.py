"""/oeffentlich/: public, cacheable, only published Maßnahmen, no personal data; open data."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from berichte.oeffentlich import LIZENZ_DCAT, LIZENZ_URL, _q
from tests.factories import (
    LebensbereichFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEITEN = [
    "/oeffentlich/",
    "/oeffentlich/?kreis=05766",
    "/oeffentlich/massnahmen/",
    "/oeffentlich/daten/",
    "/oeffentlich/daten/massnahmen.csv",
    "/oeffentlich/daten/massnahmen.json",
    "/oeffentlich/daten/katalog.rdf",
]


@pytest.fixture(autouse=True)
def _leerer_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def daten(welt):
    """One published Maßnahme with a contact person, one unpublished, one archived."""
    kontakt = UserFactory(
        email="geheim.kontakt@example.invalid", first_name="Greta", last_name="Geheim"
    )
    verwaltung = LebensbereichFactory(schluessel="verwaltung", name="Verwaltung")
    offen = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Offenes WLAN in Lemgo",
        fortschritt=60,
        veroeffentlicht=True,
        ansprechperson=kontakt,
        beteiligte=[welt.blomberg],
        budget="12500.00",
    )
    offen.lebensbereiche.add(verwaltung)
    MeilensteinFactory(massnahme=offen, titel="Ausschreibung")
    intern = MassnahmeFactory(
        kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, titel="Interne Vorlage XY"
    )
    archiv = MassnahmeFactory(
        kreis=welt.lippe,
        handlungsfeld=welt.handlungsfeld,
        titel="Archiviertes Projekt",
        veroeffentlicht=True,
        archiviert=True,
    )
    offen.nachnutzung_von = intern
    offen.save()
    return offen, intern, archiv


def _inhalt(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("rolle", ["anonym", "cdo_eigen", "admin"])
@pytest.mark.parametrize("url", SEITEN)
def test_nothing_unpublished_and_no_personal_data(welt, login, daten, url, rolle):
    response = login(welt.users[rolle]).get(url)
    assert response.status_code == 200
    text = _inhalt(response)
    if url.startswith("/oeffentlich/massnahmen") or url.endswith((".csv", ".json")):
        assert "Offenes WLAN in Lemgo" in text
    for verboten in (
        "Interne Vorlage XY",  # unpublished (also as "nachgenutzt von")
        "Archiviertes Projekt",
        "Digitale Akte in Detmold",  # welt.massnahme, unpublished
        "geheim.kontakt@example.invalid",
        "Geheim",
        "@example.invalid",  # no user's e-mail, not even the visitor's own
    ):
        assert verboten not in text, f"{verboten!r} auf {url}"


@pytest.mark.parametrize("rolle", ["anonym", "cdo_eigen"])
@pytest.mark.parametrize("url", SEITEN)
def test_cacheable_by_anyone(welt, login, daten, url, rolle):
    response = login(welt.users[rolle]).get(url)
    cache_control = {teil.strip() for teil in response["Cache-Control"].split(",")}
    assert {"public", "max-age=300"} <= cache_control
    assert "private" not in cache_control and "no-store" not in cache_control
    # The same page for everyone: no cookie is set, and the response does not vary by one.
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


def test_index_shows_strategy_figures_and_charts(welt, client, daten):
    html = client.get("/oeffentlich/").content.decode()
    assert "IKZ &amp; Beteiligung" in html
    assert "Verwaltung" in html
    assert "Durchschnittlicher Fortschritt je Handlungsfeld" in html
    assert 'role="img"' in html  # the SVG chart
    assert "Veröffentlichte Maßnahmen</dt><dd><a" in html
    assert "Anmelden" in html


def test_detail_of_published_only(welt, client, daten):
    offen, intern, archiv = daten
    html = client.get(f"/oeffentlich/massnahmen/{offen.pk}/").content.decode()
    assert "<h1>Offenes WLAN in Lemgo</h1>" in html
    assert "Lemgo" in html and "Blomberg" in html and "Ausschreibung" in html
    assert "12.500,00" in html
    for m in (intern, archiv, welt.massnahme):
        assert client.get(f"/oeffentlich/massnahmen/{m.pk}/").status_code == 404


def test_list_filters_and_bad_input(welt, client, daten):
    html = client.get("/oeffentlich/massnahmen/", {"status": "in_umsetzung"}).content.decode()
    assert "Offenes WLAN in Lemgo" in html
    html = client.get("/oeffentlich/massnahmen/", {"status": "idee"}).content.decode()
    assert "Offenes WLAN in Lemgo" not in html
    assert client.get("/oeffentlich/massnahmen/", {"status": "quatsch"}).status_code == 404
    assert client.get("/oeffentlich/massnahmen/", {"handlungsfeld": "x"}).status_code == 404
    assert client.get("/oeffentlich/", {"kreis": "99999"}).status_code == 404


def test_csv_open_data(welt, client, daten):
    offen, _, _ = daten
    response = client.get("/oeffentlich/daten/massnahmen.csv?kreis=05766")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert LIZENZ_URL in response["Link"]
    roh = b"".join(response.streaming_content)
    assert not roh.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    zeilen = list(csv.DictReader(io.StringIO(roh.decode("utf-8")), delimiter=","))
    assert len(zeilen) == 1
    zeile = zeilen[0]
    assert zeile["titel"] == "Offenes WLAN in Lemgo"
    assert zeile["kreis_ags"] == "05766" and zeile["federfuehrung"] == "Lemgo"
    assert zeile["beteiligte_kommunen"] == "Blomberg"
    assert zeile["fortschritt_prozent"] == "60" and zeile["budget_eur"] == "12500.00"
    assert zeile["beginn"] == "2025-01-01"
    assert zeile["url"] == f"http://testserver/oeffentlich/massnahmen/{offen.pk}/"
    assert "ansprechperson" not in zeile


def test_json_open_data(welt, client, daten):
    daten_json = json.loads(_inhalt(client.get("/oeffentlich/daten/massnahmen.json")))
    assert daten_json["lizenz"] == {
        "name": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "url": "https://www.govdata.de/dl-de/by-2-0",
    }
    assert [m["titel"] for m in daten_json["massnahmen"]] == ["Offenes WLAN in Lemgo"]
    eintrag = daten_json["massnahmen"][0]
    assert eintrag["lebensbereiche"] == "Verwaltung" and eintrag["fortschritt_prozent"] == 60
    assert set(eintrag) == set(daten_json["felder"])


def test_dcat_ap_de_catalogue(welt, client, daten):
    response = client.get("/oeffentlich/daten/katalog.rdf")
    assert response["Content-Type"].startswith("application/rdf+xml")
    root = ET.fromstring(response.content)
    q = _q  # "dcat:Dataset" → "{http://www.w3.org/ns/dcat#}Dataset"
    rdf_about, rdf_resource = q("rdf:about"), q("rdf:resource")
    katalog = root.find(q("dcat:Catalog"))
    assert katalog is not None
    assert katalog.find(q("dct:title")).get(q("xml:lang")) == "de"
    datasets = katalog.findall(f"{q('dcat:dataset')}/{q('dcat:Dataset')}")
    assert len(datasets) == 1  # only Lippe has published Maßnahmen
    ds = datasets[0]
    assert ds.find(q("dct:title")).text == "Maßnahmen der Digitalisierung – Kreis Lippe"
    assert ds.find(q("dct:description")).text.startswith("Die 1 veröffentlichten")
    assert (
        ds.find(q("dcatde:contributorID"))
        .get(rdf_resource)
        .startswith("http://dcat-ap.de/def/contributors/")
    )
    assert ds.find(f"{q('dct:publisher')}/{q('foaf:Organization')}/{q('foaf:name')}").text == (
        "Kreis Lippe"
    )
    assert ds.find(q("dct:modified")).text
    distributionen = ds.findall(f"{q('dcat:distribution')}/{q('dcat:Distribution')}")
    assert len(distributionen) == 2
    formate = set()
    for dist in distributionen:
        assert dist.find(q("dct:license")).get(rdf_resource) == LIZENZ_DCAT
        assert LIZENZ_DCAT == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
        url = dist.find(q("dcat:downloadURL")).get(rdf_resource)
        assert url.startswith("http://testserver/oeffentlich/daten/massnahmen.")
        assert dist.find(q("dcat:accessURL")).get(rdf_resource) == url == dist.get(rdf_about)
        formate.add(dist.find(q("dct:format")).get(rdf_resource).rsplit("/", 1)[1])
        assert client.get(url.removeprefix("http://testserver")).status_code == 200
    assert formate == {"CSV", "JSON"}


def _anzahl_abfragen(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as abfragen:
        response = client.get(url)
        _inhalt(response)
    assert response.status_code == 200
    return len(abfragen)


@pytest.mark.parametrize(
    ("url", "hoechstens"),
    [
        ("/oeffentlich/", 8),
        ("/oeffentlich/?kreis=05766", 9),
        ("/oeffentlich/massnahmen/", 10),
        ("/oeffentlich/massnahmen/?handlungsfeld=1&kreis=05766", 10),
        ("/oeffentlich/daten/", 3),
        ("/oeffentlich/daten/massnahmen.csv", 5),
        ("/oeffentlich/daten/katalog.rdf", 3),
    ],
)
def test_query_count_pinned_and_constant(welt, client, daten, url, hoechstens):
    vorher = _anzahl_abfragen(client, url)
    assert vorher <= hoechstens
    for n in range(30):
        m = MassnahmeFactory(
            kreis=welt.lippe if n % 2 else welt.herford,
            handlungsfeld=welt.handlungsfeld,
            veroeffentlicht=n % 3 != 0,
        )
        m.lebensbereiche.add(*daten[0].lebensbereiche.all())
        MeilensteinFactory(massnahme=m)
    assert _anzahl_abfragen(client, url) == vorher


def test_detail_query_count(welt, client, daten, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        assert client.get(f"/oeffentlich/massnahmen/{daten[0].pk}/").status_code == 200

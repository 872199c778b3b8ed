"""/oeffentlich/: public, cacheable, only published Maßnahmen, no personal data; open data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from oeffentlich.views import LIZENZ_DCAT, LIZENZ_URL
from tests.dashboards.dashboard_hilfen import seitentext, seitentext_von
from tests.factories import (
    LebensbereichFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")

SEITEN = [
    "/oeffentlich/",
    "/oeffentlich/?kreis=05766",
    "/oeffentlich/massnahmen/",
    "/oeffentlich/daten/",
    "/oeffentlich/daten/massnahmen.csv",
    "/oeffentlich/daten/massnahmen.json",
    "/oeffentlich/daten/katalog.rdf",
    "/oeffentlich/daten/katalog.ttl",
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
    """The figures on the page are those of the published, active Maßnahmen only: one
    (60 %) – not the unpublished nor the archived one, which would make three."""
    response = client.get("/oeffentlich/")
    text = seitentext(response)
    assert "Auf einen Blick Veröffentlichte Maßnahmen 1 Durchschnittlicher Fortschritt 60,0 %" in (
        text
    )
    assert "1. IKZ & Beteiligung" in text
    # (a link ends before the comma and the colon: the stripped tag leaves a space)
    assert "1 veröffentlichte Maßnahme , durchschnittlich 60,0 % umgesetzt" in text
    assert "Verwaltung : 1 Maßnahme" in text
    # The chart: an accessible SVG titled by what it shows, with its figures as a table.
    html = response.content.decode()
    diagramm = html[html.index('role="img"') :]
    assert "Durchschnittlicher Fortschritt je Handlungsfeld" in diagramm[:2000]
    tabelle = seitentext_von(diagramm[diagramm.index("<table") : diagramm.index("</table>")])
    assert "Kategorie Fortschritt (%) IKZ & Beteiligung 60,0 %" in tabelle
    # The figures as a KERN description list, not the browser's indented default.
    assert '<dl class="kern-description-list portal-fakten oeffentlich-zahlen">' in html


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
    """Read as a harvester reads it (an RDF parser); the SHACL check is tests/oeffentlich/test_dcat.py."""
    response = client.get("/oeffentlich/daten/katalog.rdf")
    assert response["Content-Type"].startswith("application/rdf+xml")
    g = Graph().parse(data=response.content, format="xml")
    katalog = g.value(predicate=RDF.type, object=DCAT.Catalog)
    assert katalog is not None
    assert g.value(katalog, DCTERMS.title).language == "de"
    datasets = list(g.objects(katalog, DCAT.dataset))
    assert len(datasets) == 1  # only Lippe has published Maßnahmen (and no other open data)
    ds = datasets[0]
    assert str(g.value(ds, DCTERMS.title)) == "Maßnahmen der Digitalisierung – Kreis Lippe"
    assert str(g.value(ds, DCTERMS.description)).startswith("Die 1 veröffentlichten")
    assert str(g.value(ds, DCATDE.contributorID)).startswith("http://dcat-ap.de/def/contributors/")
    assert str(g.value(g.value(ds, DCTERMS.publisher), FOAF.name)) == "Kreis Lippe"
    assert g.value(ds, DCTERMS.modified)
    distributionen = list(g.objects(ds, DCAT.distribution))
    assert len(distributionen) == 3  # CSV, CSV for Excel, JSON
    formate = set()
    for dist in distributionen:
        assert str(g.value(dist, DCTERMS.license)) == LIZENZ_DCAT
        assert LIZENZ_DCAT == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
        url = str(g.value(dist, DCAT.downloadURL))
        assert url.startswith("http://testserver/oeffentlich/daten/massnahmen.")
        assert str(g.value(dist, DCAT.accessURL)) == url == str(dist)
        formate.add(str(g.value(dist, DCTERMS["format"])).rsplit("/", 1)[1])
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
        ("/oeffentlich/", 9),
        ("/oeffentlich/?kreis=05766", 10),
        ("/oeffentlich/massnahmen/", 11),
        ("/oeffentlich/massnahmen/?handlungsfeld=1&kreis=05766", 11),
        ("/oeffentlich/daten/", 9),
        ("/oeffentlich/daten/massnahmen.csv", 6),
        ("/oeffentlich/daten/massnahmen.excel.csv", 6),
        ("/oeffentlich/daten/katalog.rdf", 9),
        ("/oeffentlich/daten/katalog.ttl", 9),
        ("/oeffentlich/daten/kennzahlen.csv", 7),
        ("/oeffentlich/daten/ozg.csv", 5),
        ("/oeffentlich/daten/foerderung.csv", 4),
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
    # 10, and 2 for the timeline (issue 17, point 6): public updates, Förderbescheide.
    with django_assert_max_num_queries(12):
        assert client.get(f"/oeffentlich/massnahmen/{daten[0].pk}/").status_code == 200


def test_csv_for_excel_follows_the_german_conventions_of_the_exports(welt, client, daten):
    response = client.get("/oeffentlich/daten/massnahmen.excel.csv?kreis=05766")
    assert response.status_code == 200
    assert 'filename="massnahmen-05766.excel.csv"' in response["Content-Disposition"]
    roh = b"".join(response.streaming_content)
    assert roh.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as the exports
    zeilen = list(csv.DictReader(io.StringIO(roh.decode("utf-8-sig")), delimiter=";"))
    assert len(zeilen) == 1
    zeile = zeilen[0]
    assert zeile["titel"] == "Offenes WLAN in Lemgo"
    assert zeile["budget_eur"] == "12500,00" and zeile["beginn"] == "01.01.2025"
    # The machine CSV of the same data keeps RFC 4180 with ISO dates and a decimal point.
    maschine = _inhalt(client.get("/oeffentlich/daten/massnahmen.csv?kreis=05766"))
    assert "12500.00" in maschine and "2025-01-01" in maschine


def test_csv_for_excel_opens_in_libreoffice_with_numbers_and_dates(welt, client, daten, tmp_path):
    """LibreOffice Calc (headless, German CSV import like the export test) reads the budget
    as a number and the start as a date, not as text."""
    import openpyxl

    from tests.massnahmen.test_export_import import mit_libreoffice_als_xlsx

    roh = b"".join(client.get("/oeffentlich/daten/massnahmen.excel.csv").streaming_content)
    xlsx = mit_libreoffice_als_xlsx(tmp_path, "massnahmen.excel.csv", roh)
    blatt = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    kopf = [zelle.value for zelle in blatt[1]]
    werte = dict(zip(kopf, [zelle.value for zelle in blatt[2]], strict=True))
    assert werte["titel"] == "Offenes WLAN in Lemgo"
    assert werte["budget_eur"] == 12500
    assert werte["beginn"].date().isoformat() == "2025-01-01"
    assert werte["beteiligte_kommunen"] == "Blomberg"


def test_data_page_says_which_csv_is_which(welt, client, daten):
    html = _inhalt(client.get("/oeffentlich/daten/"))
    assert "UTF-8 ohne BOM, Komma als Trennzeichen" in html
    assert "UTF-8 mit BOM, Semikolon als Trennzeichen" in html and "Dezimalkomma" in html
    assert 'href="/oeffentlich/daten/massnahmen.excel.csv?kreis=05766"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/oeffentlich/massnahmen/999999/",
        "/oeffentlich/einbetten/nirgendwo/",
        "/oeffentlich/meldungen/kreis/01001.atom",
    ],
)
def test_a_public_404_is_the_same_for_everyone(welt, login, url):
    """Not found on the public side: the public layout, without the visitor's session – a
    logged-in visitor's name does not appear, and the response does not vary by cookie."""
    user = welt.users["kreis"]
    response = login(user).get(url)
    assert response.status_code == 404
    text = response.content.decode()
    assert "Seite nicht gefunden" in text
    assert user.last_name not in text and "Angemeldet als" not in text
    assert "Anmelden" in text
    assert "cookie" not in response.get("Vary", "").lower()
    assert not response.cookies

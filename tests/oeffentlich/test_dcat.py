"""The DCAT-AP.de catalogue validates against the DCAT-AP 3.0 and DCAT-AP.de 3.0 SHACL shapes
(issue 17, point 3) and describes every open download, as a harvester reads it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from handlungsfelder.models import Kennzahl, KennzahlWert
from tests.factories import (
    FoerderbescheidFactory,
    KennzahlFactory,
    MassnahmeFactory,
    MittelabrufFactory,
    OzgLeistungFactory,
    UmsetzungsstandFactory,
    ZielFactory,
)

from .shacl import pruefen

pytestmark = pytest.mark.django_db

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
IANA = "https://www.iana.org/assignments/media-types/"
LIPPE_URI = URIRef("http://dcat-ap.de/def/politicalGeocoding/districtKey/05766")
DL_DE_BY = URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")


@pytest.fixture(autouse=True)
def _leerer_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def offen(welt):
    """Open data of Lippe in all four tables; nothing of Herford is public."""
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Offenes WLAN in Lemgo",
        veroeffentlicht=True,
    )
    ziel = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, veroeffentlicht=True)
    KennzahlFactory(ziel=ziel, name="Onlinedienste")
    UmsetzungsstandFactory(kommune=welt.detmold, leistung=OzgLeistungFactory(), reifegrad=3)
    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("50000.00"))
    return welt


def _graph(client, url: str, format_: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200
    g = Graph()
    g.parse(data=response.content, format=format_)
    return g


@pytest.mark.parametrize(
    "url, format_",
    [("/oeffentlich/daten/katalog.rdf", "xml"), ("/oeffentlich/daten/katalog.ttl", "turtle")],
)
def test_catalogue_validates_against_dcat_ap_de_shapes(offen, client, url, format_):
    befunde = pruefen(_graph(client, url, format_))
    verstoesse = [b for b in befunde if b.schwere == "Violation"]
    warnungen = [b for b in befunde if b.schwere == "Warning"]
    assert not verstoesse, "\n".join(map(str, verstoesse))
    assert not warnungen, "\n".join(map(str, warnungen))


def test_shapes_catch_what_the_old_catalogue_got_wrong():
    """The vendored shapes are active: a media type as a literal, a missing contact point
    and issue date are violations (the faults issue 17 found)."""
    g = Graph()
    ds, dist = URIRef("http://example.org/ds"), URIRef("http://example.org/ds.csv")
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("Test", lang="de")))
    g.add((ds, DCTERMS.description, Literal("Test", lang="de")))
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCAT.accessURL, dist))
    g.add((dist, DCAT.mediaType, Literal("text/csv")))
    meldungen = "\n".join(str(b) for b in pruefen(g) if b.schwere == "Violation")
    assert "mediaType" in meldungen
    assert "contactPoint" in meldungen
    assert "dct:issued" in meldungen


def test_one_dataset_per_open_download_with_what_harvesters_need(offen, client):
    g = _graph(client, "/oeffentlich/daten/katalog.ttl", "turtle")
    katalog = g.value(predicate=RDF.type, object=DCAT.Catalog)
    datasets = set(g.objects(katalog, DCAT.dataset))
    titel = {str(g.value(ds, DCTERMS.title)) for ds in datasets}
    assert titel == {
        "Maßnahmen der Digitalisierung – Kreis Lippe",
        "Strategie: Kennzahlen der Ziele – Kreis Lippe",
        "OZG-Umsetzung je Kommune – Kreis Lippe",
        "Fördermittel der Digitalisierung je Kreis – Kreis Lippe",
    }
    for ds in datasets:
        assert g.value(ds, DCTERMS.spatial) == LIPPE_URI
        assert str(g.value(g.value(ds, DCTERMS.publisher), FOAF.name)) == "Kreis Lippe"
        kontakt = g.value(ds, DCAT.contactPoint)
        assert (kontakt, RDF.type, VCARD.Organization) in g
        assert str(g.value(kontakt, VCARD.hasEmail)).startswith("mailto:")
        assert g.value(ds, DCTERMS.issued).datatype.endswith("dateTime")
        assert g.value(ds, DCTERMS.modified).toPython() >= g.value(ds, DCTERMS.issued).toPython()
        distributionen = list(g.objects(ds, DCAT.distribution))
        assert distributionen
        for dist in distributionen:
            assert str(g.value(dist, DCAT.mediaType)).startswith(IANA)
            assert g.value(dist, DCTERMS.license) == DL_DE_BY
            # The download answers, with the media type the catalogue names.
            url = str(g.value(dist, DCAT.downloadURL)).removeprefix("http://testserver")
            response = client.get(url)
            assert response.status_code == 200, url
            media_type = str(g.value(dist, DCAT.mediaType)).removeprefix(IANA)
            assert response["Content-Type"].startswith(media_type), url
    assert URIRef(IANA + "text/csv") in set(g.objects(None, DCAT.mediaType))
    assert isinstance(g.value(katalog, DCTERMS.issued).toPython(), dt.datetime)


def _csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_kennzahlen_table_only_of_published_goals(offen, client):
    ziel = ZielFactory(kreis=offen.lippe, handlungsfeld=offen.handlungsfeld, titel="Intern")
    KennzahlFactory(ziel=ziel, name="Geheime Kennzahl")
    kennzahl = Kennzahl.objects.get(name="Onlinedienste")
    KennzahlWert.objects.create(kennzahl=kennzahl, quartal="2026-Q1", wert=Decimal("12.5"))
    zeilen = _csv(client, "/oeffentlich/daten/kennzahlen.csv?kreis=05766")
    assert {z["kennzahl"] for z in zeilen} == {"Onlinedienste"}
    wert = next(z for z in zeilen if z["quartal"] == "2026-Q1")
    assert wert["wert"] == "12.50" and wert["basiswert"] == "10.00"
    assert wert["zieldatum"] == "2027-12-31" and wert["kommune"] == ""


def test_ozg_and_funding_tables_give_counts_and_sums_only(offen, client):
    ozg = {z["kommune"]: z for z in _csv(client, "/oeffentlich/daten/ozg.csv?kreis=05766")}
    assert set(ozg) == {"Detmold", "Lemgo", "Blomberg"}
    assert ozg["Detmold"]["leistungen_online"] == "1"
    assert ozg["Detmold"]["leistungen_katalog"] == "1"
    assert ozg["Detmold"]["anteil_online_prozent"] == "100.0"
    assert ozg["Lemgo"]["leistungen_online"] == "0"
    foerderung = _csv(client, "/oeffentlich/daten/foerderung.csv")
    assert [z["kreis"] for z in foerderung] == ["Lippe"]
    assert foerderung[0]["bewilligt_eur"] == "245000.00"
    assert foerderung[0]["anzahl_bescheide"] == "1"
    roh = client.get("/oeffentlich/daten/foerderung.csv")
    assert b"34.2-IKZ" not in b"".join(roh.streaming_content)  # no Aktenzeichen

"""The DCAT-AP.de catalogue of the open data, as RDF/XML and Turtle (one rdflib graph).

One `dcat:Dataset` per open download and Kreis: the Maßnahmen (CSV and JSON), the
Kennzahlen of the strategy, the OZG coverage per Kommune and the funding totals (CSV).
Every dataset has its Kreis as publisher and as `dct:spatial`, a vCard contact point, issue
and modification dates from the data, and every distribution the Datenlizenz Deutschland –
Namensnennung 2.0 and an IANA media-type IRI. CI checks the graph with pyshacl against the
DCAT-AP 3.0 and DCAT-AP.de 3.0 shapes (tests/data/shacl/, tests/oeffentlich/test_dcat.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from kommunen.models import Kreis

from . import offene_daten

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

LIZENZ_DCAT = URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
# Open.NRW's contributor id in the DCAT-AP.de vocabulary (GovData groups the harvest by it);
# another Land's portal sets its own with OPENDATA_CONTRIBUTOR_ID.
CONTRIBUTOR_ID = "http://dcat-ap.de/def/contributors/openNRW"
THEMA = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
SPRACHE = URIRef("http://publications.europa.eu/resource/authority/language/DEU")
FREQUENZ = URIRef("http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT")
HERAUSGEBER_TYP = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
GEOCODING_KREIS = "http://dcat-ap.de/def/politicalGeocoding/districtKey/"
GEOCODING_EBENE = URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/administrativeDistrict")
IANA = "https://www.iana.org/assignments/media-types/"
DATEITYP = "http://publications.europa.eu/resource/authority/file-type/"


@dataclass(frozen=True)
class Format:
    """A distribution format: its file-type concept and IANA media type."""

    endung: str
    dateityp: str
    media_type: str
    bezeichnung: str


CSV = Format("csv", "CSV", "text/csv", "CSV")
JSON = Format("json", "JSON", "application/json", "JSON")


@dataclass(frozen=True)
class Datensatz:
    """One dataset of the catalogue: a table of one Kreis with its downloads."""

    schluessel: str
    titel: str
    beschreibung: str
    stichworte: tuple[str, ...]
    kreis_id: str
    kreis_name: str
    erstellt: dt.datetime
    geaendert: dt.datetime
    # (format, URL name, title suffix)
    verteilungen: tuple[tuple[Format, str, str], ...]

    @property
    def bezeichner(self) -> str:
        return f"{self.schluessel}-{self.kreis_id}"


def kontakt() -> tuple[str, str]:
    """Name and e-mail address of the open-data contact (OPENDATA_KONTAKT_*)."""
    name = getattr(settings, "OPENDATA_KONTAKT_NAME", "") or settings.PORTAL_NAME
    email = (
        getattr(settings, "OPENDATA_KONTAKT_EMAIL", "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    )
    return name, email


def datensaetze() -> list[Datensatz]:
    """Every dataset of the catalogue (six queries, however many Kreise)."""
    from .views import kreise_with_daten  # the cached figures of the public pages

    ergebnis = []
    for k in kreise_with_daten():
        name = Kreis(name=k["kreis__name"], typ=k["kreis__typ"]).bezeichnung
        ergebnis.append(
            Datensatz(
                schluessel="massnahmen",
                titel=f"Maßnahmen der Digitalisierung – {name}",
                beschreibung=f"Die {k['anzahl']} veröffentlichten Maßnahmen der "
                f"Digitalisierungsstrategie ({name}): Handlungsfeld, Lebensbereiche, "
                "federführende und beteiligte Kommunen, Status, Fortschritt in Prozent, "
                "Zeitraum und Budget.",
                stichworte=("Digitalisierung", "OZG", "Maßnahmen"),
                kreis_id=k["kreis_id"],
                kreis_name=name,
                erstellt=k["erstellt"],
                geaendert=k["geaendert"],
                verteilungen=(
                    (CSV, "oeffentlich:massnahmen_csv", "CSV"),
                    (CSV, "oeffentlich:massnahmen_excel_csv", "CSV für Excel"),
                    (JSON, "oeffentlich:massnahmen_json", "JSON"),
                ),
            )
        )
    for schluessel, bestaende in offene_daten.bestaende().items():
        tabelle = offene_daten.TABELLEN[schluessel]
        for b in bestaende.values():
            name = Kreis(name=b.kreis_name, typ=b.kreis_typ).bezeichnung
            ergebnis.append(
                Datensatz(
                    schluessel=schluessel,
                    titel=f"{tabelle.titel} – {name}",
                    beschreibung=f"{tabelle.beschreibung} ({name})",
                    stichworte=tabelle.stichworte,
                    kreis_id=b.kreis_id,
                    kreis_name=name,
                    erstellt=b.erstellt,
                    geaendert=b.geaendert,
                    verteilungen=(
                        (CSV, f"oeffentlich:{schluessel}_csv", "CSV"),
                        (CSV, f"oeffentlich:{schluessel}_excel_csv", "CSV für Excel"),
                    ),
                )
            )
    return sorted(ergebnis, key=lambda d: (d.kreis_id, d.schluessel))


def _datum(wert: dt.datetime) -> Literal:
    return Literal(wert.isoformat(timespec="seconds"), datatype=XSD.dateTime)


def _organisation(g: Graph, agent: URIRef, name: str) -> URIRef:
    g.add((agent, RDF.type, FOAF.Organization))
    g.add((agent, FOAF.name, Literal(name, lang="de")))
    g.add((agent, DCTERMS.type, HERAUSGEBER_TYP))
    return agent


def katalog_graph(request) -> Graph:
    """The whole catalogue as one graph."""
    absolut = request.build_absolute_uri
    contributor = URIRef(getattr(settings, "OPENDATA_CONTRIBUTOR_ID", CONTRIBUTOR_ID))
    kontakt_name, kontakt_email = kontakt()
    g = Graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("dcatde", DCATDE)
    g.bind("foaf", FOAF)
    g.bind("vcard", VCARD)

    katalog = URIRef(absolut(reverse("oeffentlich:katalog")))
    g.add((katalog, RDF.type, DCAT.Catalog))
    g.add((katalog, DCTERMS.title, Literal(f"Offene Daten – {settings.PORTAL_NAME}", lang="de")))
    g.add(
        (
            katalog,
            DCTERMS.description,
            Literal(
                "Offene Daten der kommunalen Digitalisierung: die veröffentlichten Maßnahmen, "
                "die Kennzahlen der Strategie, die OZG-Umsetzung je Kommune und die "
                "Fördermittel je Kreis.",
                lang="de",
            ),
        )
    )
    # IRIs instead of blank nodes for publisher and contact: the same data gives the same
    # bytes, so the content ETag holds (and a harvester can tell the agents apart).
    daten = absolut(reverse("oeffentlich:daten"))
    g.add(
        (
            katalog,
            DCTERMS.publisher,
            _organisation(g, URIRef(f"{daten}#herausgeber"), settings.PORTAL_NAME),
        )
    )
    g.add((katalog, FOAF.homepage, URIRef(absolut(reverse("oeffentlich:index")))))
    g.add((katalog, DCTERMS.language, SPRACHE))
    g.add((katalog, DCTERMS.license, LIZENZ_DCAT))

    saetze = datensaetze()
    if saetze:
        g.add((katalog, DCTERMS.issued, _datum(min(d.erstellt for d in saetze))))
        g.add((katalog, DCTERMS.modified, _datum(max(d.geaendert for d in saetze))))
    for d in saetze:
        # The Maßnahmen datasets keep the URI they were first harvested under.
        anker = f"kreis-{d.kreis_id}" if d.schluessel == "massnahmen" else d.bezeichner
        ds = URIRef(absolut(reverse("oeffentlich:daten") + f"#{anker}"))
        g.add((katalog, DCAT.dataset, ds))
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(d.bezeichner)))
        g.add((ds, DCTERMS.title, Literal(d.titel, lang="de")))
        g.add((ds, DCTERMS.description, Literal(d.beschreibung, lang="de")))
        herausgeber = URIRef(f"{daten}#herausgeber-{d.kreis_id}")
        g.add((ds, DCTERMS.publisher, _organisation(g, herausgeber, d.kreis_name)))
        punkt = URIRef(f"{daten}#kontakt")
        g.add((ds, DCAT.contactPoint, punkt))
        g.add((punkt, RDF.type, VCARD.Organization))
        g.add((punkt, VCARD.fn, Literal(kontakt_name, lang="de")))
        g.add((punkt, VCARD.hasEmail, URIRef(f"mailto:{kontakt_email}")))
        g.add((punkt, VCARD.hasURL, URIRef(absolut(reverse("core:impressum")))))
        g.add((ds, DCATDE.contributorID, contributor))
        g.add((ds, DCAT.theme, THEMA))
        g.add((ds, DCTERMS.language, SPRACHE))
        g.add((ds, DCTERMS.accrualPeriodicity, FREQUENZ))
        kreis_uri = URIRef(GEOCODING_KREIS + d.kreis_id)
        g.add((ds, DCTERMS.spatial, kreis_uri))
        # DCAT-AP.de 3.0: dct:spatial replaces the deprecated dcatde:politicalGeocodingURI.
        g.add((kreis_uri, RDF.type, DCTERMS.Location))
        g.add((ds, DCATDE.politicalGeocodingLevelURI, GEOCODING_EBENE))
        g.add(
            (
                ds,
                DCAT.landingPage,
                URIRef(absolut(reverse("oeffentlich:daten") + f"#{d.schluessel}")),
            )
        )
        for wort in d.stichworte:
            g.add((ds, DCAT.keyword, Literal(wort, lang="de")))
        g.add((ds, DCTERMS.issued, _datum(d.erstellt)))
        g.add((ds, DCTERMS.modified, _datum(d.geaendert)))
        for fmt, url_name, zusatz in d.verteilungen:
            url = URIRef(absolut(reverse(url_name) + f"?kreis={d.kreis_id}"))
            g.add((ds, DCAT.distribution, url))
            g.add((url, RDF.type, DCAT.Distribution))
            g.add((url, DCTERMS.title, Literal(f"{d.titel} ({zusatz})", lang="de")))
            g.add((url, DCAT.accessURL, url))
            g.add((url, DCAT.downloadURL, url))
            g.add((url, DCTERMS.format, URIRef(DATEITYP + fmt.dateityp)))
            g.add((url, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
            g.add((url, DCTERMS.license, LIZENZ_DCAT))
            g.add(
                (
                    url,
                    DCATDE.licenseAttributionByText,
                    Literal(f"{d.kreis_name}, {settings.PORTAL_NAME}", lang="de"),
                )
            )
            g.add((url, DCTERMS.issued, _datum(d.erstellt)))
            g.add((url, DCTERMS.modified, _datum(d.geaendert)))
    return g

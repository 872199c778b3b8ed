"""Permission matrix rows of the public pages: open to everyone, unpublished is a 404 for all."""

import datetime as dt

from foerderung.models import Mittelabruf
from tests.conftest import ROLLEN
from tests.factories import (
    FoerderbescheidFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    MittelabrufFactory,
    StatusmeldungFactory,
)
from tests.matrix import ALLE_OK, NOT_FOUND

NIEMAND = dict.fromkeys(ROLLEN, NOT_FOUND)

MATRIX = {
    "oeffentlich:strategie": ("/strategie/oeffentlich/", ALLE_OK),
    "oeffentlich:index": ("/oeffentlich/", ALLE_OK),
    "oeffentlich:index (Kreis Lippe)": ("/oeffentlich/?kreis=05766", ALLE_OK),
    "oeffentlich:massnahmen": ("/oeffentlich/massnahmen/", ALLE_OK),
    "oeffentlich:massnahme": ("/oeffentlich/massnahmen/{massnahme_oeffentlich}/", ALLE_OK),
    # Even those who may read it inside the portal: on the public side it does not exist.
    "oeffentlich:massnahme (unveröffentlicht)": ("/oeffentlich/massnahmen/{massnahme}/", NIEMAND),
    "oeffentlich:einbetten": ("/oeffentlich/einbetten/lemgo/", ALLE_OK),
    "oeffentlich:einbetten (ohne Maßnahmen)": ("/oeffentlich/einbetten/herford/", ALLE_OK),
    "oeffentlich:einbetten (unbekannt)": ("/oeffentlich/einbetten/nirgendwo/", NIEMAND),
    "oeffentlich:meldungen_kommune": ("/oeffentlich/meldungen/kommune/lemgo.atom", ALLE_OK),
    "oeffentlich:meldungen_kreis": ("/oeffentlich/meldungen/kreis/05766.atom", ALLE_OK),
    "oeffentlich:meldungen_kreis (unbekannt)": ("/oeffentlich/meldungen/kreis/01001.atom", NIEMAND),
    "oeffentlich:daten": ("/oeffentlich/daten/", ALLE_OK),
    "oeffentlich:massnahmen_csv": ("/oeffentlich/daten/massnahmen.csv", ALLE_OK),
    "oeffentlich:massnahmen_json": ("/oeffentlich/daten/massnahmen.json?kreis=05766", ALLE_OK),
    "oeffentlich:katalog": ("/oeffentlich/daten/katalog.rdf", ALLE_OK),
    "oeffentlich:katalog_ttl": ("/oeffentlich/daten/katalog.ttl", ALLE_OK),
    "oeffentlich:kennzahlen_csv": ("/oeffentlich/daten/kennzahlen.csv", ALLE_OK),
    "oeffentlich:ozg_csv": ("/oeffentlich/daten/ozg.csv?kreis=05766", ALLE_OK),
    "oeffentlich:foerderung_csv": ("/oeffentlich/daten/foerderung.csv", ALLE_OK),
    "oeffentlich:massnahmen_excel_csv": ("/oeffentlich/daten/massnahmen.excel.csv", ALLE_OK),
    "oeffentlich:kennzahlen_excel_csv": ("/oeffentlich/daten/kennzahlen.excel.csv", ALLE_OK),
    "oeffentlich:ozg_excel_csv": ("/oeffentlich/daten/ozg.excel.csv?kreis=05766", ALLE_OK),
    "oeffentlich:foerderung_excel_csv": ("/oeffentlich/daten/foerderung.excel.csv", ALLE_OK),
}


def objekte(welt) -> dict:
    m = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Offenes WLAN in Lemgo",
        veroeffentlicht=True,
    )
    # A timeline with every kind of entry (issue 17, point 6), for the HTML check.
    StatusmeldungFactory(massnahme=m, oeffentliche_zusammenfassung="Zehn Zugangspunkte laufen.")
    MeilensteinFactory(massnahme=m, erreicht_am=dt.date(2026, 2, 1))
    MeilensteinFactory(massnahme=m)
    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.lemgo)
    bescheid.massnahmen.add(m)
    MittelabrufFactory(bescheid=bescheid, status=Mittelabruf.Status.AUSGEZAHLT)
    return {"massnahme_oeffentlich": m.pk}

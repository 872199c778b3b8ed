"""Permission matrix rows of /oeffentlich/: open to everyone, unpublished is a 404 for all."""

from tests.conftest import ROLLEN
from tests.factories import MassnahmeFactory
from tests.matrix import ALLE_OK, NOT_FOUND

NIEMAND = dict.fromkeys(ROLLEN, NOT_FOUND)

MATRIX = {
    "oeffentlich:index": ("/oeffentlich/", ALLE_OK),
    "oeffentlich:index (Kreis Lippe)": ("/oeffentlich/?kreis=05766", ALLE_OK),
    "oeffentlich:massnahmen": ("/oeffentlich/massnahmen/", ALLE_OK),
    "oeffentlich:massnahme": ("/oeffentlich/massnahmen/{massnahme_oeffentlich}/", ALLE_OK),
    # Even those who may read it inside the portal: on the public side it does not exist.
    "oeffentlich:massnahme (unveröffentlicht)": ("/oeffentlich/massnahmen/{massnahme}/", NIEMAND),
    "oeffentlich:daten": ("/oeffentlich/daten/", ALLE_OK),
    "oeffentlich:massnahmen_csv": ("/oeffentlich/daten/massnahmen.csv", ALLE_OK),
    "oeffentlich:massnahmen_json": ("/oeffentlich/daten/massnahmen.json?kreis=05766", ALLE_OK),
    "oeffentlich:katalog": ("/oeffentlich/daten/katalog.rdf", ALLE_OK),
}


def objekte(welt) -> dict:
    m = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Offenes WLAN in Lemgo",
        veroeffentlicht=True,
    )
    return {"massnahme_oeffentlich": m.pk}

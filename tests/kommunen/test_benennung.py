"""A Kreis, a kreisfreie Stadt and a Kommune know their own article and case
(issue 18, point 5)."""

import pytest

from kommunen.models import Kommune, Kreis


def kreis(name, typ=Kreis.Typ.KREIS):
    return Kreis(ags="05766", name=name, typ=typ)


def kommune(name, typ):
    return Kommune(ags="05766020", name=name, typ=typ)


@pytest.mark.parametrize(
    ("gebiet", "genitiv", "dativ", "lokativ", "nominativ", "akkusativ"),
    [
        (
            kreis("Lippe"),
            "des Kreises Lippe",
            "dem Kreis Lippe",
            "im Kreis Lippe",
            "der Kreis Lippe",
            "den Kreis Lippe",
        ),
        (
            kreis("Bielefeld", Kreis.Typ.KREISFREIE_STADT),
            "der Stadt Bielefeld",
            "der Stadt Bielefeld",
            "in der kreisfreien Stadt Bielefeld",
            "die Stadt Bielefeld",
            "die Stadt Bielefeld",
        ),
        (
            kommune("Detmold", Kommune.Typ.STADT),
            "der Stadt Detmold",
            "der Stadt Detmold",
            "in der Stadt Detmold",
            "die Stadt Detmold",
            "die Stadt Detmold",
        ),
        (
            kommune("Augustdorf", Kommune.Typ.GEMEINDE),
            "der Gemeinde Augustdorf",
            "der Gemeinde Augustdorf",
            "in der Gemeinde Augustdorf",
            "die Gemeinde Augustdorf",
            "die Gemeinde Augustdorf",
        ),
        (
            kommune("Bielefeld", Kommune.Typ.KREISFREIE_STADT),
            "der Stadt Bielefeld",
            "der Stadt Bielefeld",
            "in der kreisfreien Stadt Bielefeld",
            "die Stadt Bielefeld",
            "die Stadt Bielefeld",
        ),
    ],
)
def test_cases_and_articles(gebiet, genitiv, dativ, lokativ, nominativ, akkusativ):
    assert gebiet.genitiv == genitiv
    assert gebiet.dativ == dativ
    assert gebiet.lokativ == lokativ
    assert gebiet.nominativ == nominativ
    assert gebiet.akkusativ == akkusativ


def test_prepositions_contract_as_german_does():
    lippe, augustdorf = kreis("Minden-Lübbecke"), kommune("Augustdorf", Kommune.Typ.GEMEINDE)
    assert lippe.mit("zu") == "zum Kreis Minden-Lübbecke"
    assert augustdorf.mit("zu") == "zur Gemeinde Augustdorf"
    assert lippe.mit("von") == "vom Kreis Minden-Lübbecke"
    assert augustdorf.mit("aus") == "aus der Gemeinde Augustdorf"
    assert lippe.ihr == "Ihr Kreis Minden-Lübbecke"
    assert kreis("Bielefeld", Kreis.Typ.KREISFREIE_STADT).ihr == "Ihre Stadt Bielefeld"


def test_every_type_in_the_reference_data_has_a_name_form():
    import csv
    from pathlib import Path

    from kommunen.models import BENENNUNGEN

    daten = Path(__file__).resolve().parents[2] / "data" / "reference"
    typen = set()
    for datei in ("kreise.csv", "kommunen.csv"):
        with open(daten / datei, encoding="utf-8") as f:
            typen |= {row["typ"] for row in csv.DictReader(f)}
    assert typen <= set(BENENNUNGEN)
    assert set(Kreis.Typ.values) | set(Kommune.Typ.values) <= set(BENENNUNGEN)


# --- on the pages -------------------------------------------------------------------------


@pytest.fixture
def bielefeld(welt):
    from tests.factories import KommuneFactory, MassnahmeFactory

    stadt = welt.region.kreise.create(
        ags="05711", name="Bielefeld", slug="bielefeld", typ=Kreis.Typ.KREISFREIE_STADT
    )
    kommune = KommuneFactory(
        kreis=stadt,
        ags="05711000",
        name="Bielefeld",
        slug="bielefeld-stadt",
        typ=Kommune.Typ.KREISFREIE_STADT,
    )
    MassnahmeFactory(kreis=stadt, federfuehrend=kommune, handlungsfeld=welt.handlungsfeld)
    return stadt


def _text(response) -> str:
    import re

    return re.sub(r"\s+", " ", response.content.decode())


def test_pages_of_a_kreisfreie_stadt_read_right(welt, login, bielefeld):
    client = login(welt.users["region"])
    dashboard = _text(client.get("/dashboard/?kreis=05711"))
    assert "Maßnahmen der Stadt Bielefeld nach Status" in dashboard
    assert "des Bielefeld" not in dashboard and "des Kreis " not in dashboard
    assert "1 Maßnahme unter Federführung der Stadt Bielefeld" in dashboard

    ozg = _text(client.get("/ozg/?kreis=05711"))
    assert "OZG-Umsetzung in der kreisfreien Stadt Bielefeld" in ozg
    assert "im kreisfreie" not in ozg

    kommunen = _text(client.get("/kommunen/"))
    assert "(1 Kommune)" in kommunen
    assert "(3 Kommunen)" in kommunen  # Lippe in the test world
    assert "Kommunen in der kreisfreien Stadt Bielefeld mit Einwohnerzahl" in kommunen

    region = _text(client.get("/region/"))
    assert "1 Maßnahme in der kreisfreien Stadt Bielefeld" in region


def test_pages_of_a_kreis_and_a_kommune_read_right(welt, login):
    client = login(welt.users["kreis"])
    dashboard = _text(client.get("/dashboard/"))
    assert "Maßnahmen des Kreises Lippe nach Ampel" in dashboard
    assert "Kommunen des Kreises Lippe:" in dashboard

    detmold = _text(client.get("/kommunen/detmold/"))
    assert "Maßnahmen unter Federführung der Stadt Detmold" in detmold
    assert "Federführung von Detmold" not in detmold

    assert "Neue Maßnahme im Kreis Lippe" in _text(client.get("/massnahmen/neu/"))
    assert "Strategie im Kreis Lippe" in _text(client.get("/strategie/"))
    profil = _text(login(welt.users["cdo_eigen"]).get("/kommunen/detmold/bearbeiten/"))
    assert "Profil der Stadt Detmold bearbeiten" in profil


# --- number agreement (ngettext) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("werte", "erwartet"),
    [
        (
            {"status": "geprueft", "zeilen_gesamt": 1, "neu": 1, "aktualisiert": 0},
            "1 Zeile geprüft: 1 neue Maßnahme, 0 geändert",
        ),
        (
            {"status": "fertig", "zeilen_gesamt": 2, "neu": 2, "aktualisiert": 0},
            "2 Maßnahmen neu angelegt, 0 geändert, 0 unverändert (2 Zeilen).",
        ),
        (
            {"status": "fehlerhaft", "zeilen_gesamt": 1, "fehler": [{"zeile": 2}]},
            "1 von 1 Zeile ist fehlerhaft; es wurde nichts gespeichert.",
        ),
    ],
)
def test_import_summary_agrees_in_number(werte, erwartet):
    from massnahmen.models import Importlauf
    from massnahmen.views_io import zusammenfassung

    lauf = Importlauf(**{"neu": 0, "aktualisiert": 0, "fehler": [], **werte})
    assert erwartet in zusammenfassung(lauf)


def test_adopting_and_adopted_solutions_name_their_origin_with_its_case(welt, login):
    """The origin with its article and case: "die Lösung der Stadt Detmold" (or "des
    Kreises Lippe" when the Kreis leads), not
    "die Lösung von Detmold" / "von Kreis Lippe"."""
    from tests.factories import MassnahmeFactory, OzgLeistungFactory, UmsetzungsstandFactory

    client = login(welt.users["cdo_andere"])
    seite = _text(client.get(f"/massnahmen/{welt.massnahme.pk}/nachnutzen/"))
    assert "übernimmt die Lösung der Stadt Detmold." in seite
    assert "; die Stadt Detmold sieht, dass Sie die Lösung nachnutzen." in seite
    vom_kreis = MassnahmeFactory(kreis=welt.lippe, federfuehrend=None, titel="Kreisweite Akte")
    seite = _text(client.get(f"/massnahmen/{vom_kreis.pk}/nachnutzen/"))
    assert "übernimmt die Lösung des Kreises Lippe." in seite
    assert "; der Kreis Lippe sieht" in seite

    leistung = OzgLeistungFactory(ozg_id="20009", name="Hundesteuer")
    UmsetzungsstandFactory(
        leistung=leistung, kommune=welt.lemgo, reifegrad=5, nachgenutzt_von=welt.detmold
    )
    lemgo = _text(client.get("/kommunen/lemgo/"))
    assert "(Lösung der Stadt Detmold)" in lemgo

"""Issue 15, point 3: visibility per Maßnahme (Kreis / Region / öffentlich).

The world (tests/conftest.py): Lippe and Herford in one region; Detmold's CDO, Lemgo's CDO,
Kreis staff of both, the DigitalBüro. Herford's Maßnahmen below are what the others see.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from massnahmen.models import Massnahme, Sichtbarkeit
from tests.factories import (
    KommuneFactory,
    KreisFactory,
    MassnahmeFactory,
    MitgliedschaftFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def herford(welt):
    """Three Maßnahmen of Herford, one per visibility, and a CDO of another region."""
    je = {}
    for wert, titel in [
        (Sichtbarkeit.KREIS, "Herforder Interna"),
        (Sichtbarkeit.REGION, "Herforder Ratsinformationssystem"),
        (Sichtbarkeit.OEFFENTLICH, "Herforder Bürgerportal"),
    ]:
        je[wert] = MassnahmeFactory(
            kreis=welt.herford,
            federfuehrend=welt.herford_stadt,
            handlungsfeld=welt.handlungsfeld,
            titel=titel,
            sichtbarkeit=wert,
        )
    oberbayern = RegionFactory(kurzname="OBB", name="Oberbayern", slug="oberbayern")
    andere_region = KreisFactory(ags="09162", name="München", region=oberbayern)
    muenchen = KommuneFactory(kreis=andere_region, ags="09162000", name="München")
    je["fremd"] = UserFactory(email="cdo.muenchen@example.invalid")
    MitgliedschaftFactory(user=je["fremd"], rolle="cdo", kommune=muenchen)
    return je


def _titel(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("rolle", ["cdo_eigen", "cdo_andere", "kreis"])
def test_a_lippe_user_reads_herfords_region_and_public_maßnahmen_only(welt, herford, login, rolle):
    client = login(welt.users[rolle])
    liste = _titel(client.get("/massnahmen/"))
    assert "Herforder Ratsinformationssystem" in liste
    assert "Herforder Bürgerportal" in liste
    assert "Herforder Interna" not in liste
    assert client.get(herford[Sichtbarkeit.REGION].get_absolute_url()).status_code == 200
    assert client.get(herford[Sichtbarkeit.OEFFENTLICH].get_absolute_url()).status_code == 200
    assert client.get(herford[Sichtbarkeit.KREIS].get_absolute_url()).status_code == 404


def test_reading_another_kreis_gives_no_edit_rights(welt, herford, login):
    client = login(welt.users["kreis"])
    m = herford[Sichtbarkeit.REGION]
    seite = _titel(client.get(m.get_absolute_url()))
    assert "Region – alle angemeldeten Nutzenden der Region" in seite
    assert f"/massnahmen/{m.pk}/bearbeiten/" not in seite
    assert client.get(f"/massnahmen/{m.pk}/bearbeiten/").status_code == 403
    assert client.get(f"/massnahmen/{m.pk}/statusmeldung/").status_code == 403


def test_the_region_and_herford_read_everything_of_herford(welt, herford, login):
    for rolle in ["region", "kreis_fremd"]:
        liste = _titel(login(welt.users[rolle]).get("/massnahmen/"))
        for titel in ["Herforder Interna", "Herforder Ratsinformationssystem"]:
            assert titel in liste, (rolle, titel)


def test_a_user_of_another_region_sees_none_of_them(herford, login):
    client = login(herford["fremd"])
    assert "Herforder" not in _titel(client.get("/massnahmen/"))
    for wert in Sichtbarkeit.values:
        assert client.get(herford[wert].get_absolute_url()).status_code == 404


def test_only_the_public_one_is_on_the_transparency_pages(welt, herford, client):
    seite = _titel(client.get("/oeffentlich/massnahmen/"))
    assert "Herforder Bürgerportal" in seite
    assert "Herforder Ratsinformationssystem" not in seite
    assert "Herforder Interna" not in seite
    assert client.get(f"/oeffentlich/massnahmen/{herford['region'].pk}/").status_code == 404
    assert client.get(f"/oeffentlich/massnahmen/{herford['oeffentlich'].pk}/").status_code == 200


def _formular(massnahme, **werte) -> dict:
    daten = {
        "titel": massnahme.titel,
        "handlungsfeld": massnahme.handlungsfeld_id,
        "federfuehrend": massnahme.federfuehrend_id or "",
        "status": massnahme.status,
        "fortschritt": massnahme.fortschritt,
        "ampel": massnahme.ampel,
        "sichtbarkeit": massnahme.sichtbarkeit,
        "version": massnahme.version,
        "meilensteine-TOTAL_FORMS": 0,
        "meilensteine-INITIAL_FORMS": 0,
    }
    return {**daten, **werte}


def test_the_lead_cdo_opens_a_maßnahme_to_the_region(welt, herford, login):
    m = welt.massnahme
    response = login(welt.users["cdo_eigen"]).post(
        f"/massnahmen/{m.pk}/bearbeiten/", _formular(m, sichtbarkeit="region")
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.sichtbarkeit == Sichtbarkeit.REGION
    # Now Herford's staff read it, and it is still not on the public pages.
    assert login(welt.users["kreis_fremd"]).get(m.get_absolute_url()).status_code == 200
    assert login(None).get(f"/oeffentlich/massnahmen/{m.pk}/").status_code == 404


@pytest.mark.parametrize("wert", ["alle", "OEFFENTLICH", "oeffentlich ", "\x00"])
def test_an_unknown_visibility_is_refused_at_the_field(welt, login, wert):
    m = welt.massnahme
    response = login(welt.users["kreis"]).post(
        f"/massnahmen/{m.pk}/bearbeiten/", _formular(m, sichtbarkeit=wert)
    )
    assert response.status_code == 422
    fehler = response.context["form"].errors["sichtbarkeit"]
    assert fehler and all(f[0].isupper() and " " in f for f in fehler)  # a German sentence
    m.refresh_from_db()
    assert m.sichtbarkeit == Sichtbarkeit.KREIS


def test_a_post_without_visibility_keeps_it(welt, login):
    m = welt.massnahme
    m.sichtbarkeit = Sichtbarkeit.REGION
    m.save()
    daten = _formular(m, titel="Neuer Titel")
    del daten["sichtbarkeit"]
    response = login(welt.users["kreis"]).post(f"/massnahmen/{m.pk}/bearbeiten/", daten)
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.titel, m.sichtbarkeit) == ("Neuer Titel", Sichtbarkeit.REGION)


def test_veroeffentlicht_is_the_public_visibility(welt):
    m = MassnahmeFactory(kreis=welt.lippe, veroeffentlicht=True)
    assert m.sichtbarkeit == Sichtbarkeit.OEFFENTLICH and m.veroeffentlicht
    m.veroeffentlicht = False
    assert m.sichtbarkeit == Sichtbarkeit.KREIS
    m.sichtbarkeit = Sichtbarkeit.REGION
    m.veroeffentlicht = False  # "not public" leaves a Region-visible Maßnahme as it is
    assert m.sichtbarkeit == Sichtbarkeit.REGION
    m.save()
    assert list(Massnahme.objects.veroeffentlicht()) == []


@pytest.mark.django_db(transaction=True)
def test_migration_existing_become_kreis_published_become_public():
    executor = MigrationExecutor(connection)
    vorher = [("massnahmen", "0006_massnahme_suchvektor")]
    nachher = executor.loader.graph.leaf_nodes()
    executor.migrate(vorher)
    try:
        alt = executor.loader.project_state(vorher).apps
        region = alt.get_model("kommunen", "Region").objects.create(
            kurzname="OWL", name="OWL", slug="owl"
        )
        kreis = alt.get_model("kommunen", "Kreis").objects.create(
            ags="05766", name="Lippe", slug="lippe", region=region
        )
        hf = alt.get_model("handlungsfelder", "Handlungsfeld").objects.create(
            nummer=1, name="IKZ", kurzname="IKZ", slug="ikz"
        )
        alte = alt.get_model("massnahmen", "Massnahme")
        geschichte = alt.get_model("massnahmen", "HistoricalMassnahme")
        for titel, veroeffentlicht in [("intern", False), ("offen", True)]:
            m = alte.objects.create(
                kreis=kreis, titel=titel, handlungsfeld=hf, veroeffentlicht=veroeffentlicht
            )
            geschichte.objects.create(
                id=m.pk,
                kreis=kreis,
                titel=titel,
                handlungsfeld=hf,
                veroeffentlicht=veroeffentlicht,
                history_date="2026-01-01T00:00:00Z",
                history_type="+",
                erstellt_am="2026-01-01T00:00:00Z",
                geaendert_am="2026-01-01T00:00:00Z",
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(nachher)
    neu = executor.loader.project_state(nachher).apps
    stand = dict(
        neu.get_model("massnahmen", "Massnahme").objects.values_list("titel", "sichtbarkeit")
    )
    assert stand == {"intern": "kreis", "offen": "oeffentlich"}
    verlauf = dict(
        neu.get_model("massnahmen", "HistoricalMassnahme").objects.values_list(
            "titel", "sichtbarkeit"
        )
    )
    assert verlauf == {"intern": "kreis", "offen": "oeffentlich"}

"""Issue 15, point 2: region projects.

The DigitalBüro OWL (role `region`) creates and runs Maßnahmen of the region itself (lead:
the region, no Kreis), read by every member of the region; partner CDOs post their
Statusmeldung. It still never edits a Kreis's Maßnahme.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from core.quartal import Quartal
from massnahmen.models import Massnahme, Sichtbarkeit, Statusmeldung
from tests.dashboards.dashboard_hilfen import seitentext
from tests.factories import (
    KommuneFactory,
    KreisFactory,
    MitgliedschaftFactory,
    RegionFactory,
    UserFactory,
)
from tests.massnahmen.test_statusmeldung import geoeffnet

pytestmark = pytest.mark.django_db


def _leere_meilensteine() -> dict:
    return {
        "meilensteine-TOTAL_FORMS": "0",
        "meilensteine-INITIAL_FORMS": "0",
        "meilensteine-MIN_NUM_FORMS": "0",
        "meilensteine-MAX_NUM_FORMS": "50",
    }


def _daten(welt, **werte) -> dict:
    return {
        "titel": "OWL-weites Bürgerkonto",
        "handlungsfeld": welt.handlungsfeld.pk,
        "beteiligte": [welt.lemgo.pk, welt.herford_stadt.pk],
        "status": "geplant",
        "fortschritt": "0",
        "ampel": "gruen",
        "sichtbarkeit": "region",
        **_leere_meilensteine(),
        **werte,
    }


@pytest.fixture
def projekt(welt):
    m = Massnahme.objects.create(
        region=welt.region,
        titel="Regionales Datenportal OWL",
        handlungsfeld=welt.handlungsfeld,
        status=Massnahme.Status.IN_UMSETZUNG,
        fortschritt=30,
        sichtbarkeit=Sichtbarkeit.REGION,
    )
    m.beteiligte.set([welt.lemgo])
    return m


@pytest.fixture
def fremde_region(db):
    obb = RegionFactory(kurzname="OBB", name="Oberbayern", slug="oberbayern")
    kreis = KreisFactory(ags="09162", name="München", slug="muenchen", region=obb)
    muenchen = KommuneFactory(kreis=kreis, ags="09162000", name="München", slug="muenchen")
    user = UserFactory(email="cdo.muenchen@example.invalid")
    MitgliedschaftFactory(user=user, rolle="cdo", kommune=muenchen)
    return muenchen, user


def test_the_region_creates_a_project_it_leads(welt, login):
    client = login(welt.users["region"])
    seite = seitentext(client.get("/massnahmen/neu/region/"))
    assert "Neue Maßnahme in der Region" in seite
    assert "Herford (Kreis Herford)" in seite and "Lemgo (Kreis Lippe)" in seite
    assert "federführende Kommune" not in seite
    antwort = client.post("/massnahmen/neu/region/", _daten(welt))
    assert antwort.status_code == 302, seitentext(antwort)[:3000]
    neu = Massnahme.objects.get(titel="OWL-weites Bürgerkonto")
    assert (neu.kreis, neu.region, neu.federfuehrend) == (None, welt.region, None)
    assert set(neu.beteiligte.all()) == {welt.lemgo, welt.herford_stadt}
    detail = seitentext(client.get(neu.get_absolute_url()))
    assert f"Federführung {welt.region.bezeichnung}" in detail
    assert client.get(f"/massnahmen/{neu.pk}/bearbeiten/").status_code == 200
    antwort = client.post(
        f"/massnahmen/{neu.pk}/bearbeiten/",
        _daten(welt, titel="OWL-Bürgerkonto", fortschritt="20", version=neu.version),
    )
    assert antwort.status_code == 302, seitentext(antwort)[:3000]
    neu.refresh_from_db()
    assert (neu.titel, neu.fortschritt) == ("OWL-Bürgerkonto", 20)


def test_the_region_still_never_edits_a_kreis_massnahme(welt, login):
    client = login(welt.users["region"])
    m = welt.massnahme
    assert client.get(m.get_absolute_url()).status_code == 200
    assert client.get(f"/massnahmen/{m.pk}/bearbeiten/").status_code == 403
    assert client.post(f"/massnahmen/{m.pk}/bearbeiten/", {}).status_code == 403
    assert client.get(f"/massnahmen/{m.pk}/statusmeldung/").status_code == 403
    assert client.get(f"/massnahmen/{m.pk}/loeschen/").status_code == 403
    assert client.get("/massnahmen/neu/").status_code == 403


@pytest.mark.parametrize("rolle", ["cdo_eigen", "cdo_andere", "kreis", "kreis_fremd"])
def test_every_member_of_the_region_reads_a_region_project(welt, projekt, login, rolle):
    client = login(welt.users[rolle])
    assert client.get(projekt.get_absolute_url()).status_code == 200
    liste = seitentext(client.get("/massnahmen/"))
    assert "Regionales Datenportal OWL" in liste
    assert f"federführend: {welt.region.bezeichnung}" in liste
    # … but nobody of a Kreis edits it.
    assert client.get(f"/massnahmen/{projekt.pk}/bearbeiten/").status_code == 403
    assert client.get(f"/massnahmen/{projekt.pk}/loeschen/").status_code == 403


def test_a_partner_cdo_reports_on_a_region_project(welt, projekt, login):
    client = login(welt.users["cdo_andere"])
    daten = geoeffnet(client, projekt, fortschritt="35", ampel="gruen", erreicht="Lemgo dabei.")
    assert client.post(f"/massnahmen/{projekt.pk}/statusmeldung/", daten).status_code == 302
    meldung = Statusmeldung.objects.get(massnahme=projekt, quartal=str(Quartal.current()))
    assert meldung.autor == welt.users["cdo_andere"]
    # Detmold takes no part: reads, does not report.
    assert (
        login(welt.users["cdo_eigen"]).get(f"/massnahmen/{projekt.pk}/statusmeldung/").status_code
        == 403
    )


def test_another_region_sees_nothing_of_it(welt, projekt, login, fremde_region):
    _, user = fremde_region
    client = login(user)
    assert client.get(projekt.get_absolute_url()).status_code == 404
    assert "Regionales Datenportal OWL" not in seitentext(client.get("/massnahmen/"))


def test_hand_posted_values_outside_the_choices_are_refused(welt, login, fremde_region):
    muenchen, _ = fremde_region
    client = login(welt.users["region"])
    antwort = client.post("/massnahmen/neu/region/", _daten(welt, beteiligte=[muenchen.pk]))
    assert antwort.status_code == 422
    assert "Bitte eine gültige Auswahl treffen" in seitentext(antwort)
    # A region project has no lead Kommune even if one is posted (the form has no such
    # field), and "Kreis" is no visibility for it (it has no Kreis): refused at the field.
    antwort = client.post(
        "/massnahmen/neu/region/",
        _daten(welt, titel="Mit Lead", federfuehrend=welt.detmold.pk, sichtbarkeit="kreis"),
    )
    assert antwort.status_code == 422
    assert "Bitte eine gültige Auswahl treffen" in seitentext(antwort)
    antwort = client.post(
        "/massnahmen/neu/region/",
        _daten(welt, titel="Mit Lead", federfuehrend=welt.detmold.pk, sichtbarkeit=""),
    )
    assert antwort.status_code == 302
    neu = Massnahme.objects.get(titel="Mit Lead")
    assert (neu.federfuehrend, neu.sichtbarkeit) == (None, Sichtbarkeit.REGION)
    antwort = client.post(
        f"/massnahmen/{neu.pk}/bearbeiten/",
        _daten(welt, titel="Mit Lead", sichtbarkeit="kreis", version=neu.version),
    )
    assert antwort.status_code == 422
    neu.refresh_from_db()
    assert neu.sichtbarkeit == Sichtbarkeit.REGION
    assert not Massnahme.objects.veroeffentlicht().exists()
    assert not Massnahme.objects.filter(titel="OWL-weites Bürgerkonto").exists()


def test_a_public_region_project_is_on_the_transparency_pages(welt, login, client):
    """Issue 15, point 2: the region makes its project public; anyone then finds it on
    /oeffentlich/ (named as the region's, with no Kreis), in the open data, and a Kreis's
    page still lists only that Kreis's Maßnahmen."""
    from django.core.cache import cache

    region = login(welt.users["region"])
    seite = seitentext(region.get("/massnahmen/neu/region/"))
    assert "Region – alle angemeldeten Nutzenden der Region" in seite
    assert "Kreis – nur der eigene Kreis" not in seite
    antwort = region.post("/massnahmen/neu/region/", _daten(welt, sichtbarkeit="oeffentlich"))
    assert antwort.status_code == 302, seitentext(antwort)[:2000]
    projekt = Massnahme.objects.get(titel="OWL-weites Bürgerkonto")
    assert projekt.sichtbarkeit == Sichtbarkeit.OEFFENTLICH
    cache.clear()

    login(None)
    liste = seitentext(client.get("/oeffentlich/massnahmen/"))
    assert "OWL-weites Bürgerkonto" in liste and welt.region.bezeichnung in liste
    detail = client.get(f"/oeffentlich/massnahmen/{projekt.pk}/")
    assert detail.status_code == 200
    text = seitentext(detail)
    assert "Projekt der Region" in text and f"Federführung {welt.region.bezeichnung}" in text
    assert "Herford" in text and "Lemgo" in text
    index = seitentext(client.get("/oeffentlich/"))
    assert "OWL-weites Bürgerkonto" in index
    assert "OWL-weites Bürgerkonto" not in seitentext(
        client.get("/oeffentlich/massnahmen/?kreis=05766")
    )
    csv = client.get("/oeffentlich/daten/massnahmen.csv")
    inhalt = b"".join(csv.streaming_content).decode()
    zeile = next(z for z in inhalt.splitlines() if "OWL-weites Bürgerkonto" in z)
    assert "Lemgo|Herford" in zeile or "Herford|Lemgo" in zeile
    json = client.get("/oeffentlich/daten/massnahmen.json")
    assert "OWL-weites Bürgerkonto" in b"".join(json.streaming_content).decode()
    assert client.get("/oeffentlich/daten/katalog.ttl").status_code == 200

    # Back to "Region": gone from the public pages.
    projekt.refresh_from_db()
    region = login(welt.users["region"])
    antwort = region.post(
        f"/massnahmen/{projekt.pk}/bearbeiten/",
        _daten(welt, sichtbarkeit="region", version=projekt.version),
    )
    assert antwort.status_code == 302
    cache.clear()
    login(None)
    assert client.get(f"/oeffentlich/massnahmen/{projekt.pk}/").status_code == 404
    assert "OWL-weites Bürgerkonto" not in seitentext(client.get("/oeffentlich/massnahmen/"))


def test_only_the_region_role_creates_region_projects(welt, login):
    for rolle in ["cdo_eigen", "cdo_andere", "kreis", "kreis_fremd"]:
        client = login(welt.users[rolle])
        assert client.get("/massnahmen/neu/region/").status_code == 403, rolle
        assert client.post("/massnahmen/neu/region/", _daten(welt)).status_code == 403, rolle
    assert not Massnahme.objects.filter(region__isnull=False).exists()


def test_a_maßnahme_has_a_kreis_or_is_a_region_project(welt):
    with pytest.raises(IntegrityError), transaction.atomic():
        Massnahme.objects.create(titel="Niemandes", handlungsfeld=welt.handlungsfeld)
    with pytest.raises(IntegrityError), transaction.atomic():
        Massnahme.objects.create(
            titel="Beides", handlungsfeld=welt.handlungsfeld, kreis=welt.lippe, region=welt.region
        )

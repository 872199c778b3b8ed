"""Issue 15, point 1: cooperation across Kreise.

A Maßnahme of Herford (Kreis-visible) with Detmold (Lippe) as partner: Detmold's CDO reads
it, posts its Statusmeldung and finds it in the list and on Lippe's dashboard, marked as led
elsewhere; the edit stays with Herford. Partners, adoption, the import and the OZG field
"nachgenutzt von" take Kommunen of the whole region, and nothing beyond it.
"""

from __future__ import annotations

import re

import pytest

from core.quartal import Quartal
from massnahmen.models import Massnahme, Nachnutzung, Sichtbarkeit, Statusmeldung
from ozg.models import Umsetzungsstand
from tests.dashboards.dashboard_hilfen import seitentext
from tests.factories import (
    KommuneFactory,
    KreisFactory,
    MassnahmeFactory,
    MitgliedschaftFactory,
    OzgLeistungFactory,
    RegionFactory,
    UmsetzungsstandFactory,
    UserFactory,
)
from tests.massnahmen.test_statusmeldung import geoeffnet

pytestmark = pytest.mark.django_db


@pytest.fixture
def gemeinsam(welt):
    """Herford leads, Detmold takes part; only Herford's Kreis reads it by visibility."""
    return MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel="Gemeinsame Leitstelle Herford-Detmold",
        sichtbarkeit=Sichtbarkeit.KREIS,
        beteiligte=[welt.detmold],
    )


@pytest.fixture
def muenchen(db):
    """A Kommune of another region: never a partner of an OWL Maßnahme."""
    obb = RegionFactory(kurzname="OBB", name="Oberbayern", slug="oberbayern")
    kreis = KreisFactory(ags="09162", name="München", slug="muenchen", region=obb)
    return KommuneFactory(kreis=kreis, ags="09162000", name="München", slug="muenchen")


def _text(response) -> str:
    return response.content.decode()


def test_partner_cdo_of_another_kreis_reads_and_reports_but_does_not_edit(welt, gemeinsam, login):
    client = login(welt.users["cdo_eigen"])
    assert client.get(gemeinsam.get_absolute_url()).status_code == 200
    liste = seitentext(client.get("/massnahmen/"))
    assert "Gemeinsame Leitstelle Herford-Detmold" in liste
    assert "federführend: Stadt Herford (Kreis Herford)" in liste
    seite = _text(client.get(gemeinsam.get_absolute_url()))
    assert f"/massnahmen/{gemeinsam.pk}/statusmeldung/" in seite
    assert f"/massnahmen/{gemeinsam.pk}/bearbeiten/" not in seite

    daten = geoeffnet(
        client, gemeinsam, fortschritt="55", ampel="gelb", erreicht="Detmold ist angebunden."
    )
    antwort = client.post(f"/massnahmen/{gemeinsam.pk}/statusmeldung/", daten)
    assert antwort.status_code == 302
    meldung = Statusmeldung.objects.get(massnahme=gemeinsam, quartal=str(Quartal.current()))
    assert meldung.autor == welt.users["cdo_eigen"]

    assert client.get(f"/massnahmen/{gemeinsam.pk}/bearbeiten/").status_code == 403
    assert client.post(f"/massnahmen/{gemeinsam.pk}/bearbeiten/", {}).status_code == 403
    assert client.post(f"/massnahmen/{gemeinsam.pk}/archiv/").status_code == 403
    assert client.get(f"/massnahmen/{gemeinsam.pk}/loeschen/").status_code == 403
    gemeinsam.refresh_from_db()
    assert not gemeinsam.archiviert


def test_a_kommune_that_takes_no_part_still_sees_nothing(welt, gemeinsam, login):
    client = login(welt.users["cdo_andere"])
    assert client.get(gemeinsam.get_absolute_url()).status_code == 404
    assert "Gemeinsame Leitstelle" not in _text(client.get("/massnahmen/"))


def test_the_leading_kreis_keeps_its_rights(welt, gemeinsam, login):
    client = login(welt.users["kreis_fremd"])
    assert client.get(f"/massnahmen/{gemeinsam.pk}/bearbeiten/").status_code == 200
    assert client.get(f"/massnahmen/{gemeinsam.pk}/loeschen/").status_code == 200
    liste = seitentext(client.get("/massnahmen/"))
    assert "Gemeinsame Leitstelle Herford-Detmold" in liste
    assert "federführend: Stadt Herford (Kreis Herford)" not in liste


def test_the_partners_kreis_reads_it_without_edit_rights(welt, gemeinsam, login):
    client = login(welt.users["kreis"])
    assert client.get(gemeinsam.get_absolute_url()).status_code == 200
    assert client.get(f"/massnahmen/{gemeinsam.pk}/bearbeiten/").status_code == 403
    assert client.get(f"/massnahmen/{gemeinsam.pk}/statusmeldung/").status_code == 403


def test_the_partner_finds_it_on_its_kreis_dashboard(welt, gemeinsam, login):
    seite = seitentext(login(welt.users["cdo_eigen"]).get("/dashboard/"))
    assert "Beteiligungen an Maßnahmen anderer Kreise" in seite
    assert "Gemeinsame Leitstelle Herford-Detmold" in seite
    assert "federführend: Stadt Herford (Kreis Herford)" in seite
    # Herford's own dashboard counts it as its own, with no such note.
    herford = seitentext(login(welt.users["kreis_fremd"]).get("/dashboard/"))
    assert "Beteiligungen an Maßnahmen anderer Kreise" not in herford


def test_partners_come_from_the_whole_region(welt, login):
    client = login(welt.users["cdo_eigen"])
    seite = _text(client.get("/massnahmen/neu/"))
    assert "Herford (Kreis Herford)" in seite
    antwort = client.post(
        "/massnahmen/neu/",
        {
            "titel": "Gemeinsames Fundbüro",
            "handlungsfeld": welt.handlungsfeld.pk,
            "federfuehrend": welt.detmold.pk,
            "beteiligte": [welt.lemgo.pk, welt.herford_stadt.pk],
            "status": "geplant",
            "fortschritt": "0",
            "ampel": "gruen",
            "sichtbarkeit": "kreis",
            **_leere_meilensteine(),
        },
    )
    assert antwort.status_code == 302, _text(antwort)[:2000]
    neu = Massnahme.objects.get(titel="Gemeinsames Fundbüro")
    assert neu.kreis == welt.lippe
    assert set(neu.beteiligte.all()) == {welt.lemgo, welt.herford_stadt}
    # Herford's staff now read it (their Kommune takes part), but cannot edit it.
    herford = login(welt.users["kreis_fremd"])
    assert herford.get(neu.get_absolute_url()).status_code == 200
    assert herford.get(f"/massnahmen/{neu.pk}/bearbeiten/").status_code == 403


def test_a_partner_outside_the_region_posted_by_hand_is_refused(welt, login, muenchen):
    client = login(welt.users["cdo_eigen"])
    antwort = client.post(
        "/massnahmen/neu/",
        {
            "titel": "Heimlich",
            "handlungsfeld": welt.handlungsfeld.pk,
            "federfuehrend": welt.detmold.pk,
            "beteiligte": [muenchen.pk],
            "status": "geplant",
            "fortschritt": "0",
            "ampel": "gruen",
            **_leere_meilensteine(),
        },
    )
    assert antwort.status_code == 422
    seite = _text(antwort)
    assert "Bitte eine gültige Auswahl treffen" in seite
    assert 'id="id_beteiligte_error"' in seite or "beteiligte" in seite
    assert not Massnahme.objects.filter(titel="Heimlich").exists()


def test_the_lead_stays_within_the_kreis(welt, login):
    antwort = login(welt.users["kreis"]).post(
        "/massnahmen/neu/",
        {
            "titel": "Fremde Führung",
            "handlungsfeld": welt.handlungsfeld.pk,
            "federfuehrend": welt.herford_stadt.pk,
            "status": "geplant",
            "fortschritt": "0",
            "ampel": "gruen",
            **_leere_meilensteine(),
        },
    )
    assert antwort.status_code == 422
    assert "Bitte eine gültige Auswahl treffen" in _text(antwort)
    assert not Massnahme.objects.filter(titel="Fremde Führung").exists()


def _leere_meilensteine() -> dict:
    return {
        "meilensteine-TOTAL_FORMS": "0",
        "meilensteine-INITIAL_FORMS": "0",
        "meilensteine-MIN_NUM_FORMS": "0",
        "meilensteine-MAX_NUM_FORMS": "50",
    }


# --- Nachnutzung across Kreise ---------------------------------------------------------------


@pytest.fixture
def cdo_herford(welt):
    user = UserFactory(email="cdo.herford@example.invalid")
    MitgliedschaftFactory(user=user, rolle="cdo", kommune=welt.herford_stadt)
    return user


def test_a_kommune_of_another_kreis_adopts_a_region_visible_solution(welt, login, cdo_herford):
    welt.massnahme.sichtbarkeit = Sichtbarkeit.REGION
    welt.massnahme.save()
    client = login(cdo_herford)
    seite = _text(client.get(welt.massnahme.get_absolute_url()))
    assert f"/massnahmen/{welt.massnahme.pk}/nachnutzen/" in seite
    assert client.get(f"/massnahmen/{welt.massnahme.pk}/nachnutzen/").status_code == 200
    antwort = client.post(
        f"/massnahmen/{welt.massnahme.pk}/nachnutzen/", {"kommune": welt.herford_stadt.pk}
    )
    assert antwort.status_code == 302
    neu = Massnahme.objects.get(nachnutzung_von=welt.massnahme)
    assert (neu.kreis, neu.federfuehrend) == (welt.herford, welt.herford_stadt)
    assert Nachnutzung.objects.filter(massnahme=welt.massnahme, kommune=welt.herford_stadt).exists()
    # Adopting gives no rights over the origin.
    assert client.get(f"/massnahmen/{welt.massnahme.pk}/bearbeiten/").status_code == 403


def test_a_kommune_posted_by_hand_for_adoption_must_be_the_users_own(welt, login, cdo_herford):
    welt.massnahme.sichtbarkeit = Sichtbarkeit.REGION
    welt.massnahme.save()
    antwort = login(cdo_herford).post(
        f"/massnahmen/{welt.massnahme.pk}/nachnutzen/", {"kommune": welt.lemgo.pk}
    )
    assert antwort.status_code == 422
    assert "Bitte wählen Sie Ihre Kommune aus." in _text(antwort)
    assert not Nachnutzung.objects.filter(massnahme=welt.massnahme).exists()


# --- Import ------------------------------------------------------------------------------------


def _csv(rows) -> bytes:
    return "\r\n".join(";".join(r) for r in rows).encode("utf-8-sig")


def _hochladen(client, inhalt: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/massnahmen/import/", {"datei": SimpleUploadedFile("m.csv", inhalt)})


def test_import_takes_partners_of_the_region_and_refuses_others(welt, login, muenchen):
    from massnahmen.models import Importlauf

    client = login(welt.users["kreis"])
    kopf = ["Titel", "Handlungsfeld", "Federführung", "Beteiligte (AGS)"]
    antwort = _hochladen(
        client,
        _csv(
            [
                kopf,
                ["Mit Herford", "1", "05766020", f"{welt.lemgo.ags}, {welt.herford_stadt.ags}"],
                ["Mit München", "1", "05766020", muenchen.ags],
            ]
        ),
    )
    lauf = Importlauf.objects.latest("erstellt_am")
    assert lauf.status == Importlauf.Status.FEHLERHAFT, lauf.fehler
    fehler = {f["zeile"]: f["meldung"] for f in lauf.fehler}
    assert set(fehler) == {3}, lauf.fehler
    assert fehler[3] == "Die Kommune 09162000 gehört nicht zur Region des Kreises Lippe."
    assert antwort.status_code == 200

    antwort = _hochladen(
        client,
        _csv(
            [kopf, ["Mit Herford", "1", "Detmold", f"{welt.lemgo.ags}, {welt.herford_stadt.ags}"]]
        ),
    )
    assert antwort.status_code == 302
    lauf = Importlauf.objects.latest("erstellt_am")
    assert lauf.status == Importlauf.Status.GEPRUEFT, lauf.fehler


def test_import_still_refuses_a_lead_of_another_kreis(welt, login):
    from massnahmen.models import Importlauf

    client = login(welt.users["kreis"])
    _hochladen(client, _csv([["Titel", "Handlungsfeld", "Federführung"], ["X", "1", "05758012"]]))
    lauf = Importlauf.objects.latest("erstellt_am")
    assert {f["meldung"] for f in lauf.fehler} == {
        "Die Kommune 05758012 gehört nicht zum Kreis Lippe."
    }


# --- OZG "nachgenutzt von" ---------------------------------------------------------------------


def test_ozg_reuse_from_a_kommune_of_another_kreis_of_the_region(welt, login, muenchen):
    wohngeld = OzgLeistungFactory(ozg_id="20001", name="Wohngeld", themenfeld="Bauen & Wohnen")
    stand = UmsetzungsstandFactory(leistung=wohngeld, kommune=welt.detmold, reifegrad=4)
    client = login(welt.users["cdo_eigen"])
    url = f"/ozg/stand/{wohngeld.pk}/{welt.detmold.pk}/"
    seite = _text(client.get(url))
    auswahl = re.search(r'<select name="nachgenutzt_von".*?</select>', seite, re.S).group(0)
    assert "Herford" in auswahl and "Lemgo" in auswahl
    assert "München" not in auswahl and ">Detmold" not in auswahl

    daten = {"reifegrad": "7", "online_seit": "2025-09-01", "version": stand.version}
    abgelehnt = client.post(url, {**daten, "nachgenutzt_von": muenchen.pk})
    assert abgelehnt.status_code == 422
    assert "Bitte eine gültige Auswahl treffen" in _text(abgelehnt)
    stand.refresh_from_db()
    assert stand.nachgenutzt_von is None

    assert client.post(url, {**daten, "nachgenutzt_von": welt.herford_stadt.pk}).status_code == 302
    assert Umsetzungsstand.objects.get(pk=stand.pk).nachgenutzt_von == welt.herford_stadt

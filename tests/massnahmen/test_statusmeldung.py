"""The quarterly Statusmeldung never reverts newer values of its Maßnahme: it starts from the
Maßnahme's current state, notices what others saved after the form was opened (the
Maßnahme and the Statusmeldung itself) and says so in German instead of overwriting."""

from __future__ import annotations

import threading
from unittest.mock import patch

import pytest
from django.db import connection
from django.test import Client

from core.history import verlauf
from core.quartal import Quartal
from kommunen.models import Rolle
from massnahmen.forms import StatusmeldungForm
from massnahmen.models import Massnahme, Statusmeldung
from tests.conftest import require_or_skip
from tests.factories import MitgliedschaftFactory, StatusmeldungFactory, UserFactory
from tests.massnahmen.test_views import form_data

pytestmark = pytest.mark.django_db


def url(massnahme) -> str:
    return f"/massnahmen/{massnahme.pk}/statusmeldung/"


def als(user) -> Client:
    """A browser of its own for `user` (two people at work at the same time)."""
    client = Client()
    client.force_login(user)
    return client


def geoeffnet(client, massnahme, **eingaben) -> dict:
    """Open the form and return what the browser would send: every field as shown
    (hidden ones included), changed by `eingaben`."""
    response = client.get(url(massnahme))
    assert response.status_code == 200
    return {**_formulardaten(response.context["form"]), **eingaben}


def _formulardaten(form) -> dict:
    daten = {}
    for feld in form:
        wert = feld.value()
        daten[feld.name] = "" if wert is None else str(wert)
    return daten


@pytest.fixture
def partner(welt):
    """CDO of Blomberg, which takes part in the Maßnahme Detmold leads."""
    user = UserFactory(email="cdo.blomberg@example.invalid")
    MitgliedschaftFactory(user=user, rolle=Rolle.CDO, kommune=welt.blomberg)
    return user


@pytest.fixture
def massnahme(welt):
    """41 % / rot in last quarter's Statusmeldung; since then set to 48 % / gelb."""
    m = welt.massnahme
    StatusmeldungFactory(
        massnahme=m,
        quartal=str(Quartal.current().previous()),
        fortschritt=41,
        ampel="rot",
        erreicht="Ausschreibung vorbereitet",
        naechste_schritte="Vergabe",
        risiken="Personalmangel",
    )
    m.fortschritt, m.ampel = 48, "gelb"
    m.save()
    return m


def stand(m) -> tuple[int, str]:
    m.refresh_from_db()
    return m.fortschritt, m.ampel


# --- prefill and saving --------------------------------------------------------------------


def test_form_shows_current_values_and_last_quarters_texts(welt, massnahme):
    daten = geoeffnet(als(welt.users["cdo_eigen"]), massnahme)
    assert (daten["fortschritt"], daten["ampel"]) == ("48", "gelb")
    assert (daten["erreicht"], daten["naechste_schritte"], daten["risiken"]) == (
        "Ausschreibung vorbereitet",
        "Vergabe",
        "Personalmangel",
    )


def test_saving_the_form_unchanged_keeps_the_newer_values(welt, massnahme):
    """The bug seen in the browser: the Maßnahme went back to 41 % / rot."""
    client = als(welt.users["cdo_eigen"])
    response = client.post(url(massnahme), geoeffnet(client, massnahme))
    assert response.status_code == 302
    assert stand(massnahme) == (48, "gelb")
    meldung = Statusmeldung.objects.get(massnahme=massnahme, quartal=str(Quartal.current()))
    assert (meldung.fortschritt, meldung.ampel) == (48, "gelb")


def test_editing_this_quarters_meldung_starts_from_the_massnahme_too(welt, massnahme):
    """A Statusmeldung saved earlier in the quarter, then the Maßnahme moved on: opening the
    Statusmeldung again to fix a text must not put the old figures back."""
    StatusmeldungFactory(
        massnahme=massnahme, quartal=str(Quartal.current()), fortschritt=41, ampel="rot"
    )
    client = als(welt.users["cdo_eigen"])
    response = client.get(url(massnahme))
    assert "41" in response.content.decode()  # what the Statusmeldung said is shown
    daten = geoeffnet(client, massnahme, erreicht="Text korrigiert")
    assert (daten["fortschritt"], daten["ampel"]) == ("48", "gelb")
    assert client.post(url(massnahme), daten).status_code == 302
    assert stand(massnahme) == (48, "gelb")


def test_changed_figures_reach_the_massnahme_with_the_reason_in_the_verlauf(welt, massnahme):
    client = als(welt.users["cdo_eigen"])
    daten = geoeffnet(client, massnahme, fortschritt="55", ampel="gruen")
    assert client.post(url(massnahme), daten).status_code == 302
    assert stand(massnahme) == (55, "gruen")
    grund = f"aus Statusmeldung {Quartal.current().label}"
    assert massnahme.history.order_by("-history_id").first().history_change_reason == grund
    seite = client.get(f"/massnahmen/{massnahme.pk}/").content.decode()
    verlauf_html = seite[seite.index('id="verlauf"') :]
    assert grund in verlauf_html
    assert "48 → 55" in verlauf_html


def test_verlauf_entries_carry_the_change_reason(welt):
    m = welt.massnahme
    m.titel = "Neuer Titel"
    m._change_reason = "Import aus liste.csv"
    m.save()
    neu = verlauf(m.history.all(), objekt="Maßnahme")[0]
    assert (neu.aktion, neu.grund) == ("geändert", "Import aus liste.csv")


# --- the Maßnahme changed after the form was opened ----------------------------------------


def test_massnahme_changed_meanwhile_shows_both_values_and_saves_nothing(welt, massnahme):
    cdo = als(welt.users["cdo_eigen"])
    daten = geoeffnet(cdo, massnahme, fortschritt="50")
    kreis = als(welt.users["kreis"])
    bearbeitet = kreis.post(
        f"/massnahmen/{massnahme.pk}/bearbeiten/",
        form_data(massnahme, titel=massnahme.titel, fortschritt="55", ampel="gruen"),
    )
    assert bearbeitet.status_code == 302

    response = cdo.post(url(massnahme), daten)
    assert response.status_code == 409
    html = response.content.decode()
    assert f"Die Maßnahme wurde inzwischen von {welt.users['kreis']} geändert" in html
    assert "Ihre Eingaben sind noch nicht gespeichert" in html
    assert "55" in html and "50" in html  # both values, side by side
    assert stand(massnahme) == (55, "gruen")
    assert not Statusmeldung.objects.filter(quartal=str(Quartal.current())).exists()

    # The user decides: saving again keeps what the form shows.
    erneut = _formulardaten(response.context["form"])
    assert erneut["fortschritt"] == "50"
    assert cdo.post(url(massnahme), erneut).status_code == 302
    assert stand(massnahme) == (50, "gelb")


def test_other_changes_to_the_massnahme_are_no_conflict(welt, massnahme):
    cdo = als(welt.users["cdo_eigen"])
    daten = geoeffnet(cdo, massnahme, fortschritt="50")
    kreis = als(welt.users["kreis"])
    kreis.post(
        f"/massnahmen/{massnahme.pk}/bearbeiten/",
        form_data(massnahme, titel="Umbenannt", fortschritt="48", ampel="gelb"),
    )
    assert cdo.post(url(massnahme), daten).status_code == 302
    massnahme.refresh_from_db()
    assert (massnahme.titel, massnahme.fortschritt, massnahme.ampel) == ("Umbenannt", 50, "gelb")


def test_open_edit_form_notices_the_statusmeldung(welt, massnahme):
    kreis = als(welt.users["kreis"])
    bearbeiten = form_data(massnahme, titel=massnahme.titel, fortschritt="60", ampel="gruen")
    cdo = als(welt.users["cdo_eigen"])
    assert cdo.post(url(massnahme), geoeffnet(cdo, massnahme, fortschritt="52")).status_code == 302
    response = kreis.post(f"/massnahmen/{massnahme.pk}/bearbeiten/", bearbeiten)
    assert response.status_code == 409
    assert stand(massnahme) == (52, "gelb")


# --- two people on the same quarter's Statusmeldung ----------------------------------------


def partner_speichert_zuerst(welt, massnahme, partner, lead: dict, beteiligt: dict):
    """Lead and partner CDO open the form; the partner saves first, then the lead."""
    lead_client, partner_client = als(welt.users["cdo_eigen"]), als(partner)
    daten_lead = geoeffnet(lead_client, massnahme, **lead)
    daten_partner = geoeffnet(partner_client, massnahme, **beteiligt)
    assert partner_client.post(url(massnahme), daten_partner).status_code == 302
    return lead_client, lead_client.post(url(massnahme), daten_lead)


def test_second_cdo_sees_what_the_first_wrote_and_decides(welt, massnahme, partner):
    lead_text, partner_text = (
        {"erreicht": "Bericht aus Detmold"},
        {"erreicht": "Bericht aus Blomberg"},
    )
    lead, response = partner_speichert_zuerst(welt, massnahme, partner, lead_text, partner_text)
    assert response.status_code == 409
    html = response.content.decode()
    assert f"{partner} hat die Statusmeldung inzwischen gespeichert" in html
    assert "Bericht aus Blomberg" in html
    assert "Bericht aus Detmold" in html  # the user's own text is still in the form
    meldung = Statusmeldung.objects.get(massnahme=massnahme, quartal=str(Quartal.current()))
    assert (meldung.erreicht, meldung.autor) == ("Bericht aus Blomberg", partner)

    # Deciding for their own text and saving again replaces it, knowingly.
    assert lead.post(url(massnahme), _formulardaten(response.context["form"])).status_code == 302
    meldung.refresh_from_db()
    assert (meldung.erreicht, meldung.autor) == ("Bericht aus Detmold", welt.users["cdo_eigen"])


def test_editing_an_existing_meldung_at_the_same_time(welt, massnahme, partner):
    StatusmeldungFactory(massnahme=massnahme, quartal=str(Quartal.current()), erreicht="Erste")
    ergaenzt = {"erreicht": "Ergänzt von Blomberg"}
    _, response = partner_speichert_zuerst(welt, massnahme, partner, {"risiken": "Zeit"}, ergaenzt)
    assert response.status_code == 409
    assert "Ergänzt von Blomberg" in response.content.decode()
    meldung = Statusmeldung.objects.get(massnahme=massnahme, quartal=str(Quartal.current()))
    assert (meldung.erreicht, meldung.risiken) == ("Ergänzt von Blomberg", "")


def test_same_person_in_two_windows(welt, massnahme):
    client = als(welt.users["cdo_eigen"])
    erstes, zweites = geoeffnet(client, massnahme), geoeffnet(client, massnahme)
    assert client.post(url(massnahme), {**erstes, "erreicht": "Erstes Fenster"}).status_code == 302
    response = client.post(url(massnahme), {**zweites, "erreicht": "Zweites Fenster"})
    assert response.status_code == 409
    assert "Sie haben die Statusmeldung inzwischen in einem anderen Fenster gespeichert" in (
        response.content.decode()
    )


def test_sending_the_same_form_twice_is_no_conflict(welt, massnahme):
    """A double click: the second request finds exactly what it would store."""
    client = als(welt.users["cdo_eigen"])
    daten = geoeffnet(client, massnahme, fortschritt="50")
    assert client.post(url(massnahme), daten).status_code == 302
    assert client.post(url(massnahme), daten).status_code == 302
    assert Statusmeldung.objects.filter(massnahme=massnahme).count() == 2  # last and this one
    assert stand(massnahme) == (50, "gelb")


def test_form_without_its_hidden_fields_never_overwrites(welt, massnahme, partner):
    als(partner).post(url(massnahme), geoeffnet(als(partner), massnahme, erreicht="Blomberg"))
    response = als(welt.users["cdo_eigen"]).post(
        url(massnahme),
        {"fortschritt": "10", "ampel": "rot", "erreicht": "ohne Formular", "risiken": ""},
    )
    assert response.status_code == 409
    assert Statusmeldung.objects.get(quartal=str(Quartal.current())).erreicht == "Blomberg"
    assert stand(massnahme) == (48, "gelb")


# --- two POSTs at the same moment (PostgreSQL row locks) -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_parallel_posts_give_one_save_and_one_german_409(welt, massnahme, partner):
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    personen = {"Detmold": welt.users["cdo_eigen"], "Blomberg": partner}
    formulare = {
        name: geoeffnet(als(user), massnahme, erreicht=f"Bericht aus {name}")
        for name, user in personen.items()
    }
    # Both requests have read the (missing) Statusmeldung before either one writes.
    barriere = threading.Barrier(2)
    original = StatusmeldungForm.full_clean

    def gleichzeitig(self):
        barriere.wait(timeout=10)
        return original(self)

    ergebnisse: dict[str, object] = {}

    def senden(name):
        try:
            client = als(personen[name])
            ergebnisse[name] = client.post(url(massnahme), formulare[name])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            ergebnisse[name] = error
        finally:
            connection.close()

    with patch.object(StatusmeldungForm, "full_clean", gleichzeitig):
        threads = [threading.Thread(target=senden, args=(name,)) for name in personen]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    codes = {name: getattr(r, "status_code", repr(r)) for name, r in ergebnisse.items()}
    assert sorted(codes.values(), key=str) == [302, 409], codes
    gewinner = next(name for name, code in codes.items() if code == 302)
    verlierer = next(name for name, code in codes.items() if code == 409)
    html = ergebnisse[verlierer].content.decode()
    assert "hat die Statusmeldung inzwischen gespeichert" in html
    assert f"Bericht aus {gewinner}" in html and f"Bericht aus {verlierer}" in html
    meldung = Statusmeldung.objects.get(massnahme=massnahme, quartal=str(Quartal.current()))
    assert meldung.erreicht == f"Bericht aus {gewinner}"
    assert Massnahme.objects.get(pk=massnahme.pk).fortschritt == 48


def test_one_more_open_statusmeldung_is_singular(welt, login):
    """ "wartet noch 1 weitere Statusmeldung", not "warten noch 1 weitere Statusmeldung";
    a Maßnahme that starts next year owes none this quarter and is not counted."""
    import datetime as dt

    from core.quartal import Quartal
    from tests.factories import MassnahmeFactory

    def neue(**kwargs):
        return MassnahmeFactory(
            kreis=welt.lippe, federfuehrend=welt.detmold, handlungsfeld=welt.handlungsfeld, **kwargs
        )

    neue(titel="Zweite offene Maßnahme")
    start = Quartal.current().next(4).beginn
    spaeter = neue(titel="Startet erst nächstes Jahr", beginn=start, ende_geplant=start)
    client = login(welt.users["cdo_eigen"])
    html = client.get(f"/massnahmen/{welt.massnahme.pk}/statusmeldung/").content.decode()
    assert "Danach wartet noch 1 weitere Statusmeldung auf Sie." in html
    neue(titel="Dritte offene Maßnahme", beginn=dt.date(2020, 1, 1))
    html = client.get(f"/massnahmen/{welt.massnahme.pk}/statusmeldung/").content.decode()
    assert "Danach warten noch 2 weitere Statusmeldungen auf Sie." in html
    liste = client.get("/massnahmen/?ohne_meldung=ja").content.decode()
    assert spaeter.titel not in liste and "Dritte offene Maßnahme" in liste

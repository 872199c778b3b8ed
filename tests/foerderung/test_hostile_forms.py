"""Random and hostile values in every field of the Förderbescheid and Mittelabruf forms:
never an exception (a 500), always field errors or a redirect, and nothing stored changes
when the form is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from foerderung.forms import FoerderbescheidForm, MittelabrufForm
from foerderung.models import BescheidDokument, Erinnerung, Foerderbescheid, Mittelabruf
from tests.factories import FoerderbescheidFactory, FoerderprogrammFactory, MittelabrufFactory
from tests.hostile import BOESE, felder_von, werte

pytestmark = pytest.mark.django_db

GUT = object()  # stands for a valid value of the field, filled in per test

GELD = [
    "245.000,00",
    "245000",
    "245.000 €",
    "-245.000,00",
    "0",
    "0,001",
    "99.999.999.999,99",
    "1e6",
    "245,000.00",
    "1.2.3",
    "\u2212" + "5",
    "٣٤٥",
]
DATUM = ["2022-06-01", "01.06.2022", "2022-02-30", "9999-12-31", "0001-01-01", "10000-01-01"]


def boese(*besondere: str):
    return st.one_of(st.sampled_from([*BOESE, *besondere]), werte, st.none())


def feld(*besondere: str):
    """Mostly the valid value (so the forms also get as far as saving), else hostile,
    random or left out (None)."""
    return st.integers(0, 9).flatmap(lambda n: st.just(GUT) if n < 8 else boese(*besondere))


# Fields with their own hostile values; every other field of the form (felder_von) gets
# the general ones.
BESCHEID_BESONDERS = {
    "kreis": feld("05766", "05758", "99999"),
    "programm": feld("0", "-1", "999999"),
    "aktenzeichen": feld(),
    "bescheiddatum": feld(*DATUM),
    "status": feld("bewilligt", "widerrufen"),
    "zuwendungsempfaenger": feld("0", "999999"),
    "partner": st.one_of(st.just(GUT), st.lists(boese("0", "999999"), max_size=4)),
    "bewilligter_betrag": feld(*GELD),
    "foerderquote": feld("90", "90,5", "100", "100,01", "0", "-10", "90 %"),
    "bewilligungszeitraum_beginn": feld(*DATUM),
    "bewilligungszeitraum_ende": feld(*DATUM),
    "verwendungsnachweis_faellig": feld(*DATUM),
    "zweck": feld(),
    "massnahmen": st.one_of(st.just(GUT), st.lists(boese("0"), max_size=3)),
}
BESCHEID_FELDER = {
    **{name: BESCHEID_BESONDERS.get(name, feld()) for name in felder_von(FoerderbescheidForm)},
    "pruefen": st.sampled_from([None, None, None, "1"]),  # the "check first" button
}
ABRUF_BESONDERS = {
    "datum": feld(*DATUM),
    "betrag": feld(*GELD, "134.850,00", "134.850,01"),
    "status": feld("beantragt", "ausgezahlt"),
    "ausgezahlt_am": feld(*DATUM),
    "bemerkung": feld(),
}
ABRUF_FELDER = {name: ABRUF_BESONDERS.get(name, feld()) for name in felder_von(MittelabrufForm)}
HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def formular(felder: dict):
    return st.fixed_dictionaries(felder)


def einsetzen(daten: dict, gut: dict) -> dict:
    fertig = {}
    for name, wert in daten.items():
        if wert is GUT:
            wert = gut.get(name)  # a field without a valid value here is left out
        if wert is None:
            continue
        fertig[name] = (
            [gut[name] if w is GUT else w for w in wert] if isinstance(wert, list) else wert
        )
    return fertig


def snapshot():
    return (
        list(Foerderbescheid.objects.order_by("pk").values()),
        list(Foerderbescheid.partner.through.objects.order_by("pk").values()),
        list(Foerderbescheid.massnahmen.through.objects.order_by("pk").values()),
        list(Mittelabruf.objects.order_by("pk").values()),
        list(BescheidDokument.objects.order_by("pk").values()),
        list(Erinnerung.objects.order_by("pk").values()),
        Foerderbescheid.history.count(),
        Mittelabruf.history.count(),
    )


@pytest.fixture
def bescheid(welt):
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe, zuwendungsempfaenger=welt.detmold, programm=FoerderprogrammFactory()
    )
    bescheid.partner.set([welt.blomberg])
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("110150"))
    return bescheid


def gute_werte(welt, bescheid) -> dict:
    return {
        "kreis": welt.lippe.pk,
        "programm": str(bescheid.programm_id),
        "aktenzeichen": "34.2-IKZ-2024/099",
        "bescheiddatum": "2021-11-15",
        "status": "in_durchfuehrung",
        "zuwendungsempfaenger": str(welt.lemgo.pk),
        "partner": str(welt.blomberg.pk),
        "bewilligter_betrag": "210.000,00",
        "foerderquote": "90",
        "bewilligungszeitraum_beginn": "2021-12-01",
        "bewilligungszeitraum_ende": "2026-12-31",
        "verwendungsnachweis_faellig": "2027-03-31",
        "zweck": "Gemeinsames Projekt",
        "massnahmen": str(welt.massnahme.pk),
        "pruefen": None,
    }


GUTER_ABRUF = {
    "datum": "2024-01-15",
    "betrag": "1.000,00",
    "status": "ausgezahlt",
    "ausgezahlt_am": "2024-01-20",
    "bemerkung": "3. Abruf",
}


def pruefen(client, url: str, daten: dict) -> None:
    """Post inside a savepoint that is rolled back, so every example starts alike."""
    with transaction.atomic():
        vorher = snapshot()
        response = client.post(url, daten)
        assert response.status_code in (200, 302, 422), response.status_code
        event(f"HTTP {response.status_code}")
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        if response.status_code in (200, 422):
            if "pruefen" not in daten:
                assert response.context["form"].errors, "refused without saying why"
            assert snapshot() == vorher
        transaction.set_rollback(True)


@HYPOTHESIS
@given(daten=formular(BESCHEID_FELDER))
def test_new_bescheid_survives_hostile_input(welt, login, bescheid, daten):
    client = login(welt.users["kreis"])
    pruefen(client, "/foerderung/neu/", einsetzen(daten, gute_werte(welt, bescheid)))


@HYPOTHESIS
@given(daten=formular(BESCHEID_FELDER))
def test_bescheid_edit_survives_hostile_input(welt, login, bescheid, daten):
    client = login(welt.users["kreis"])
    url = f"/foerderung/{bescheid.pk}/bearbeiten/"
    # With the hidden version the form shows (core.locking): the input is what is fuzzed.
    daten = {**einsetzen(daten, gute_werte(welt, bescheid)), "version": bescheid.version}
    pruefen(client, url, daten)


@HYPOTHESIS
@given(daten=formular(ABRUF_FELDER))
def test_mittelabruf_survives_hostile_input(welt, login, bescheid, daten):
    client = login(welt.users["kreis"])
    url = f"/foerderung/{bescheid.pk}/mittelabrufe/neu/"
    pruefen(client, url, einsetzen(daten, GUTER_ABRUF))


def test_valid_values_pass_so_the_tests_above_reach_the_save(welt, login, bescheid):
    """The valid values really are valid: the hostile tests also exercise saving."""
    client = login(welt.users["kreis"])
    gut = gute_werte(welt, bescheid)
    felder = [f for f in BESCHEID_FELDER if gut.get(f) is not None]
    assert client.post("/foerderung/neu/", {f: gut[f] for f in felder}).status_code == 302
    assert (
        client.post(f"/foerderung/{bescheid.pk}/mittelabrufe/neu/", GUTER_ABRUF).status_code == 302
    )

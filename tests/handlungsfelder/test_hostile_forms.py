"""Random and hostile values in every field of the Ziel, Kennzahl and value forms: never
an exception, always field errors (422) or a redirect, and nothing stored changes when the
form is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from handlungsfelder.forms import KennzahlForm, KennzahlWertForm, ZielForm
from handlungsfelder.models import Kennzahl, KennzahlWert, Ziel
from tests.factories import KennzahlFactory, ZielFactory
from tests.hostile import felder_von, formulardaten

pytestmark = pytest.mark.django_db

ZIEL_FELDER = felder_von(ZielForm)
KENNZAHL_FELDER = felder_von(KennzahlForm)
WERT_FELDER = felder_von(KennzahlWertForm)
EINSTELLUNGEN = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def snapshot():
    return (
        list(Ziel.objects.order_by("pk").values()),
        list(Kennzahl.objects.order_by("pk").values()),
        list(KennzahlWert.objects.order_by("pk").values()),
    )


@pytest.fixture
def kennzahl(welt):
    ziel = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld)
    return KennzahlFactory(ziel=ziel, ebene=Kennzahl.Ebene.KOMMUNE, basisdatum=dt.date(2024, 1, 1))


def _pruefen(client, url, daten):
    vorher = snapshot()
    response = client.post(url, daten)
    assert response.status_code in (302, 422), response.status_code
    if response.status_code != 302:
        assert snapshot() == vorher
        assert "<script>alert(1)</script>" not in response.content.decode()


@EINSTELLUNGEN
@given(daten=formulardaten(ZIEL_FELDER))
def test_ziel_form_survives_hostile_input(welt, login, kennzahl, daten):
    _pruefen(login(welt.users["kreis"]), f"/strategie/ziele/{kennzahl.ziel_id}/bearbeiten/", daten)


@EINSTELLUNGEN
@given(daten=formulardaten(KENNZAHL_FELDER))
def test_kennzahl_form_survives_hostile_input(welt, login, kennzahl, daten):
    _pruefen(login(welt.users["kreis"]), f"/strategie/kennzahlen/{kennzahl.pk}/bearbeiten/", daten)


@EINSTELLUNGEN
@given(daten=formulardaten(WERT_FELDER))
def test_value_form_survives_hostile_input(welt, login, kennzahl, daten):
    _pruefen(login(welt.users["cdo_eigen"]), f"/strategie/kennzahlen/{kennzahl.pk}/werte/", daten)

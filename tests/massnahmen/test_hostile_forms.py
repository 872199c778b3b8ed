"""Random and hostile values in every field of the Maßnahme and Statusmeldung forms:
never an exception, always field errors (4xx) or a redirect, and nothing stored changes
when the form is refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from massnahmen.forms import MassnahmeForm, MeilensteinFormSet, StatusmeldungForm
from massnahmen.models import Massnahme, Meilenstein, Statusmeldung
from tests.hostile import felder_von, formulardaten

pytestmark = pytest.mark.django_db

MASSNAHME_FELDER = felder_von(MassnahmeForm, MeilensteinFormSet)
MELDUNG_FELDER = felder_von(StatusmeldungForm)


def snapshot():
    return (
        list(Massnahme.objects.order_by("pk").values()),
        list(Meilenstein.objects.order_by("pk").values()),
        list(Statusmeldung.objects.order_by("pk").values()),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(daten=formulardaten(MASSNAHME_FELDER))
def test_massnahme_form_survives_hostile_input(welt, login, daten):
    client = login(welt.users["cdo_eigen"])
    vorher = snapshot()
    response = client.post(f"/massnahmen/{welt.massnahme.pk}/bearbeiten/", daten)
    assert response.status_code in (302, 400, 409, 422)
    if response.status_code != 302:
        assert snapshot() == vorher
        assert "<script>alert(1)</script>" not in response.content.decode()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(daten=formulardaten(MELDUNG_FELDER))
def test_statusmeldung_form_survives_hostile_input(welt, login, daten):
    client = login(welt.users["cdo_eigen"])
    vorher = snapshot()
    response = client.post(f"/massnahmen/{welt.massnahme.pk}/statusmeldung/", daten)
    assert response.status_code in (302, 400, 409, 422)
    if response.status_code != 302:
        assert snapshot() == vorher


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(daten=formulardaten(MASSNAHME_FELDER))
def test_create_form_survives_hostile_input(welt, login, daten):
    client = login(welt.users["kreis"])
    vorher = snapshot()
    response = client.post("/massnahmen/neu/", daten)
    assert response.status_code in (302, 400, 422)
    if response.status_code != 302:
        assert snapshot() == vorher

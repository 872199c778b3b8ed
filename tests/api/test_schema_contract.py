"""Contract test of the read API (issue 17, point 2): schemathesis generates requests from
/api/v1/openapi.json and sends them through the WSGI app, without a token and with the token
of a Kreis-Lippe person, on a world with published and internal data in two Kreise.

Every response: no 5xx, a status code, content type, headers and body the schema documents.
With the Lippe token, additionally: no response ever carries Herford's internal data.

Bounded and deterministic: `derandomize=True` (the same examples on every run) and few
examples per operation, so both runs together stay well under a minute on a loaded 2-core
machine (measured: see the report of issue 17).
"""

from __future__ import annotations

import functools
from decimal import Decimal

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiToken
from tests.factories import (
    FoerderbescheidFactory,
    KennzahlFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    MittelabrufFactory,
    OzgLeistungFactory,
    StatusmeldungFactory,
    UmsetzungsstandFactory,
    WorkshopFactory,
    ZielFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Marks of Herford's internal data: the Lippe token must never return them.
GEHEIM = "GEHEIM-HERFORD"

BEGRENZT = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def _verbindung_offen():
    """The WSGI app closes the database connection after each request (request_finished);
    inside a test's transaction it must stay open, as Django's test client keeps it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def vertragswelt(welt, _verbindung_offen):
    """Published and internal Maßnahmen, Ziele, Kennzahlen, OZG states and grants in Lippe
    and Herford; the Lippe token; the schema loaded from the app itself."""
    oeffentlich = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Offenes WLAN in Lemgo",
        veroeffentlicht=True,
        budget=Decimal("12000.00"),
        beteiligte=[welt.detmold],
    )
    StatusmeldungFactory(
        massnahme=oeffentlich,
        erreicht="Ausschreibung vorbereitet",
        oeffentliche_zusammenfassung="Die Ausschreibung ist veröffentlicht.",
    )
    MeilensteinFactory(massnahme=oeffentlich)
    herford = MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel=f"{GEHEIM} Planung",
        beschreibung=f"{GEHEIM} intern",
    )
    StatusmeldungFactory(
        massnahme=herford,
        erreicht=f"{GEHEIM} Meldung",
        risiken=GEHEIM,
        oeffentliche_zusammenfassung=f"{GEHEIM} Zusammenfassung einer internen Maßnahme",
    )
    for kreis, titel, offen in (
        (welt.lippe, "Alle Dienste online", True),
        (welt.lippe, "Interner Entwurf Lippe", False),
        (welt.herford, f"{GEHEIM} Ziel", False),
    ):
        ziel = ZielFactory(
            kreis=kreis, handlungsfeld=welt.handlungsfeld, titel=titel, veroeffentlicht=offen
        )
        kennzahl = KennzahlFactory(ziel=ziel, name=f"Kennzahl {titel}")
        kennzahl.werte.create(quartal="2026-Q3", wert=Decimal("12.5"))
    leistung = OzgLeistungFactory()
    UmsetzungsstandFactory(leistung=leistung, kommune=welt.detmold, reifegrad=4)
    UmsetzungsstandFactory(leistung=leistung, kommune=welt.herford_stadt, reifegrad=1)
    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    MittelabrufFactory(bescheid=bescheid)
    FoerderbescheidFactory(
        kreis=welt.herford, zuwendungsempfaenger=welt.herford_stadt, zweck=f"{GEHEIM} Zweck"
    )
    WorkshopFactory(kreis=welt.lippe, titel="Workshop Lippe", veroeffentlicht_am=timezone.now())
    WorkshopFactory(
        kreis=welt.herford, titel=f"{GEHEIM} Workshop", veroeffentlicht_am=timezone.now()
    )
    _, lippe_token = ApiToken.issue(user=welt.users["kreis"], bezeichnung="Vertragstest")
    return {"welt": welt, "lippe_token": lippe_token, "herford_id": herford.pk}


@functools.cache
def _operationen() -> tuple:
    from lippe_portal.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operationen = [ergebnis.ok() for ergebnis in schema.get_all_operations()]
    # Guard against a silently empty run: every documented path is exercised.
    assert {op.path for op in operationen} >= {
        "/api/v1/massnahmen/",
        "/api/v1/massnahmen/{massnahme_id}/",
        "/api/v1/ziele/",
        "/api/v1/ozg/abdeckung/",
        "/api/v1/foerderung/summen/",
        "/api/v1/foerderung/bescheide/",
        "/api/v1/ozg/umsetzung/",
        "/api/v1/workshops/",
    }
    return tuple(operationen)


def _pruefen(headers: dict, geheim_pruefen: bool) -> int:
    """Run every operation's generated cases; returns how many requests were sent."""
    gesendet = 0
    for operation in _operationen():

        @BEGRENZT
        @given(case=operation.as_strategy())
        def fall(case):
            nonlocal gesendet
            response = case.call_and_validate(checks=CHECKS, headers=headers)
            gesendet += 1
            if geheim_pruefen:
                assert GEHEIM not in response.text, (case.path, case.path_parameters, case.query)

        fall()
    return gesendet


@pytest.mark.django_db
def test_anonymous_requests_match_the_schema(vertragswelt):
    # Anonymous answers are public and so gzip-compressed when the client accepts it
    # (core.middleware.OeffentlichGZipMiddleware); schemathesis's WSGI transport asks for
    # gzip but does not unpack, so the checks (and the secret search) get the plain body.
    assert _pruefen({"Accept-Encoding": "identity"}, geheim_pruefen=True) >= 30


@pytest.mark.django_db
def test_a_lippe_token_gets_schema_conform_answers_and_no_herford_internals(vertragswelt):
    token = {"Authorization": f"Bearer {vertragswelt['lippe_token']}"}
    assert _pruefen(token, geheim_pruefen=True) >= 30
    # The token was really used: the Lippe person's internal Ziel is in the answer.
    from django.test import Client

    antwort = Client(headers=token).get("/api/v1/ziele/").json()
    assert "Interner Entwurf Lippe" in {z["titel"] for z in antwort["ergebnisse"]}

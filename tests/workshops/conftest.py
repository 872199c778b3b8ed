"""Fixtures of the workshop tests: a published upcoming workshop of Kreis Lippe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.benachrichtigungen.smtp import celery_wiederholt, smtp  # noqa: F401 (fixtures)
from tests.factories import WorkshopFactory
from workshops.models import Ergebnis, Workshop


@pytest.fixture
def workshop(welt) -> Workshop:
    """Published, in a fortnight, 14:00–16:00 local time, organised by Detmold."""
    tag = timezone.localdate() + dt.timedelta(days=14)
    beginn = timezone.make_aware(dt.datetime.combine(tag, dt.time(14, 0)))
    return WorkshopFactory(
        kreis=welt.lippe,
        titel="Fachaustausch OZG-Reifegradmodell 2.0",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=2),
        format=Workshop.Format.VIDEO,
        online_link="https://video.example.invalid/ozg",
        handlungsfeld=welt.handlungsfeld,
        organisiert_von=welt.detmold,
        agenda="1. Stufen 0–7\n2. Nachnutzung von EfA-Diensten",
        veroeffentlicht_am=timezone.now() - dt.timedelta(days=7),
    )


@pytest.fixture
def entwurf(welt) -> Workshop:
    beginn = timezone.now() + dt.timedelta(days=30)
    return WorkshopFactory(
        kreis=welt.lippe,
        titel="Werkstatt Prozessmanagement",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=4),
        format=Workshop.Format.HYBRID,
        ort="Rathaus Blomberg, Sitzungssaal",
        online_link="https://video.example.invalid/werkstatt",
    )


@pytest.fixture
def ergebnis(workshop, welt) -> Ergebnis:
    return Ergebnis.objects.create(
        workshop=workshop,
        beschreibung="Stand der E-Akte in allen Kommunen abfragen\nund beim nächsten Treffen vorstellen.",
        verantwortlich=welt.detmold,
        faellig_am=timezone.localdate() + dt.timedelta(days=30),
    )

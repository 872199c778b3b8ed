"""Fixtures of the report tests: the demo Kreis and the generated large Kreis, each
rendered once per test run.

Tests that use them need database access (`pytest.mark.django_db`): pytest-django sets up
the test database only when a collected test asks for it. Mark them with
`pytest.mark.xdist_group(XDIST_GRUPPE)` as well: `make test` runs pytest-xdist with
`--dist loadgroup`, and a session fixture is made once per process, so the tests that share
the rendered reports belong in one process.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from berichte import services
from berichte.pdf import VARIANTEN
from core.quartal import Quartal
from kommunen.models import Kreis

from .grosser_kreis import grosser_kreis_anlegen

XDIST_GRUPPE = "berichte-pdf"
STAND = timezone.make_aware(dt.datetime(2026, 10, 10, 6, 0))
Q3 = Quartal(2026, 3)


def _gerendert(django_db_blocker, anlegen: Callable[[], Kreis]) -> dict[str, bytes]:
    """Create the data, render the report of Q3 2026 in every variant, roll back."""
    with django_db_blocker.unblock(), transaction.atomic():
        kreis = anlegen()
        pdfs = {
            variante: services.bericht_pdf(
                kreis=kreis, quartal=Q3, variante=variante, stand=STAND
            ).inhalt
            for variante in VARIANTEN
        }
        transaction.set_rollback(True)
    return pdfs


@pytest.fixture(scope="session")
def grosser_bericht(django_db_setup, django_db_blocker) -> dict[str, bytes]:
    """The report of the generated Kreis (500 Maßnahmen, 40 Förderbescheide, long names,
    tests/berichte/grosser_kreis.py) as PDF bytes per variant."""
    return _gerendert(django_db_blocker, lambda: grosser_kreis_anlegen(quartal=Q3).kreis)


@pytest.fixture(scope="session")
def demo_bericht(django_db_setup, django_db_blocker) -> dict[str, bytes]:
    """The report of the demo Kreis Lippe (`seed_demo`, as `make run` shows it) as PDF
    bytes per variant."""

    def anlegen() -> Kreis:
        with open(os.devnull, "w") as still:
            call_command("seed_demo", "--force", verbosity=0, stdout=still)
        return Kreis.objects.get(ags="05766")

    return _gerendert(django_db_blocker, anlegen)

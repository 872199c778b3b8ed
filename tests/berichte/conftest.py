"""Fixtures of the report tests: the demo Kreis and the generated large Kreis, each
rendered once per test run (a report of the large Kreis takes about a minute: CI renders
each of them once and every test reads the same files).

Tests that use them need database access (`pytest.mark.django_db`): pytest-django sets up
the test database only when a collected test asks for it. Mark them with
`pytest.mark.xdist_group(XDIST_GRUPPE)` as well: `make test` runs pytest-xdist with
`--dist loadgroup`, and a session fixture is made once per process, so the tests that share
the rendered reports belong in one process.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from berichte import services
from berichte.models import Quartalsbericht
from berichte.pdf import VARIANTEN
from core.quartal import Quartal
from kommunen.models import Kreis, Rolle
from tests.factories import MitgliedschaftFactory, UserFactory

from .grosser_kreis import Soll, grosser_kreis_anlegen

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


# The large Kreis's report as Kreis staff make it: with their logo on the cover, as a
# numbered version; the PDF/A variant without the Steckbriefe appendix (the requester's
# switch, issue 14 point 4c), so the switch is checked on the large Kreis without a third
# rendering.
GROSSER_BERICHT_VERSION = 2
OHNE_STECKBRIEFE = "pdf/a-3b"


@dataclass
class GrosserBericht:
    """The large Kreis's report: the PDF per variant, the web preview of its record
    (/berichte/<id>/, HTML) and the figures the generator made (`Soll`)."""

    pdfs: dict[str, bytes]
    vorschau: str
    soll: Soll


def _logo_png() -> bytes:
    from PIL import Image

    puffer = io.BytesIO()
    Image.new("RGB", (240, 80), (11, 60, 104)).save(puffer, format="PNG")
    return puffer.getvalue()


@pytest.fixture(scope="session")
def grosser_bericht_mit_vorschau(django_db_setup, django_db_blocker) -> GrosserBericht:
    """The report of the generated Kreis (500 Maßnahmen, 40 Förderbescheide, long names,
    tests/berichte/grosser_kreis.py), made once per test run: Kreis staff upload a logo
    (through the upload form, checked like every upload) and open the web preview of
    version 2; both variants are rendered (the PDF/A one without the Steckbriefe)."""
    with django_db_blocker.unblock(), transaction.atomic():
        gross = grosser_kreis_anlegen(quartal=Q3)
        kreis = gross.kreis
        mitarbeiterin = UserFactory(email="kreis.gross@example.invalid")
        MitgliedschaftFactory(user=mitarbeiterin, rolle=Rolle.KREIS, kommune=None, kreis=kreis)
        client = Client()
        client.force_login(mitarbeiterin)
        hochgeladen = client.post(
            f"/berichte/logo/{kreis.slug}/",
            {"logo": SimpleUploadedFile("logo.png", _logo_png(), content_type="image/png")},
        )
        assert hochgeladen.status_code == 302, hochgeladen.content.decode()[:2000]
        gerendert = {
            variante: services.bericht_pdf(
                kreis=kreis,
                quartal=Q3,
                variante=variante,
                stand=STAND,
                version=GROSSER_BERICHT_VERSION,
                mit_steckbriefen=variante != OHNE_STECKBRIEFE,
            )
            for variante in VARIANTEN
        }
        pdfs = {variante: pdf.inhalt for variante, pdf in gerendert.items()}
        # The finished record of the PDF/UA file, whose page Kreis staff open.
        bericht = Quartalsbericht.objects.create(
            kreis=kreis,
            quartal=str(Q3),
            version=GROSSER_BERICHT_VERSION,
            mit_steckbriefen=True,
            status=Quartalsbericht.Status.FERTIG,
            fertig_am=STAND,
            datei=ContentFile(pdfs["pdf/ua-1"], name="bericht-gross.pdf"),
            seiten=gerendert["pdf/ua-1"].seiten,
        )
        seite = client.get(f"/berichte/{bericht.pk}/")
        assert seite.status_code == 200
        transaction.set_rollback(True)
    return GrosserBericht(pdfs, seite.content.decode(), gross.soll)


@pytest.fixture(scope="session")
def grosser_bericht(grosser_bericht_mit_vorschau) -> dict[str, bytes]:
    """The large Kreis's report as PDF bytes per variant (see above)."""
    return grosser_bericht_mit_vorschau.pdfs


@pytest.fixture(scope="session")
def demo_bericht(django_db_setup, django_db_blocker) -> dict[str, bytes]:
    """The report of the demo Kreis Lippe (`seed_demo`, as `make run` shows it) as PDF
    bytes per variant."""

    def anlegen() -> Kreis:
        with open(os.devnull, "w") as still:
            call_command("seed_demo", "--force", verbosity=0, stdout=still)
        return Kreis.objects.get(ags="05766")

    return _gerendert(django_db_blocker, anlegen)

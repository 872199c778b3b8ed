"""Reports through a real Celery worker process (Redis broker, the test database shared with
the worker): end to end, and a worker killed with SIGKILL in the middle of rendering.

Runs where CELERY_BROKER_URL points to a reachable broker; under CI=true a missing broker
fails instead of skipping (require_or_skip).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time

import pypdf
import pytest
from django.core.files.storage import default_storage

from berichte import services
from berichte.models import Quartalsbericht
from core.quartal import Quartal
from tests.conftest import require_or_skip
from tests.core import test_celery_worker as echter_worker
from tests.factories import MassnahmeFactory, StatusmeldungFactory
from tests.stichtag import zurueckdatieren

pytestmark = pytest.mark.celery_worker
celery_worker_prozess = echter_worker.celery_worker_process  # the fixture, reused

Q = Quartal(2026, 2)
# The killed worker's unacknowledged task returns to the queue after this many seconds.
SICHTBARKEIT = 3


@pytest.fixture
def broker(transactional_db, settings, monkeypatch):
    """The broker of tests/core/test_celery_worker.py, reached by this process too."""
    from lippe_portal.celery import app

    url = echter_worker._broker_url()
    require_or_skip(
        echter_worker._broker_reachable(url),
        f"Celery-Broker nicht erreichbar ({url or 'nicht gesetzt'})",
    )
    # Read by the workers started below (they copy this process's environment).
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", str(SICHTBARKEIT))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    alte_url = app.conf.broker_url
    app.conf.task_always_eager = False
    echter_worker.verbindungen_vergessen(app)
    app.conf.broker_url = url
    app.control.purge()  # nothing left over from an earlier run
    yield app
    app.conf.task_always_eager = True
    app.conf.broker_url = alte_url
    echter_worker.verbindungen_vergessen(app)


@pytest.fixture
def worker(broker, celery_worker_prozess):
    """The worker process of tests/core/test_celery_worker.py, started after `broker`."""
    return celery_worker_prozess


@pytest.fixture
def zweiter_worker(worker):
    """Starts another worker with the same command line, once the first one is gone."""
    prozesse = []

    def starten() -> subprocess.Popen:
        prozess = subprocess.Popen(
            worker.args,
            cwd=echter_worker.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "lippe_portal.settings.test",
                "DATABASE_URL": echter_worker._database_url_for_worker(),
                "CELERY_BROKER_URL": echter_worker._broker_url(),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        prozesse.append(prozess)
        return prozess

    yield starten
    for prozess in prozesse:
        prozess.send_signal(signal.SIGTERM)
        try:
            prozess.wait(timeout=20)
        except subprocess.TimeoutExpired:
            prozess.kill()


def _warten_auf(bericht: Quartalsbericht, status: set[str], prozess, sekunden: float = 120):
    ende = time.monotonic() + sekunden
    while time.monotonic() < ende:
        bericht.refresh_from_db()
        if bericht.status in status:
            return bericht
        if prozess.poll() is not None:
            pytest.fail(f"Celery-Worker hat sich beendet (Code {prozess.returncode})")
        time.sleep(0.05)
    pytest.fail(f"Bericht blieb {bericht.status}, erwartet {status}")


def _massnahmen(welt, anzahl: int) -> None:
    for nummer in range(anzahl):
        m = MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=welt.detmold,
            handlungsfeld=welt.handlungsfeld,
            titel=f"Maßnahme im Worker-Test {nummer:03d}",
        )
        StatusmeldungFactory(
            massnahme=m,
            quartal=str(Q),
            erreicht="Ausführlicher Bericht über das Erreichte. " * 12,
            naechste_schritte="Weitere Schritte folgen. " * 8,
        )
    zurueckdatieren(Q.ende)  # entered during the quarter the report is about


def test_report_rendered_end_to_end_by_the_worker(welt, worker):
    prozess = worker
    _massnahmen(welt, 3)
    bericht = services.request_bericht(kreis=welt.lippe, quartal=Q, user=welt.users["kreis"])
    bericht = _warten_auf(bericht, {"fertig", "fehlgeschlagen"}, prozess)
    assert bericht.status == "fertig", bericht.fehler
    assert bericht.datei.name == "berichte/05766/Quartalsbericht_Lippe_2026-Q2_v1.pdf"
    with bericht.datei.open("rb") as datei:
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(datei.read())).pages)
    assert "Maßnahme im Worker-Test 002" in text
    assert f"Seite {bericht.seiten} von {bericht.seiten}" in text


def test_worker_killed_while_rendering_another_worker_finishes_the_report(
    welt, worker, zweiter_worker
):
    erster = worker
    # Enough content that rendering takes seconds, so the kill lands in the middle of it.
    _massnahmen(welt, 120)
    bericht = services.request_bericht(kreis=welt.lippe, quartal=Q, user=welt.users["kreis"])
    _warten_auf(bericht, {"in_arbeit"}, erster, sekunden=90)
    time.sleep(0.5)
    erster.send_signal(signal.SIGKILL)
    erster.wait(timeout=10)
    bericht.refresh_from_db()
    assert bericht.status == "in_arbeit", "Der Worker war schon fertig – zu wenig Inhalt?"

    zweiter = zweiter_worker()
    bericht = _warten_auf(bericht, {"fertig", "fehlgeschlagen"}, zweiter, sekunden=180)
    assert bericht.status == "fertig", bericht.fehler
    assert bericht.versuche == 0  # redelivered by the broker, not restarted by the sweeper
    assert bericht.version == 1
    assert Quartalsbericht.objects.count() == 1
    # One file under the fixed name, none left over with a random suffix.
    _, dateien = default_storage.listdir("berichte/05766")
    assert [d for d in dateien if "2026-Q2" in d] == ["Quartalsbericht_Lippe_2026-Q2_v1.pdf"]

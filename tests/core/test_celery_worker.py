"""A real Celery worker process: a task travels through the broker (Redis in CI) and the
worker writes to the same database the test reads (PostgreSQL in CI)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import WorkerHeartbeat
from tests.conftest import require_or_skip

BASE_DIR = Path(settings.BASE_DIR)


def verbindungen_vergessen(app) -> None:
    """Drop the pooled broker connections, so a changed `broker_url` takes effect.

    Not `app.close()`: that also deregisters the app, after which shared tasks resolved later
    in the same process find a registry without them (NotRegistered in unrelated tests).
    """
    app._pool = None
    app.amqp._producer_pool = None


def _broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL", "")


def _broker_reachable(url: str) -> bool:
    if not url:
        return False
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001
        return False


def _database_url_for_worker() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def worker_starten(**umgebung: str) -> subprocess.Popen:
    """A worker process on the test database and broker; `umgebung` adds variables."""
    url = _broker_url()
    require_or_skip(
        _broker_reachable(url), f"Celery-Broker nicht erreichbar ({url or 'nicht gesetzt'})"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lippe_portal.settings.test",
        "DATABASE_URL": _database_url_for_worker(),
        "CELERY_BROKER_URL": url,
        **umgebung,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lippe_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--hostname=pytest@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def worker_beenden(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def celery_worker_process(transactional_db):
    process = worker_starten()
    yield process
    worker_beenden(process)


@pytest.fixture
def echter_broker(settings):
    """Tasks go through the real broker for this test, and run in-process again after it.

    The Celery app's own configuration is what decides (Django's `settings` fixture only
    restores the Django setting), so its old values are kept here and put back in the
    teardown, whatever the test did."""
    from lippe_portal.celery import app

    vorher = (app.conf.task_always_eager, app.conf.broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    verbindungen_vergessen(app)
    app.conf.broker_url = _broker_url()
    yield app
    app.conf.task_always_eager, app.conf.broker_url = vorher
    verbindungen_vergessen(app)


@pytest.mark.celery_worker
def test_task_round_trip_through_broker_writes_to_database(celery_worker_process, echter_broker):
    app = echter_broker
    result = app.send_task("core.worker_heartbeat")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(hostname__startswith="pytest@").exists():
            break
        if celery_worker_process.poll() is not None:
            output = celery_worker_process.stdout.read().decode(errors="replace")
            pytest.fail(f"Celery-Worker beendet sich vorzeitig:\n{output}")
        time.sleep(0.2)
    beat = WorkerHeartbeat.objects.get(hostname__startswith="pytest@")
    assert beat.anzahl == 1
    assert result.id

"""/healthz: JSON with database and broker state."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _geschlossener_port() -> int:
    """A local TCP port nobody listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A fresh process with the test settings whose database is at a closed port: the real
# connection attempt fails, as it does when PostgreSQL is down (no mocking). ATOMIC_REQUESTS
# stays on, as in production, so a transaction opened before the view would show as a 500.
_HEALTHZ_ABRUFEN = """
import json, django
django.setup()
from django.test import Client
response = Client(raise_request_exception=False).get("/healthz")
print(json.dumps({"status": response.status_code, "type": response["Content-Type"],
                  "body": response.content.decode()}))
"""


def test_healthz_is_503_json_when_database_is_unreachable():
    engine = django_settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        # SQLite has no server to be down; point at a file in a directory that is missing.
        url = "sqlite:////nonexistent-dir/healthz/db.sqlite3"
    else:
        url = f"postgres://postgres@127.0.0.1:{_geschlossener_port()}/lippe_healthz"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "lippe_portal.settings.test",
        "CELERY_BROKER_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", _HEALTHZ_ABRUFEN],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    antwort = json.loads(result.stdout.strip().splitlines()[-1])
    assert antwort["status"] == 503, antwort
    assert antwort["type"] == "application/json"
    assert json.loads(antwort["body"]) == {
        "database": "error",
        "broker": "eager",
        "status": "error",
    }


@pytest.mark.django_db
def test_healthz_reports_unreachable_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.json()["broker"] == "error"
    assert response.json()["status"] == "error"

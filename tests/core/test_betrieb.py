"""Operations: the image installs what CI tested, gunicorn is configured on purpose.

The Dockerfile installed from the version ranges of pyproject.toml, so production could run
other versions than CI; gunicorn's workers and timeouts were left to its defaults.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE = Path(settings.BASE_DIR)


def _lock() -> dict[str, str]:
    pins = {}
    for zeile in (BASE / "requirements.lock").read_text().splitlines():
        if "==" in zeile and not zeile.startswith("#"):
            name, version = zeile.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _pip_installs(dockerfile: str) -> list[str]:
    ohne_kommentare = "\n".join(
        z for z in dockerfile.splitlines() if not z.lstrip().startswith("#")
    )
    befehle = ohne_kommentare.replace("\\\n", " ")
    return [b.strip() for b in re.findall(r"pip install[^&\n]*", befehle)]


def test_the_image_installs_exactly_the_lock():
    installs = _pip_installs((BASE / "Dockerfile").read_text())
    assert installs, "Dockerfile installiert nichts mit pip"
    for befehl in installs:
        assert "requirements.lock" in befehl, befehl
        assert "--constraint" in befehl or "-c " in befehl or "-r " in befehl, befehl
    assert "pip check" in (BASE / "Dockerfile").read_text()


def test_the_lock_pins_every_package_the_runtime_needs():
    """Constraints pin only what the lock names: every package of the runtime tree must be
    in it, at the version installed here (which CI tested)."""
    pins = _lock()
    offen = [
        Requirement(r)
        for r in tomllib.loads((BASE / "pyproject.toml").read_text())["project"]["dependencies"]
    ]
    gesehen: set[str] = set()
    fehlt = []
    while offen:
        req = offen.pop()
        name = canonicalize_name(req.name)
        if name in gesehen:
            continue
        gesehen.add(name)
        if name not in pins:
            fehlt.append(name)
            continue
        assert metadata.version(req.name) == pins[name], (name, pins[name])
        for unter in metadata.requires(req.name) or []:
            unter_req = Requirement(unter)
            extras = req.extras or {""}
            if unter_req.marker is None or any(
                unter_req.marker.evaluate({"extra": extra}) for extra in extras
            ):
                offen.append(unter_req)
    assert not fehlt, f"nicht in requirements.lock: {fehlt}"
    assert len(gesehen) > 30


def test_gunicorn_sets_workers_threads_and_timeouts_explicitly(monkeypatch):
    from gunicorn.app.wsgiapp import WSGIApplication

    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    app = WSGIApplication.__new__(WSGIApplication)
    app.usage, app.prog, app.callable = None, None, None
    app.load_default_config()
    app.load_config_from_file(str(BASE / "gunicorn.conf.py"))
    cfg = app.cfg
    assert (cfg.workers, cfg.threads, cfg.worker_class_str) == (3, 4, "gthread")
    assert (cfg.timeout, cfg.graceful_timeout, cfg.keepalive) == (30, 30, 5)
    assert cfg.max_requests == 1000 and cfg.max_requests_jitter == 100
    for datei in ("Dockerfile", "docker-compose.yml"):
        assert "--config gunicorn.conf.py" in (BASE / datei).read_text().replace(
            '"--config", "gunicorn.conf.py"', "--config gunicorn.conf.py"
        ), datei
    readme = (BASE / "README.md").read_text()
    for wort in ("GUNICORN_THREADS", "GUNICORN_TIMEOUT", "gunicorn.conf.py"):
        assert wort in readme, wort


@pytest.mark.django_db
def test_postgresql_connections_of_the_portal_run_without_jit():
    """JIT compilation cost /region/ 630 ms per request at national scale (issue 19)."""
    from django.db import connection

    from tests.conftest import require_or_skip

    require_or_skip(connection.vendor == "postgresql", "PostgreSQL nicht konfiguriert")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

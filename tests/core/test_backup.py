"""`make backup` / `make restore` (scripts/backup.sh, scripts/restore.sh) on PostgreSQL: back
up, wipe, restore, and the data is the same again (row counts of every table, checksums of
some, a media file byte for byte).

Runs against a database of its own, created and dropped here (never the developer's), filled
by a copy of the test database's schema and the reference data plus a person, a Maßnahme with
history and an uploaded document.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import require_or_skip

ROOT = Path(settings.BASE_DIR)
PRUEFSUMMEN = [
    "kommunen_kommune",
    "core_user",
    "massnahmen_massnahme",
    "massnahmen_historicalmassnahme",
    "massnahmen_anhang",
]
BEFUELLEN = """
from django.core.files.base import ContentFile
from django.core.management import call_command
from core.models import User
from kommunen.models import Kommune, Kreis
from handlungsfelder.models import Handlungsfeld
from massnahmen.models import Anhang, Massnahme
call_command("load_reference_data", verbosity=0)
person = User.objects.create_user(email="sicherung@example.invalid", password="x", first_name="Ada")
detmold = Kommune.objects.get(slug="detmold")
m = Massnahme(kreis=detmold.kreis, federfuehrend=detmold, titel="Gesicherte Maßnahme",
              handlungsfeld=Handlungsfeld.objects.first(), ansprechperson=person)
m._history_user = person
m.save()
m.titel = "Gesicherte Maßnahme (geändert)"
m.save()
a = Anhang(massnahme=m, titel="Konzept", hochgeladen_von=person)
a.datei.save("konzept.pdf", ContentFile(b"%PDF-1.7 Sicherungstest " + bytes(range(256))), save=True)
"""


def _psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", "--no-psqlrc", "-tA", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _stand(url: str, media: Path) -> dict:
    """Row count of every table, checksums of some, and a hash of every media file."""
    zaehlung = _psql(
        url,
        "SELECT table_name, (xpath('/row/c/text()', query_to_xml("
        "format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text "
        "FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
    stand = {"zeilen": dict(z.split("|") for z in zaehlung.splitlines())}
    for tabelle in PRUEFSUMMEN:
        stand[tabelle] = _psql(
            url, f"SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {tabelle} t"
        )
    stand["dateien"] = {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }
    return stand


@pytest.fixture
def eigene_datenbank(django_db_setup, django_db_blocker, tmp_path):
    """A database of this test's own: schema of the test database, then real data."""
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL) nötig")
    require_or_skip(bool(shutil.which("pg_dump")), "pg_dump/pg_restore nicht installiert")
    with django_db_blocker.unblock():
        params = connection.get_connection_params()
        # Before the test database is used, NAME may still be the configured one.
        kandidaten = [connection.creation._get_test_db_name(), connection.settings_dict["NAME"]]
    host = params.get("host") or "127.0.0.1"
    port = params.get("port") or 5432
    auth = params.get("user", "postgres")
    if params.get("password"):
        auth += f":{params['password']}"
    basis = f"postgresql://{auth}@{host}:{port}"
    admin_url = f"{basis}/postgres"
    vorhanden = _psql(admin_url, "SELECT string_agg(datname, ' ') FROM pg_database").split()
    test_db = next(k for k in kandidaten if k in vorhanden and k.startswith("test_"))
    name = f"{test_db}_sicherung"
    url = f"{basis}/{name}"
    _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(admin_url, f'CREATE DATABASE "{name}"')
    media = tmp_path / "media"
    media.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "BACKUP_COMPOSE": "0",
        # local, not test: the test settings fix MEDIA_ROOT to .test-media.
        "DJANGO_SETTINGS_MODULE": "lippe_portal.settings.local",
        "CELERY_BROKER_URL": "",
        "PGCONNECT_TIMEOUT": "10",
    }
    schema = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "-d", f"{basis}/{test_db}"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["psql", "--no-psqlrc", "-q", "-d", url], input=schema, check=True)
    # The migration records, so the copy counts as migrated (its schema is current).
    migrationen = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-t",
            "django_migrations",
            "-t",
            "django_content_type",
            "-t",
            "auth_permission",
            "-d",
            f"{basis}/{test_db}",
        ],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["psql", "--no-psqlrc", "-q", "-d", url], input=migrationen, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", BEFUELLEN],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    try:
        yield url, media, env
    finally:
        _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _make(ziel: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", ziel, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_backup_wipe_restore_gives_the_same_data(eigene_datenbank):
    url, media, env = eigene_datenbank
    vorher = _stand(url, media)
    assert int(vorher["zeilen"]["kommunen_kommune"]) >= 70
    assert int(vorher["zeilen"]["massnahmen_historicalmassnahme"]) == 2
    assert len(vorher["dateien"]) == 1

    ergebnis = _make("backup", env)
    assert ergebnis.returncode == 0, ergebnis.stderr
    archive = list(Path(env["BACKUP_DIR"]).iterdir())
    assert len(archive) == 1, archive
    archiv = archive[0]
    assert re.fullmatch(r"lippe-portal-\d{4}-\d\d-\d\dT\d{4}\.tar\.gz", archiv.name)
    assert archiv.stat().st_mode & 0o077 == 0  # personal data: owner only

    # Wipe 1: change and delete data, lose a file, add a stray one; restore over it.
    _psql(
        url,
        "DELETE FROM massnahmen_anhang; DELETE FROM massnahmen_historicalmassnahme;"
        "UPDATE kommunen_kommune SET name = 'Überschrieben'",
    )
    for datei in media.rglob("*.pdf"):
        datei.unlink()
    (media / "fremd.txt").write_text("nicht aus der Sicherung")
    assert _stand(url, media) != vorher
    ohne_ja = _make("restore", {**env}, f"FILE={archiv}")
    assert ohne_ja.returncode != 0 and "RESTORE_JA=1" in ohne_ja.stderr
    ergebnis = _make("restore", {**env, "RESTORE_JA": "1"}, f"FILE={archiv}")
    assert ergebnis.returncode == 0, ergebnis.stderr
    assert _stand(url, media) == vorher

    # Wipe 2: the database and the media folder are gone entirely.
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    _psql(admin_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    _psql(admin_url, f'CREATE DATABASE "{name}"')
    shutil.rmtree(media)
    ergebnis = _make("restore", {**env, "RESTORE_JA": "1"}, f"FILE={archiv}")
    assert ergebnis.returncode == 0, ergebnis.stderr
    assert _stand(url, media) == vorher


def test_backup_refuses_sqlite_with_a_hint(tmp_path):
    env = {**os.environ, "DATABASE_URL": "sqlite:///db.sqlite3", "BACKUP_DIR": str(tmp_path)}
    ergebnis = _make("backup", env)
    assert ergebnis.returncode != 0
    assert "SQLite" in ergebnis.stderr and ".backup" in ergebnis.stderr
    assert not list(tmp_path.glob("*.tar.gz"))


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    kaputt = tmp_path / "lippe-portal-kaputt.tar.gz"
    kaputt.write_bytes(b"kein Archiv")
    env = {**os.environ, "DATABASE_URL": "postgres://x@127.0.0.1/x", "RESTORE_JA": "1"}
    ergebnis = _make("restore", env, f"FILE={kaputt}")
    assert ergebnis.returncode != 0
    ergebnis = _make("restore", env, "FILE=")
    assert ergebnis.returncode != 0 and "FILE=" in ergebnis.stderr


FALSCHES_DOCKER = """#!/usr/bin/env bash
# Stands in for the docker CLI: records each call; in the "container" pg_restore --list
# accepts a custom-format dump (magic PGDMP) on stdin.
echo "$*" >> "$AUFRUFE"
if [ "$*" = "compose exec -T postgres pg_restore --list" ]; then
    [ "$(head -c 5)" = "PGDMP" ] && cat > /dev/null
    exit $?
fi
[ -t 0 ] || cat > /dev/null
exit 0
"""
KEIN_PG_RESTORE = """#!/usr/bin/env bash
echo "pg_restore: Befehl nicht gefunden" >&2
exit 127
"""


def _compose_sicherung(tmp_path: Path, dump: bytes) -> Path:
    quelle = tmp_path / "quelle"
    (quelle / "media").mkdir(parents=True)
    (quelle / "media" / "datei.txt").write_text("x")
    (quelle / "datenbank.dump").write_bytes(dump)
    (quelle / "INFO").write_text("erstellt: 2026-11-23T06:00\n")
    archiv = tmp_path / "lippe-portal-2026-11-23T0600.tar.gz"
    subprocess.run(["tar", "-C", str(quelle), "-czf", str(archiv), "."], check=True)
    return archiv


def _restore_compose(tmp_path: Path, archiv: Path) -> tuple[subprocess.CompletedProcess, str]:
    """scripts/restore.sh in Docker Compose mode, on a host without PostgreSQL client tools."""
    bin_ = tmp_path / "bin"
    bin_.mkdir(exist_ok=True)
    for name, inhalt in (("docker", FALSCHES_DOCKER), ("pg_restore", KEIN_PG_RESTORE)):
        (bin_ / name).write_text(inhalt)
        (bin_ / name).chmod(0o755)
    aufrufe = tmp_path / "aufrufe.txt"
    env = {
        **os.environ,
        "PATH": f"{bin_}:{os.environ['PATH']}",
        "AUFRUFE": str(aufrufe),
        "BACKUP_COMPOSE": "1",
        "RESTORE_JA": "1",
        "DATABASE_URL": "postgres://portal@postgres:5432/portal",
    }
    ergebnis = subprocess.run(
        ["scripts/restore.sh", str(archiv)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    return ergebnis, aufrufe.read_text() if aufrufe.exists() else ""


def test_restore_in_compose_mode_checks_the_dump_inside_the_container(tmp_path):
    archiv = _compose_sicherung(tmp_path, b"PGDMP\x01\x0e\x00 ein Dump")
    ergebnis, aufrufe = _restore_compose(tmp_path, archiv)
    assert ergebnis.returncode == 0, ergebnis.stderr
    assert "Wiederhergestellt" in ergebnis.stdout
    assert "compose exec -T postgres pg_restore --list" in aufrufe.splitlines()
    assert "compose stop web worker beat" in aufrufe


def test_restore_in_compose_mode_refuses_a_damaged_dump_before_touching_anything(tmp_path):
    archiv = _compose_sicherung(tmp_path, b"kein Dump")
    ergebnis, aufrufe = _restore_compose(tmp_path, archiv)
    assert ergebnis.returncode == 2
    assert "nicht lesbar" in ergebnis.stderr
    assert "stop" not in aufrufe  # nothing stopped, nothing replaced


def test_restore_script_is_valid_bash():
    ergebnis = subprocess.run(["bash", "-n", "scripts/restore.sh"], cwd=ROOT, capture_output=True)
    assert ergebnis.returncode == 0, ergebnis.stderr

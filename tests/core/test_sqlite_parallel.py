"""`make run` on SQLite: parallel clicks wait for each other instead of failing.

With SQLite's default (DEFERRED) transactions, two request transactions (ATOMIC_REQUESTS)
that each read and then write deadlock on the lock upgrade, and SQLite answers "database is
locked" at once, whatever the timeout: a 500 for the second click. The settings open SQLite
transactions IMMEDIATE with a timeout. A fresh process with the settings `make run` uses
(lippe_portal.settings.local, SQLite file) runs eight threads, each with its own connection,
that read and write in one transaction as a request does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

_PARALLEL = """
import json, threading, django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as c:
    c.execute("CREATE TABLE klick (id INTEGER PRIMARY KEY, n INTEGER)")
connection.close()
fehler, start = [], threading.Barrier(8)

def klicken(i):
    try:
        start.wait()
        for _ in range(20):
            with transaction.atomic():  # as ATOMIC_REQUESTS does for a request
                with connection.cursor() as c:
                    c.execute("SELECT COUNT(*) FROM klick")
                    n = c.fetchone()[0]
                    c.execute("INSERT INTO klick (n) VALUES (%s)", [n])
    except Exception as error:
        fehler.append(f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()

threads = [threading.Thread(target=klicken, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
with connection.cursor() as c:
    c.execute("SELECT COUNT(*) FROM klick")
    print(json.dumps({"zeilen": c.fetchone()[0], "fehler": fehler,
                      "optionen": connection.settings_dict["OPTIONS"]}))
"""


def test_parallel_writes_on_sqlite_wait_instead_of_failing(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'laptop.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "lippe_portal.settings.local",
        "CELERY_BROKER_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PARALLEL],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    ergebnis = json.loads(result.stdout.strip().splitlines()[-1])
    assert ergebnis["fehler"] == []
    assert ergebnis["zeilen"] == 8 * 20
    assert ergebnis["optionen"]["transaction_mode"] == "IMMEDIATE"
    assert ergebnis["optionen"]["timeout"] >= 5

"""Load benchmark: gunicorn with 2 workers on PostgreSQL, a bounded load from 127.0.0.1.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_b .venv/bin/python bench/load.py

Starts gunicorn (2 sync workers, production-like settings with DEBUG off) on a free port of
127.0.0.1, logs the Kreis staff demo account in (a session written straight into the
session store, so no login rate limit is involved), and sends requests from a small pool
of threads for a fixed time to each of

- /healthz        the trivial view (one `SELECT 1`), the yardstick,
- /massnahmen/    as Kreis staff of Lippe,
- /dashboard/     as Kreis staff of Lippe,

one after the other on the same server. Prints requests per second, median and p95 per
target and the ratio to the trivial view. The load is bounded (`--nutzer` concurrent
clients, `--sekunden` per target) and never leaves the machine. A small threaded client
instead of locust: nothing to install, and these three fixed GETs need no scenario language.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
HOST = "127.0.0.1"
ZIELE = [
    ("trivial", "/healthz", False),
    ("/massnahmen/", "/massnahmen/", True),
    ("/dashboard/", "/dashboard/", True),
]
KONTO = "kreis@demo.invalid"


def _freier_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _sitzung(email: str) -> str:
    """A logged-in session for `email`, written to the session store; returns its key."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from core.models import User

    user = User.objects.get(email=email)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "core.backends.GecachteRechteBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _warten(port: int, prozess: subprocess.Popen, sekunden: float = 30) -> None:
    ende = time.monotonic() + sekunden
    while time.monotonic() < ende:
        if prozess.poll() is not None:
            raise SystemExit("gunicorn hat sich beendet; siehe Ausgabe oben.")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn antwortet nicht.")


def _last(port: int, pfad: str, cookie: str | None, nutzer: int, sekunden: float) -> dict:
    """`nutzer` threads, each with its own keep-alive connection, for `sekunden`."""
    zeiten: list[float] = []
    fehler = [0]
    lock = threading.Lock()
    ende = time.monotonic() + sekunden

    def arbeiter():
        # Each client keeps the cookies it is sent, as a browser does (the CSRF cookie a
        # page sets is sent back with the next request, not made anew every time).
        cookies = {"sessionid": cookie} if cookie else {}
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        eigene, falsch = [], 0
        while time.monotonic() < ende:
            start = time.perf_counter()
            headers = {"Host": f"{HOST}:{port}"}
            if cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            try:
                conn.request("GET", pfad, headers=headers)
                antwort = conn.getresponse()
                antwort.read()
                for kopf in antwort.headers.get_all("Set-Cookie") or []:
                    for name, morsel in SimpleCookie(kopf).items():
                        cookies[name] = morsel.value
                if antwort.status != 200:
                    falsch += 1
                if antwort.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
            except OSError:
                falsch += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            eigene.append(time.perf_counter() - start)
        with lock:
            zeiten.extend(eigene)
            fehler[0] += falsch

    start = time.monotonic()
    threads = [threading.Thread(target=arbeiter) for _ in range(nutzer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dauer = time.monotonic() - start
    zeiten.sort()
    return {
        "anfragen": len(zeiten),
        "fehler": fehler[0],
        "rps": len(zeiten) / dauer,
        "median_ms": 1000 * statistics.median(zeiten) if zeiten else float("nan"),
        "p95_ms": 1000 * zeiten[int(0.95 * (len(zeiten) - 1))] if zeiten else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nutzer", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--sekunden", type=float, default=15, help="seconds per target")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("Bitte DATABASE_URL auf eine PostgreSQL-Datenbank mit seed_demo setzen.")
        return 2
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lippe_portal.settings.local",
        "DJANGO_DEBUG": "False",
        "DJANGO_ALLOWED_HOSTS": HOST,
    }
    env.pop("CELERY_BROKER_URL", None)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE"))})
    cookie = _sitzung(KONTO)

    port = _freier_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "lippe_portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        _warten(port, gunicorn)
        ergebnisse = {}
        for name, pfad, angemeldet in ZIELE:
            _last(port, pfad, cookie if angemeldet else None, args.nutzer, 2)  # warm-up
            ergebnisse[name] = _last(
                port, pfad, cookie if angemeldet else None, args.nutzer, args.sekunden
            )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)

    basis = ergebnisse["trivial"]
    print(
        f"gunicorn, 2 Worker, {args.nutzer} gleichzeitige Clients, {args.sekunden:g} s je Ziel, "
        f"angemeldet als {KONTO}"
    )
    kopf = (
        f"{'Ziel':<14}{'Anfragen':>9}{'Fehler':>8}{'req/s':>9}{'Median ms':>11}{'p95 ms':>9}"
        f"{'req/s : trivial':>17}{'p95 : trivial':>15}"
    )
    print(kopf)
    print("-" * len(kopf))
    for name, _pfad, _angemeldet in ZIELE:
        e = ergebnisse[name]
        print(
            f"{name:<14}{e['anfragen']:>9}{e['fehler']:>8}{e['rps']:>9.1f}{e['median_ms']:>11.1f}"
            f"{e['p95_ms']:>9.1f}{e['rps'] / basis['rps']:>17.2f}{e['p95_ms'] / basis['p95_ms']:>15.2f}"
        )
    return 1 if any(e["fehler"] for e in ergebnisse.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

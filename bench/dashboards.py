"""Server time of the dashboards at demo scale and at national scale, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_b .venv/bin/python bench/dashboards.py

Two PostgreSQL databases with the same demo data (`seed_demo`, dates relative to today):

- national: DATABASE_URL, which must also hold `seed_scale` (about 400 Kreise, 100,000
  Maßnahmen, 800,000 Statusmeldungen in a synthetic region);
- demo: DEMO_DATABASE_URL, by default `<name>_demo` next to it; created with migrate +
  `seed_demo --force` when it does not exist.

The fair comparison: the same person opens the same page, once with only OWL in the
database and once with the whole country in it (Kreis staff of Lippe for /dashboard/,
/massnahmen/ and /ozg/, the DigitalBüro OWL for /region/, nobody for /oeffentlich/, Detmold's
CDO for /loesungen/ and the start page with „Wer hat das schon?“, once from its cache and
once computed on every request). Each
database is measured in its own subprocess through Django's test Client in-process
(middleware, templates and all queries, no network), warm-up first, then the median of
`--laeufe` requests, in `--runden` rounds alternating between the databases (the median of
the rounds counts, so load elsewhere on the machine hits both sides alike); the query count comes from CaptureQueriesContext on a separate request.

Each request is timed twice: CPU time of the process (`time.process_time`: Python,
templates, the database driver; not the database server's work) and wall time. On a
machine shared with other load the CPU time is the steadier figure; the ratio and the
absolute goals are judged on it.

Goals: ratio national/demo at most 3 and fewer than 15 queries on every page (issue 7,
issue 19 point 2); at demo scale `/dashboard/` ≤ 20 ms, `/massnahmen/` ≤ 15 ms and `/ozg/`
≤ 50 ms median CPU time (issue 19 point 2); `/region/` SKALA ≤ 1 s (issue 19 point 4).
Exit status 1 when a routed page misses a goal. Pages whose URL is not routed yet are named.
`--ohne-skala` leaves out the 400-Kreis region (slow while point 4 is open).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

OHNE_CACHE = "/ ohne Cache"
# (label, url name, query string, demo account or None for anonymous)
SEITEN = [
    ("/dashboard/", "dashboards:dashboard", "", "kreis@demo.invalid"),
    ("/region/", "dashboards:region", "", "owl@demo.invalid"),
    ("/ozg/", "ozg:matrix", "", "kreis@demo.invalid"),
    ("/oeffentlich/", "oeffentlich:index", "", None),
    ("/massnahmen/", "massnahmen:liste", "", "kreis@demo.invalid"),
    ("/loesungen/", "loesungen:katalog", "", "cdo.detmold@demo.invalid"),
    # The CDO's start page with „Wer hat das schon?“ (issue 15, point 5): as usually seen
    # (the lists from the cache) and computed afresh on every request.
    ("/ Startseite", "home", "", "cdo.detmold@demo.invalid"),
    (OHNE_CACHE, "home", "", "cdo.detmold@demo.invalid"),
    # The API's list endpoints (issue 19, point 2), as a harvester without a token reads them.
    ("API massnahmen", "api_v1:massnahmen", "", None),
    ("API kommunen", "api_v1:kommunen", "", None),
    # Funding and workshops are internal: read with Kreis staff's personal token.
    ("API bescheide", "api_v1:foerderbescheide", "", "kreis@demo.invalid"),
    ("API workshops", "api_v1:workshops", "", "kreis@demo.invalid"),
]
API = "API "
MAX_VERHAELTNIS = 3.0
MAX_ABFRAGEN = 15
# Measured in the national database only: the synthetic region of seed_scale itself
# (400 Kreise) as the admin, who may choose it. Goal (issue 19, point 4): at most 1 s.
REGION_NATIONAL = ("/region/ SKALA", "dashboards:region", "SKALA", "admin@demo.invalid")
MAX_REGION_NATIONAL_MS = 1000.0
# The same computed afresh (the data stand moves on before every request, as after a write):
# what the first reader after a change waits; reported, no goal of its own. A few requests
# only, each takes seconds.
REGION_NATIONAL_KALT = "/region/ SKALA ohne Cache"
LAEUFE_KALT = 3
# Issue 19, point 2: median CPU time at demo scale (Kreis staff of Lippe).
MAX_DEMO_MS = {"/dashboard/": 20.0, "/massnahmen/": 15.0, "/ozg/": 50.0}


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lippe_portal.settings.local")
    os.environ["DJANGO_DEBUG"] = "False"  # DEBUG would keep every query in memory
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    # The API's rate limit per client address would answer most timed requests with a 429.
    settings.API_RATE_LIMIT_ANONYM = 0
    # Point 2 is about a page's own work: every request here renders it (whole pages from
    # the cache, core.seitencache, would answer the repeated request in a few ms; that is
    # what bench/load.py measures, point 1).
    settings.PORTAL_SEITENCACHE = False


def messen(database_url: str, laeufe: int, skala: bool = True) -> dict:
    """Runs in the subprocess: measures every page against one database."""
    _django(database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from api.models import ApiToken
    from core.cachestand import DATEN_SCHLUESSEL, advance
    from core.models import User
    from kommunen.models import Region
    from ozg.wer_hat_das_schon import advance_stand

    seiten = list(SEITEN)
    skala = Region.objects.filter(kurzname=REGION_NATIONAL[2]).first() if skala else None
    if skala is not None:
        label, name, _kurzname, email = REGION_NATIONAL
        seiten.append((label, name, f"region={skala.pk}", email))
        seiten.append((REGION_NATIONAL_KALT, name, f"region={skala.pk}", email))
    ergebnisse = {}
    for label, name, query, email in seiten:
        try:
            url = reverse(name) + (f"?{query}" if query else "")
        except NoReverseMatch:
            ergebnisse[label] = {"fehlt": f"URL-Name {name} ist (noch) nicht geroutet"}
            continue
        client = Client()
        token = None
        if email:
            user = User.objects.filter(email=email).first()
            if user is None:
                ergebnisse[label] = {"fehlt": f"Konto {email} fehlt (seed_demo gelaufen?)"}
                continue
            if label.startswith(API):
                token, klartext = ApiToken.issue(user=user, bezeichnung="bench/dashboards.py")
                client = Client(headers={"Authorization": f"Bearer {klartext}"})
            else:
                client.force_login(user)
        for _ in range(3):  # warm-up: session write after login, template loading, caches
            status = client.get(url).status_code
        # „Wer hat das schon?“ without its cache: the key moves on before every request.
        kalt = advance_stand if label == OHNE_CACHE else (lambda: None)
        if label == REGION_NATIONAL_KALT:

            def kalt():
                advance(DATEN_SCHLUESSEL)

        zeiten, cpu = [], []
        for _ in range(LAEUFE_KALT if label == REGION_NATIONAL_KALT else laeufe):
            kalt()
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            cpu.append(time.process_time() - start_cpu)
            zeiten.append(time.perf_counter() - start)
        kalt()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        sql = [q["sql"] for q in queries.captured_queries]
        if token is not None:
            token.delete()
        ergebnisse[label] = {
            "url": url,
            "status": status,
            "median_ms": round(1000 * statistics.median(cpu), 1),
            "wand_ms": round(1000 * statistics.median(zeiten), 1),
            "abfragen": len(sql),
            "abfragen_ohne_transaktion": sum(s not in ("BEGIN", "COMMIT") for s in sql),
        }
    return ergebnisse


def _mit_datenbank(url: str, name: str) -> str:
    teile = urlparse(url)
    return urlunparse(teile._replace(path=f"/{name}"))


def _demo_datenbank_bereitstellen(national_url: str) -> str:
    """DEMO_DATABASE_URL, or `<name>_demo`, created with migrate + seed_demo if missing."""
    demo_url = os.environ.get("DEMO_DATABASE_URL")
    if demo_url:
        return demo_url
    name = urlparse(national_url).path.lstrip("/") + "_demo"
    demo_url = _mit_datenbank(national_url, name)
    import psycopg

    admin = _mit_datenbank(national_url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        vorhanden = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if vorhanden:
            return demo_url
        print(f"Lege die Demo-Datenbank {name} an (migrate + seed_demo) …", flush=True)
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": demo_url, "DJANGO_DEBUG": "True"}
    for befehl in (["migrate", "-v0"], ["seed_demo", "--force", "-v0"]):
        subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *befehl], env=env, check=True)
    return demo_url


def _subprozess(database_url: str, laeufe: int, skala: bool) -> dict:
    ausgabe = subprocess.run(
        [sys.executable, __file__, "--messen", "--laeufe", str(laeufe)]
        + ([] if skala else ["--ohne-skala"]),
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(ausgabe.strip().splitlines()[-1])


def _zusammenfassen(runden: list[dict]) -> dict:
    """Per page: the median of the rounds' medians, the highest query count."""
    ergebnis = {}
    for label in runden[0]:
        werte = [runde[label] for runde in runden]
        if "fehlt" in werte[0]:
            ergebnis[label] = werte[0]
            continue
        ergebnis[label] = {
            **werte[0],
            "median_ms": statistics.median(w["median_ms"] for w in werte),
            "wand_ms": statistics.median(w["wand_ms"] for w in werte),
            "abfragen": max(w["abfragen"] for w in werte),
        }
    return ergebnis


def _umfang(database_url: str, roh: bool = False):
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        zahlen = [
            conn.execute(f"SELECT count(*) FROM {tabelle}").fetchone()[0]
            for tabelle in ("kommunen_kommune", "massnahmen_massnahme", "massnahmen_statusmeldung")
        ]
    if roh:
        return zahlen
    k, m, s = (f"{z:,}".replace(",", ".") for z in zahlen)
    return f"{k} Kommunen, {m} Maßnahmen, {s} Statusmeldungen"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--laeufe", type=int, default=15, help="timed requests per page")
    parser.add_argument("--runden", type=int, default=3, help="alternating rounds per database")
    parser.add_argument("--ohne-skala", action="store_true", help="skip /region/ SKALA")
    parser.add_argument("--messen", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    national_url = os.environ.get("DATABASE_URL", "")
    if args.messen:
        print(json.dumps(messen(national_url, args.laeufe, skala=not args.ohne_skala)))
        return 0
    if not national_url.startswith(("postgres://", "postgresql://")):
        print("Bitte DATABASE_URL auf die PostgreSQL-Datenbank mit seed_demo + seed_scale setzen.")
        return 2
    demo_url = _demo_datenbank_bereitstellen(national_url)
    print(f"Demo:     {_umfang(demo_url)}")
    print(f"National: {_umfang(national_url)}")
    if _umfang(national_url, roh=True)[1] < 50_000:
        print(
            "Hinweis: die nationale Datenbank hat weniger als 50.000 Maßnahmen – ist "
            "`manage.py seed_scale --kreise 400 --kommunen-je-kreis 27 --massnahmen 100000 "
            "--quartale 8` dort gelaufen?"
        )
    # Alternating rounds, so a burst of load elsewhere on the machine hits both sides alike.
    runden = {"demo": [], "national": []}
    for _ in range(args.runden):
        runden["demo"].append(_subprozess(demo_url, args.laeufe, False))
        runden["national"].append(_subprozess(national_url, args.laeufe, not args.ohne_skala))
    demo, national = (_zusammenfassen(runden[seite]) for seite in ("demo", "national"))

    print()
    kopf = (
        f"{'Seite':<15}{'Demo ms':>10}{'National ms':>13}{'Verhältnis':>12}{'Abfragen':>16}"
        f"{'Wand ms':>17}  Ergebnis"
    )
    print(kopf)
    print("-" * len(kopf))
    verfehlt = False
    for label, *_rest in SEITEN:
        d, n = demo[label], national[label]
        if "fehlt" in d or "fehlt" in n:
            print(f"{label:<15}nicht gemessen: {d.get('fehlt') or n.get('fehlt')}")
            continue
        verhaeltnis = n["median_ms"] / d["median_ms"] if d["median_ms"] else float("inf")
        ziel_ms = MAX_DEMO_MS.get(label)
        ok = (
            verhaeltnis <= MAX_VERHAELTNIS
            and max(d["abfragen"], n["abfragen"]) < MAX_ABFRAGEN
            and d["status"] == n["status"] == 200
            and (ziel_ms is None or d["median_ms"] <= ziel_ms)
        )
        verfehlt |= not ok
        abfragen = f"{d['abfragen']} / {n['abfragen']}"
        wand = f"{d['wand_ms']:.1f} / {n['wand_ms']:.1f}"
        hinweis = "ok" if ok else "ZIEL VERFEHLT"
        if ziel_ms is not None:
            hinweis += f" (Demo ≤ {ziel_ms:g} ms)"
        if d["status"] != 200 or n["status"] != 200:
            hinweis += f" (HTTP {d['status']} / {n['status']})"
        print(
            f"{label:<15}{d['median_ms']:>10.1f}{n['median_ms']:>13.1f}{verhaeltnis:>12.2f}"
            f"{abfragen:>16}{wand:>17}  {hinweis}"
        )
    region = national.get(REGION_NATIONAL[0])
    if args.ohne_skala:
        print(f"{REGION_NATIONAL[0]:<15}nicht gemessen (--ohne-skala)")
    elif region is None:
        print(f"{REGION_NATIONAL[0]:<15}nicht gemessen: keine Region SKALA (seed_scale)")
    elif "fehlt" in region:
        print(f"{REGION_NATIONAL[0]:<15}nicht gemessen: {region['fehlt']}")
    else:
        ok = region["wand_ms"] <= MAX_REGION_NATIONAL_MS and region["status"] == 200
        verfehlt |= not ok
        print(
            f"{REGION_NATIONAL[0]:<15}{'–':>10}{region['median_ms']:>13.1f}{'':>12}"
            f"{region['abfragen']:>16}{region['wand_ms']:>17.1f}  "
            f"{'ok' if ok else 'ZIEL VERFEHLT'} (Ziel ≤ {MAX_REGION_NATIONAL_MS:g} ms Wandzeit, 400 Kreise)"
        )
        kalt = national.get(REGION_NATIONAL_KALT)
        if kalt and "fehlt" not in kalt:
            print(
                f"{'  ohne Cache':<15}{'–':>10}{kalt['median_ms']:>13.1f}{'':>12}"
                f"{kalt['abfragen']:>16}{kalt['wand_ms']:>17.1f}  berichtet (nach jedem Schreiben)"
            )
    print()
    print(
        f"CPU-Zeit des Prozesses (ms), Median aus {args.runden} abwechselnden Runden mit je "
        f"{args.laeufe} Anfragen je Seite; Wandzeit demo / national daneben. Abfragen demo / "
        f"national, einschließlich BEGIN/COMMIT der Transaktion je Anfrage. Ziel: Verhältnis "
        f"≤ {MAX_VERHAELTNIS:g}, weniger als {MAX_ABFRAGEN} Abfragen, Demo-Mediane wie angegeben."
    )
    return 1 if verfehlt else 0


if __name__ == "__main__":
    sys.exit(main())

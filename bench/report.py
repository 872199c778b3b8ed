"""Benchmark of the quarterly report: the whole task against WeasyPrint alone.

    .venv/bin/python bench/report.py [--massnahmen 500] [--wiederholungen 3]

For the demo Kreis (Lippe, `seed_demo`) and for a generated Kreis with 500 Maßnahmen it
prints pages, seconds and peak memory of the whole task (claim the record, query the data,
render the templates, WeasyPrint, store the file), the seconds of WeasyPrint alone on the
same HTML, and their ratio. Goal: ratio ≤ 1.3 – the data and template work stay small next to
the rendering.

Runs against a throw-away database: an in-memory SQLite by default, or a temporary
PostgreSQL database `test_<name>` (created and dropped again) when BENCHMARK_DATABASE_URL is
set, e.g. BENCHMARK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lippe_bench.
Seconds are the median of the repetitions, after one warm-up render (WeasyPrint's import and
font loading are paid once per worker process, not per report). Peak memory is measured in
a separate run: the Python heap by tracemalloc, and the process's peak RSS so far (which
includes WeasyPrint's C libraries).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "lippe_portal.settings.test"
os.environ["DATABASE_URL"] = os.environ.get("BENCHMARK_DATABASE_URL", "sqlite://:memory:")
os.environ.pop("CELERY_BROKER_URL", None)

GENERIERT_AGS = "05799"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--massnahmen", type=int, default=500)
    parser.add_argument("--wiederholungen", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    connection.settings_dict.setdefault("TEST", {})["NAME"] = None
    alter_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media, DEBUG=False),
        ):
            with open(os.devnull, "w") as still:
                call_command("load_reference_data", verbosity=0, stdout=still)
                call_command("seed_demo", "--force", verbosity=0, stdout=still)
            kreis_erzeugen(args.massnahmen)
            print(
                f"Datenbank: {connection.vendor}, WeasyPrint-Wiederholungen: {args.wiederholungen}"
            )
            aufwaermen()
            zeilen = [
                messen("05766", "Demo-Kreis Lippe", args.wiederholungen),
                messen(
                    GENERIERT_AGS, f"generiert, {args.massnahmen} Maßnahmen", args.wiederholungen
                ),
            ]
            ausgeben(zeilen)
    finally:
        connection.creation.destroy_test_db(alter_name, verbosity=0)


def kreis_erzeugen(anzahl: int) -> None:
    """A Kreis with `anzahl` Maßnahmen, 90 % with Statusmeldungen for this and last quarter,
    milestones next quarter, Förderbescheide, workshops and OZG ratings."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.utils import timezone

    from core.models import User
    from core.quartal import Quartal
    from foerderung.models import Foerderbescheid, Foerderprogramm, Mittelabruf
    from handlungsfelder.models import Handlungsfeld
    from kommunen.models import Kommune, Kreis, Region
    from massnahmen.models import Massnahme, Meilenstein, Statusmeldung
    from ozg.models import OzgLeistung, Umsetzungsstand
    from workshops.models import Teilnahme, Workshop

    zufall = random.Random(2026)
    quartal = Quartal.last_complete()
    kreis = Kreis.objects.create(
        ags=GENERIERT_AGS,
        name="Benchmarkkreis",
        slug="benchmarkkreis",
        region=Region.objects.first(),
    )
    kommunen = Kommune.objects.bulk_create(
        Kommune(
            ags=f"{GENERIERT_AGS}{n:03d}",
            name=f"Benchmarkstadt {n}",
            slug=f"benchmarkstadt-{n}",
            typ=Kommune.Typ.STADT,
            kreis=kreis,
            einwohner=20000 + n,
        )
        for n in range(1, 17)
    )
    felder = list(Handlungsfeld.objects.all())
    status = [Massnahme.Status.GEPLANT, Massnahme.Status.IN_UMSETZUNG, Massnahme.Status.IDEE]
    massnahmen = Massnahme.objects.bulk_create(
        Massnahme(
            kreis=kreis,
            titel=f"Benchmark-Maßnahme {n:04d}: Digitalisierung des Verfahrens {n}",
            beschreibung="Gemeinsame Umsetzung.",
            handlungsfeld=felder[n % len(felder)],
            federfuehrend=kommunen[n % len(kommunen)],
            status=status[n % len(status)],
            fortschritt=zufall.randint(0, 100),
            ampel=zufall.choice(["gruen", "gruen", "gelb", "rot"]),
        )
        for n in range(anzahl)
    )
    meldungen = []
    for q in (quartal, quartal.previous()):
        for m in massnahmen:
            if zufall.random() < 0.9:
                meldungen.append(
                    Statusmeldung(
                        massnahme=m,
                        quartal=str(q),
                        fortschritt=zufall.randint(0, 100),
                        ampel=zufall.choice(["gruen", "gelb", "rot"]),
                        erreicht="Die Anforderungen sind mit den Fachämtern abgestimmt; "
                        "ein Pilot läuft in zwei Kommunen.",
                        naechste_schritte="Ausschreibung vorbereiten und Rollout planen.",
                        risiken="Personalengpässe in der IT." if zufall.random() < 0.3 else "",
                    )
                )
    Statusmeldung.objects.bulk_create(meldungen)
    naechstes = quartal.next()
    Meilenstein.objects.bulk_create(
        Meilenstein(
            massnahme=m,
            titel=f"Meilenstein zu {m.pk}",
            faellig_am=naechstes.beginn + dt.timedelta(days=zufall.randint(0, 89)),
        )
        for m in massnahmen[: anzahl // 3]
    )
    programm = Foerderprogramm.objects.first() or Foerderprogramm.objects.create(
        kurzname="BENCH", name="Benchmark", foerdergeber="Land", richtlinie="–", max_foerderquote=90
    )
    for n in range(20):
        bescheid = Foerderbescheid.objects.create(
            kreis=kreis,
            programm=programm,
            aktenzeichen=f"BENCH-{n:03d}",
            bescheiddatum=dt.date(2025, 1, 1),
            zuwendungsempfaenger=kommunen[n % 16],
            bewilligter_betrag=Decimal("245000.00"),
            foerderquote=Decimal("90"),
            bewilligungszeitraum_beginn=dt.date(2025, 1, 1),
            bewilligungszeitraum_ende=quartal.ende + dt.timedelta(days=30 * (n + 1)),
            zweck="Benchmark",
            verwendungsnachweis_faellig=quartal.ende + dt.timedelta(days=60 + n),
        )
        Mittelabruf.objects.create(
            bescheid=bescheid, datum=dt.date(2025, 6, 1), betrag=Decimal("50000")
        )
    leute = User.objects.bulk_create(User(email=f"bench{n}@example.invalid") for n in range(16))
    beginn = timezone.make_aware(dt.datetime.combine(quartal.beginn, dt.time(10)))
    for n in range(6):
        workshop = Workshop.objects.create(
            kreis=kreis,
            titel=f"Benchmark-Workshop {n}",
            beginn=beginn + dt.timedelta(days=14 * n),
            ende=beginn + dt.timedelta(days=14 * n, hours=2),
            veroeffentlicht_am=beginn,
        )
        Teilnahme.objects.bulk_create(
            Teilnahme(workshop=workshop, person=p, kommune=k, status="teilgenommen")
            for p, k in zip(leute, kommunen, strict=True)
        )
    leistungen = list(OzgLeistung.objects.all()[:40])
    Umsetzungsstand.objects.bulk_create(
        Umsetzungsstand(leistung=leistung, kommune=k, reifegrad=zufall.randint(0, 7))
        for k in kommunen
        for leistung in leistungen
    )


def aufwaermen() -> None:
    from berichte.pdf import html_zu_pdf

    html_zu_pdf("<html lang='de'><head><title>x</title></head><body><p>Warm-up</p></body></html>")


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def messen(ags: str, name: str, wiederholungen: int) -> dict:
    from django.utils import timezone

    from berichte import services
    from berichte.models import Quartalsbericht
    from berichte.pdf import html_zu_pdf
    from core.quartal import Quartal
    from kommunen.models import Kreis

    kreis = Kreis.objects.get(ags=ags)
    quartal = Quartal.last_complete()

    def aufgabe() -> tuple[float, Quartalsbericht]:
        bericht = Quartalsbericht.objects.create(
            kreis=kreis,
            quartal=str(quartal),
            version=Quartalsbericht.objects.filter(kreis=kreis).count() + 1,
        )
        start = time.perf_counter()
        services.bericht_erstellen(bericht_id=bericht.pk)  # what the Celery task runs
        dauer = time.perf_counter() - start
        bericht.refresh_from_db()
        assert bericht.status == "fertig", bericht.fehler
        return dauer, bericht

    aufgaben = [aufgabe() for _ in range(wiederholungen)]
    bericht = aufgaben[-1][1]
    html = services.bericht_als_html(kreis=kreis, quartal=quartal, stand=timezone.now())
    weasy = []
    for _ in range(wiederholungen):
        start = time.perf_counter()
        html_zu_pdf(html, variante=bericht.variante)
        weasy.append(time.perf_counter() - start)

    tracemalloc.start()
    aufgabe()
    _, spitze = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "name": name,
        "seiten": bericht.seiten,
        "aufgabe": statistics.median(d for d, _ in aufgaben),
        "weasy": statistics.median(weasy),
        "heap": spitze / 1024 / 1024,
        "rss": _rss_mib(),
    }


def ausgeben(zeilen: list[dict]) -> None:
    kopf = f"{'Kreis':<32} {'Seiten':>6} {'Aufgabe s':>10} {'Heap MiB':>9} {'max RSS MiB':>12} {'WeasyPrint s':>13} {'Verhältnis':>10}"
    print(kopf)
    print("-" * len(kopf))
    for z in zeilen:
        verhaeltnis = z["aufgabe"] / z["weasy"]
        print(
            f"{z['name']:<32} {z['seiten']:>6} {z['aufgabe']:>10.2f} {z['heap']:>9.1f} "
            f"{z['rss']:>12.0f} {z['weasy']:>13.2f} {verhaeltnis:>10.2f}"
            + ("" if verhaeltnis <= 1.3 else "  (Ziel 1,3 verfehlt)")
        )


if __name__ == "__main__":
    main()

"""Benchmark of the quarterly report: the whole task against WeasyPrint alone.

    .venv/bin/python bench/report.py [--massnahmen 500] [--wiederholungen 2] [--pdf-ablage DIR]

For the demo Kreis (Lippe, `seed_demo`) and for the generated Kreis of the report tests
(tests/berichte/grosser_kreis.py: 500 Maßnahmen, 40 Förderbescheide, 16 Kommunen with long
names, everything entered with its change history and dated inside the quarter, so the
report of the last complete quarter shows it as of the quarter's end) it prints, per PDF
variant, pages, seconds of the whole task and of WeasyPrint alone, their ratio, and where
the rest of the task's time goes. Every report has the Steckbriefe appendix.

- Whole task: the Celery task `berichte.bericht_erstellen` run in-process (`.apply()`, what
  a worker runs): claim the record, query the data as of the quarter's end, render the
  templates, WeasyPrint, the pikepdf post-processing (berichte.pdf.postprocess), for
  PDF/A-3b the CSV attachment, store the file.
- WeasyPrint alone: `HTML(string=…).render()` and `write_pdf()` of the same HTML with the
  same variant and tags – no attachment, no post-processing.

Goal: ratio ≤ 1.3 (issue 14, point 7). Task and WeasyPrint alone are measured alternately
in the same run, in CPU seconds of the process (the wall clock, printed as well, also
counts whatever else the machine runs); seconds are medians of the repetitions, after one
warm-up render (WeasyPrint's import and font loading are paid once per worker
process). Peak memory: the process's peak RSS so far (includes WeasyPrint's C libraries).

Runs against a throw-away database: an in-memory SQLite by default, or a temporary
PostgreSQL database `test_<name>` (created and dropped again) when BENCHMARK_DATABASE_URL is
set, e.g. BENCHMARK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lippe_bench.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "lippe_portal.settings.test"
os.environ["DATABASE_URL"] = os.environ.get("BENCHMARK_DATABASE_URL", "sqlite://:memory:")
os.environ.pop("CELERY_BROKER_URL", None)

ZIEL = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--massnahmen", type=int, default=500)
    parser.add_argument("--wiederholungen", type=int, default=2)
    parser.add_argument(
        "--varianten", default="pdf/ua-1,pdf/a-3b", help="Komma-getrennt, z. B. pdf/a-3b"
    )
    parser.add_argument("--nur-gross", action="store_true", help="nur der generierte Kreis")
    parser.add_argument("--pdf-ablage", type=Path, help="Verzeichnis für die erzeugten PDFs")
    args = parser.parse_args()

    import django

    django.setup()
    logging.disable(logging.INFO)  # the task and audit logs would bury the table
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from core.quartal import Quartal
    from tests.berichte.grosser_kreis import AGS, grosser_kreis_anlegen

    connection.settings_dict.setdefault("TEST", {})["NAME"] = None
    alter_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    zeilen: list[dict] = []
    try:
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media, DEBUG=False),
        ):
            start = time.perf_counter()
            with open(os.devnull, "w") as still:
                call_command("load_reference_data", verbosity=0, stdout=still)
                call_command("seed_demo", "--force", verbosity=0, stdout=still)
            quartal = Quartal.last_complete()
            grosser_kreis_anlegen(massnahmen=args.massnahmen, quartal=quartal)
            print(
                f"Datenbank: {connection.vendor}, Daten angelegt in "
                f"{time.perf_counter() - start:.0f} s, Quartal {quartal.label}, "
                f"Wiederholungen: {args.wiederholungen}"
            )
            aufwaermen()
            kreise = [] if args.nur_gross else [("05766", "Demo-Kreis Lippe")]
            kreise.append((AGS, f"generiert, {args.massnahmen} Maßnahmen"))
            zeilen = [
                messen(ags, name, variante, quartal, args.wiederholungen, args.pdf_ablage)
                for ags, name in kreise
                for variante in args.varianten.split(",")
            ]
            ausgeben(zeilen)
    finally:
        connection.creation.destroy_test_db(alter_name, verbosity=0)
    if any(z["aufgabe"] / z["weasy"] > ZIEL for z in zeilen):
        sys.exit(1)


def aufwaermen() -> None:
    from berichte.pdf import html_to_pdf

    html_to_pdf("<html lang='de'><head><title>x</title></head><body><p>Warm-up</p></body></html>")


def weasyprint_allein(html: str, variante: str) -> bytes:
    """WeasyPrint's own work on the report HTML, nothing of the project's around it."""
    from weasyprint import HTML

    from berichte.pdf import BASIS_URL, url_fetcher

    dokument = HTML(string=html, base_url=BASIS_URL, url_fetcher=url_fetcher()).render(
        pdf_variant=variante, pdf_tags=True
    )
    ziel = io.BytesIO()
    dokument.write_pdf(ziel, pdf_variant=variante, pdf_tags=True)
    return ziel.getvalue()


def _gestoppt(funktion, *args, **kwargs):
    """(CPU seconds of this process, wall seconds, result). CPU seconds are what the ratio
    compares: on a machine shared with other work the wall clock measures the others too."""
    cpu, wand = time.process_time(), time.perf_counter()
    ergebnis = funktion(*args, **kwargs)
    return time.process_time() - cpu, time.perf_counter() - wand, ergebnis


def messen(ags, name, variante, quartal, wiederholungen, ablage) -> dict:
    from django.utils import timezone

    from berichte import services
    from berichte.models import Quartalsbericht
    from berichte.pdf import postprocess, tabellen_as_csv
    from berichte.tasks import create_bericht
    from kommunen.models import Kreis

    kreis = Kreis.objects.get(ags=ags)

    def aufgabe() -> tuple[float, Quartalsbericht]:
        bericht = Quartalsbericht.objects.create(
            kreis=kreis,
            quartal=str(quartal),
            version=Quartalsbericht.objects.filter(kreis=kreis).count() + 1,
            variante=variante,
            mit_steckbriefen=True,
        )
        cpu, wand, ergebnis = _gestoppt(create_bericht.apply, args=[bericht.pk])
        bericht.refresh_from_db()
        assert ergebnis.successful() and bericht.status == "fertig", bericht.fehler
        return cpu, wand, bericht

    kontext = services.bericht_context(kreis=kreis, quartal=quartal, stand=timezone.now())
    anzahl = kontext["abschnitte"][0].daten["anzahl_massnahmen"]
    assert anzahl, f"{name}: der Bericht {quartal.label} ist leer"
    html_s, _, html = _gestoppt(
        services.bericht_as_html, kreis=kreis, quartal=quartal, stand=timezone.now(), version=1
    )
    aufgaben, weasy = [], []
    for _ in range(wiederholungen):
        aufgaben.append(aufgabe())
        weasy.append(_gestoppt(weasyprint_allein, html, variante))
    roh = weasy[-1][2]
    nach_s = _gestoppt(postprocess, roh)[0]
    csv_s = _gestoppt(tabellen_as_csv, html)[0] if variante == "pdf/a-3b" else 0.0
    bericht = aufgaben[-1][2]
    if ablage:
        ablage.mkdir(parents=True, exist_ok=True)
        with bericht.datei.open("rb") as datei:
            (ablage / f"{ags}_{variante.replace('/', '-')}.pdf").write_bytes(datei.read())
    return {
        "name": name,
        "variante": variante,
        "massnahmen": anzahl,
        "seiten": bericht.seiten,
        "aufgabe": statistics.median(cpu for cpu, _, _ in aufgaben),
        "weasy": statistics.median(cpu for cpu, _, _ in weasy),
        "aufgabe_wand": statistics.median(wand for _, wand, _ in aufgaben),
        "weasy_wand": statistics.median(wand for _, wand, _ in weasy),
        "html": html_s,
        "nachbearbeitung": nach_s,
        "csv": csv_s,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def ausgeben(zeilen: list[dict]) -> None:
    kopf = (
        f"{'Kreis':<26} {'Variante':<9} {'Maßn.':>5} {'Seiten':>6} {'Aufgabe':>8} "
        f"{'Weasy':>6} {'Verhältnis':>10} │ {'HTML':>5} {'pikepdf':>7} {'CSV':>5} │ "
        f"{'Uhr: Aufgabe':>12} {'Weasy':>6} │ {'max RSS MiB':>11}"
    )
    print(kopf)
    print("─" * len(kopf))
    for z in zeilen:
        verhaeltnis = z["aufgabe"] / z["weasy"]
        print(
            f"{z['name']:<26} {z['variante']:<9} {z['massnahmen']:>5} {z['seiten']:>6} "
            f"{z['aufgabe']:>8.2f} {z['weasy']:>6.2f} {verhaeltnis:>10.2f} │ {z['html']:>5.2f} "
            f"{z['nachbearbeitung']:>7.2f} {z['csv']:>5.2f} │ {z['aufgabe_wand']:>12.2f} "
            f"{z['weasy_wand']:>6.2f} │ {z['rss']:>11.0f}"
            + ("" if verhaeltnis <= ZIEL else f"  (Ziel {ZIEL:.1f} verfehlt)".replace(".", ","))
        )
    print(
        "CPU-Sekunden. Aufgabe: der Celery-Task berichte.bericht_erstellen (Daten, Templates, "
        "WeasyPrint, pikepdf, CSV-Anhang, Ablage); Weasy: WeasyPrint allein auf demselben "
        "HTML; Verhältnis = Aufgabe / Weasy. HTML, pikepdf, CSV: die Anteile der Aufgabe außer "
        "WeasyPrint, je einmal gemessen. Uhr: dieselben Läufe in Sekunden Uhrzeit."
    )


if __name__ == "__main__":
    main()

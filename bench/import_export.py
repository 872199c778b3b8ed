"""Benchmark of the Maßnahmen export (CSV, XLSX) and import with 5,000 rows.

    .venv/bin/python bench/import_export.py [--zeilen 5000]

Runs against a throw-away database: an in-memory SQLite by default, or a temporary
PostgreSQL database `test_<name>` (created and dropped again) when BENCHMARK_DATABASE_URL is
set, e.g. BENCHMARK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lippe_bench. Goes through
the real views (login, filter, streaming) and, for the import, through the dry run and the
Celery task (run in-process, as without a broker).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "lippe_portal.settings.test"
os.environ["DATABASE_URL"] = os.environ.get("BENCHMARK_DATABASE_URL", "sqlite://:memory:")
os.environ.pop("CELERY_BROKER_URL", None)  # tasks run in-process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zeilen", type=int, default=5000, help="number of Maßnahmen")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import override_settings

    # Never the file the test suite uses: SQLite in memory, PostgreSQL test_<name>.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = None
    alter_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            messen(args.zeilen)
    finally:
        connection.creation.destroy_test_db(alter_name, verbosity=0)


@contextmanager
def stoppuhr(ergebnisse: list, was: str, zeilen: int):
    start = time.perf_counter()
    yield
    dauer = time.perf_counter() - start
    ergebnisse.append((was, zeilen, dauer))


def daten_anlegen(anzahl: int):
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from handlungsfelder.models import Handlungsfeld, Lebensbereich
    from kommunen.models import Kommune, Kreis, Mitgliedschaft, Region, Rolle
    from massnahmen.models import Massnahme

    region = Region.objects.create(kurzname="OWL", name="Ostwestfalen-Lippe", slug="owl")
    lippe = Kreis.objects.create(ags="05766", name="Lippe", slug="lippe", region=region)
    kommunen = [
        Kommune.objects.create(
            kreis=lippe,
            ags=f"05766{nummer:03d}",
            name=f"Kommune {nummer}",
            slug=f"kommune-{nummer}",
            einwohner=10000 + nummer,
            einwohner_stand=dt.date(2023, 12, 31),
        )
        for nummer in range(4, 68, 4)
    ]
    felder = [
        Handlungsfeld.objects.create(nummer=n, kurzname=f"Feld {n}", name=f"Feld {n}", slug=f"f{n}")
        for n in range(1, 5)
    ]
    bereiche = [
        Lebensbereich.objects.create(schluessel=s, name=s.title(), reihenfolge=i)
        for i, s in enumerate(["verwaltung", "mobilitaet", "bildung", "gesundheit"])
    ]
    user = get_user_model().objects.create_user(email="kreis@bench.invalid", password="x")
    Mitgliedschaft.objects.create(user=user, rolle=Rolle.KREIS, kreis=lippe)

    massnahmen = Massnahme.objects.bulk_create(
        Massnahme(
            kreis=lippe,
            titel=f"Maßnahme {i:05d}" if i % 97 else f'=HYPERLINK("x";"{i}")',
            beschreibung=f"Beschreibung der Maßnahme {i}.\nZweite Zeile; mit Semikolon.",
            handlungsfeld=felder[i % 4],
            federfuehrend=kommunen[i % len(kommunen)] if i % 5 else None,
            status=Massnahme.Status.IN_UMSETZUNG,
            fortschritt=i % 101,
            ampel=["gruen", "gelb", "rot"][i % 3],
            beginn=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
            ende_geplant=dt.date(2027, 1, 1),
            budget=Decimal(i) + Decimal("0.50"),
            veroeffentlicht=bool(i % 2),
        )
        for i in range(anzahl)
    )
    Massnahme.lebensbereiche.through.objects.bulk_create(
        Massnahme.lebensbereiche.through(massnahme_id=m.pk, lebensbereich_id=bereiche[i % 4].pk)
        for i, m in enumerate(massnahmen)
    )
    Massnahme.beteiligte.through.objects.bulk_create(
        Massnahme.beteiligte.through(massnahme_id=m.pk, kommune_id=kommunen[(i + j) % 16].pk)
        for i, m in enumerate(massnahmen)
        for j in (1, 2)
    )
    return user, lippe


def messen(anzahl: int) -> None:
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    from core.formatting import zahl
    from massnahmen.models import Importlauf, Massnahme

    user, lippe = daten_anlegen(anzahl)
    client = Client()
    client.force_login(user)
    ergebnisse: list[tuple[str, int, float]] = []

    # Warm up (imports, URL resolver, templates) as a running server would be.
    b"".join(client.get("/massnahmen/export.csv?q=nichts-passt").streaming_content)
    client.get("/massnahmen/import/")

    with stoppuhr(ergebnisse, "Export CSV", anzahl):
        antwort = client.get("/massnahmen/export.csv")
        csv_datei = b"".join(antwort.streaming_content)
    with stoppuhr(ergebnisse, "Export XLSX", anzahl):
        antwort = client.get("/massnahmen/export.xlsx")
        xlsx_datei = b"".join(antwort.streaming_content)
    assert csv_datei.count(b"\r\n") >= anzahl + 1 and xlsx_datei.startswith(b"PK")

    def importieren(name: str, inhalt: bytes, was: str) -> Importlauf:
        with stoppuhr(ergebnisse, f"{was}: Prüfung (Upload)", anzahl):
            antwort = client.post(
                "/massnahmen/import/", {"datei": SimpleUploadedFile(name, inhalt)}
            )
        lauf = Importlauf.objects.latest("pk")
        assert antwort.status_code == 302 and lauf.status == "geprueft", lauf.fehler[:3]
        with stoppuhr(ergebnisse, f"{was}: Import (Celery-Task)", anzahl):
            client.post(f"/massnahmen/import/{lauf.pk}/bestaetigen/")
        lauf.refresh_from_db()
        assert lauf.status == "fertig", lauf.fehler[:3]
        return lauf

    # Update: the exported file with every progress value changed.
    text = csv_datei.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    spalte = rows[0].index("Fortschritt")
    for row in rows[1:]:
        row[spalte] = str((int(row[spalte]) + 1) % 101)
    puffer = io.StringIO()
    csv.writer(puffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    lauf = importieren("aenderung.csv", puffer.getvalue().encode("utf-8-sig"), "CSV ändern")
    assert lauf.aktualisiert == anzahl, (lauf.neu, lauf.aktualisiert)

    # Create: the exported XLSX into an empty Kreis, without IDs.
    from openpyxl import load_workbook

    mappe = load_workbook(io.BytesIO(xlsx_datei))
    blatt = mappe.active
    for zelle in reversed(blatt[1]):
        if zelle.value in {"ID", "Version", "übernommen von (ID)"}:
            blatt.delete_cols(zelle.column)
    puffer = io.BytesIO()
    mappe.save(puffer)
    Massnahme.objects.filter(kreis=lippe).delete()
    lauf = importieren("neu.xlsx", puffer.getvalue(), "XLSX neu anlegen")
    assert lauf.neu == anzahl

    print(f"\nMaßnahmen-Export/-Import, {zahl(anzahl)} Zeilen, Datenbank: {connection.vendor}")
    print(f"{'Vorgang':<38} {'Zeilen':>7} {'Sekunden':>9} {'Zeilen/s':>9}")
    for was, zeilen, dauer in ergebnisse:
        print(f"{was:<38} {zeilen:>7} {dauer:>9.2f} {zeilen / dauer:>9.0f}".replace(".", ","))


if __name__ == "__main__":
    main()

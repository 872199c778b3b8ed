"""German full-text search of Maßnahmen at national scale, in one run (issue 19, point 3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_b .venv/bin/python bench/suche.py

DATABASE_URL must hold `seed_demo` + `seed_scale` (about 100,000 Maßnahmen). Measured
in-process through Django's test Client as the admin (who searches all Maßnahmen of the
country) on `/massnahmen/?q=…` for several queries, the median of `--laeufe` requests each:

- `gespeichert`: the list page as it is (stored tsvector, GIN and trigram indexes);
- `berechnet`: the same page with the vector computed per row, as before (the search
  filter patched to `volltext(..., gespeichert=None)`), in the same process and run.

Goal: the stored search answers in at most 200 ms median on every query.
Exit status 1 when a query misses it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

# What a user types: a stem that hits many rows, a rare word, two words, a compound part.
SUCHEN = ["Digitalisierung", "Straßenbeleuchtung", "Dorf App", "rechnung"]
ZIEL_MS = 200.0


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lippe_portal.settings.local")
    os.environ["DJANGO_DEBUG"] = "False"  # DEBUG would keep every query in memory
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]


def _median_ms(client, url: str, laeufe: int) -> tuple[float, int]:
    # The lists keep a page's keys and total under the data stand (core.cachestand): moved
    # on before every request, so each one searches afresh, as after any write in the portal.
    from core.cachestand import DATEN_SCHLUESSEL, advance

    for _ in range(2):
        status = client.get(url).status_code
    zeiten = []
    for _ in range(laeufe):
        advance(DATEN_SCHLUESSEL)
        start = time.perf_counter()
        client.get(url)
        zeiten.append(time.perf_counter() - start)
    return round(1000 * statistics.median(zeiten), 1), status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--laeufe", type=int, default=7, help="timed requests per query")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("Bitte DATABASE_URL auf die PostgreSQL-Datenbank mit seed_scale setzen.")
        return 2
    _django()
    from unittest import mock

    from django.test import Client

    from core.models import User
    from core.search import volltext
    from massnahmen.filtersets import MassnahmeFilterSet
    from massnahmen.models import Massnahme

    anzahl = Massnahme.objects.count()
    print(f"{anzahl:,} Maßnahmen in der Datenbank".replace(",", "."))
    if anzahl < 50_000:
        print("Hinweis: weniger als 50.000 Maßnahmen – ist `manage.py seed_scale` gelaufen?")
    admin = User.objects.filter(is_superuser=True).first()
    if admin is None:
        admin = User.objects.create_superuser(email="bench-admin@example.invalid", password=None)
    client = Client()
    client.force_login(admin)

    def berechnet(self, queryset, name, value):
        return volltext(queryset, value, gewichtet={"titel": "A", "beschreibung": "B"})

    verfehlt = False
    print(f"{'Suche':<22}{'gespeichert':>14}{'berechnet':>14}{'Faktor':>9}")
    for suche in SUCHEN:
        url = f"/massnahmen/?q={suche.replace(' ', '+')}"
        neu, status = _median_ms(client, url, args.laeufe)
        with mock.patch.object(MassnahmeFilterSet, "search", berechnet):
            alt, _ = _median_ms(client, url, max(3, args.laeufe // 2))
        treffer = MassnahmeFilterSet(
            {"q": suche}, queryset=Massnahme.objects.all(), request=SimpleNamespace(user=admin)
        ).qs.count()
        verfehlt |= neu > ZIEL_MS or status != 200
        anzahl = f"{treffer:,}".replace(",", ".")
        print(
            f"{suche:<22}{neu:>11.1f} ms{alt:>11.1f} ms{alt / neu:>8.1f}×"
            f"   (HTTP {status}, {anzahl} Treffer)"
        )
    ohne, _ = _median_ms(client, "/massnahmen/", args.laeufe)
    print(f"{'(Liste ohne Suche)':<22}{ohne:>11.1f} ms")
    print(f"Ziel: gespeicherte Suche ≤ {ZIEL_MS:.0f} ms Median je Suche")
    return 1 if verfehlt else 0


if __name__ == "__main__":
    sys.exit(main())

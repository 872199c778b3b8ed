"""Reference data of the tenancy: the Region OWL, its 7 Kreise and 70 Kommunen.

Called by `manage.py load_reference_data` (see core/management/commands). Reads
`kreise.csv` and `kommunen.csv` from `settings.REFERENCE_DATA_DIR`.
"""

from __future__ import annotations

import datetime as dt

from core.reference import Zaehler, read_csv, sync_rows, upsert
from core.text import slugify_de

from .models import Kommune, Kreis, Region

# Region codes used in kreise.csv → full name. A new region needs a line here.
REGIONEN = {"OWL": "Ostwestfalen-Lippe"}


class ReferenzdatenFehler(ValueError):
    """The reference files contradict themselves or the database."""


def load(stdout) -> dict[str, int]:
    zaehler = Zaehler()
    kreise_rows = read_csv("kreise.csv")
    kommunen_rows = read_csv("kommunen.csv")

    regionen = {}
    for kurzname in sorted({row["region"] for row in kreise_rows}):
        if kurzname not in REGIONEN:
            raise ReferenzdatenFehler(
                f"kreise.csv nennt die unbekannte Region „{kurzname}“; bitte in "
                "kommunen/reference.py (REGIONEN) ergänzen."
            )
        regionen[kurzname], _ = upsert(
            Region,
            {"kurzname": kurzname},
            {"name": REGIONEN[kurzname], "slug": slugify_de(kurzname)},
            zaehler=zaehler,
        )

    kreis_typen = set(Kreis.Typ.values)
    rows = []
    for row in kreise_rows:
        if row["typ"] not in kreis_typen:
            raise ReferenzdatenFehler(f"kreise.csv: unbekannter Typ „{row['typ']}“ ({row['ags']}).")
        rows.append(
            {
                "ags": row["ags"],
                "name": row["name"],
                "slug": slugify_de(row["name"]),
                "typ": row["typ"],
                "region_id": regionen[row["region"]].pk,
            }
        )
    _check_unique_slugs(Kreis, rows, "kreise.csv")
    sync_rows(Kreis, "ags", rows, zaehler)

    kreis_ags = {row["ags"] for row in kreise_rows}
    kommune_typen = set(Kommune.Typ.values)
    rows = []
    for row in kommunen_rows:
        if row["kreis_ags"] not in kreis_ags:
            raise ReferenzdatenFehler(
                f"kommunen.csv: {row['name']} gehört zum unbekannten Kreis {row['kreis_ags']}."
            )
        if row["typ"] not in kommune_typen:
            raise ReferenzdatenFehler(
                f"kommunen.csv: unbekannter Typ „{row['typ']}“ ({row['ags']})."
            )
        rows.append(
            {
                "ags": row["ags"],
                "name": row["name"],
                "slug": slugify_de(row["name"]),
                "typ": row["typ"],
                "kreis_id": row["kreis_ags"],
                "einwohner": int(row["einwohner"]) if row["einwohner"] else None,
                "einwohner_stand": (
                    dt.date.fromisoformat(row["einwohner_stand"])
                    if row["einwohner_stand"]
                    else None
                ),
            }
        )
    _check_unique_slugs(Kommune, rows, "kommunen.csv")
    sync_rows(Kommune, "ags", rows, zaehler)
    return zaehler.as_dict()


def _check_unique_slugs(model, rows: list[dict], datei: str) -> None:
    """Slugs must be unique in the file and must not be taken by a row outside it."""
    seen: dict[str, str] = {}
    for row in rows:
        if row["slug"] in seen:
            raise ReferenzdatenFehler(
                f"{datei}: „{seen[row['slug']]}“ und „{row['name']}“ ergeben dasselbe Kürzel "
                f"„{row['slug']}“."
            )
        seen[row["slug"]] = row["name"]
    belegt = (
        model._default_manager.filter(slug__in=list(seen))
        .exclude(ags__in=[row["ags"] for row in rows])
        .values_list("slug", "name")
    )
    for slug, name in belegt:
        raise ReferenzdatenFehler(
            f"{datei}: das Kürzel „{slug}“ ist schon an „{name}“ (nicht in der Datei) vergeben."
        )

"""Reference data: the selection of OZG services (`ozg_leistungen.csv`).

Called by `manage.py load_reference_data`. `efa` is set only where the file says "yes";
an empty cell means "not verified", not "no" (see data/reference/README.md).
"""

from __future__ import annotations

from core.reference import Zaehler, read_csv, sync_rows

from .models import OzgLeistung


def load(stdout) -> dict[str, int]:
    zaehler = Zaehler()
    sync_rows(
        OzgLeistung,
        "ozg_id",
        [
            {
                "ozg_id": row["ozg_id"],
                "leika_schluessel": row["leika_schluessel"],
                "name": row["name"],
                "themenfeld": row["themenfeld"],
                "efa": row["efa"].lower() == "yes",
            }
            for row in read_csv("ozg_leistungen.csv")
        ],
        zaehler,
    )
    return zaehler.as_dict()

"""Reference data of the strategy: the 4 Handlungsfelder and the 8 Lebensbereiche.

Called by `manage.py load_reference_data`. Reads `handlungsfelder.csv` and
`lebensbereiche.csv` from `settings.REFERENCE_DATA_DIR`; the Lebensbereiche keep the
order of the file.
"""

from __future__ import annotations

from core.reference import Zaehler, read_csv, sync_rows
from core.text import slugify_de

from .models import Handlungsfeld, Lebensbereich


def load(stdout) -> dict[str, int]:
    zaehler = Zaehler()
    sync_rows(
        Handlungsfeld,
        "nummer",
        [
            {
                "nummer": int(row["nummer"]),
                "kurzname": row["kurzname"],
                "name": row["name"],
                "slug": slugify_de(row["kurzname"]),
                "beschreibung": row["beschreibung"],
            }
            for row in read_csv("handlungsfelder.csv")
        ],
        zaehler,
    )
    sync_rows(
        Lebensbereich,
        "schluessel",
        [
            {"schluessel": row["schluessel"], "name": row["name"], "reihenfolge": index}
            for index, row in enumerate(read_csv("lebensbereiche.csv"), start=1)
        ],
        zaehler,
    )
    return zaehler.as_dict()

"""Reference data: the funding programmes (`foerderprogramme.csv`).

Called by `manage.py load_reference_data`. The amount rule of the IKZ NRW guideline of
31.08.2021 (175.000 € for two partners, 35.000 € for each further one) is attached to the
programme with the short name "IKZ NRW".
"""

from __future__ import annotations

from decimal import Decimal

from core.reference import Zaehler, read_csv, sync_rows

from .models import Foerderprogramm

BETRAGSREGELN = {"IKZ NRW": Foerderprogramm.Regel.IKZ_NRW_2021}


def load(stdout) -> dict[str, int]:
    zaehler = Zaehler()
    sync_rows(
        Foerderprogramm,
        "kurzname",
        [
            {
                "kurzname": row["kurzname"],
                "name": row["name"],
                "foerdergeber": row["foerdergeber"],
                "richtlinie": row["richtlinie"],
                "max_foerderquote": Decimal(row["max_foerderquote_prozent"]),
                "betragsregel": str(
                    BETRAGSREGELN.get(row["kurzname"], Foerderprogramm.Regel.KEINE)
                ),
                "quelle": row["quelle"],
            }
            for row in read_csv("foerderprogramme.csv")
        ],
        zaehler,
    )
    return zaehler.as_dict()

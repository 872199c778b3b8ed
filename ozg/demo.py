"""Demo data: how far each Kommune of the demo Kreise has implemented each OZG service.

Each file in data/demo/kreise/ names its forerunners (`ozg.vorreiter`), Kommunen whose
online services the others of the Kreis adopt ("Einer für Alle").

Deterministic pseudo-random (`random.Random(<AGS>)`): the same Kommune always gets the
same ratings. Most are rated under the OZG-Reifegradmodell 2.0 (levels 0–7, since July
2025), some still carry an older rating under 1.1 (levels 0–4). Existing rows are never
touched (a Kommune may have updated them); missing ones are created in one bulk insert.
Called by `manage.py seed_demo`.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kommunen.demo import cdo_email, demo_kreise, demo_users, kommunen_lippe

from .models import ONLINE_AB, OzgLeistung, Reifegradmodell, Umsetzungsstand

MODELL_2_0_SEIT = dt.date(2025, 7, 1)
# Weights of the levels 0–7 (2.0) and 0–4 (1.1); EfA services are further along.
GEWICHTE_2_0 = [14, 12, 16, 18, 15, 11, 8, 6]
GEWICHTE_2_0_EFA = [3, 3, 6, 22, 22, 18, 14, 12]
GEWICHTE_1_1 = [18, 22, 25, 25, 10]


def _random_date(rng: random.Random, von: dt.date, bis: dt.date) -> dt.date:
    if bis <= von:
        return von
    return von + dt.timedelta(days=rng.randrange((bis - von).days + 1))


def seed(stdout) -> None:
    heute = timezone.localdate()
    leistungen = list(OzgLeistung.objects.order_by("ozg_id"))
    users = demo_users()
    # Every Kreis of data/demo/kreise/*.yaml, with its own forerunners.
    gebiete = [
        (kommunen, daten["ozg"]["vorreiter"], kreis.slug)
        for kreis, kommunen, daten in demo_kreise()
    ]
    vorhanden = set(
        Umsetzungsstand.objects.filter(
            kommune__in=[k for kommunen, *_ in gebiete for k in kommunen.values()]
        ).values_list("kommune_id", "leistung_id")
    )
    neu = []
    for kommunen, vorreiter_liste, portal in gebiete:
        neu += _staende(heute, kommunen, vorreiter_liste, portal, leistungen, users, vorhanden)
    # With history rows, so the "Änderungsverlauf" starts with the first rating.
    bulk_create_with_history(
        neu, Umsetzungsstand, batch_size=500, default_change_reason="Demodaten"
    )


def _staende(heute, kommunen, vorreiter_liste, portal, leistungen, users, vorhanden):
    """The missing Umsetzungsstände of the Kommunen of one Kreis (unsaved)."""
    neu = []
    for slug, kommune in sorted(kommunen.items(), key=lambda item: item[1].ags):
        rng = random.Random(kommune.ags)
        # Larger Kommunen are a little further along.
        bonus = 1 if (kommune.einwohner or 0) >= 40000 else 0
        cdo = users.get(cdo_email(slug))
        for leistung in leistungen:
            # Draw every value for every pair, so that a row missing here does not shift
            # the ratings of the others.
            alt = rng.random() < 0.2 and heute >= MODELL_2_0_SEIT
            gewichte = GEWICHTE_1_1 if alt else (GEWICHTE_2_0_EFA if leistung.efa else GEWICHTE_2_0)
            stufe = rng.choices(range(len(gewichte)), weights=gewichte)[0]
            modell = Reifegradmodell.V1_1 if alt else Reifegradmodell.V2_0
            stufe = min(stufe + bonus * (rng.random() < 0.3), len(gewichte) - 1)
            if alt:
                bewertet = _random_date(
                    rng,
                    MODELL_2_0_SEIT - dt.timedelta(days=540),
                    MODELL_2_0_SEIT - dt.timedelta(days=1),
                )
            else:
                bewertet = _random_date(
                    rng, max(MODELL_2_0_SEIT, heute - dt.timedelta(days=365)), heute
                )
            online = stufe >= ONLINE_AB[modell]
            online_seit = (
                _random_date(rng, bewertet - dt.timedelta(days=4 * 365), bewertet)
                if online
                else None
            )
            vorreiter = vorreiter_liste[rng.randrange(len(vorreiter_liste))]
            nachgenutzt = leistung.efa and online and slug != vorreiter and rng.random() < 0.6
            if (kommune.pk, leistung.pk) in vorhanden:
                continue
            stand = Umsetzungsstand(
                leistung=leistung,
                kommune=kommune,
                reifegradmodell=modell,
                reifegrad=stufe,
                bewertet_am=bewertet,
                online_seit=online_seit,
                link=(
                    f"https://serviceportal-{portal}.demo.invalid/{slug}/leistung/{leistung.ozg_id}"
                    if online
                    else ""
                ),
                nachgenutzt_von=kommunen[vorreiter] if nachgenutzt else None,
                bewertet_von=cdo,
            )
            stand._history_user = cdo  # the change history shows who rated it
            # Rated back then, not today: quarter figures read the history (core.stichtag).
            stand._history_date = timezone.make_aware(
                dt.datetime.combine(min(filter(None, [bewertet, online_seit])), dt.time(9, 0))
            )
            neu.append(stand)
    return neu


def summary() -> list[str]:
    kommunen = kommunen_lippe()
    staende = Umsetzungsstand.objects.filter(kommune__in=kommunen.values())
    return [
        f"OZG-Umsetzungsstände im Kreis Lippe: {staende.count()}, "
        f"davon online: {staende.filter(online=True).count()}."
    ]

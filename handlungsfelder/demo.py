"""Demo data of the strategy: the Ziele of every Kreis in data/demo/kreise/*.yaml (Lippe's
under the four Handlungsfelder) with Kennzahlen and measured values for the last four
complete quarters. Called by `manage.py seed_demo`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.quartal import Quartal
from core.reference import upsert
from kommunen.demo import cdo_email, demo_kreise, demo_users, kreis_person

from .models import Handlungsfeld, Kennzahl, KennzahlWert, Ziel


def _basisdatum(heute: dt.date) -> dt.date:
    return Quartal.from_date(heute).previous(8).ende


def _zieldatum(heute: dt.date) -> dt.date:
    return dt.date(heute.year + 2, 12, 31)


def seed(stdout) -> None:
    heute = timezone.localdate()
    felder = {hf.nummer: hf for hf in Handlungsfeld.objects.all()}
    users = demo_users()
    letzte = Quartal.last_complete()
    quartale = [letzte.previous(3), letzte.previous(2), letzte.previous(1), letzte]

    for kreis, kommunen, daten in demo_kreise():
        kreis_user = users.get(kreis_person(kreis, daten))
        for eintrag in daten.get("ziele", []):
            ziel, _ = upsert(
                Ziel,
                {"kreis": kreis, "titel": eintrag["titel"]},
                {
                    "handlungsfeld_id": felder[eintrag["handlungsfeld"]].pk,
                    "beschreibung": eintrag["beschreibung"],
                    "veroeffentlicht": True,
                },
            )
            for werte in eintrag.get("kennzahlen", []):
                kennzahl = _kennzahl(ziel, werte, heute)
                _values(kennzahl, werte, quartale, kommunen, users, kreis_user)


def _kennzahl(ziel: Ziel, werte: dict, heute: dt.date) -> Kennzahl:
    kennzahl, _ = upsert(
        Kennzahl,
        {"ziel": ziel, "name": werte["name"]},
        {
            "einheit": werte["einheit"],
            "richtung": werte.get("richtung", Kennzahl.Richtung.HOEHER),
            "ebene": werte["ebene"],
            "quelle": werte["quelle"],
            "basiswert": Decimal(werte["basiswert"]),
            "basisdatum": _basisdatum(heute),
            "zielwert": Decimal(werte["zielwert"]),
            "zieldatum": _zieldatum(heute),
        },
    )
    return kennzahl


def _values(kennzahl: Kennzahl, werte: dict, quartale, kommunen, users, kreis_user) -> None:
    """The measured values of a manually kept Kennzahl (`werte`, oldest first, null = not
    recorded); measured per Kommune, each Kommune of `abweichung_je_kommune` reports the
    value plus its offset."""
    for quartal, wert in zip(quartale, werte.get("werte") or [None] * 4, strict=True):
        if wert is None:
            continue
        if kennzahl.ebene == Kennzahl.Ebene.KREIS:
            upsert(
                KennzahlWert,
                {"kennzahl": kennzahl, "quartal": str(quartal), "kommune": None},
                {"wert": Decimal(wert), "erfasst_von_id": kreis_user.pk if kreis_user else None},
            )
            continue
        for slug, abweichung in werte.get("abweichung_je_kommune", {}).items():
            cdo = users.get(cdo_email(slug))
            upsert(
                KennzahlWert,
                {"kennzahl": kennzahl, "quartal": str(quartal), "kommune": kommunen[slug]},
                {
                    "wert": max(Decimal(wert) + abweichung, Decimal(0)),
                    "erfasst_von_id": cdo.pk if cdo else None,
                },
            )

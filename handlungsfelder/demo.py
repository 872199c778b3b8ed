"""Demo data of the strategy: Ziele of Kreis Lippe under the four Handlungsfelder, with
Kennzahlen and measured values for recent quarters. Called by `manage.py seed_demo`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.quartal import Quartal
from core.reference import upsert
from kommunen.demo import KREIS_EMAIL, cdo_email, demo_users, kommunen_lippe, lippe

from .models import Handlungsfeld, Kennzahl, KennzahlWert, Ziel

E = Kennzahl.Einheit
Q = Kennzahl.Quelle

# Handlungsfeld-Nummer, Titel, Beschreibung, Kennzahlen
# Kennzahl: name, einheit, ebene, quelle, basiswert, zielwert, values for the last four
# complete quarters (oldest first; None = not recorded) — only for manually kept ones.
ZIELE = [
    (
        1,
        "Interkommunale Zusammenarbeit verstetigen",
        "Die 16 Kommunen und der Kreis setzen Vorhaben gemeinsam um, statt jede für sich; "
        "Lösungen einer Kommune werden von anderen nachgenutzt.",
        [
            (
                "Gemeinsame Maßnahmen mit mindestens drei beteiligten Kommunen",
                E.ANZAHL,
                Kennzahl.Ebene.KREIS,
                Q.MANUELL,
                "3",
                "12",
                ["5", "6", "6", "8"],
            ),
            (
                "Anteil abgeschlossener Maßnahmen",
                E.PROZENT,
                Kennzahl.Ebene.KREIS,
                Q.MASSNAHMEN_ABGESCHLOSSEN,
                "0",
                "50",
                None,
            ),
            (
                "Abgerufene Fördermittel",
                E.PROZENT,
                Kennzahl.Ebene.KREIS,
                Q.FOERDERMITTEL_ABGERUFEN,
                "10",
                "100",
                None,
            ),
        ],
    ),
    (
        2,
        "Verwaltungsleistungen vollständig digital anbieten",
        "Die wichtigsten kommunalen OZG-Leistungen sind in allen lippischen Kommunen online "
        "und werden ohne Medienbruch bis zum Bescheid bearbeitet.",
        [
            (
                "OZG-Leistungen online je Kommune",
                E.ANZAHL,
                Kennzahl.Ebene.KOMMUNE,
                Q.OZG_REIFEGRAD,
                "23",
                "50",
                None,
            ),
            (
                "Durchschnittliche Bearbeitungsdauer eines Bauantrags",
                E.TAGE,
                Kennzahl.Ebene.KREIS,
                Q.MANUELL,
                "94",
                "45",
                ["88", "81", "79", "71"],
            ),
            (
                "Kommunen mit E-Akte im Echtbetrieb",
                E.ANZAHL,
                Kennzahl.Ebene.KREIS,
                Q.MANUELL,
                "2",
                "16",
                ["4", "5", "5", "6"],
            ),
        ],
    ),
    (
        3,
        "Digitale Führungskultur stärken",
        "Führungskräfte verstehen die digitale Transformation als ihre Aufgabe und ermöglichen "
        "neue Arbeitsformen wie mobiles Arbeiten.",
        [
            (
                "Führungskräfte mit Qualifizierung „Digital führen“",
                E.PROZENT,
                Kennzahl.Ebene.KREIS,
                Q.MANUELL,
                "5",
                "60",
                ["9", "14", "17", None],
            )
        ],
    ),
    (
        4,
        "Beschäftigte für den digitalen Wandel befähigen",
        "Alle Beschäftigten erhalten Schulungen zu digitalem Arbeiten und Prozessmanagement; "
        "Wissen wird dokumentiert und zwischen den Kommunen geteilt.",
        [
            (
                "Anteil geschulter Beschäftigter",
                E.PROZENT,
                Kennzahl.Ebene.KOMMUNE,
                Q.MANUELL,
                "12",
                "75",
                ["18", "24", "31", "37"],
            ),
            (
                "Teilnahmen an interkommunalen Schulungen",
                E.ANZAHL,
                Kennzahl.Ebene.KREIS,
                Q.MANUELL,
                "40",
                "600",
                ["95", "160", "210", "284"],
            ),
        ],
    ),
]

# Kennzahlen where a lower value is better (all others: higher is better).
NIEDRIGER_BESSER = {"Durchschnittliche Bearbeitungsdauer eines Bauantrags"}

# Kommunen reporting "Anteil geschulter Beschäftigter" and their offset to the Kreis value.
SCHULUNG_KOMMUNEN = {
    "bad-salzuflen": 6,
    "blomberg": 9,
    "detmold": 2,
    "lemgo": 4,
    "luegde": -3,
    "kalletal": -5,
    "schlangen": -8,
}


def _basisdatum(heute: dt.date) -> dt.date:
    return Quartal.from_date(heute).previous(8).ende


def _zieldatum(heute: dt.date) -> dt.date:
    return dt.date(heute.year + 2, 12, 31)


def seed(stdout) -> None:
    heute = timezone.localdate()
    kreis = lippe()
    kommunen = kommunen_lippe()
    felder = {hf.nummer: hf for hf in Handlungsfeld.objects.all()}
    users = demo_users()
    kreis_user = users.get(KREIS_EMAIL)
    letzte = Quartal.last_complete()
    quartale = [letzte.previous(3), letzte.previous(2), letzte.previous(1), letzte]

    for nummer, titel, beschreibung, kennzahlen in ZIELE:
        ziel, _ = upsert(
            Ziel,
            {"kreis": kreis, "titel": titel},
            {
                "handlungsfeld_id": felder[nummer].pk,
                "beschreibung": beschreibung,
                "veroeffentlicht": True,
            },
        )
        for name, einheit, ebene, quelle, basis, ziel_wert, werte in kennzahlen:
            kennzahl, _ = upsert(
                Kennzahl,
                {"ziel": ziel, "name": name},
                {
                    "einheit": einheit,
                    "richtung": (
                        Kennzahl.Richtung.NIEDRIGER
                        if name in NIEDRIGER_BESSER
                        else Kennzahl.Richtung.HOEHER
                    ),
                    "ebene": ebene,
                    "quelle": quelle,
                    "basiswert": Decimal(basis),
                    "basisdatum": _basisdatum(heute),
                    "zielwert": Decimal(ziel_wert),
                    "zieldatum": _zieldatum(heute),
                },
            )
            if not werte:
                continue
            for quartal, wert in zip(quartale, werte, strict=True):
                if wert is None:
                    continue
                if ebene == Kennzahl.Ebene.KREIS:
                    upsert(
                        KennzahlWert,
                        {"kennzahl": kennzahl, "quartal": str(quartal), "kommune": None},
                        {
                            "wert": Decimal(wert),
                            "erfasst_von_id": kreis_user.pk if kreis_user else None,
                        },
                    )
                    continue
                for slug, abweichung in SCHULUNG_KOMMUNEN.items():
                    cdo = users.get(cdo_email(slug))
                    upsert(
                        KennzahlWert,
                        {"kennzahl": kennzahl, "quartal": str(quartal), "kommune": kommunen[slug]},
                        {
                            "wert": max(Decimal(wert) + abweichung, Decimal(0)),
                            "erfasst_von_id": cdo.pk if cdo else None,
                        },
                    )

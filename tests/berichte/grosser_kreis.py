"""A generated Kreis that stresses the quarterly report's layout: 500 Maßnahmen, 40
Förderbescheide, 16 Kommunen, and names as long as real German ones get (and longer).

Reusable by every report test: `grosser_kreis_anlegen()` inside a test with database
access, or the session fixture `grosser_bericht` (tests/berichte/conftest.py) for the
rendered PDFs without rendering them again in each test.

Everything is entered with its change history (`bulk_create_with_history`) in two steps,
so the report compares two quarters with figures of their own: the Kreis as it stood in the
previous quarter (dated ten days before its end: Maßnahmen, that quarter's Statusmeldungen,
Förderbescheide, milestones, most OZG ratings), then what changed in the report's quarter
(dated ten days before its end: progress, traffic lights, finished Maßnahmen, this quarter's
Statusmeldungen, more OZG ratings). Deterministic: the same call gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.quartal import Quartal
from foerderung.models import Foerderbescheid, Foerderprogramm, Mittelabruf
from handlungsfelder.models import Handlungsfeld, Kennzahl, Ziel
from kommunen.models import Kommune, Kreis, Region
from massnahmen.models import Massnahme, Meilenstein, Statusmeldung
from ozg.models import OzgLeistung, Umsetzungsstand
from tests.stichtag import zurueckdatieren
from workshops.models import Workshop

QUARTAL = Quartal(2026, 3)
AGS = "05799"
KREIS_NAME = "Sächsische Schweiz-Osterzgebirge-Weserbergland-Lippe"
# One word of 40 letters: no hyphenation point a renderer could find without a dictionary.
LANGES_WORT = "Digitalisierungsbeschleunigungsvorhaben"
# Long names of real German Kommunen, made longer; each is unique.
KOMMUNEN = [
    "Schieder-Schwalenberg an der Emmer",
    "Horn-Bad Meinberg am Teutoburger Wald",
    "Hansestadt Lemgo an der Bega",
    "Leopoldshöhe-Asemissen-Greste",
    "Bad Salzuflen-Schötmar-Werl-Aspe",
    "Barntrup im Nordlippischen Bergland",
    "Dörentrup-Wendlinghausen-Farmbeck",
    "Extertal-Bösingfeld-Almena-Silixen",
    "Kalletal-Hohenhausen-Varenholz",
    "Oerlinghausen am Hermannsweg",
    "Blomberg-Großenmarpe-Cappel",
    "Augustdorf an der Senne",
    "Lügde-Elbrinxen-Rischenau",
    "Detmold-Heiligenkirchen-Berlebeck",
    "Schlangen-Kohlstädt-Oesterholz",
    LANGES_WORT + "hausen",
]
# Every 50th Maßnahme (from the second) is finished in the report's quarter.
JEDE_ABGESCHLOSSEN = 50
# The OZG services each Kommune has rated only in the report's quarter (of 40).
OZG_NEU_BEWERTET = 5
HANDLUNGSFELDER = [
    (1, "IKZ & Beteiligung"),
    (2, "Digitale Infrastruktur"),
    (3, "Kultur & Führung"),
    (4, "Befähigung, Wissens- und Change-Management"),
]
STATUS = [Massnahme.Status.IN_UMSETZUNG, Massnahme.Status.GEPLANT, Massnahme.Status.IDEE]
THEMEN = [
    "Einführung der elektronischen Akte mit revisionssicherer Langzeitspeicherung",
    "Gemeinsames Serviceportal mit Bürgerkonto, Bezahlfunktion und Postfach",
    "Interkommunale Zusammenarbeit bei der Beschaffung von Fachverfahren",
    "Breitbandausbau in den Gewerbegebieten und an allen Schulstandorten",
    "Qualifizierung der Beschäftigten für die digitale Sachbearbeitung",
    f"{LANGES_WORT} für die Ratsinformationssysteme",
]


@dataclass
class GrosserKreis:
    """What `grosser_kreis_anlegen` made."""

    kreis: Kreis
    kommunen: list[Kommune]
    massnahmen: list[Massnahme]
    bescheide: list[Foerderbescheid]
    quartal: Quartal
    soll: Soll


@dataclass(frozen=True)
class Soll:
    """The figures the report must show, counted from what the generator made (not read
    back through the report's code): at the end of the report's quarter and, `_vorher`,
    of the previous one."""

    massnahmen: int
    fortschritt: float  # average of the Maßnahmen that count (not ideas), one decimal
    fortschritt_vorher: float
    abgeschlossen: int  # finished in the report's quarter
    rot: int
    neu_rot: int  # red now, not red at the end of the previous quarter
    meldepflichtig: int
    fehlend: int  # meldepflichtig without a Statusmeldung for the quarter
    meldepflichtig_vorher: int
    gemeldet_vorher: int
    fristen: int  # deadlines of the Förderbescheide in the six months after the quarter
    ozg_bewertet: int
    ozg_online: int
    ozg_online_vorher: int
    meilensteine: int  # due in the next quarter


def _soll(quartal, ids, vorher, jetzt, meldungen, bescheide, bewertungen, spaeter, meilensteine):
    """`Soll` from the generator's own lists: the Maßnahmen's ids and their states as
    (status, fortschritt, ampel) in creation order, the Statusmeldungen per quarter, the
    Bescheide, the OZG ratings (`spaeter`: those made in the report's quarter)."""

    def mittel(staende):
        zaehlen = [f for status, f, _ in staende if status != Massnahme.Status.IDEE]
        return round(sum(zaehlen) / len(zaehlen), 1)

    fertig = Massnahme.Status.ABGESCHLOSSEN
    pflichtig = [n for n, (status, _f, _a) in enumerate(jetzt) if status != fertig]
    gemeldet = {m.massnahme_id for m in meldungen[quartal]}
    bis = quartal.next().next().ende  # six months after the quarter's end
    fristen = sum(
        1
        for b in bescheide
        for frist in (b.verwendungsnachweis_faellig, b.bewilligungszeitraum_ende)
        if quartal.ende < frist <= bis
    )
    online = [b for b in bewertungen if b.reifegrad >= 3]
    return Soll(
        massnahmen=len(jetzt),
        fortschritt=mittel(jetzt),
        fortschritt_vorher=mittel(vorher),
        abgeschlossen=sum(1 for v, j in zip(vorher, jetzt, strict=True) if j[0] == fertig != v[0]),
        rot=sum(1 for _s, _f, ampel in jetzt if ampel == "rot"),
        neu_rot=sum(1 for v, j in zip(vorher, jetzt, strict=True) if j[2] == "rot" != v[2]),
        meldepflichtig=len(pflichtig),
        fehlend=sum(1 for n in pflichtig if ids[n] not in gemeldet),
        meldepflichtig_vorher=sum(1 for status, _f, _a in vorher if status != fertig),
        gemeldet_vorher=len(meldungen[quartal.previous()]),
        fristen=fristen,
        ozg_bewertet=len(bewertungen),
        ozg_online=len(online),
        ozg_online_vorher=sum(1 for b in online if id(b) not in spaeter),
        meilensteine=meilensteine,
    )


def _handlungsfelder() -> list[Handlungsfeld]:
    felder = []
    for nummer, name in HANDLUNGSFELDER:
        feld = Handlungsfeld.objects.filter(nummer=nummer).first()
        if feld is None:
            feld = Handlungsfeld.objects.create(
                nummer=nummer, kurzname=name, name=name, slug=f"grosser-kreis-hf-{nummer}"
            )
        felder.append(feld)
    return felder


def grosser_kreis_anlegen(
    *,
    massnahmen: int = 500,
    bescheide: int = 40,
    quartal: Quartal = QUARTAL,
    region: Region | None = None,
) -> GrosserKreis:
    """Create the Kreis with its Maßnahmen (this and last quarter's Statusmeldungen for
    nine in ten, milestones next quarter for a third), Förderbescheide with drawdowns and
    deadlines in the next six months, Kennzahlen, workshops and OZG ratings: as they stood
    at the end of the previous quarter, and as they stand at the end of `quartal`."""
    zufall = random.Random(2026)
    if region is None:
        region = Region.objects.first() or Region.objects.create(
            kurzname="OWL-G", name="Ostwestfalen-Lippe", slug="owl-grosser-kreis"
        )
    kreis = Kreis.objects.create(ags=AGS, name=KREIS_NAME, slug="grosser-kreis", region=region)
    kommunen = Kommune.objects.bulk_create(
        Kommune(
            ags=f"{AGS}{n:03d}",
            name=name,
            slug=f"grosser-kreis-{n}",
            typ=Kommune.Typ.STADT,
            kreis=kreis,
            einwohner=10000 + 997 * n,
        )
        for n, name in enumerate(KOMMUNEN, start=1)
    )
    felder = _handlungsfelder()
    neue_massnahmen = [
        Massnahme(
            kreis=kreis,
            titel=(
                f"{THEMEN[n % len(THEMEN)]} in {kommunen[n % len(kommunen)].name} "
                f"und den Partnerkommunen (Vorhaben {n + 1:03d})"
            ),
            beschreibung="Gemeinsame Umsetzung in den Kommunen des Kreises.",
            handlungsfeld=felder[n % len(felder)],
            federfuehrend=None if n % 25 == 0 else kommunen[n % len(kommunen)],
            status=STATUS[n % len(STATUS)],
            fortschritt=zufall.randint(0, 100),
            ampel=zufall.choice(["gruen", "gruen", "gelb", "rot"]),
            beginn=dt.date(2025, 1, 1),
            ende_geplant=dt.date(2027, 12, 31),
        )
        for n in range(massnahmen)
    ]
    # The report's quarter's state (`jetzt`), and the previous quarter's the Maßnahmen are
    # created with: a second random sequence, so the first gives the same data as before.
    frueher = random.Random(2025)
    jetzt = []
    for n, m in enumerate(neue_massnahmen):
        jetzt.append((m.status, m.fortschritt, m.ampel))
        if n % JEDE_ABGESCHLOSSEN == 1:
            jetzt[n] = (Massnahme.Status.ABGESCHLOSSEN, 100, "gruen")
        m.fortschritt = max(0, m.fortschritt - frueher.randint(0, 20))
        if frueher.random() < 0.25:
            m.ampel = frueher.choice(["gruen", "gelb", "rot"])
    neue_massnahmen = bulk_create_with_history(neue_massnahmen, Massnahme, batch_size=500)
    # bulk_create_with_history returns the objects with primary keys on PostgreSQL; read
    # them back in creation order so SQLite works as well.
    neue_massnahmen = list(Massnahme.objects.filter(kreis=kreis).order_by("id"))
    meldungen = {quartal.previous(): [], quartal: []}
    for q in (quartal, quartal.previous()):
        for n, m in enumerate(neue_massnahmen):
            if zufall.random() < 0.9:
                _status, fortschritt, ampel = (
                    jetzt[n] if q == quartal else (m.status, m.fortschritt, m.ampel)
                )
                meldungen[q].append(
                    Statusmeldung(
                        massnahme=m,
                        quartal=str(q),
                        fortschritt=fortschritt,
                        ampel=ampel,
                        erreicht=(
                            "Die Anforderungen sind mit den Fachämtern aller beteiligten "
                            "Kommunen abgestimmt; der Pilotbetrieb läuft seit August in zwei "
                            "Rathäusern, die Rückmeldungen stehen unter https://portal."
                            "grosser-kreis.example.invalid/projekte/digitalisierung/"
                            f"vorhaben-{m.pk}/rueckmeldungen-der-pilotkommunen."
                        ),
                        naechste_schritte="Ausschreibung vorbereiten und den Rollout planen.",
                        risiken=(
                            f"Personalengpässe in der IT; das {LANGES_WORT}gesetz verzögert sich."
                            if zufall.random() < 0.3
                            else ""
                        ),
                    )
                )
    bulk_create_with_history(meldungen[quartal.previous()], Statusmeldung, batch_size=500)
    naechstes = quartal.next()
    bulk_create_with_history(
        [
            Meilenstein(
                massnahme=m,
                titel=f"Abnahme des Pilotbetriebs und Übergabe an {LANGES_WORT} ({m.pk})",
                faellig_am=naechstes.beginn + dt.timedelta(days=zufall.randint(0, 89)),
            )
            for m in neue_massnahmen[: massnahmen // 3]
        ],
        Meilenstein,
        batch_size=500,
    )
    programm, _ = Foerderprogramm.objects.get_or_create(
        kurzname="Digitalisierungsförderung Kommunal NRW 2026",
        defaults={
            "name": "Förderprogramm zur Digitalisierung kommunaler Verwaltungsleistungen",
            "foerdergeber": "Land Nordrhein-Westfalen",
            "richtlinie": "Richtlinie vom 1. Januar 2026",
            "max_foerderquote": Decimal("90"),
        },
    )
    neue_bescheide = bulk_create_with_history(
        [
            Foerderbescheid(
                kreis=kreis,
                programm=programm,
                aktenzeichen=f"ZWB-NRW/34.2-DIGITAL-2026/{n + 1:07d}-INTERKOMMUNAL",
                bescheiddatum=dt.date(2025, 3, 1) + dt.timedelta(days=n),
                zuwendungsempfaenger=kommunen[n % len(kommunen)],
                bewilligter_betrag=Decimal("9876543.21") - n * Decimal("123456.78"),
                foerderquote=Decimal("90"),
                bewilligungszeitraum_beginn=dt.date(2025, 4, 1),
                bewilligungszeitraum_ende=quartal.ende + dt.timedelta(days=20 * (n + 1)),
                zweck="Gemeinsame Digitalisierung der Verwaltungsleistungen.",
                verwendungsnachweis_faellig=quartal.ende + dt.timedelta(days=30 + 5 * n),
            )
            for n in range(bescheide)
        ],
        Foerderbescheid,
        batch_size=500,
    )
    neue_bescheide = list(Foerderbescheid.objects.filter(kreis=kreis).order_by("id"))
    bulk_create_with_history(
        [
            Mittelabruf(
                bescheid=b,
                datum=dt.date(2025, 6, 1),
                betrag=b.bewilligter_betrag / 3,
                status=Mittelabruf.Status.AUSGEZAHLT if n % 2 else Mittelabruf.Status.BEANTRAGT,
                ausgezahlt_am=dt.date(2025, 7, 1) if n % 2 else None,
            )
            for n, b in enumerate(neue_bescheide)
        ],
        Mittelabruf,
        batch_size=500,
    )
    for nummer, feld in enumerate(felder, start=1):
        ziel = Ziel.objects.create(
            kreis=kreis,
            handlungsfeld=feld,
            titel=f"Alle Verwaltungsleistungen der {LANGES_WORT} sind bis 2028 digital ({nummer})",
        )
        Kennzahl.objects.create(
            ziel=ziel,
            name=f"Anteil der {LANGES_WORT}, die vollständig digital abgewickelt werden",
            einheit=Kennzahl.Einheit.PROZENT,
            basiswert=Decimal("12.5"),
            basisdatum=dt.date(2024, 12, 31),
            zielwert=Decimal("100"),
            zieldatum=dt.date(2028, 12, 31),
        )
    beginn = timezone.make_aware(dt.datetime.combine(quartal.beginn, dt.time(10)))
    Workshop.objects.bulk_create(
        Workshop(
            kreis=kreis,
            titel=f"Werkstatt {n + 1}: {LANGES_WORT} im interkommunalen Verbund gestalten",
            beginn=beginn + dt.timedelta(days=14 * n),
            ende=beginn + dt.timedelta(days=14 * n, hours=3),
            veroeffentlicht_am=beginn - dt.timedelta(days=7),
        )
        for n in range(6)
    )
    leistungen = list(OzgLeistung.objects.order_by("id")[:40])
    for n in range(len(leistungen), 40):
        leistungen.append(
            OzgLeistung.objects.create(
                ozg_id=f"G{n:05d}", name=f"Leistung {n}", themenfeld="Querschnitt"
            )
        )
    bewertungen = [
        Umsetzungsstand(
            leistung=leistung, kommune=k, reifegradmodell="2.0", reifegrad=zufall.randint(0, 7)
        )
        for k in kommunen
        for leistung in leistungen
    ]
    # The last services of each Kommune are rated only in the report's quarter.
    spaeter = {id(b) for b in bewertungen if b.leistung in leistungen[-OZG_NEU_BEWERTET:]}
    bulk_create_with_history(
        [b for b in bewertungen if id(b) not in spaeter], Umsetzungsstand, batch_size=1000
    )
    zurueckdatieren(quartal.previous().ende - dt.timedelta(days=10))

    # What changed in the report's quarter.
    vorher = [(m.status, m.fortschritt, m.ampel) for m in neue_massnahmen]
    geaendert = []
    for m, (status, fortschritt, ampel) in zip(neue_massnahmen, jetzt, strict=True):
        if (status, fortschritt, ampel) != (m.status, m.fortschritt, m.ampel):
            m.status, m.fortschritt, m.ampel = status, fortschritt, ampel
            if status == Massnahme.Status.ABGESCHLOSSEN:
                m.ende_tatsaechlich = quartal.ende - dt.timedelta(days=10)
            geaendert.append(m)
    bulk_update_with_history(
        geaendert,
        Massnahme,
        ["status", "fortschritt", "ampel", "ende_tatsaechlich"],
        batch_size=500,
    )
    bulk_create_with_history(meldungen[quartal], Statusmeldung, batch_size=500)
    bulk_create_with_history(
        [b for b in bewertungen if id(b) in spaeter], Umsetzungsstand, batch_size=1000
    )
    zurueckdatieren(quartal.ende - dt.timedelta(days=10))
    soll = _soll(
        quartal,
        [m.pk for m in neue_massnahmen],
        vorher,
        jetzt,
        meldungen,
        neue_bescheide,
        bewertungen,
        spaeter,
        meilensteine=massnahmen // 3,
    )
    neue_massnahmen = list(Massnahme.objects.filter(kreis=kreis).order_by("id"))
    return GrosserKreis(kreis, kommunen, neue_massnahmen, neue_bescheide, quartal, soll)

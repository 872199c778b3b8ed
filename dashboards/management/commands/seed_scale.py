"""`manage.py seed_scale`: a national-scale data set for the benchmarks (bench/).

    python manage.py seed_scale --kreise 400 --kommunen-je-kreis 27 --massnahmen 100000 --quartale 8

Builds a separate synthetic region ("SKALA") whose Kreise carry the AGS 99000–99999 (no
Land has the code 99, so nothing clashes with real reference data) and whose Kommunen have
8-digit AGS beginning with their Kreis's AGS. Per Maßnahme one Statusmeldung for each of the
last `--quartale` quarters before the current one, a milestone, participating Kommunen
(some in the neighbouring Kreis); per Kommune a rating of every OZG service; per Kreis a
few Förderbescheide with drawdowns and workshops. Rows go in by COPY on PostgreSQL
(bulk_create elsewhere); history tables stay empty (this is no one's edit).

Refuses to run twice (the region exists) and, like seed_demo, with DEBUG off unless --force.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.quartal import Quartal
from core.stichtag import past_changed
from foerderung.models import Foerderbescheid, Foerderprogramm, Mittelabruf
from handlungsfelder.models import Handlungsfeld
from kommunen.models import Kommune, Kreis, Region
from massnahmen.models import Massnahme, Meilenstein, Nachnutzung, Sichtbarkeit, Statusmeldung
from ozg.models import OzgLeistung, Umsetzungsstand
from ozg.wer_hat_das_schon import advance_stand
from workshops.models import Workshop

KURZNAME = "SKALA"
LAND = "99"
STATUS_GEWICHTE = [
    (Massnahme.Status.IDEE, 5),
    (Massnahme.Status.GEPLANT, 20),
    (Massnahme.Status.IN_UMSETZUNG, 50),
    (Massnahme.Status.ABGESCHLOSSEN, 15),
    (Massnahme.Status.PAUSIERT, 7),
    (Massnahme.Status.ABGEBROCHEN, 3),
]
AMPEL_GEWICHTE = [("gruen", 65), ("gelb", 25), ("rot", 10)]
THEMEN = [
    "Digitale Akte",
    "Bürgerportal",
    "Breitbandausbau",
    "Schulungsprogramm",
    "Open-Data-Plattform",
    "Online-Terminvergabe",
    "Digitale Sitzungsarbeit",
    "Smarte Straßenbeleuchtung",
    "E-Rechnung",
    "Dorf-App",
]


class Writer:
    """Inserts many rows fast: COPY on PostgreSQL, bulk_create in batches elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def write(self, model, fields: list[str], rows) -> int:
        if self.postgres:
            # Django's defaults live in Python, not in the table: COPY must name every
            # NOT NULL column the caller leaves out that has one – an explicit default
            # (`version`) or the empty string of a text field (`einbettende_websites`).
            vorgaben = [
                f
                for f in model._meta.concrete_fields
                if f.name not in fields
                and not f.primary_key
                and not f.null
                and not f.generated  # computed by the database (ozg `online`)
                and f.get_default() is not None
            ]
            columns = ", ".join(
                f'"{f.column}"' for f in [*map(model._meta.get_field, fields), *vorgaben]
            )
            n = 0
            with connection.cursor() as cursor:
                sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row([*row, *(f.get_default() for f in vorgaben)])
                        n += 1
            return n
        attnames = [model._meta.get_field(f).attname for f in fields]  # kreis → kreis_id
        batch, n = [], 0
        for row in rows:
            batch.append(model(**dict(zip(attnames, row, strict=True))))
            if len(batch) >= 5000:
                model.objects.bulk_create(batch)
                n += len(batch)
                batch = []
        model.objects.bulk_create(batch)
        return n + len(batch)


def _weighted(rng: random.Random, paare):
    werte, gewichte = zip(*paare, strict=True)
    return rng.choices(werte, weights=gewichte)[0]


def _sichtbarkeit(zufall: float) -> str:
    """Half the Maßnahmen public, a tenth Region-visible, the rest Kreis-visible (one draw,
    as the yes/no "veröffentlicht" took before, so the seed gives the same data)."""
    if zufall < 0.5:
        return Sichtbarkeit.OEFFENTLICH
    return Sichtbarkeit.REGION if zufall < 0.6 else Sichtbarkeit.KREIS


class Command(BaseCommand):
    help = (
        "Legt einen Datenbestand in Bundesgröße für Lasttests an (synthetische Region SKALA, "
        "AGS 99…). Läuft nur einmal und nur mit DEBUG=True oder mit --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kreise", type=int, default=400)
        parser.add_argument("--kommunen-je-kreis", type=int, default=27)
        parser.add_argument("--massnahmen", type=int, default=100_000)
        parser.add_argument("--quartale", type=int, default=8)
        parser.add_argument("--seed", type=int, default=2026, help="Zufallsstartwert")
        parser.add_argument("--force", action="store_true", help="Auch bei DEBUG=False ausführen.")

    def handle(self, *args, **o):
        if not settings.DEBUG and not o["force"]:
            raise CommandError(
                "seed_scale legt hunderttausende Testdatensätze an und läuft deshalb nur mit "
                "DEBUG=True. Wer das auf diesem System wirklich will, ruft den Befehl mit "
                "--force auf."
            )
        kreise, je_kreis = o["kreise"], o["kommunen_je_kreis"]
        if not 1 <= kreise <= 1000:
            raise CommandError("--kreise: 1 bis 1000 (die AGS 99000–99999 sind frei).")
        if not 1 <= je_kreis <= 999:
            raise CommandError("--kommunen-je-kreis: 1 bis 999 (drei Ziffern im AGS).")
        if o["massnahmen"] < 0 or not 0 <= o["quartale"] <= 40:
            raise CommandError("--massnahmen ab 0, --quartale 0 bis 40.")
        if Region.objects.filter(kurzname=KURZNAME).exists():
            raise CommandError(
                f"Die Skalierungsdaten (Region {KURZNAME}) sind in dieser Datenbank bereits "
                "angelegt; seed_scale läuft nur einmal. Für einen neuen Lauf bitte eine frische "
                "Datenbank nehmen."
            )
        start = time.monotonic()
        call_command("load_reference_data", verbosity=0)
        with transaction.atomic():
            zahlen = self._create(random.Random(o["seed"]), kreise, je_kreis, o)
        past_changed()  # history of past quarters was written
        advance_stand()  # COPY sends no signals: „Wer hat das schon?“ computes afresh
        if connection.vendor == "postgresql":
            # Fresh statistics after the commit, or the planner guesses on empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        dauer = time.monotonic() - start
        if o["verbosity"]:
            teile = ", ".join(f"{n:,} {name}".replace(",", ".") for name, n in zahlen.items())
            self.stdout.write(
                self.style.SUCCESS(f"Skalierungsdaten angelegt in {dauer:.0f} s: {teile}.")
            )

    def _log(self, o, text: str) -> None:
        if o["verbosity"] >= 2:
            self.stdout.write(text)

    def _create(self, rng: random.Random, anzahl_kreise: int, je_kreis: int, o) -> dict:
        w = Writer()
        jetzt = timezone.now()
        heute = timezone.localdate()
        zahlen: dict[str, int] = {}

        region = Region.objects.create(
            kurzname=KURZNAME, name="Synthetische Region (Lasttest)", slug="skala-lasttest"
        )
        kreis_ags = [f"{LAND}{i:03d}" for i in range(anzahl_kreise)]
        Kreis.objects.bulk_create(
            Kreis(ags=ags, name=f"Lasttest-Kreis {ags}", slug=f"lasttest-{ags}", region=region)
            for ags in kreis_ags
        )
        zahlen["Kreise"] = anzahl_kreise
        zahlen["Kommunen"] = w.write(
            Kommune,
            [
                "erstellt_am",
                "geaendert_am",
                "ags",
                "name",
                "slug",
                "typ",
                "kreis",
                "einwohner",
                "website",
                "beschreibung",
            ],
            (
                (
                    jetzt,
                    jetzt,
                    f"{ags}{n:03d}",
                    f"Lasttest-Gemeinde {ags}{n:03d}",
                    f"lasttest-{ags}{n:03d}",
                    Kommune.Typ.GEMEINDE,
                    ags,
                    rng.randint(2_000, 80_000),
                    "",
                    "",
                )
                for ags in kreis_ags
                for n in range(1, je_kreis + 1)
            ),
        )
        kommunen: dict[str, list[int]] = {}
        for pk, kreis_id in Kommune.objects.filter(kreis__region=region).values_list(
            "pk", "kreis_id"
        ):
            kommunen.setdefault(kreis_id, []).append(pk)
        self._log(o, "Kreise und Kommunen angelegt.")

        hf_ids = list(Handlungsfeld.objects.values_list("pk", flat=True))
        if not hf_ids:
            raise CommandError("Keine Handlungsfelder: bitte zuerst load_reference_data.")
        zahlen["Maßnahmen"] = w.write(
            Massnahme,
            [
                "erstellt_am",
                "geaendert_am",
                "kreis",
                "titel",
                "beschreibung",
                "handlungsfeld",
                "federfuehrend",
                "status",
                "fortschritt",
                "ampel",
                "beginn",
                "ende_geplant",
                "ende_tatsaechlich",
                "sichtbarkeit",
                "archiviert",
                "version",
            ],
            self._massnahmen(rng, o["massnahmen"], kreis_ags, kommunen, hf_ids, jetzt, heute),
        )
        massnahmen = list(
            Massnahme.objects.filter(kreis__region=region)
            .order_by("pk")
            .values_list("pk", "kreis_id", "federfuehrend_id", "fortschritt", "ampel")
        )
        self._log(o, "Maßnahmen angelegt.")

        quartale = [Quartal.current().previous(s) for s in range(o["quartale"], 0, -1)]
        zahlen["Statusmeldungen"] = w.write(
            Statusmeldung,
            [
                "erstellt_am",
                "geaendert_am",
                "massnahme",
                "quartal",
                "fortschritt",
                "ampel",
                "erreicht",
                "naechste_schritte",
                "risiken",
            ],
            (
                (
                    jetzt,
                    jetzt,
                    pk,
                    str(q),
                    max(0, fortschritt - 8 * (len(quartale) - 1 - i)),
                    ampel,
                    "Arbeitspaket planmäßig fortgeführt.",
                    "Nächstes Arbeitspaket beginnen.",
                    "",
                )
                for pk, _kreis, _lead, fortschritt, ampel in massnahmen
                for i, q in enumerate(quartale)
            ),
        )
        self._log(o, "Statusmeldungen angelegt.")

        zahlen["Meilensteine"] = w.write(
            Meilenstein,
            ["erstellt_am", "geaendert_am", "massnahme", "titel", "faellig_am", "erreicht_am"],
            (
                (
                    jetzt,
                    jetzt,
                    pk,
                    "Zwischenstand vorgestellt",
                    heute + dt.timedelta(days=rng.randint(-120, 240)),
                    None,
                )
                for pk, *_rest in massnahmen
            ),
        )
        zahlen["Beteiligungen"] = w.write(
            Massnahme.beteiligte.through,
            ["massnahme", "kommune"],
            self._beteiligte(rng, massnahmen, kreis_ags, kommunen),
        )
        zahlen["Nachnutzungen"] = w.write(
            Nachnutzung,
            ["erstellt_am", "geaendert_am", "massnahme", "kommune", "seit", "bemerkung"],
            self._nachnutzungen(rng, massnahmen, kommunen, jetzt, heute),
        )
        self._log(o, "Meilensteine, Beteiligungen und Nachnutzungen angelegt.")

        leistungen = list(OzgLeistung.objects.values_list("pk", flat=True))
        zahlen["OZG-Umsetzungsstände"] = w.write(
            Umsetzungsstand,
            [
                "erstellt_am",
                "geaendert_am",
                "leistung",
                "kommune",
                "reifegradmodell",
                "reifegrad",
                "link",
            ],
            (
                (jetzt, jetzt, leistung, kommune, "2.0", rng.choice((0, 1, 2, 3, 3, 4, 5)), "")
                for ids in kommunen.values()
                for kommune in ids
                for leistung in leistungen
            ),
        )
        self._log(o, "OZG-Umsetzungsstände angelegt.")
        zahlen.update(self._foerderung_und_workshops(rng, kreis_ags, kommunen, heute, jetzt))
        return zahlen

    @staticmethod
    def _massnahmen(rng, anzahl, kreis_ags, kommunen, hf_ids, jetzt, heute):
        for i in range(anzahl):
            kreis = kreis_ags[i % len(kreis_ags)]
            status = _weighted(rng, STATUS_GEWICHTE)
            beginn = heute - dt.timedelta(days=rng.randint(60, 900))
            fortschritt = 100 if status == Massnahme.Status.ABGESCHLOSSEN else rng.randint(0, 95)
            ende = beginn + dt.timedelta(days=rng.randint(30, 400))
            yield (
                jetzt,
                jetzt,
                kreis,
                f"{THEMEN[i % len(THEMEN)]} {i + 1}",
                "Synthetische Maßnahme für den Lasttest.",
                rng.choice(hf_ids),
                None if rng.random() < 0.1 else rng.choice(kommunen[kreis]),
                status,
                fortschritt,
                _weighted(rng, AMPEL_GEWICHTE),
                beginn,
                beginn + dt.timedelta(days=rng.randint(180, 900)),
                ende if status == Massnahme.Status.ABGESCHLOSSEN else None,
                _sichtbarkeit(rng.random()),
                rng.random() < 0.03,
                1,
            )

    @staticmethod
    def _beteiligte(rng, massnahmen, kreis_ags, kommunen):
        index = {ags: i for i, ags in enumerate(kreis_ags)}
        for pk, kreis, lead, *_rest in massnahmen:
            gewaehlt = set(
                rng.sample(kommunen[kreis], min(rng.randint(0, 3), len(kommunen[kreis])))
            )
            if rng.random() < 0.05 and len(kreis_ags) > 1:  # a partner from the neighbour Kreis
                nachbar = kreis_ags[(index[kreis] + 1) % len(kreis_ags)]
                gewaehlt.add(rng.choice(kommunen[nachbar]))
            gewaehlt.discard(lead)
            for kommune in sorted(gewaehlt):
                yield (pk, kommune)

    @staticmethod
    def _nachnutzungen(rng, massnahmen, kommunen, jetzt, heute):
        for pk, kreis, lead, *_rest in massnahmen:
            if rng.random() >= 0.05:
                continue
            for kommune in rng.sample(kommunen[kreis], min(3, len(kommunen[kreis]))):
                if kommune != lead:
                    yield (jetzt, jetzt, pk, kommune, heute - dt.timedelta(days=90), "")

    @staticmethod
    def _foerderung_und_workshops(rng, kreis_ags, kommunen, heute, jetzt) -> dict:
        programm = Foerderprogramm.objects.order_by("pk").first()
        bescheide, workshops = [], []
        for ags in kreis_ags:
            for n in range(3):
                betrag = Decimal(rng.randrange(50_000, 400_000, 1_000))
                bescheide.append(
                    Foerderbescheid(
                        kreis_id=ags,
                        programm=programm,
                        aktenzeichen=f"LASTTEST-{ags}-{n + 1}",
                        bescheiddatum=heute - dt.timedelta(days=300),
                        zuwendungsempfaenger_id=kommunen[ags][n % len(kommunen[ags])],
                        bewilligter_betrag=betrag,
                        foerderquote=Decimal("80"),
                        bewilligungszeitraum_beginn=heute - dt.timedelta(days=300),
                        bewilligungszeitraum_ende=heute + dt.timedelta(days=400),
                        zweck="Synthetischer Bescheid für den Lasttest.",
                        verwendungsnachweis_faellig=heute + dt.timedelta(days=rng.randint(30, 500)),
                    )
                )
            for n in range(2):
                beginn = jetzt + dt.timedelta(days=rng.randint(3, 120))
                workshops.append(
                    Workshop(
                        kreis_id=ags,
                        titel=f"Austausch der CDOs {n + 1}",
                        beginn=beginn,
                        ende=beginn + dt.timedelta(hours=2),
                        veroeffentlicht_am=jetzt,
                    )
                )
        if programm is None:
            bescheide = []
        Foerderbescheid.objects.bulk_create(bescheide, batch_size=2000)
        Mittelabruf.objects.bulk_create(
            [
                Mittelabruf(
                    bescheid=b, datum=heute - dt.timedelta(days=60), betrag=b.bewilligter_betrag / 4
                )
                for b in bescheide
            ],
            batch_size=2000,
        )
        Workshop.objects.bulk_create(workshops, batch_size=2000)
        return {
            "Förderbescheide": len(bescheide),
            "Mittelabrufe": len(bescheide),
            "Workshops": len(workshops),
        }

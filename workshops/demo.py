"""Demo data: workshops of the Lippe CDOs – the regular video conference of all 16
Kommunen, the in-person Umsetzungsworkshop of the Rahmenstrategie and two upcoming
meetings – with Teilnahmen and Ergebnisse. Called by `manage.py seed_demo`; workshops are
identified by Kreis and title."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.reference import upsert
from handlungsfelder.models import Handlungsfeld
from kommunen.demo import (
    KREIS_EMAIL,
    KREIS_REGION_EMAIL,
    OWL_EMAIL,
    cdo_email,
    demo_kreise,
    demo_regionen,
    demo_users,
    kommunen_lippe,
    lippe,
)
from massnahmen.demo import PROZESSPOOL_TITEL, SCHULUNG_TITEL
from massnahmen.models import Massnahme

from .models import Ergebnis, Teilnahme, Workshop

F = Workshop.Format
T = Teilnahme.Status


def _zeitpunkt(day: dt.date, stunde: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(stunde, minute)))


def _werktag(day: dt.date) -> dt.date:
    """The next Tuesday–Thursday on or after `day` (CDO meetings are mid-week)."""
    while day.weekday() not in (1, 2, 3):
        day += dt.timedelta(days=1)
    return day


def seed(stdout) -> None:
    heute = timezone.localdate()
    kreis = lippe()
    kommunen = kommunen_lippe()
    felder = {hf.nummer: hf for hf in Handlungsfeld.objects.all()}
    users = demo_users()
    kreis_user = users[KREIS_EMAIL]
    massnahmen = {
        m.titel: m
        for m in Massnahme.objects.filter(
            kreis=kreis, titel__in=[PROZESSPOOL_TITEL, SCHULUNG_TITEL]
        )
    }

    def workshop(titel, tag, von, bis, werte):
        beginn = _zeitpunkt(tag, *von)
        obj, _ = upsert(
            Workshop,
            {"kreis": kreis, "titel": titel},
            {
                "beginn": beginn,
                "ende": _zeitpunkt(tag, *bis),
                # Published three weeks ahead, but never in the future.
                "veroeffentlicht_am": min(beginn - dt.timedelta(days=21), timezone.now()),
                **werte,
            },
        )
        return obj

    def teilnahmen(obj, status_je_kommune, mit_kreis=True):
        for slug, status in status_je_kommune.items():
            upsert(
                Teilnahme,
                {"workshop": obj, "person": users[cdo_email(slug)]},
                {"kommune_id": kommunen[slug].pk, "status": status},
            )
        if mit_kreis:
            status = T.TEILGENOMMEN if obj.ende < timezone.now() else T.ANGEMELDET
            upsert(
                Teilnahme,
                {"workshop": obj, "person": kreis_user},
                {"kommune_id": None, "status": status},
            )

    def ergebnis(obj, beschreibung, slug, faellig, erledigt=False, massnahme=None):
        upsert(
            Ergebnis,
            {"workshop": obj, "beschreibung": beschreibung},
            {
                "verantwortlich_id": kommunen[slug].pk if slug else None,
                "faellig_am": faellig,
                "status": Ergebnis.Status.ERLEDIGT if erledigt else Ergebnis.Status.OFFEN,
                "massnahme_id": massnahme.pk if massnahme else None,
            },
        )

    # 1. The regular video conference of all 16 Kommunen, three weeks ago.
    regeltreffen = workshop(
        "Regeltreffen der Digitalisierungsbeauftragten",
        _werktag(heute - dt.timedelta(days=21)),
        (10, 0),
        (12, 0),
        {
            "format": F.VIDEO,
            "ort": "",
            "online_link": "https://videokonferenz.kreis-lippe.invalid/regeltreffen",
            "handlungsfeld_id": felder[1].pk,
            "organisiert_von_id": None,
            "agenda": "1. Berichte aus den Kommunen\n2. Stand Serviceportal\n"
            "3. OZG-Reifegradmodell 2.0: Bewertung der Leistungen\n"
            "4. Stand E-Akte\n5. Verschiedenes",
            "protokoll": "Alle 16 Kommunen vertreten. Serviceportal: 14 Kommunen angebunden, "
            "die übrigen folgen im nächsten Quartal. Die Kommunen bewerten ihre "
            "OZG-Leistungen bis zum nächsten Treffen nach dem Reifegradmodell 2.0. "
            "E-Akte: Detmold berichtet über Verzögerungen bei der Migration.",
            "max_teilnehmende": None,
        },
    )
    teilnahmen(regeltreffen, dict.fromkeys(kommunen, T.TEILGENOMMEN))
    ergebnis(
        regeltreffen,
        "Stand der E-Akte in allen Kommunen abfragen und beim nächsten Regeltreffen vorstellen.",
        "detmold",
        heute + dt.timedelta(days=14),
    )
    ergebnis(
        regeltreffen,
        "Gemeinsame Hinweise zur Bewertung nach dem OZG-Reifegradmodell 2.0 zusammenstellen.",
        "bad-salzuflen",
        heute - dt.timedelta(days=5),
    )
    ergebnis(
        regeltreffen,
        "Termin für die Anbindung von Schlangen und Augustdorf an das "
        "Serviceportal mit dem Rechenzentrum abstimmen.",
        None,
        heute + dt.timedelta(days=30),
    )

    # 2. The in-person Umsetzungsworkshop of the Rahmenstrategie, seven months ago.
    umsetzung = workshop(
        "Umsetzungsworkshop Rahmenstrategie",
        _werktag(heute - dt.timedelta(days=212)),
        (9, 30),
        (15, 30),
        {
            "format": F.PRAESENZ,
            "ort": "Kreishaus Detmold, Felix-Fechenbach-Straße 5, 32756 Detmold, Sitzungssaal",
            "online_link": "",
            "handlungsfeld_id": felder[1].pk,
            "organisiert_von_id": None,
            "agenda": "1. Rahmenstrategie „Lippe lebt Digitalisierung“: wo stehen wir?\n"
            "2. Verbindliche Rahmenbedingungen der Kooperation\n"
            "3. Erste Aufgabenfelder je Handlungsfeld\n"
            "4. Arbeitsgruppen und nächste Schritte",
            "protokoll": "Die Kommunen vereinbaren, verbindliche Rahmenbedingungen in einer "
            "Geschäftsordnung festzuhalten und je Handlungsfeld erste Maßnahmen zu "
            "benennen. Kleinere Kommunen regen einen gemeinsamen Pool für "
            "Prozessmanagement an.",
            "max_teilnehmende": 40,
        },
    )
    abgesagt = {"extertal", "schlangen"}
    teilnahmen(
        umsetzung, {slug: T.ABGESAGT if slug in abgesagt else T.TEILGENOMMEN for slug in kommunen}
    )
    ergebnis(
        umsetzung,
        "Entwurf einer Geschäftsordnung für die Kooperation erarbeiten.",
        "schieder-schwalenberg",
        heute - dt.timedelta(days=120),
        erledigt=True,
    )
    ergebnis(
        umsetzung,
        "Interkommunalen Pool für Prozessmanagement als Maßnahme ausarbeiten.",
        "luegde",
        heute - dt.timedelta(days=90),
        erledigt=True,
        massnahme=massnahmen.get(PROZESSPOOL_TITEL),
    )
    ergebnis(
        umsetzung,
        "Schulungsbedarfe aller Kommunen in das Schulungsprogramm aufnehmen.",
        "bad-salzuflen",
        heute - dt.timedelta(days=150),
        erledigt=True,
        massnahme=massnahmen.get(SCHULUNG_TITEL),
    )

    # 3. Upcoming video conference with registrations.
    reifegrad = workshop(
        "Fachaustausch OZG-Reifegradmodell 2.0 und Nachnutzung von EfA-Diensten",
        _werktag(heute + dt.timedelta(days=10)),
        (14, 0),
        (15, 30),
        {
            "format": F.VIDEO,
            "ort": "",
            "online_link": "https://videokonferenz.kreis-lippe.invalid/ozg-reifegrad",
            "handlungsfeld_id": felder[2].pk,
            "organisiert_von_id": kommunen["lemgo"].pk,
            "agenda": "1. Die Stufen 0–7 des Reifegradmodells 2.0\n"
            "2. Erfahrungen mit der Nachnutzung von EfA-Onlinediensten\n"
            "3. Gemeinsame Bewertung der Fokusleistungen",
            "protokoll": "",
            "max_teilnehmende": 30,
        },
    )
    teilnahmen(
        reifegrad,
        {
            "lemgo": T.ANGEMELDET,
            "detmold": T.ANGEMELDET,
            "blomberg": T.ANGEMELDET,
            "luegde": T.ANGEMELDET,
            "barntrup": T.ANGEMELDET,
            "doerentrup": T.ANGEMELDET,
            "lage": T.ANGEMELDET,
            "oerlinghausen": T.ABGESAGT,
        },
    )

    # 4. Upcoming in-person workshop in Blomberg.
    werkstatt = workshop(
        "Werkstatt Prozessmanagement und digitales Arbeiten",
        _werktag(heute + dt.timedelta(days=35)),
        (9, 0),
        (13, 0),
        {
            "format": F.HYBRID,
            "ort": "Rathaus Blomberg, Sitzungssaal",
            "online_link": "https://videokonferenz.kreis-lippe.invalid/werkstatt-prozesse",
            "handlungsfeld_id": felder[4].pk,
            "organisiert_von_id": kommunen["blomberg"].pk,
            "agenda": "1. Erfahrungen aus dem IKZ-Projekt Blomberg, Lügde, Schieder-Schwalenberg "
            "und Kalletal\n2. Prozesse aufnehmen und visualisieren: Übung\n"
            "3. Pool für Prozessmanagement: wer macht mit?",
            "protokoll": "",
            "max_teilnehmende": 25,
        },
    )
    teilnahmen(
        werkstatt,
        {
            "blomberg": T.ANGEMELDET,
            "luegde": T.ANGEMELDET,
            "schieder-schwalenberg": T.ANGEMELDET,
            "kalletal": T.ANGEMELDET,
            "horn-bad-meinberg": T.ANGEMELDET,
        },
        mit_kreis=False,
    )

    _workshops_der_region(heute, felder, users)
    _workshops_der_regionen_selbst(heute, felder, users)


def _workshops_der_region(heute: dt.date, felder: dict, users: dict) -> None:
    """One workshop per Kreis of data/demo/kreise/*.yaml, with its Teilnahmen and Ergebnisse.

    `tag` is days from today (negative: it took place); the Kreis staff take part in it."""
    for kreis, kommunen, daten in demo_kreise():
        werte = daten.get("workshop")
        if not werte:
            continue
        workshop = _workshop_aus_daten(
            werte,
            {"kreis": kreis, "titel": werte["titel"]},
            heute=heute,
            felder=felder,
            kommunen=kommunen,
            users=users,
            veranstalter=users[KREIS_REGION_EMAIL.format(slug=kreis.slug)],
        )
        for beschreibung, slug, faellig, erledigt in werte.get("ergebnisse", []):
            upsert(
                Ergebnis,
                {"workshop": workshop, "beschreibung": beschreibung},
                {
                    "verantwortlich_id": kommunen[slug].pk if slug else None,
                    "faellig_am": heute + dt.timedelta(days=faellig),
                    "status": Ergebnis.Status.ERLEDIGT if erledigt else Ergebnis.Status.OFFEN,
                },
            )


def _workshops_der_regionen_selbst(heute: dt.date, felder: dict, users: dict) -> None:
    """The workshop of each region of data/demo/regionen/*.yaml, run by its DigitalBüro and
    open to every CDO of the region; the DigitalBüro takes part."""
    for region, kommunen, daten in demo_regionen():
        werte = daten.get("workshop")
        if werte:
            _workshop_aus_daten(
                werte,
                {"kreis": None, "region": region, "titel": werte["titel"]},
                heute=heute,
                felder=felder,
                kommunen=kommunen,
                users=users,
                veranstalter=users[OWL_EMAIL],
            )


def _workshop_aus_daten(
    werte: dict, schluessel: dict, *, heute, felder, kommunen, users, veranstalter
) -> Workshop:
    """The workshop of a data file's `workshop` entry with its Teilnahmen (the Kommunen's
    CDOs as listed, and `veranstalter`, who runs it)."""
    tag = _werktag(heute + dt.timedelta(days=werte["tag"]))
    beginn = _zeitpunkt(tag, *map(int, werte["von"].split(":")))
    workshop, _ = upsert(
        Workshop,
        schluessel,
        {
            "beginn": beginn,
            "ende": _zeitpunkt(tag, *map(int, werte["bis"].split(":"))),
            "veroeffentlicht_am": min(beginn - dt.timedelta(days=21), timezone.now()),
            "format": werte["format"],
            "ort": werte.get("ort", ""),
            "online_link": werte.get("online_link", ""),
            "handlungsfeld_id": felder[werte["handlungsfeld"]].pk,
            "organisiert_von_id": (
                kommunen[werte["organisiert_von"]].pk if werte.get("organisiert_von") else None
            ),
            "agenda": werte.get("agenda", ""),
            "protokoll": werte.get("protokoll", ""),
            "max_teilnehmende": werte.get("max_teilnehmende"),
        },
    )
    for slug, status in werte.get("teilnahmen", {}).items():
        upsert(
            Teilnahme,
            {"workshop": workshop, "person": users[cdo_email(slug)]},
            {"kommune_id": kommunen[slug].pk, "status": status},
        )
    upsert(
        Teilnahme,
        {"workshop": workshop, "person": veranstalter},
        {
            "kommune_id": None,
            "status": T.TEILGENOMMEN if workshop.ende < timezone.now() else T.ANGEMELDET,
        },
    )
    return workshop

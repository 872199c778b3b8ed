"""Demo data: the workshops of data/demo/kreise/*.yaml – in Lippe the regular video
conference of all 16 Kommunen, the in-person Umsetzungsworkshop of the Rahmenstrategie and
two upcoming meetings – with Teilnahmen and Ergebnisse. Called by `manage.py seed_demo`;
workshops are identified by Kreis and title."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.reference import upsert
from handlungsfelder.models import Handlungsfeld
from kommunen.demo import (
    cdo_email,
    demo_kreise,
    demo_regionen,
    demo_users,
    kreis_person,
)
from massnahmen.models import Massnahme

from .models import Ergebnis, Teilnahme, Workshop

T = Teilnahme.Status


def _zeitpunkt(day: dt.date, stunde: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(stunde, minute)))


def _werktag(day: dt.date) -> dt.date:
    """The next Tuesday–Thursday on or after `day` (CDO meetings are mid-week)."""
    while day.weekday() not in (1, 2, 3):
        day += dt.timedelta(days=1)
    return day


def seed(stdout) -> None:
    """The workshops of every Kreis in data/demo/kreise/*.yaml, Lippe first, with their
    Teilnahmen and Ergebnisse, then those of the regions themselves (data/demo/README.md)."""
    heute = timezone.localdate()
    felder = {hf.nummer: hf for hf in Handlungsfeld.objects.all()}
    users = demo_users()
    for kreis, kommunen, daten in demo_kreise():
        for werte in daten.get("workshops", []):
            workshop = _workshop_aus_daten(
                werte,
                {"kreis": kreis, "titel": werte["titel"]},
                heute=heute,
                felder=felder,
                kommunen=kommunen,
                users=users,
                # The Kreis staff take part, unless the file says `ohne_kreis`.
                veranstalter=None if werte.get("ohne_kreis") else users[kreis_person(kreis, daten)],
            )
            _results(workshop, werte, heute=heute, kommunen=kommunen)
    # The workshops of each region of data/demo/regionen/*.yaml, run by its DigitalBüro and
    # open to every CDO of the region; the DigitalBüro takes part.
    for region, kommunen, daten in demo_regionen():
        for werte in daten.get("workshops", []):
            _workshop_aus_daten(
                werte,
                {"kreis": None, "region": region, "titel": werte["titel"]},
                heute=heute,
                felder=felder,
                kommunen=kommunen,
                users=users,
                veranstalter=users[daten["person"]["email"]],
            )


def _workshop_aus_daten(
    werte: dict, schluessel: dict, *, heute, felder, kommunen, users, veranstalter
) -> Workshop:
    """The workshop of a data file's entry with its Teilnahmen: the Kommunen's CDOs as
    listed, and `veranstalter` (who runs it; None: nobody else). `tag` is days from today
    (negative: it took place), moved to the next Tuesday–Thursday."""
    tag = _werktag(heute + dt.timedelta(days=werte["tag"]))
    beginn = _zeitpunkt(tag, *map(int, werte["von"].split(":")))
    workshop, _ = upsert(
        Workshop,
        schluessel,
        {
            "beginn": beginn,
            "ende": _zeitpunkt(tag, *map(int, werte["bis"].split(":"))),
            # Published three weeks ahead, but never in the future: at the latest at the
            # start of today, so a second run on the same day changes nothing.
            "veroeffentlicht_am": min(beginn - dt.timedelta(days=21), _zeitpunkt(heute, 0)),
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
    if veranstalter is not None:
        upsert(
            Teilnahme,
            {"workshop": workshop, "person": veranstalter},
            {
                "kommune_id": None,
                "status": T.TEILGENOMMEN if workshop.ende < timezone.now() else T.ANGEMELDET,
            },
        )
    return workshop


def _results(workshop: Workshop, werte: dict, *, heute, kommunen) -> None:
    """`[Beschreibung, Kommune, fällig in Tagen, erledigt]`, optionally with the title of
    the Maßnahme of the workshop's Kreis that it became."""
    for beschreibung, slug, faellig, erledigt, *massnahme in werte.get("ergebnisse", []):
        umgesetzt = (
            Massnahme.objects.filter(kreis=workshop.kreis, titel=massnahme[0]).first()
            if massnahme
            else None
        )
        upsert(
            Ergebnis,
            {"workshop": workshop, "beschreibung": beschreibung},
            {
                "verantwortlich_id": kommunen[slug].pk if slug else None,
                "faellig_am": heute + dt.timedelta(days=faellig),
                "status": Ergebnis.Status.ERLEDIGT if erledigt else Ergebnis.Status.OFFEN,
                "massnahme_id": umgesetzt.pk if umgesetzt else None,
            },
        )

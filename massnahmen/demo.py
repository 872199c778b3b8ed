"""Demo data: the Maßnahmen of every Kreis in data/demo/kreise/*.yaml (Lippe's built from
the press texts in the project brief) with Meilensteine, quarterly Statusmeldungen and
Nachnutzungen. Called by `manage.py seed_demo`.

Every date is relative to today, so the demo never goes stale: Statusmeldungen cover the
last four complete quarters and, for some Maßnahmen, the current one; a few are missing on
purpose (the quarterly report must show them as missing). Maßnahmen are identified by
Kreis and title, Meilensteine by title, Statusmeldungen by quarter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.quartal import Quartal
from core.reference import CREATED, upsert
from core.stichtag import backfill_stand
from handlungsfelder.models import Handlungsfeld, Lebensbereich, Ziel
from kommunen.demo import (
    cdo_email,
    demo_kreise,
    demo_regionen,
    demo_users,
    kreis_person,
    lippe,
)
from kommunen.models import Kommune

from .models import Massnahme, Meilenstein, Nachnutzung, Sichtbarkeit, Statusmeldung

S = Massnahme.Status
ALLE = "alle"  # all 16 Kommunen (without the lead)

# A date is given as months from today (int), ["monatsende", n] = last day of the month
# n months from today, or ["nq", d] = d days after the start of the next quarter.
DateSpec = int | tuple[str, int] | list | None


@dataclass
class Meldung:
    fortschritt: int
    ampel: str
    erreicht: str
    naechste_schritte: str = ""
    risiken: str = ""
    oeffentlich: str = ""  # the public summary (only shown if the Maßnahme is public)


@dataclass
class Spec:
    titel: str
    handlungsfeld: int
    lead: str | None  # Kommune slug; None = the Kreis leads
    beteiligte: list[str] | str
    status: str
    beschreibung: str
    lebensbereiche: list[str]
    beginn: DateSpec = None
    ende_geplant: DateSpec = None
    ende_tatsaechlich: DateSpec = None
    budget: str | None = None
    veroeffentlicht: bool = False
    sichtbarkeit: str | None = None  # overrides veroeffentlicht (kreis, region, oeffentlich)
    mit_ziel: bool = True
    fortschritt: int | None = None  # default: the latest Statusmeldung
    ampel: str | None = None
    meilensteine: list[tuple[str, DateSpec, DateSpec]] = field(default_factory=list)
    # Statusmeldungen, oldest first; the last one belongs to the current quarter (or, for a
    # completed Maßnahme, to the quarter it ended in). None = deliberately missing.
    verlauf: list[Meldung | None] = field(default_factory=list)
    nachnutzungen: list[tuple[str, DateSpec, str]] = field(default_factory=list)
    # Partner Kommunen of other Kreise of the region (their slugs are unique region-wide).
    partner_anderer_kreise: list[str] = field(default_factory=list)


def add_months(day: dt.date, months: int) -> dt.date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


class Zeit:
    """Turns the relative date specs above into dates."""

    def __init__(self, heute: dt.date) -> None:
        self.heute = heute
        self.aktuell = Quartal.from_date(heute)

    def datum(self, spec: DateSpec) -> dt.date | None:
        if spec is None:
            return None
        if isinstance(spec, int):
            return add_months(self.heute, spec)
        art, n = spec
        if art == "monatsende":
            day = add_months(self.heute, n)
            return day.replace(day=calendar.monthrange(day.year, day.month)[1])
        if art == "nq":
            return self.aktuell.next().beginn + dt.timedelta(days=n)
        raise ValueError(f"Unbekannte Datumsangabe {spec!r}")


def _rueckdatieren(statusmeldung: Statusmeldung, quartal: Quartal) -> None:
    """A past quarter's Statusmeldung was written in the last days of that quarter, not
    today: set its timestamps and its first history entry accordingly."""
    eingang = _eingang(quartal)
    Statusmeldung.objects.filter(pk=statusmeldung.pk).update(
        erstellt_am=eingang, geaendert_am=eingang
    )
    statusmeldung.history.update(history_date=eingang)


def _eingang(quartal: Quartal) -> dt.datetime:
    """When a past quarter's Statusmeldung came in: four days before the quarter's end."""
    return timezone.make_aware(
        dt.datetime.combine(quartal.ende - dt.timedelta(days=4), dt.time(10, 0))
    )


def _verlauf_nachbilden(massnahme: Massnahme, meldungen, *, beginn, zeit: Zeit) -> None:
    """A Maßnahme new to the demo looks as if it had been kept in the portal since its
    start: entered at its start (or with its first Statusmeldung), then changed by each
    past quarter's Statusmeldung. Quarter figures come from this history
    (core.stichtag), so the reports of past quarters have their Maßnahmen."""
    vergangen = [(q, m) for q, m in meldungen if q < zeit.aktuell]
    heute = timezone.make_aware(dt.datetime.combine(zeit.heute, dt.time(8, 0)))
    kandidaten = [_eingang(q) - dt.timedelta(days=1) for q, _ in vergangen[:1]]
    if beginn and beginn < zeit.heute:
        kandidaten.append(timezone.make_aware(dt.datetime.combine(beginn, dt.time(9, 0))))
    if not kandidaten:
        return  # entered this quarter: today's history is its whole history
    angelegt = min(min(kandidaten), heute)
    ende = massnahme.ende_tatsaechlich
    erster = vergangen[0][1] if vergangen else None
    frueh = {"erstellt_am": angelegt, "geaendert_am": angelegt}
    if erster:
        frueh.update(fortschritt=erster.fortschritt, ampel=erster.ampel)
    if ende and ende >= angelegt.date():
        frueh.update(status=Massnahme.Status.IN_UMSETZUNG, ende_tatsaechlich=None)
    massnahme.history.filter(history_type="+").update(history_type="~")
    backfill_stand(massnahme, angelegt, art="+", **frueh)
    for quartal, meldung in vergangen:
        fertig = ende is not None and ende <= quartal.ende
        backfill_stand(
            massnahme,
            _eingang(quartal),
            fortschritt=meldung.fortschritt,
            ampel=meldung.ampel,
            status=massnahme.status if fertig or not ende else Massnahme.Status.IN_UMSETZUNG,
            ende_tatsaechlich=ende if fertig else None,
            erstellt_am=angelegt,
            geaendert_am=_eingang(quartal),
        )
    Massnahme.objects.filter(pk=massnahme.pk).update(erstellt_am=angelegt)
    # Its milestones were planned when it was entered.
    Meilenstein.history.filter(massnahme_id=massnahme.pk, history_type="+").update(
        history_date=angelegt
    )
    massnahme.history.filter(history_date__gte=heute - dt.timedelta(days=1)).update(
        erstellt_am=angelegt
    )


def seed(stdout) -> None:
    zeit = Zeit(timezone.localdate())
    felder = {hf.nummer: hf for hf in Handlungsfeld.objects.all()}
    lebensbereiche = {lb.schluessel: lb for lb in Lebensbereich.objects.all()}
    users = demo_users()
    anlegen = Anleger(zeit, felder, lebensbereiche)

    # Every Kreis of data/demo/kreise/*.yaml, Lippe first.
    for kreis, kommunen, daten in demo_kreise():
        # A Maßnahme serves the Kreis's Ziel under its Handlungsfeld (handlungsfelder.demo).
        ziel_titel = {z["handlungsfeld"]: z["titel"] for z in daten.get("ziele", [])}
        ziele = {z.titel: z for z in Ziel.objects.filter(kreis=kreis)}
        for eintrag in daten.get("massnahmen", []):
            spec = spec_aus_daten(eintrag)
            autor = users.get(cdo_email(spec.lead) if spec.lead else kreis_person(kreis, daten))
            ziel = ziele.get(ziel_titel.get(spec.handlungsfeld)) if spec.mit_ziel else None
            anlegen(spec, kreis=kreis, kommunen=kommunen, autor=autor, ziel=ziel)

    # The region's own projects (led by the DigitalBüro), from data/demo/regionen/*.yaml.
    for region, ihre, daten in demo_regionen():
        for eintrag in daten.get("massnahmen", []):
            spec = spec_aus_daten(eintrag)
            anlegen(
                spec,
                region=region,
                kommunen=ihre,
                autor=users.get(daten["person"]["email"]),
                ziel=None,
            )


def spec_aus_daten(eintrag: dict) -> Spec:
    """A Maßnahme of a data file (data/demo/kreise/*.yaml) as the Spec the seed builds from."""
    werte = dict(eintrag)
    werte["verlauf"] = [Meldung(**m) if m else None for m in werte.get("verlauf", [])]
    werte["meilensteine"] = [tuple(m) for m in werte.get("meilensteine", [])]
    werte["nachnutzungen"] = [tuple(n) for n in werte.get("nachnutzungen", [])]
    werte.setdefault("lead", None)
    werte.setdefault("beteiligte", [])
    return Spec(**werte)


class Anleger:
    """Creates or updates one Maßnahme of a Spec with its Meilensteine, Statusmeldungen and
    Nachnutzungen, in any Kreis."""

    def __init__(self, zeit: Zeit, felder: dict, lebensbereiche: dict) -> None:
        self.zeit = zeit
        self.felder = felder
        self.lebensbereiche = lebensbereiche
        self._alle_kommunen: dict | None = None

    def kommune(self, slug: str):
        """Any Kommune of the portal by slug (for partners from other Kreise)."""
        if self._alle_kommunen is None:
            self._alle_kommunen = {k.slug: k for k in Kommune.objects.all()}
        return self._alle_kommunen[slug]

    def __call__(
        self, spec: Spec, *, kreis=None, region=None, kommunen: dict, autor, ziel
    ) -> Massnahme:
        """In `kreis`, or as a project of `region` itself (then `spec.lead` is None)."""
        zeit = self.zeit
        beginn = zeit.datum(spec.beginn)
        ende = zeit.datum(spec.ende_tatsaechlich)
        anker = Quartal.from_date(ende) if ende else zeit.aktuell
        meldungen = []
        for index, meldung in enumerate(spec.verlauf):
            quartal = anker.previous(len(spec.verlauf) - 1 - index)
            if meldung is None or (beginn and quartal.ende < beginn):
                continue
            meldungen.append((quartal, meldung))
        letzte = meldungen[-1][1] if meldungen else None
        fortschritt = spec.fortschritt if spec.fortschritt is not None else letzte.fortschritt
        ampel = spec.ampel or letzte.ampel
        sichtbarkeit = spec.sichtbarkeit or (
            Sichtbarkeit.OEFFENTLICH if spec.veroeffentlicht else Sichtbarkeit.KREIS
        )

        massnahme, aktion_massnahme = upsert(
            Massnahme,
            {"kreis": kreis, "region": region, "titel": spec.titel},
            {
                "beschreibung": spec.beschreibung,
                "handlungsfeld_id": self.felder[spec.handlungsfeld].pk,
                "ziel_id": ziel.pk if ziel else None,
                "federfuehrend_id": kommunen[spec.lead].pk if spec.lead else None,
                "status": spec.status,
                "fortschritt": fortschritt,
                "ampel": ampel,
                "beginn": beginn,
                "ende_geplant": zeit.datum(spec.ende_geplant),
                "ende_tatsaechlich": ende,
                "budget": Decimal(spec.budget) if spec.budget else None,
                "ansprechperson_id": autor.pk if autor else None,
                "sichtbarkeit": sichtbarkeit,
                "archiviert": False,
            },
        )
        beteiligte = (
            [k for slug, k in kommunen.items() if slug != spec.lead]
            if spec.beteiligte == ALLE
            else [kommunen[slug] for slug in spec.beteiligte]
        )
        beteiligte += [self.kommune(slug) for slug in spec.partner_anderer_kreise]
        massnahme.beteiligte.set(beteiligte)
        massnahme.lebensbereiche.set([self.lebensbereiche[s] for s in spec.lebensbereiche])

        for titel, faellig, erreicht in spec.meilensteine:
            upsert(
                Meilenstein,
                {"massnahme": massnahme, "titel": titel},
                {"faellig_am": zeit.datum(faellig), "erreicht_am": zeit.datum(erreicht)},
            )

        for quartal, meldung in meldungen:
            statusmeldung, aktion = upsert(
                Statusmeldung,
                {"massnahme": massnahme, "quartal": str(quartal)},
                {
                    "fortschritt": meldung.fortschritt,
                    "ampel": meldung.ampel,
                    "erreicht": meldung.erreicht,
                    "naechste_schritte": meldung.naechste_schritte,
                    "risiken": meldung.risiken,
                    "oeffentliche_zusammenfassung": meldung.oeffentlich,
                    "autor_id": autor.pk if autor else None,
                },
            )
            if aktion == CREATED and quartal < zeit.aktuell:
                _rueckdatieren(statusmeldung, quartal)

        if aktion_massnahme == CREATED:
            _verlauf_nachbilden(massnahme, meldungen, beginn=beginn, zeit=zeit)

        for slug, seit, bemerkung in spec.nachnutzungen:
            upsert(
                Nachnutzung,
                {"massnahme": massnahme, "kommune": kommunen[slug]},
                {"seit": zeit.datum(seit), "bemerkung": bemerkung},
            )
        return massnahme


def summary() -> list[str]:
    kreis = lippe()
    massnahmen = Massnahme.objects.filter(kreis=kreis)
    aktuell = Quartal.current()
    offen = massnahmen.filter(status=S.IN_UMSETZUNG).without_statusmeldung(aktuell).count()
    return [
        f"Maßnahmen im Kreis Lippe: {massnahmen.count()}, davon {offen} in Umsetzung ohne "
        f"Statusmeldung für {aktuell.label}."
    ]

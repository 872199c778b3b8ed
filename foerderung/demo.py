"""Demo data: the IKZ NRW Förderbescheid of 245.000 € for Blomberg, Lügde,
Schieder-Schwalenberg and Kalletal (press release of the Stadt Blomberg) with three
Mittelabrufe, and a smaller Bescheid under Smarte.Land.Regionen. Called by
`manage.py seed_demo`; Bescheide are identified by programme and Aktenzeichen,
Mittelabrufe by their remark."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.reference import upsert
from core.stichtag import stand_nachtragen
from kommunen.demo import demo_kreise, kommunen_lippe, lippe
from massnahmen.demo import DORFPLATTFORM_TITEL, IKZ_TITEL, add_months
from massnahmen.models import Massnahme

from .models import Foerderbescheid, Foerderprogramm, Mittelabruf

IKZ_AKTENZEICHEN = "34.2-IKZ-2021/017"
SLR_AKTENZEICHEN = "2820SLR015"

IKZ_ZWECK = (
    "Einrichtung einer interkommunalen Kooperation der Städte Blomberg, Lügde und "
    "Schieder-Schwalenberg und der Gemeinde Kalletal für ein gemeinsames E-Government-Projekt: "
    "Angleichung der internen Prozesse hinter den Bürgerdiensten, damit Verwaltungsvorgänge von "
    "der Beantragung bis zur Bescheidung durchgängig digital bearbeitet werden können. "
    "Arbeitspakete: einheitliche Strukturen für ein Dokumentenmanagementsystem, durchgängig "
    "digitale Vorgangsbearbeitung, Prüfung des Authentifizierungsniveaus bei OZG-Leistungen "
    "(externe Begleitung), Visualisierung und Vergleich der Verwaltungsprozesse mit einer "
    "Software, Dokumentation von Abläufen und Know-how sowie Schulungen der Beschäftigten zu "
    "Prozessmanagement und digitalem Arbeiten."
)

SLR_ZWECK = (
    "Modellvorhaben Smarte.Land.Regionen: Aufbau und Erprobung einer digitalen Dorfplattform "
    "für Ehrenamt, Mitfahrgelegenheiten und Nahversorgung in fünf Pilotdörfern des Kreises Lippe."
)


def _monatsanfang(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _auszahlung(datum: dt.date, status: str) -> dt.date | None:
    """Paid drawdowns arrive two weeks after they were requested."""
    return datum + dt.timedelta(days=14) if status == Mittelabruf.Status.AUSGEZAHLT else None


def seed(stdout) -> None:
    heute = timezone.localdate()
    kreis = lippe()
    kommunen = kommunen_lippe()
    programme = {p.kurzname: p for p in Foerderprogramm.objects.all()}
    massnahmen = {
        m.titel: m
        for m in Massnahme.objects.filter(kreis=kreis, titel__in=[IKZ_TITEL, DORFPLATTFORM_TITEL])
    }

    # IKZ NRW: 175.000 € for two partners + 2 × 35.000 € = 245.000 € for four Kommunen.
    ikz_massnahme = massnahmen[IKZ_TITEL]
    beginn = _monatsanfang(ikz_massnahme.beginn)
    ende = ikz_massnahme.ende_geplant
    ikz, _ = upsert(
        Foerderbescheid,
        {"programm": programme["IKZ NRW"], "aktenzeichen": IKZ_AKTENZEICHEN},
        {
            "kreis_id": kreis.pk,
            "bescheiddatum": beginn - dt.timedelta(days=12),
            "zuwendungsempfaenger_id": kommunen["blomberg"].pk,
            "bewilligter_betrag": Decimal("245000.00"),
            "foerderquote": Decimal("90.00"),
            "bewilligungszeitraum_beginn": beginn,
            "bewilligungszeitraum_ende": ende,
            "zweck": IKZ_ZWECK,
            "verwendungsnachweis_faellig": add_months(ende, 3),
            "status": Foerderbescheid.Status.IN_DURCHFUEHRUNG,
        },
    )
    ikz.partner.set([kommunen[s] for s in ("luegde", "schieder-schwalenberg", "kalletal")])
    ikz.massnahmen.set([ikz_massnahme])
    for bemerkung, monate, betrag, status in [
        (
            "1. Abruf: externe Begleitung AP 3 und Aktenplan AP 1",
            -15,
            "61250.00",
            Mittelabruf.Status.AUSGEZAHLT,
        ),
        (
            "2. Abruf: Software zur Prozessvisualisierung (AP 4)",
            -8,
            "48900.00",
            Mittelabruf.Status.AUSGEZAHLT,
        ),
        (
            "3. Abruf: Schulungen Prozessmanagement (AP 6)",
            -1,
            "36400.00",
            Mittelabruf.Status.BEANTRAGT,
        ),
    ]:
        _abruf(ikz, bemerkung, add_months(heute, monate), betrag, status)

    # Smarte.Land.Regionen: a Kreis-led project; the Stadt Detmold receives the grant.
    slr_massnahme = massnahmen[DORFPLATTFORM_TITEL]
    beginn = _monatsanfang(slr_massnahme.beginn)
    ende = slr_massnahme.ende_geplant
    slr, _ = upsert(
        Foerderbescheid,
        {"programm": programme["Smarte.Land.Regionen"], "aktenzeichen": SLR_AKTENZEICHEN},
        {
            "kreis_id": kreis.pk,
            "bescheiddatum": beginn - dt.timedelta(days=20),
            "zuwendungsempfaenger_id": kommunen["detmold"].pk,
            "bewilligter_betrag": Decimal("148500.00"),
            "foerderquote": Decimal("90.00"),
            "bewilligungszeitraum_beginn": beginn,
            "bewilligungszeitraum_ende": ende,
            "zweck": SLR_ZWECK,
            "verwendungsnachweis_faellig": add_months(ende, 6),
            "status": Foerderbescheid.Status.IN_DURCHFUEHRUNG,
        },
    )
    slr.partner.set([kommunen[s] for s in ("extertal", "kalletal", "doerentrup", "barntrup")])
    slr.massnahmen.set([slr_massnahme])
    upsert(
        Mittelabruf,
        {"bescheid": slr, "bemerkung": "1. Abruf: Plattformentwicklung"},
        {
            "datum": add_months(heute, -18),
            "betrag": Decimal("74250.00"),
            "status": Mittelabruf.Status.AUSGEZAHLT,
            "ausgezahlt_am": _auszahlung(add_months(heute, -18), Mittelabruf.Status.AUSGEZAHLT),
        },
    )
    upsert(
        Mittelabruf,
        {"bescheid": slr, "bemerkung": "2. Abruf: Pilotbetrieb und Schulungen"},
        {
            "datum": add_months(heute, -6),
            "betrag": Decimal("44550.00"),
            "status": Mittelabruf.Status.AUSGEZAHLT,
            "ausgezahlt_am": _auszahlung(add_months(heute, -6), Mittelabruf.Status.AUSGEZAHLT),
        },
    )
    _verlauf_nachbilden(kreis)
    _bescheide_der_region(heute, programme)


def _bescheide_der_region(heute: dt.date, programme: dict) -> None:
    """One Förderbescheid per Kreis of data/demo/kreise/*.yaml, for one of its Maßnahmen."""
    for kreis, kommunen, daten in demo_kreise():
        werte = daten.get("foerderbescheid")
        if not werte:
            continue
        massnahme = Massnahme.objects.get(kreis=kreis, titel=werte["massnahme"])
        beginn = _monatsanfang(massnahme.beginn)
        ende = massnahme.ende_geplant
        bescheid, _ = upsert(
            Foerderbescheid,
            {"programm": programme[werte["programm"]], "aktenzeichen": werte["aktenzeichen"]},
            {
                "kreis_id": kreis.pk,
                "bescheiddatum": beginn - dt.timedelta(days=14),
                "zuwendungsempfaenger_id": kommunen[werte["zuwendungsempfaenger"]].pk,
                "bewilligter_betrag": Decimal(werte["betrag"]),
                "foerderquote": Decimal(werte["foerderquote"]),
                "bewilligungszeitraum_beginn": beginn,
                "bewilligungszeitraum_ende": ende,
                "zweck": werte["zweck"],
                "verwendungsnachweis_faellig": add_months(ende, 6),
                "status": werte["status"],
            },
        )
        bescheid.partner.set([kommunen[s] for s in werte.get("partner", [])])
        bescheid.massnahmen.set([massnahme])
        for bemerkung, monate, betrag, status in werte.get("mittelabrufe", []):
            _abruf(bescheid, bemerkung, add_months(heute, monate), betrag, status)
        _verlauf_nachbilden(kreis)


def _abruf(bescheid, bemerkung: str, datum: dt.date, betrag: str, status: str) -> None:
    """A Mittelabruf, identified by its remark."""
    upsert(
        Mittelabruf,
        {"bescheid": bescheid, "bemerkung": bemerkung},
        {
            "datum": datum,
            "betrag": Decimal(betrag),
            "status": status,
            "ausgezahlt_am": _auszahlung(datum, status),
        },
    )


def _um_neun(tag: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(tag, dt.time(9, 0)))


def _verlauf_nachbilden(kreis) -> None:
    """Bescheide and drawdowns new to the demo look as if entered on their own dates, a paid
    drawdown as requested first and paid out later: quarter figures read the change history
    (core.stichtag). Rows with older history (an earlier run) are left alone."""
    frisch = timezone.now() - dt.timedelta(hours=1)
    for bescheid in Foerderbescheid.objects.filter(kreis=kreis):
        am = _um_neun(bescheid.bescheiddatum)
        if am < frisch and not bescheid.history.filter(history_date__lt=frisch).exists():
            bescheid.history.update(history_date=am)
    for abruf in Mittelabruf.objects.filter(bescheid__kreis=kreis):
        am = _um_neun(abruf.datum)
        if am >= frisch or abruf.history.filter(history_date__lt=frisch).exists():
            continue
        if abruf.ausgezahlt_am and _um_neun(abruf.ausgezahlt_am) < frisch:
            abruf.history.update(history_date=_um_neun(abruf.ausgezahlt_am), history_type="~")
            stand_nachtragen(
                abruf, am, art="+", status=Mittelabruf.Status.BEANTRAGT, ausgezahlt_am=None
            )
        else:
            abruf.history.update(history_date=am)

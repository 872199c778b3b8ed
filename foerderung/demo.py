"""Demo data: the Förderbescheide of data/demo/kreise/*.yaml with their Mittelabrufe – in
Lippe the IKZ NRW Bescheid of 245.000 € for Blomberg, Lügde, Schieder-Schwalenberg and
Kalletal (press release of the Stadt Blomberg) and a smaller one under
Smarte.Land.Regionen. Called by `manage.py seed_demo`; Bescheide are identified by
programme and Aktenzeichen, Mittelabrufe by their remark."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.reference import upsert
from core.stichtag import backfill_stand
from kommunen.demo import demo_kreise
from massnahmen.demo import add_months
from massnahmen.models import Massnahme

from .models import Foerderbescheid, Foerderprogramm, Mittelabruf


def _monatsanfang(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _auszahlung(datum: dt.date, status: str) -> dt.date | None:
    """Paid drawdowns arrive two weeks after they were requested."""
    return datum + dt.timedelta(days=14) if status == Mittelabruf.Status.AUSGEZAHLT else None


def seed(stdout) -> None:
    """The Förderbescheide of every Kreis in data/demo/kreise/*.yaml, Lippe first, each for
    one of the Kreis's Maßnahmen, with their Mittelabrufe."""
    heute = timezone.localdate()
    programme = {p.kurzname: p for p in Foerderprogramm.objects.all()}
    for kreis, kommunen, daten in demo_kreise():
        for werte in daten.get("foerderbescheide", []):
            _bescheid(kreis, kommunen, werte, heute, programme)
        _verlauf_nachbilden(kreis)


def _bescheid(kreis, kommunen: dict, werte: dict, heute: dt.date, programme: dict) -> None:
    """Granted `bescheid_vor_tagen` (default 14) days before the month the Maßnahme began,
    for its run time; the Verwendungsnachweis is due `nachweis_nach_monaten` (default 6)
    months after its end."""
    massnahme = Massnahme.objects.get(kreis=kreis, titel=werte["massnahme"])
    beginn = _monatsanfang(massnahme.beginn)
    ende = massnahme.ende_geplant
    bescheid, _ = upsert(
        Foerderbescheid,
        {"programm": programme[werte["programm"]], "aktenzeichen": werte["aktenzeichen"]},
        {
            "kreis_id": kreis.pk,
            "bescheiddatum": beginn - dt.timedelta(days=werte.get("bescheid_vor_tagen", 14)),
            "zuwendungsempfaenger_id": kommunen[werte["zuwendungsempfaenger"]].pk,
            "bewilligter_betrag": Decimal(werte["betrag"]),
            "foerderquote": Decimal(werte["foerderquote"]),
            "bewilligungszeitraum_beginn": beginn,
            "bewilligungszeitraum_ende": ende,
            "zweck": werte["zweck"],
            "verwendungsnachweis_faellig": add_months(ende, werte.get("nachweis_nach_monaten", 6)),
            "status": werte["status"],
        },
    )
    bescheid.partner.set([kommunen[s] for s in werte.get("partner", [])])
    bescheid.massnahmen.set([massnahme])
    for bemerkung, monate, betrag, status in werte.get("mittelabrufe", []):
        _abruf(bescheid, bemerkung, add_months(heute, monate), betrag, status)


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


def _at_nine(tag: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(tag, dt.time(9, 0)))


def _verlauf_nachbilden(kreis) -> None:
    """Bescheide and drawdowns new to the demo look as if entered on their own dates, a paid
    drawdown as requested first and paid out later: quarter figures read the change history
    (core.stichtag). Rows with older history (an earlier run) are left alone."""
    frisch = timezone.now() - dt.timedelta(hours=1)
    for bescheid in Foerderbescheid.objects.filter(kreis=kreis):
        am = _at_nine(bescheid.bescheiddatum)
        if am < frisch and not bescheid.history.filter(history_date__lt=frisch).exists():
            bescheid.history.update(history_date=am)
    for abruf in Mittelabruf.objects.filter(bescheid__kreis=kreis):
        am = _at_nine(abruf.datum)
        if am >= frisch or abruf.history.filter(history_date__lt=frisch).exists():
            continue
        if abruf.ausgezahlt_am and _at_nine(abruf.ausgezahlt_am) < frisch:
            abruf.history.update(history_date=_at_nine(abruf.ausgezahlt_am), history_type="~")
            backfill_stand(
                abruf, am, art="+", status=Mittelabruf.Status.BEANTRAGT, ausgezahlt_am=None
            )
        else:
            abruf.history.update(history_date=am)

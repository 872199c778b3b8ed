"""Kennzahlen against their targets: the linear target path, on track, the mean over
Kommunen, and the three derived Kennzahlen against values computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.quartal import Quartal
from foerderung.models import Foerderbescheid, Mittelabruf
from handlungsfelder.models import Kennzahl, KennzahlWert
from handlungsfelder.quellen import QUELLEN
from handlungsfelder.services import (
    MAX_QUARTALE,
    evaluate,
    im_plan,
    sollwert,
    verlaufs_quartale,
    zielerreichung,
)
from tests.factories import (
    FoerderbescheidFactory,
    KennzahlFactory,
    MassnahmeFactory,
    MittelabrufFactory,
    OzgLeistungFactory,
    UmsetzungsstandFactory,
    ZielFactory,
)
from tests.stichtag import eingetragen_am, verlauf

D = Decimal
Q2025 = [Quartal(2025, n) for n in (1, 2, 3, 4)]


def kennzahl(welt, **kwargs) -> Kennzahl:
    ziel = kwargs.pop("ziel", None) or ZielFactory(
        kreis=welt.lippe, handlungsfeld=welt.handlungsfeld
    )
    werte = {
        "ziel": ziel,
        "basiswert": D("0"),
        "basisdatum": dt.date(2025, 1, 1),
        "zielwert": D("100"),
        "zieldatum": dt.date(2026, 12, 31),
        **kwargs,
    }
    return KennzahlFactory(**werte)


def ist_werte(k: Kennzahl, quartale=Q2025):
    verlauf = evaluate([k], bis=quartale[-1])[k.pk]
    return [verlauf.stand(q).ist for q in quartale]


# --- target path and on track ----------------------------------------------------------------


def test_sollwert_is_linear_between_baseline_and_target():
    k = Kennzahl(
        basiswert=D("10"),
        basisdatum=dt.date(2025, 1, 1),
        zielwert=D("50"),
        zieldatum=dt.date(2027, 1, 1),
    )
    assert sollwert(k, dt.date(2025, 1, 1)) == D("10")
    assert sollwert(k, dt.date(2026, 1, 1)) == D("30")  # 365 of 730 days
    assert sollwert(k, dt.date(2027, 1, 1)) == D("50")
    assert sollwert(k, dt.date(2030, 1, 1)) == D("50")
    assert sollwert(k, dt.date(2024, 12, 31)) is None


def _pfad(basiswert: str, zielwert: str, einheit: str) -> Kennzahl:
    """A Kennzahl on a two-year path from 1.1.2025."""
    return Kennzahl(
        basiswert=D(basiswert),
        basisdatum=dt.date(2025, 1, 1),
        zielwert=D(zielwert),
        zieldatum=dt.date(2027, 1, 1),
        einheit=einheit,
    )


def test_sollwert_is_rounded_to_the_precision_of_its_kennzahl():
    tag = dt.date(2025, 3, 31)  # 89 of 730 days
    # Whole baseline and target: the path is whole too ("15 %", not "14,88 %").
    ganz = _pfad("10", "50", "%")
    assert ganz.format(sollwert(ganz, tag)) == "15\u00a0%"  # 10 + 40 · 89/730 = 14,876…
    # One decimal in the baseline: one decimal on the path.
    eine = _pfad("12.5", "50", "%")
    assert eine.format(sollwert(eine, tag)) == "17,1\u00a0%"  # 12,5 + 37,5 · 89/730 = 17,071…
    # Two decimals (money): cents.
    euro = _pfad("0", "1000.25", "€")
    assert sollwert(euro, tag) == D("121.95")  # 1000,25 · 89/730 = 121,948…
    assert (ganz.stellen, eine.stellen, euro.stellen) == (0, 1, 2)


def test_im_plan_respects_the_direction():
    hoeher = Kennzahl(richtung=Kennzahl.Richtung.HOEHER)
    niedriger = Kennzahl(richtung=Kennzahl.Richtung.NIEDRIGER)
    assert im_plan(hoeher, D("30"), D("30")) is True
    assert im_plan(hoeher, D("29.99"), D("30")) is False
    assert im_plan(niedriger, D("29.99"), D("30")) is True
    assert im_plan(niedriger, D("31"), D("30")) is False
    assert im_plan(hoeher, None, D("30")) is None


def test_sinking_target_on_track_below_the_path(welt):
    # 94 days → 45 days within two years; after one year the path is at 70 days.
    k = kennzahl(
        welt,
        basiswert=D("94"),
        zielwert=D("45"),
        basisdatum=dt.date(2025, 1, 1),
        zieldatum=dt.date(2027, 1, 1),
        richtung=Kennzahl.Richtung.NIEDRIGER,
        einheit=Kennzahl.Einheit.TAGE,
    )
    KennzahlWert.objects.create(kennzahl=k, quartal="2025-Q4", wert=D("71"))
    stand = evaluate([k], bis=Quartal(2025, 4))[k.pk].stand(Quartal(2025, 4))
    # 94 − 49 · 364/730 = 69,567… on 31.12.2025, whole days like the Kennzahl: 70.
    assert stand.soll == D("70")
    assert stand.im_plan is False
    assert stand.status_text == "nicht im Plan"


def test_kommune_level_value_is_the_mean_of_the_reporting_kommunen(welt):
    k = kennzahl(welt, ebene=Kennzahl.Ebene.KOMMUNE)
    KennzahlWert.objects.create(kennzahl=k, quartal="2025-Q2", kommune=welt.detmold, wert=D("10"))
    KennzahlWert.objects.create(kennzahl=k, quartal="2025-Q2", kommune=welt.lemgo, wert=D("15"))
    KennzahlWert.objects.create(kennzahl=k, quartal="2025-Q3", kommune=welt.lemgo, wert=D("20.5"))
    verlauf = evaluate([k], bis=Quartal(2025, 4))[k.pk]
    assert [verlauf.stand(q).ist for q in Q2025] == [None, D("12.50"), D("20.50"), None]
    assert verlauf.stand(Quartal(2025, 2)).anzahl_kommunen == 2
    assert verlauf.aktuell.quartal == Quartal(2025, 3)


# --- derived: OZG services online --------------------------------------------------------------


@pytest.fixture
def ozg(welt):
    def stand(kommune, **kwargs):
        # Rated on the day it went online (or, without that, on its rating date).
        neu = UmsetzungsstandFactory(kommune=kommune, leistung=OzgLeistungFactory(), **kwargs)
        return eingetragen_am(neu, neu.online_seit or neu.bewertet_am)

    stand(welt.detmold, reifegradmodell="2.0", reifegrad=3, online_seit=dt.date(2025, 2, 10))
    # Rated under model 1.1 at its online level; no "online seit": the rating date counts.
    stand(welt.detmold, reifegradmodell="1.1", reifegrad=3, bewertet_am=dt.date(2025, 5, 1))
    stand(welt.detmold, reifegradmodell="2.0", reifegrad=2, online_seit=dt.date(2025, 1, 5))
    stand(welt.detmold, reifegradmodell="1.1", reifegrad=2, bewertet_am=dt.date(2025, 1, 5))
    stand(welt.lemgo, reifegradmodell="2.0", reifegrad=5, online_seit=dt.date(2025, 8, 1))
    stand(welt.herford_stadt, reifegradmodell="2.0", reifegrad=7, online_seit=dt.date(2025, 1, 1))


def test_ozg_online_per_kreis_by_hand(welt, ozg):
    k = kennzahl(welt, quelle=Kennzahl.Quelle.OZG_REIFEGRAD, einheit="Anzahl")
    # Q1: Detmold (2.0/3 since 10.02.); Q2: + Detmold (1.1/3 rated 01.05.); Q3: + Lemgo.
    # Level 2 never counts, under either model; Herford is another Kreis.
    assert ist_werte(k) == [D(1), D(2), D(3), D(3)]


def test_derived_values_of_past_quarters_keep_the_state_of_their_end(welt, ozg, foerderung):
    """Changes made today (a service rated down, a Bescheid revoked, a drawdown raised)
    leave the figures of 2025 as they were; a Maßnahme finished today counts from today."""
    ozg_k = kennzahl(welt, quelle=Kennzahl.Quelle.OZG_REIFEGRAD, einheit="Anzahl")
    geld_k = kennzahl(welt, quelle=Kennzahl.Quelle.FOERDERMITTEL_ABGERUFEN, einheit="%")
    fertig_k = kennzahl(welt, quelle=Kennzahl.Quelle.MASSNAHMEN_ABGESCHLOSSEN, einheit="%")
    vorher = [ist_werte(k) for k in (ozg_k, geld_k, fertig_k)]
    for stand in welt.detmold.umsetzungsstaende.all():
        stand.reifegrad = 1
        stand.save()
    bescheid = Foerderbescheid.objects.get(zuwendungsempfaenger=welt.lemgo)
    bescheid.status = "widerrufen"
    bescheid.save()
    abruf = Mittelabruf.objects.filter(bescheid__zuwendungsempfaenger=welt.detmold).first()
    abruf.betrag = D("60000")
    abruf.save()
    m = welt.massnahme
    m.status, m.ende_tatsaechlich = "abgeschlossen", dt.date(2025, 3, 1)
    m.save()
    assert [ist_werte(k) for k in (ozg_k, geld_k, fertig_k)] == vorher


def test_ozg_online_per_kommune_is_the_mean_of_all_kommunen(welt, ozg):
    k = kennzahl(
        welt,
        quelle=Kennzahl.Quelle.OZG_REIFEGRAD,
        einheit="Anzahl",
        ebene=Kennzahl.Ebene.KOMMUNE,
    )
    # Detmold 1, 2, 2, 2; Lemgo 0, 0, 1, 1; Blomberg 0 throughout → means over 3 Kommunen.
    assert ist_werte(k) == [D("0.33"), D("0.67"), D("1.00"), D("1.00")]
    verlauf = evaluate([k], bis=Quartal(2025, 4))[k.pk]
    assert verlauf.je_kommune[welt.detmold.pk]["2025-Q2"] == D(2)
    assert verlauf.je_kommune[welt.blomberg.pk]["2025-Q4"] == D(0)


# --- derived: share of Maßnahmen abgeschlossen ----------------------------------------------


@pytest.fixture
def massnahmen(welt):
    def m(**kwargs):
        neu = MassnahmeFactory(
            kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, federfuehrend=welt.lemgo, **kwargs
        )
        if neu.status != "abgeschlossen":
            return eingetragen_am(neu, neu.beginn) if neu.beginn else neu
        # Entered at its start, in Umsetzung until it was finished.
        return verlauf(
            neu,
            (neu.beginn, {"status": "in_umsetzung", "ende_tatsaechlich": None}),
            (neu.ende_tatsaechlich, {"status": "abgeschlossen"}),
        )

    # welt.massnahme: Detmold, in Umsetzung since 01.01.2025.
    eingetragen_am(welt.massnahme, dt.date(2025, 1, 1))
    m(beginn=dt.date(2024, 6, 1), status="abgeschlossen", ende_tatsaechlich=dt.date(2025, 5, 15))
    m(beginn=dt.date(2025, 7, 1), status="abgeschlossen", ende_tatsaechlich=dt.date(2025, 9, 30))
    m(beginn=dt.date(2024, 1, 1), status="abgebrochen")  # left out
    m(beginn=dt.date(2024, 1, 1), archiviert=True)  # left out
    m(beginn=None)  # entered today, without start: counts from today, not in 2025
    eingetragen_am(
        MassnahmeFactory(
            kreis=welt.herford,
            handlungsfeld=welt.handlungsfeld,
            status="abgeschlossen",
            ende_tatsaechlich=dt.date(2025, 2, 1),
        ),
        dt.date(2025, 2, 1),
    )


def test_share_abgeschlossen_per_kreis_by_hand(welt, massnahmen):
    k = kennzahl(welt, quelle=Kennzahl.Quelle.MASSNAHMEN_ABGESCHLOSSEN, einheit="%")
    # Q1: 0 of 2; Q2: 1 of 2; Q3: 2 of 3; Q4: 2 of 3.
    assert ist_werte(k) == [D("0.00"), D("50.00"), D("66.67"), D("66.67")]


def test_share_abgeschlossen_per_kommune_counts_led_massnahmen(welt, massnahmen):
    k = kennzahl(
        welt,
        quelle=Kennzahl.Quelle.MASSNAHMEN_ABGESCHLOSSEN,
        einheit="%",
        ebene=Kennzahl.Ebene.KOMMUNE,
    )
    verlauf = evaluate([k], bis=Quartal(2025, 4))[k.pk]
    assert [verlauf.je_kommune[welt.lemgo.pk][str(q)] for q in Q2025] == [
        D("0.00"),
        D("100.00"),
        D("100.00"),
        D("100.00"),
    ]
    assert verlauf.je_kommune[welt.detmold.pk]["2025-Q4"] == D("0.00")
    assert verlauf.je_kommune[welt.blomberg.pk]["2025-Q4"] is None  # leads nothing
    # Kreis value: mean of Detmold and Lemgo (Blomberg has no value).
    assert ist_werte(k) == [D("0.00"), D("50.00"), D("50.00"), D("50.00")]


# --- derived: Fördermittel abgerufen ----------------------------------------------------------


@pytest.fixture
def foerderung(welt):
    b1 = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        bewilligter_betrag=D("100000"),
        bescheiddatum=dt.date(2025, 2, 1),
    )
    MittelabrufFactory(bescheid=b1, betrag=D("20000"), datum=dt.date(2025, 3, 15))
    MittelabrufFactory(bescheid=b1, betrag=D("30000"), datum=dt.date(2025, 8, 1))
    b2 = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.lemgo,
        bewilligter_betrag=D("300000"),
        bescheiddatum=dt.date(2025, 7, 1),
    )
    MittelabrufFactory(bescheid=b2, betrag=D("50000"), datum=dt.date(2025, 12, 1))
    widerrufen = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        bewilligter_betrag=D("500000"),
        bescheiddatum=dt.date(2025, 1, 10),
        status="widerrufen",
    )
    MittelabrufFactory(bescheid=widerrufen, betrag=D("10000"), datum=dt.date(2025, 2, 1))
    herford = FoerderbescheidFactory(kreis=welt.herford, bescheiddatum=dt.date(2025, 1, 2))
    MittelabrufFactory(bescheid=herford, betrag=D("1000"), datum=dt.date(2025, 1, 3))
    # Each entered on its own date (quarter figures read the history, core.stichtag).
    for bescheid in Foerderbescheid.objects.all():
        eingetragen_am(bescheid, bescheid.bescheiddatum)
    for abruf in Mittelabruf.objects.all():
        eingetragen_am(abruf, abruf.datum)


def test_foerdermittel_abgerufen_per_kreis_by_hand(welt, foerderung):
    k = kennzahl(welt, quelle=Kennzahl.Quelle.FOERDERMITTEL_ABGERUFEN, einheit="%")
    # Q1, Q2: 20.000 of 100.000; Q3: 50.000 of 400.000; Q4: 100.000 of 400.000.
    assert ist_werte(k) == [D("20.00"), D("20.00"), D("12.50"), D("25.00")]


def test_foerdermittel_abgerufen_per_kommune_by_hand(welt, foerderung):
    k = kennzahl(
        welt,
        quelle=Kennzahl.Quelle.FOERDERMITTEL_ABGERUFEN,
        einheit="%",
        ebene=Kennzahl.Ebene.KOMMUNE,
    )
    # Detmold 20, 20, 50, 50; Lemgo –, –, 0, 16,67; Blomberg has no Bescheid.
    assert ist_werte(k) == [D("20.00"), D("20.00"), D("25.00"), D("33.34")]


def test_every_source_is_registered_with_its_unit():
    assert {q: QUELLEN[q].einheit for q in QUELLEN} == {
        "ozg_reifegrad": "Anzahl",
        "massnahmen_abgeschlossen": "%",
        "foerdermittel_abgerufen": "%",
    }


# --- batching and the report ------------------------------------------------------------------


def test_evaluation_queries_do_not_grow_with_kennzahlen(welt, ozg, django_assert_max_num_queries):
    def anlegen(n):
        for i in range(n):
            kennzahl(welt, quelle=Kennzahl.Quelle.OZG_REIFEGRAD, einheit="Anzahl")
            kennzahl(welt, ebene=Kennzahl.Ebene.KOMMUNE, name=f"manuell {i}")
            kennzahl(
                welt,
                quelle=Kennzahl.Quelle.OZG_REIFEGRAD,
                einheit="Anzahl",
                ebene=Kennzahl.Ebene.KOMMUNE,
            )
        return list(Kennzahl.objects.select_related("ziel"))

    wenige = anlegen(1)
    # typed values 1, OZG per Kreis 1, OZG per Kommune 2 (+ Kommunen of the Kreise 1)
    with django_assert_max_num_queries(5):
        evaluate(wenige)
    alle = anlegen(10)
    with django_assert_max_num_queries(5):
        evaluate(alle)


def test_zielerreichung_lists_every_kennzahl_with_the_quarters_value(welt, ozg):
    ziel = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, titel="Digital")
    schulung = kennzahl(
        welt,
        ziel=ziel,
        name="Geschulte Beschäftigte",
        einheit="%",
        basiswert=D("10"),
        zielwert=D("50"),
        basisdatum=dt.date(2025, 1, 1),
        zieldatum=dt.date(2027, 1, 1),
    )
    KennzahlWert.objects.create(kennzahl=schulung, quartal="2025-Q4", wert=D("31.5"))
    kennzahl(
        welt,
        ziel=ziel,
        name="OZG online",
        quelle=Kennzahl.Quelle.OZG_REIFEGRAD,
        einheit="Anzahl",
        basiswert=D("0"),
        zielwert=D("10"),
    )
    kennzahl(welt, name="Ohne Wert")
    kennzahl(welt, name="Anderer Kreis", ziel=ZielFactory(kreis=welt.herford))

    zeilen = {z.kennzahl: z for z in zielerreichung(welt.lippe, "2025-Q4")}
    assert set(zeilen) == {"Geschulte Beschäftigte", "OZG online", "Ohne Wert"}
    z = zeilen["Geschulte Beschäftigte"]
    # Soll on 31.12.2025: 10 + 40 · 364/730 = 29,95, whole like 10 → 50 %: 30 %; 31,5 % is on
    # track.
    assert (z.basiswert, z.zielwert, z.wert, z.soll, z.status) == (
        "10\u00a0%",
        "50\u00a0%",
        "31,5\u00a0%",
        "30\u00a0%",
        "im Plan",
    )
    z = zeilen["OZG online"]
    # 3 online at the end of 2025; the path from 0 to 10 over 2025–2026 is at 4,99 → 5.
    assert (z.wert, z.soll, z.status) == ("3", "5", "nicht im Plan")
    assert zeilen["Ohne Wert"].status == "kein Wert"


# --- the evaluated quarters -------------------------------------------------------------------


@pytest.mark.parametrize(
    "basis_zurueck, ziel_vor",
    [
        (8, 56),  # baseline two years ago, target fourteen years ahead (2024 → 2040)
        (160, 4),  # mistyped baseline forty years back
        (12, -4),  # target date already passed, values are still entered
    ],
)
def test_window_always_holds_the_current_quarter(welt, basis_zurueck, ziel_vor):
    jetzt = Quartal.current()
    basis = jetzt.previous(basis_zurueck)
    ziel = jetzt.next(ziel_vor) if ziel_vor >= 0 else jetzt.previous(-ziel_vor)
    k = kennzahl(welt, einheit="%", basisdatum=basis.beginn, zieldatum=ziel.ende, zielwert=D("80"))
    KennzahlWert.objects.create(kennzahl=k, quartal=str(jetzt), wert=D("12.5"))
    KennzahlWert.objects.create(kennzahl=k, quartal=str(jetzt.previous()), wert=D("11"))

    quartale = verlaufs_quartale(k)
    assert jetzt in quartale and jetzt.previous() in quartale
    assert len(quartale) <= MAX_QUARTALE
    if basis_zurueck < MAX_QUARTALE:
        assert quartale[0] == basis  # the baseline quarter is shown too
    verlauf = evaluate([k])[k.pk]
    assert verlauf.aktuell.quartal == jetzt and verlauf.aktuell.ist == D("12.5")

    # The report on the last complete quarter shows the value entered for it.
    [zeile] = zielerreichung(welt.lippe, jetzt.previous())
    assert zeile.wert == "11\u00a0%"
    assert zeile.status != "kein Wert"


def test_handlungsfelder_never_imports_the_apps_above_it():
    from pathlib import Path

    import handlungsfelder

    verboten = ("massnahmen", "foerderung", "ozg", "workshops", "berichte")
    for datei in Path(handlungsfelder.__file__).parent.rglob("*.py"):
        for zeile in datei.read_text().splitlines():
            wort = zeile.strip().split(" ")
            if wort[0] in ("import", "from") and len(wort) > 1:
                assert wort[1].split(".")[0] not in verboten, f"{datei.name}: {zeile}"

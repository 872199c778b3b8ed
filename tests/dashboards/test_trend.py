"""The progress trend of the dashboards: ended quarters as they stood at their end, read
from the change history once and then from the cache; the running quarter is today's
figure, the same the page shows beside the chart (issue 19, point 2)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.formatting import mit_einheit
from core.quartal import Quartal, quartal_kurz
from core.stichtag import backfill_stand, stichtag
from dashboards import auswertung as k
from tests.factories import MassnahmeFactory
from tests.stichtag import verlauf, zurueckdatieren

pytestmark = pytest.mark.django_db


def _tag_in(quartal: Quartal) -> dt.date:
    return quartal.beginn + dt.timedelta(days=10)


@pytest.fixture
def verlauf_lippe(welt):
    """Lippe's Maßnahmen since two quarters ago; one of them went from 20 % (two quarters
    ago) to 60 % (last quarter) to 90 % (today)."""
    jetzt = Quartal.current()
    zurueckdatieren(_tag_in(jetzt.previous(2)))
    massnahme = MassnahmeFactory(
        kreis=welt.lippe, federfuehrend=welt.lemgo, handlungsfeld=welt.handlungsfeld
    )
    massnahme.fortschritt = 90
    massnahme.save()
    verlauf(
        massnahme,
        (_tag_in(jetzt.previous(2)), {"fortschritt": 20}),
        (_tag_in(jetzt.previous(1)), {"fortschritt": 60}),
        (_tag_in(jetzt), {"fortschritt": 90}),
    )
    return massnahme


def _punkte(welt) -> dict[Quartal, float | None]:
    jetzt = Quartal.current()
    return {p.quartal: p.fortschritt for p in k.trend([welt.lippe.ags], bis=jetzt)["05766"]}


def _erwartet(welt, quartal: Quartal) -> float | None:
    """The figure of `quartal` by the one definition (massnahmen_zahlen), no trend involved."""
    return k.sum_per_kreis(k.massnahmen_zahlen([welt.lippe.ags], quartal=quartal))[
        welt.lippe.ags
    ].fortschritt


def test_every_point_is_the_figure_as_of_its_quarter_end(welt, verlauf_lippe):
    jetzt = Quartal.current()
    punkte = _punkte(welt)
    assert len(punkte) == k.TREND_QUARTALE
    for q in (jetzt.previous(2), jetzt.previous(1), jetzt):
        assert punkte[q] == _erwartet(welt, q)
    # the fixture's Maßnahme moves the average between the quarters
    assert punkte[jetzt.previous(2)] < punkte[jetzt.previous(1)] < punkte[jetzt]
    assert punkte[jetzt.previous(3)] is None  # nothing existed yet


def test_ended_quarters_are_read_from_the_history_once(welt, verlauf_lippe):
    with CaptureQueriesContext(connection) as erste:
        vorher = _punkte(welt)
    with CaptureQueriesContext(connection) as zweite:
        nachher = _punkte(welt)
    assert nachher == vorher
    historie = [q for q in erste.captured_queries if "historicalmassnahme" in q["sql"]]
    assert historie, "the first call reads the ended quarters from the change history"
    assert not [q for q in zweite.captured_queries if "historicalmassnahme" in q["sql"]]
    assert len(zweite.captured_queries) == len(erste.captured_queries) - len(historie)


def test_a_change_today_moves_only_the_running_quarter(welt, verlauf_lippe):
    jetzt = Quartal.current()
    vorher = _punkte(welt)
    verlauf_lippe.fortschritt = 10
    verlauf_lippe.save()
    nachher = _punkte(welt)
    assert nachher[jetzt] == _erwartet(welt, jetzt) != vorher[jetzt]
    assert {q: v for q, v in nachher.items() if q != jetzt} == {
        q: v for q, v in vorher.items() if q != jetzt
    }


def test_history_written_into_the_past_is_not_hidden_by_the_cache(welt, verlauf_lippe):
    """Demo data and corrections write history dated in an ended quarter: the cached
    figures of ended quarters must not outlive it."""
    letztes = Quartal.current().previous(1)
    vorher = _punkte(welt)[letztes]
    backfill_stand(verlauf_lippe, stichtag(letztes) - dt.timedelta(days=1), fortschritt=100)
    nachher = _punkte(welt)[letztes]
    assert nachher == _erwartet(welt, letztes)
    assert nachher != vorher


def test_the_dashboard_shows_the_same_trend_twice(welt, login, verlauf_lippe):
    """The chart's data table, first from the history, then from the cache."""
    client = login(welt.users["kreis"])
    antworten = [client.get("/dashboard/"), client.get("/dashboard/")]
    jetzt = Quartal.current()
    erwartet = [
        " ".join(f"{quartal_kurz(q)} {mit_einheit(_erwartet(welt, q), '%', 1)}".split())
        for q in (jetzt.previous(2), jetzt.previous(1), jetzt)
    ]
    for antwort in antworten:
        assert antwort.status_code == 200
        html = antwort.content.decode().split("Durchschnittlicher Fortschritt am Quartalsende", 1)
        tabelle = html[1][: html[1].index("</table>")]
        text = " ".join(re.sub(r"<[^>]+>", " ", tabelle).split())
        for zeile in erwartet:
            assert zeile in text

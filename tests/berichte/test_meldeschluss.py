"""A quarter's Statusmeldungen are written after it ends: they count for it until its
Meldeschluss (settings.STATUSMELDUNG_MELDESCHLUSS_TAGE after the quarter), later ones are
late. And the Kommunen table of a past quarter on /dashboard/ shows that quarter's end."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from berichte.abschnitte import Berichtsdaten, fehlende_statusmeldungen
from core.quartal import Quartal
from dashboards import auswertung as kennzahlen
from tests.factories import MassnahmeFactory, StatusmeldungFactory, UmsetzungsstandFactory
from tests.stichtag import eingetragen_am

pytestmark = pytest.mark.django_db

VORHER = Quartal.current().previous()


def _um(tage_nach_quartalsende: int) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(VORHER.ende + dt.timedelta(days=tage_nach_quartalsende), dt.time(9))
    )


@pytest.fixture
def meldungen(welt, settings):
    settings.STATUSMELDUNG_MELDESCHLUSS_TAGE = 10
    eingetragen_am(welt.massnahme, VORHER.beginn)
    puenktlich = welt.massnahme
    spaet = eingetragen_am(
        MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=welt.lemgo,
            handlungsfeld=welt.handlungsfeld,
            titel="Spät gemeldet",
        ),
        VORHER.beginn,
    )
    # Both report on the ended quarter after it ended: 5 and 25 days later.
    eingetragen_am(StatusmeldungFactory(massnahme=puenktlich, quartal=str(VORHER)), _um(5))
    eingetragen_am(StatusmeldungFactory(massnahme=spaet, quartal=str(VORHER)), _um(25))
    return puenktlich, spaet


def test_a_statusmeldung_written_before_the_meldeschluss_counts_for_its_quarter(welt, meldungen):
    puenktlich, spaet = meldungen
    zahlen = kennzahlen.sum_per_kreis(
        kennzahlen.massnahmen_zahlen([welt.lippe.pk], quartal=VORHER)
    )[welt.lippe.pk]
    assert (zahlen.meldepflichtig, zahlen.gemeldet) == (2, 1)

    daten = Berichtsdaten(kreis=welt.lippe, quartal=VORHER, stand=timezone.now())
    fehlend = [z["titel"] for z in fehlende_statusmeldungen(daten)["massnahmen"]]
    assert fehlend == ["Spät gemeldet"]


def test_kommunen_table_of_a_past_quarter_shows_its_end(welt, login, meldungen):
    """Led and joined Maßnahmen and OZG services online are counted as they stood at the
    end of the quarter chosen: what was entered afterwards is not in it."""
    # Entered today, after the quarter: a second Maßnahme led by Detmold, Detmold joining
    # Lemgo's, and a service online.
    MassnahmeFactory(kreis=welt.lippe, federfuehrend=welt.detmold, handlungsfeld=welt.handlungsfeld)
    _, spaet = meldungen
    spaet.beteiligte.add(welt.detmold)
    UmsetzungsstandFactory(kommune=welt.detmold, reifegrad=4)

    client = login(welt.users["kreis"])
    heute = client.get("/dashboard/").content.decode()
    damals = client.get(f"/dashboard/?quartal={VORHER}").content.decode()
    assert _detmold(heute) == ["2", "1", "1"]
    assert _detmold(damals) == ["1", "0", "0"]


def _detmold(html: str) -> list[str]:
    zeile = re.search(
        r"<tr>\s*<th scope=\"row\"><a href=\"/kommunen/detmold/\">Detmold</a>.*?</tr>", html, re.S
    ).group(0)
    return re.findall(r'<td class="num">.*?>(\d+)</a>', zeile, re.S)

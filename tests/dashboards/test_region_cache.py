"""/region/ from the cache (issue 19, point 4): a national region's figures take seconds to
compute, so they are cached under a key that changes with the data (core.cachestand). Every
write shows on the next request – a real save, then a GET, no mock. What is the viewer's
own (the form, the workshops they may see, the buttons they may use) is built anew."""

from __future__ import annotations

import pytest

from core.quartal import Quartal
from tests.dashboards.dashboard_hilfen import abfragen_beim_zweiten_mal, zweimal_gleich
from tests.factories import MassnahmeFactory, StatusmeldungFactory

pytestmark = pytest.mark.django_db

# Session, user, scope (2 for region users), Handlungsfelder, the region's workshops and the
# SAVEPOINT pair of the request transaction in tests; none for the figures themselves.
MAX_ABFRAGEN_AUS_DEM_CACHE = 8


def _zweimal(client) -> str:
    return zweimal_gleich(client, "/region/")


def _row(text: str, kreis: str) -> str:
    return text.split("OZG-Abdeckung")[1].split(kreis)[1][:200]


def test_the_second_request_takes_the_figures_from_the_cache(welt, login):
    abfragen = abfragen_beim_zweiten_mal(login(welt.users["region"]), "/region/")
    assert len(abfragen) <= MAX_ABFRAGEN_AUS_DEM_CACHE, abfragen


def test_a_new_massnahme_and_a_statusmeldung_show_on_the_next_request(welt, login):
    client = login(welt.users["region"])
    vorher = _zweimal(client)
    assert "Glasfaser Herford" not in vorher
    neu = MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel="Glasfaser Herford",
        beteiligte=[welt.detmold],  # shared across the county line: listed by title
    )
    nachher = _zweimal(client)
    assert "Glasfaser Herford" in nachher
    assert _row(nachher, "Herford") != _row(vorher, "Herford")
    StatusmeldungFactory(massnahme=neu, quartal=str(Quartal.current()))
    assert _zweimal(client) != nachher

"""/dashboard/ from the cache (issue 19, point 2): the figures are cached under a key that
changes with the data (core.cachestand), so every write shows on the next request – a real
save, then a GET, no mock – and the key holds the viewer's rights, the Kreis and the
quarter, so nobody ever sees figures cached for someone else."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.quartal import Quartal
from massnahmen.models import Massnahme
from tests.dashboards.dashboard_hilfen import zweimal_gleich
from tests.factories import (
    FoerderbescheidFactory,
    MassnahmeFactory,
    MittelabrufFactory,
    StatusmeldungFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, scope + the SAVEPOINT pair of the request transaction in tests: the
# figures themselves cost no query when they come from the cache.
MAX_ABFRAGEN_AUS_DEM_CACHE = 5


def _zweimal(client, url="/dashboard/") -> str:
    return zweimal_gleich(client, url)


def test_the_second_request_takes_the_figures_from_the_cache(welt, login):
    client = login(welt.users["kreis"])
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as abfragen:
        assert client.get("/dashboard/").status_code == 200
    assert len(abfragen) <= MAX_ABFRAGEN_AUS_DEM_CACHE, [
        q["sql"][:80] for q in abfragen.captured_queries
    ]


def test_a_new_massnahme_shows_on_the_next_request(welt, login):
    client = login(welt.users["kreis"])
    assert "1 Maßnahmen (nicht archiviert)" in _zweimal(client) or "1 Maßnahme" in _zweimal(client)
    MassnahmeFactory(kreis=welt.lippe, federfuehrend=welt.lemgo, handlungsfeld=welt.handlungsfeld)
    assert "2 Maßnahmen (nicht archiviert)" in _zweimal(client)


def test_a_changed_massnahme_and_a_statusmeldung_show_on_the_next_request(welt, login):
    client = login(welt.users["kreis"])
    q = Quartal.current()
    assert f"0 von 1 Statusmeldungen im {q.label} abgegeben" in _zweimal(client)
    StatusmeldungFactory(massnahme=welt.massnahme, quartal=str(q), fortschritt=30)
    assert f"1 von 1 Statusmeldungen im {q.label} abgegeben" in _zweimal(client)

    massnahme = Massnahme.objects.get(pk=welt.massnahme.pk)
    massnahme.fortschritt = 80
    massnahme.save()
    assert "80,0 % durchschnittlicher Fortschritt" in _zweimal(client)


def test_a_drawdown_of_funding_shows_on_the_next_request(welt, login):
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe, zuwendungsempfaenger=welt.detmold, bewilligter_betrag=Decimal("100000")
    )
    client = login(welt.users["kreis"])
    assert "0,00 € Fördermittel abgerufen" in _zweimal(client)
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("25000.00"))
    assert "25.000,00 € Fördermittel abgerufen (25,0 % der bewilligten)" in _zweimal(client)


def test_an_import_shows_on_the_next_request(welt, login, django_capture_on_commit_callbacks):
    """The import writes in bulk, without save signals: it moves the data stand itself."""
    from tests.massnahmen.test_export_import import EXPORT_CSV, csv_lesen, importieren

    client = login(welt.users["kreis"])
    vorher = _zweimal(client)
    rows = csv_lesen(client.get(EXPORT_CSV))
    kopf = rows[0]
    rows[1][kopf.index("Fortschritt")] = "90"
    datei = io.StringIO(newline="")
    csv.writer(datei, delimiter=";").writerows(rows[:2])
    lauf = importieren(
        client, "f.csv", datei.getvalue().encode("utf-8-sig"), django_capture_on_commit_callbacks
    )
    assert lauf.aktualisiert == 1
    nachher = _zweimal(client)
    assert nachher != vorher
    assert "90,0 % durchschnittlicher Fortschritt" in nachher


def test_staff_of_two_kreise_never_see_each_others_figures(welt, login):
    MassnahmeFactory(kreis=welt.herford, federfuehrend=welt.herford_stadt, titel="Herford-Sache")
    MassnahmeFactory(kreis=welt.herford, federfuehrend=welt.herford_stadt, titel="Herford-Zwei")
    lippe = _zweimal(login(welt.users["kreis"]))
    herford = _zweimal(login(welt.users["kreis_fremd"]))
    assert "Dashboard: Kreis Lippe" in lippe and "1 Maßnahme" in lippe
    assert "Dashboard: Kreis Herford" in herford and "2 Maßnahmen (nicht archiviert)" in herford
    assert "Kreis Lippe" not in herford and "Detmold" not in herford
    # And back: Lippe's page is still Lippe's, not the one cached last.
    assert _zweimal(login(welt.users["kreis"])) == lippe


def test_the_same_kreis_with_other_rights_is_cached_apart(welt, login):
    """The region user and Lippe's staff both see Lippe, but the lists of what crosses the
    Kreis border and the workshops depend on what each may read: their own entries."""
    kreis = _zweimal(login(welt.users["kreis"]))
    region = _zweimal(login(welt.users["region"]), "/dashboard/?kreis=05766")
    assert "Dashboard: Kreis Lippe" in region and "Dashboard: Kreis Lippe" in kreis
    # The region user chooses among Kreise; the form is theirs, not the Kreis staff's.
    html = login(welt.users["region"]).get("/dashboard/?kreis=05766").content.decode()
    assert 'name="kreis"' in html
    html = login(welt.users["kreis"]).get("/dashboard/").content.decode()
    assert 'name="kreis"' not in html


def test_a_quarter_and_a_kreis_of_the_query_are_part_of_the_key(welt, login):
    client = login(welt.users["region"])
    herford = _zweimal(client, "/dashboard/?kreis=05758")
    lippe = _zweimal(client, "/dashboard/?kreis=05766")
    assert "Dashboard: Kreis Herford" in herford and "Dashboard: Kreis Lippe" in lippe
    vorher = Quartal.current().previous()
    frueher = _zweimal(client, f"/dashboard/?kreis=05766&quartal={vorher}")
    assert f"({vorher.label})" in frueher and frueher != lippe

"""/dashboard/: one Kreis at a glance, each figure linking to the list behind it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from core.quartal import Quartal
from massnahmen.models import Massnahme
from tests.dashboards.dashboard_hilfen import abfragen_wachsen_nicht, seitentext
from tests.factories import (
    FoerderbescheidFactory,
    KommuneFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    MittelabrufFactory,
    StatusmeldungFactory,
    UmsetzungsstandFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, scope, Kreise, Handlungsfelder, Maßnahmen, Kreis sums, Kommunen, trend,
# milestones, Bescheide, workshops + BEGIN/COMMIT of the request transaction on PostgreSQL.
# 15: the progress trend reads the change history (one query) beside the Statusmeldungen.
# 16: the Maßnahmen of other Kreise that Kommunen of the Kreis take part in (issue 15,
# point 1: a partner finds them on its own dashboard), one bounded query.
MAX_ABFRAGEN = 16


def _links(response) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', response.content.decode())]


@pytest.fixture
def lippe_daten(welt):
    """Three more Maßnahmen in Lippe (four in all), one in Herford."""
    q = str(Quartal.current())
    geplant = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        status=Massnahme.Status.GEPLANT,
        fortschritt=10,
        ampel="rot",
        titel="Breitband Lemgo",
    )
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.blomberg,
        handlungsfeld=welt.handlungsfeld,
        fortschritt=70,
        ampel="gelb",
        titel="Bürgerportal Blomberg",
    )
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=None,
        handlungsfeld=welt.handlungsfeld,
        fortschritt=60,
        titel="Kreisweite Plattform",
    )
    Massnahme.objects.filter(pk=welt.massnahme.pk).update(fortschritt=40, ampel="gruen")
    StatusmeldungFactory(massnahme=welt.massnahme, quartal=q, fortschritt=40)
    StatusmeldungFactory(massnahme=geplant, quartal=str(Quartal.current().previous()))
    MassnahmeFactory(kreis=welt.herford, federfuehrend=welt.herford_stadt, titel="Herford-Sache")
    return geplant


def test_kreis_staff_sees_figures_of_their_kreis(welt, login, lippe_daten):
    response = login(welt.users["kreis"]).get("/dashboard/")
    assert response.status_code == 200
    text = seitentext(response)
    assert "Dashboard: Kreis Lippe" in text
    # 4 Maßnahmen, average (40 + 10 + 70 + 60) / 4 = 45 %, one Statusmeldung this quarter.
    assert "4 Maßnahmen (nicht archiviert)" in text
    assert "45,0 % durchschnittlicher Fortschritt" in text
    assert f"1 von 4 Statusmeldungen im {Quartal.current().label} abgegeben" in text
    assert "3 fehlen noch" in text
    assert "Herford-Sache" not in text


def test_every_figure_links_to_the_list_that_shows_exactly_those(welt, login, lippe_daten):
    client = login(welt.users["kreis"])
    links = _links(client.get("/dashboard/"))
    status_link = next(link for link in links if "status=geplant" in link)
    assert "kreis=05766" in status_link
    liste = seitentext(client.get(status_link))
    assert "1 Maßnahme gefunden" in liste and "Breitband Lemgo" in liste

    fehlend = next(link for link in links if "ohne_meldung=ja" in link and "kommune" not in link)
    liste = seitentext(client.get(fehlend))
    assert "3 Maßnahmen gefunden" in liste
    assert "Digitale Akte in Detmold" not in liste  # reported this quarter

    rot = next(link for link in links if "ampel=rot" in link)
    assert "Breitband Lemgo" in seitentext(client.get(rot))


def test_finished_and_stopped_massnahmen_owe_no_statusmeldung(welt, login, lippe_daten):
    """As in the report and on the start page: the dashboard's "n von m", "fehlen noch", the
    follow-up list and the lists they link to leave finished and stopped Maßnahmen out."""
    fertig = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.detmold,
        handlungsfeld=welt.handlungsfeld,
        status=Massnahme.Status.ABGESCHLOSSEN,
        fortschritt=100,
        ende_tatsaechlich=dt.date(2026, 5, 1),
        titel="WLAN fertig",
    )
    gestoppt = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.detmold,
        handlungsfeld=welt.handlungsfeld,
        status=Massnahme.Status.ABGEBROCHEN,
        titel="Gestoppt, doch gemeldet",
    )
    StatusmeldungFactory(massnahme=gestoppt, quartal=str(Quartal.current()))
    client = login(welt.users["kreis"])
    response = client.get("/dashboard/")
    text = seitentext(response)
    assert "6 Maßnahmen (nicht archiviert)" in text
    assert f"1 von 4 Statusmeldungen im {Quartal.current().label} abgegeben" in text
    assert "3 fehlen noch" in text
    nachfassen = text.split("Nachfassen")[1].split("Kommunen des")[0]
    assert "Detmold" not in nachfassen
    links = _links(response)
    fehlend = seitentext(client.get(next(x for x in links if "ohne_meldung=ja" in x)))
    assert "3 Maßnahmen gefunden" in fehlend and fertig.titel not in fehlend
    gemeldet = seitentext(client.get(next(x for x in links if "ohne_meldung=nein" in x)))
    assert "1 Maßnahme gefunden" in gemeldet and gestoppt.titel not in gemeldet
    # The start page's "offene Statusmeldungen" agree.
    from massnahmen.services import open_statusmeldungen

    assert open_statusmeldungen(welt.users["kreis"]).count() == 3


def test_region_user_picks_a_kreis_and_sees_another(welt, login, lippe_daten):
    client = login(welt.users["region"])
    # Default: the first readable Kreis by name (Herford before Lippe).
    assert "Dashboard: Kreis Herford" in seitentext(client.get("/dashboard/"))
    text = seitentext(client.get("/dashboard/?kreis=05766"))
    assert "Dashboard: Kreis Lippe" in text
    assert (
        '<option value="05766" selected>' in client.get("/dashboard/?kreis=05766").content.decode()
    )


def test_cdo_sees_their_own_kreis(welt, login, lippe_daten):
    response = login(welt.users["cdo_andere"]).get("/dashboard/")
    assert "Dashboard: Kreis Lippe" in seitentext(response)
    assert 'name="kreis"' not in response.content.decode()  # nothing to choose


def test_other_kreis_is_404_and_no_role_is_403(welt, login):
    assert login(welt.users["kreis_fremd"]).get("/dashboard/?kreis=05766").status_code == 404
    assert login(welt.users["kreis_fremd"]).get("/dashboard/?kreis=99999").status_code == 404
    assert (
        login(UserFactory(email="ohne.rolle@example.invalid")).get("/dashboard/").status_code == 403
    )
    anonym = login(None).get("/dashboard/")
    assert anonym.status_code == 302 and anonym["Location"].startswith("/accounts/login/")


def test_staleness_names_the_kommunen_longest_without_statusmeldung(welt, login, lippe_daten):
    # Lemgo reported last quarter, Blomberg never; Detmold is up to date.
    text = seitentext(login(welt.users["kreis"]).get("/dashboard/"))
    abschnitt = text.split("Nachfassen")[1].split("Kommunen des")[0]
    assert "Detmold" not in abschnitt
    assert abschnitt.index("Blomberg") < abschnitt.index("Lemgo")
    assert "noch nie gemeldet" in abschnitt
    assert Quartal.current().previous().label in abschnitt


def test_kommunen_table_counts_led_joined_and_ozg(welt, login, lippe_daten):
    UmsetzungsstandFactory(kommune=welt.detmold, reifegrad=4)
    UmsetzungsstandFactory(kommune=welt.detmold, reifegrad=1)
    response = login(welt.users["kreis"]).get("/dashboard/")
    html = response.content.decode()
    zeile = re.search(
        r"<tr>\s*<th scope=\"row\"><a href=\"/kommunen/detmold/\">Detmold</a>.*?</tr>", html, re.S
    )
    zellen = re.findall(r'<td class="num">.*?>(\d+)</a>', zeile.group(0), re.S)
    assert zellen == ["1", "0", "1"]  # leads one, takes part in none, one service online
    blomberg = re.search(r"Blomberg</a></th>.*?</tr>", html, re.S).group(0)
    assert re.findall(r'<td class="num">.*?>(\d+)</a>', blomberg, re.S)[:2] == ["1", "1"]


def test_money_deadlines_and_workshops(welt, login, lippe_daten):
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        bewilligter_betrag=Decimal("245000.00"),
        verwendungsnachweis_faellig=timezone.localdate() + dt.timedelta(days=20),
        aktenzeichen="34.2-IKZ-2021/777",
    )
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("50000.00"))
    MeilensteinFactory(
        massnahme=welt.massnahme,
        titel="Pilot gestartet",
        faellig_am=timezone.localdate() + dt.timedelta(days=5),
    )
    WorkshopFactory(kreis=welt.lippe, titel="CDO-Runde Lippe", veroeffentlicht_am=timezone.now())
    WorkshopFactory(
        kreis=welt.herford, titel="CDO-Runde Herford", veroeffentlicht_am=timezone.now()
    )
    text = seitentext(login(welt.users["cdo_eigen"]).get("/dashboard/"))
    assert "245.000,00 € Fördermittel bewilligt" in text
    assert "50.000,00 € Fördermittel abgerufen (20,4 % der bewilligten)" in text
    fristen = text.split("Nächste Fristen")[1]
    assert fristen.index("Pilot gestartet") < fristen.index("34.2-IKZ-2021/777")
    assert "CDO-Runde Lippe" in text and "CDO-Runde Herford" not in text


def test_charts_are_accessible_svg_with_data_tables(welt, login, lippe_daten):
    html = login(welt.users["kreis"]).get("/dashboard/").content.decode()
    assert html.count('<figure class="diagramm">') == 3
    assert html.count('role="img"') == 3 * 2  # each also drawn narrow for a phone
    assert "<title" in html and "Fortschritt je Handlungsfeld – Kreis Lippe" in html
    assert "Daten als Tabelle" in html
    # The last 8 quarters on the trend, the current one last.
    assert str(Quartal.current().previous(7)) in html


def _mehr_daten(welt, n: int) -> None:
    """n more Maßnahmen in Lippe with reports, milestones and partners, plus a crowd elsewhere."""
    q = Quartal.current()
    for i in range(n):
        kommune = KommuneFactory(kreis=welt.lippe, ags=f"05766{900 + i:03d}")
        m = MassnahmeFactory(
            kreis=welt.lippe, federfuehrend=kommune, handlungsfeld=welt.handlungsfeld
        )
        m.beteiligte.add(welt.detmold)
        StatusmeldungFactory(massnahme=m, quartal=str(q))
        StatusmeldungFactory(massnahme=m, quartal=str(q.previous()))
        MeilensteinFactory(massnahme=m)
        MassnahmeFactory(kreis=welt.herford, federfuehrend=welt.herford_stadt)
        WorkshopFactory(kreis=welt.lippe, veroeffentlicht_am=timezone.now())


@pytest.mark.parametrize("rolle", ["kreis", "cdo_eigen", "region", "admin"])
def test_query_count_does_not_grow_with_the_data(welt, login, rolle):
    client = login(welt.users[rolle])
    url = "/dashboard/?kreis=05766"
    abfragen_wachsen_nicht(client, url, lambda: _mehr_daten(welt, 6), MAX_ABFRAGEN)


@pytest.mark.parametrize(
    ("rolle", "dashboard", "region"),
    [
        ("anonym", False, False),
        ("cdo_eigen", True, False),
        ("cdo_andere", True, False),
        ("kreis_fremd", True, False),
        ("kreis", True, False),
        ("region", True, True),
        ("admin", True, True),
    ],
)
def test_rules(welt, rolle, dashboard, region):
    from django.contrib.auth.models import AnonymousUser

    user = welt.users[rolle] or AnonymousUser()
    assert user.has_perm("dashboards.view_dashboard") is dashboard
    assert user.has_perm("dashboards.view_region") is region


def test_a_user_without_membership_has_no_dashboard(db):
    assert not UserFactory(email="neu@example.invalid").has_perm("dashboards.view_dashboard")


def test_a_past_quarter_shows_the_figures_of_its_end(welt, login):
    """Chosen on /dashboard/, an ended quarter shows the state at its last day: a Maßnahme
    changed today keeps its old progress there, one entered today is not counted."""

    from core.quartal import Quartal
    from tests.factories import MassnahmeFactory
    from tests.stichtag import eingetragen_am

    vorher = Quartal.current().previous()
    eingetragen_am(welt.massnahme, vorher.beginn)  # 40 %, in Umsetzung since then
    welt.massnahme.fortschritt = 90
    welt.massnahme.save()
    MassnahmeFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, fortschritt=10)
    client = login(welt.users["kreis"])
    heute = client.get("/dashboard/").content.decode()
    assert "50,0 %" in heute  # (90 + 10) / 2
    damals = client.get(f"/dashboard/?quartal={vorher}").content.decode()
    assert "40,0 %" in damals
    assert f"Stand am {vorher.ende:%d.%m.%Y}" in damals
    assert client.get("/dashboard/?quartal=2099-Q9").status_code == 200  # falls back

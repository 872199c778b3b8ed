"""Kommunen pages: what a CDO sees, and query counts that do not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import KommuneFactory, MassnahmeFactory, UmsetzungsstandFactory

pytestmark = pytest.mark.django_db


def test_list_shows_kommunen_of_my_kreis_with_population_and_counts(welt, login):
    UmsetzungsstandFactory(kommune=welt.detmold, reifegrad=5)
    UmsetzungsstandFactory(kommune=welt.detmold, reifegrad=1)
    html = login(welt.users["cdo_andere"]).get("/kommunen/").content.decode()
    assert "Detmold" in html and "Lemgo" in html and "Blomberg" in html
    assert "Herford" not in html
    assert "74.835" in html
    # Detmold: leads 1 Maßnahme, 1 OZG service online (level 5; level 1 is not online)
    row = html[html.index("/kommunen/detmold/") :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells[-3:] == ["1", "0", "1"]


def test_region_sees_all_kreise_of_the_region(welt, login):
    html = login(welt.users["region"]).get("/kommunen/").content.decode()
    assert "Kreis Lippe" in html and "Kreis Herford" in html


def _queries(client, path):
    # A warm-up request first: the navigation's unread badge is cached per person and may
    # be dropped by the rows added in between; what is compared is the page, not the cache.
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_kommunen(welt, login):
    client = login(welt.users["kreis"])
    few = _queries(client, "/kommunen/")
    for i in range(30):
        kommune = KommuneFactory(kreis=welt.lippe, ags=f"05766{500 + i}")
        MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=kommune,
            handlungsfeld=welt.handlungsfeld,
            beteiligte=[welt.detmold],
        )
    many = _queries(client, "/kommunen/")
    assert few == many


def test_profile_shows_contacts_massnahmen_and_ozg(welt, login):
    UmsetzungsstandFactory(kommune=welt.blomberg, reifegrad=4, leistung__name="Wohnsitz anmelden")
    html = login(welt.users["cdo_eigen"]).get("/kommunen/blomberg/").content.decode()
    assert "<h1" in html and "Blomberg" in html
    assert "05766016" in html
    assert "Digitale Akte in Detmold" in html  # Blomberg takes part
    assert "Wohnsitz anmelden" in html
    html = login(welt.users["cdo_eigen"]).get("/kommunen/detmold/").content.decode()
    assert "cdo.detmold@example.invalid" in html  # the contact


def test_profile_query_count_does_not_grow_with_massnahmen(welt, login):
    client = login(welt.users["cdo_eigen"])
    few = _queries(client, "/kommunen/detmold/")
    for _ in range(20):
        MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=welt.detmold,
            handlungsfeld=welt.handlungsfeld,
            beteiligte=[welt.lemgo],
        )
        UmsetzungsstandFactory(kommune=welt.detmold)
    assert _queries(client, "/kommunen/detmold/") == few


def test_cdo_edits_profile_and_bad_url_gets_german_error(welt, login):
    client = login(welt.users["cdo_eigen"])
    response = client.post(
        "/kommunen/detmold/bearbeiten/", {"website": "keine adresse", "beschreibung": "Neu"}
    )
    assert response.status_code == 422  # bad input is a 4xx (helper rules), was 200
    assert "Bitte eine gültige Adresse eingeben." in response.content.decode()
    welt.detmold.refresh_from_db()
    assert welt.detmold.beschreibung == ""
    response = client.post(
        "/kommunen/detmold/bearbeiten/",
        # With the hidden version the form shows (core.locking).
        {"website": "https://www.detmold.de", "beschreibung": "Neu", "version": "1"},
        follow=True,
    )
    assert "Das Profil wurde gespeichert." in response.content.decode()
    welt.detmold.refresh_from_db()
    assert welt.detmold.website == "https://www.detmold.de"


def test_other_cdo_cannot_post_to_profile(welt, login):
    response = login(welt.users["cdo_andere"]).post(
        "/kommunen/detmold/bearbeiten/", {"website": "", "beschreibung": "gehackt"}
    )
    assert response.status_code == 403
    welt.detmold.refresh_from_db()
    assert welt.detmold.beschreibung == ""


@pytest.mark.parametrize("pfad", ["/", "/impressum/", "/datenschutz/"])
def test_footer_and_legal_pages_speak_of_the_region_not_of_lippe_alone(welt, login, pfad):
    """The portal serves every Kreis of the region: Kreis staff of Herford must not read
    that it is "für die 16 lippischen Kommunen"."""
    inhalt = login(welt.users["kreis_fremd"]).get(pfad).content.decode()
    assert "lippischen" not in inhalt
    assert "16 Städten" not in inhalt
    assert "für die Kommunen in Ostwestfalen-Lippe" in inhalt

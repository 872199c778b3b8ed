"""The Kommune filter of the Maßnahmen list stays short for an admin, who reads every Kommune
in the country: it offers the Kommunen of the chosen Kreis (plus one already asked for)."""

from __future__ import annotations


def _kommune_optionen(response) -> set[str]:
    feld = response.context["filter"].form.fields["kommune"]
    return {str(kommune) for kommune in feld.queryset}


def test_admin_sees_the_kommunen_of_the_chosen_kreis_only(welt, login):
    client = login(welt.users["admin"])
    ohne_kreis = client.get("/massnahmen/")
    assert _kommune_optionen(ohne_kreis) == set()
    mit_kreis = client.get("/massnahmen/", {"kreis": welt.herford.pk})
    assert _kommune_optionen(mit_kreis) == {str(welt.herford_stadt)}


def test_a_bookmarked_kommune_filter_still_works_for_an_admin(welt, login):
    client = login(welt.users["admin"])
    response = client.get("/massnahmen/", {"kommune": welt.detmold.pk})
    assert response.status_code == 200
    assert _kommune_optionen(response) == {str(welt.detmold)}
    assert welt.massnahme.titel in response.content.decode()


def test_a_region_user_keeps_every_kommune_of_the_region(welt, login):
    response = login(welt.users["region"]).get("/massnahmen/")
    assert len(_kommune_optionen(response)) == 4

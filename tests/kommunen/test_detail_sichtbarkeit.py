"""A Kommune's page lists only the Maßnahmen the viewer may read: since partners may come
from any Kreis of the region (issue 15, point 1), a Lippe Kommune can take part in a
Kreis-visible Maßnahme of Herford, which its own CDO and Kreis staff read, but not the CDO
of a neighbouring Lippe Kommune."""

from __future__ import annotations

import pytest

from tests.factories import MassnahmeFactory

pytestmark = pytest.mark.django_db

TITEL = "Interne Herforder Vorlage mit Detmold"


@pytest.fixture
def herforder_massnahme(welt):
    return MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel=TITEL,
        beteiligte=[welt.detmold],
    )


@pytest.mark.parametrize(
    ("rolle", "sieht"),
    [("cdo_eigen", True), ("kreis", True), ("cdo_andere", False)],
)
def test_a_partner_maßnahme_of_another_kreis_only_for_who_reads_it(
    welt, login, herforder_massnahme, rolle, sieht
):
    client = login(welt.users[rolle])
    seite = client.get(f"/kommunen/{welt.detmold.slug}/")
    assert seite.status_code == 200
    assert (TITEL in seite.content.decode()) is sieht
    # the page never names more than the Maßnahme's own page lets the viewer read
    detail = client.get(f"/massnahmen/{herforder_massnahme.pk}/")
    assert (detail.status_code == 200) is sieht

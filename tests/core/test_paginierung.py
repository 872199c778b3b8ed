"""The lists' paginator asks for a page's keys first and loads only that page's rows (issue 19,
point 3): every page holds the rows Django's own Paginator gives, in the same order, with
the same count, in two queries."""

from __future__ import annotations

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from core.paginierung import KeysFirstPaginator
from massnahmen.models import Massnahme, Statusmeldung
from tests.factories import HandlungsfeldFactory, MassnahmeFactory, StatusmeldungFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def liste():
    """Eight Maßnahmen in two Handlungsfelder (ties on the sort key), with what a list row
    shows: joins and a correlated EXISTS."""
    zwei, eins = HandlungsfeldFactory(nummer=2), HandlungsfeldFactory(nummer=1)
    massnahmen = [MassnahmeFactory(handlungsfeld=zwei if i % 3 else eins) for i in range(8)]
    StatusmeldungFactory(massnahme=massnahmen[4])
    return (
        Massnahme.objects.select_related("handlungsfeld", "federfuehrend", "kreis")
        .annotate(gemeldet=Exists(Statusmeldung.objects.filter(massnahme_id=OuterRef("pk"))))
        .order_by("handlungsfeld__nummer", "-pk")
    )


def _seiten(paginator) -> list[list[tuple]]:
    return [
        [(m.pk, m.handlungsfeld.nummer, m.gemeldet) for m in paginator.page(n).object_list]
        for n in paginator.page_range
    ]


@pytest.mark.parametrize(("je_seite", "orphans"), [(3, 0), (3, 1), (5, 2), (8, 0), (25, 0)])
def test_every_page_as_djangos_paginator_gives_it(liste, je_seite, orphans):
    django = Paginator(liste, je_seite, orphans=orphans)
    unserer = KeysFirstPaginator(liste, je_seite, orphans=orphans)
    assert _seiten(unserer) == _seiten(django)
    assert (unserer.count, unserer.num_pages) == (django.count, django.num_pages)
    assert unserer.count == 8
    assert any(gemeldet for seite in _seiten(unserer) for _pk, _nr, gemeldet in seite)


def test_a_page_costs_two_queries_and_the_count_none(liste):
    paginator = KeysFirstPaginator(liste, 3)
    with CaptureQueriesContext(connection) as queries:
        seite = paginator.page(2)
        assert len(seite.object_list) == 3
        assert paginator.count == 8 and seite.has_next()
    assert len(queries) == 2
    keys_sql = queries[0]["sql"]
    assert "EXISTS" not in keys_sql  # the row's extras are computed for the page only


def test_empty_list_and_pages_beyond_it(liste):
    leer = KeysFirstPaginator(liste.filter(titel="gibt es nicht"), 3)
    with CaptureQueriesContext(connection) as queries:
        assert list(leer.page(1).object_list) == []
    assert leer.count == 0 and len(queries) == 1
    paginator = KeysFirstPaginator(liste, 3)
    with pytest.raises(EmptyPage):
        paginator.page(4)
    with pytest.raises(EmptyPage):
        paginator.page(10**20)  # beyond a bigint OFFSET
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(PageNotAnInteger):
        paginator.page("zwei")
    with pytest.raises(EmptyPage):  # the last page took the orphans
        KeysFirstPaginator(liste, 3, orphans=2).page(3)

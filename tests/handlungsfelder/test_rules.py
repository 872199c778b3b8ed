"""Strategy permissions role by role; the Kennzahlen belong to Kreis Lippe (Detmold, Lemgo,
Blomberg). Superusers pass every rule by design, except that no view takes typed values
for a derived Kennzahl (tested in test_views)."""

from __future__ import annotations

import pytest

from handlungsfelder import rules as hf_rules
from handlungsfelder.models import Kennzahl, Ziel
from tests.conftest import ROLLEN
from tests.factories import KennzahlFactory, ZielFactory


def expect(*allowed: str) -> dict[str, bool]:
    return {rolle: rolle in allowed for rolle in ROLLEN}


LESEN = expect("cdo_eigen", "cdo_andere", "kreis", "region", "admin")
KREIS = expect("kreis", "admin")


@pytest.fixture
def objekte(welt):
    ziel = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld)
    return {
        "ziel": ziel,
        "neues_ziel": Ziel(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld),
        "kreiswert": KennzahlFactory(ziel=ziel),
        "kommunalwert": KennzahlFactory(ziel=ziel, ebene=Kennzahl.Ebene.KOMMUNE),
        "abgeleitet": KennzahlFactory(
            ziel=ziel, einheit="%", quelle=Kennzahl.Quelle.FOERDERMITTEL_ABGERUFEN
        ),
    }


PERMISSIONS = [
    ("handlungsfelder.view_ziel", "ziel", LESEN),
    ("handlungsfelder.add_ziel", "neues_ziel", KREIS),
    ("handlungsfelder.change_ziel", "ziel", KREIS),
    ("handlungsfelder.view_kennzahl", "kreiswert", LESEN),
    ("handlungsfelder.add_kennzahl", "kreiswert", KREIS),
    ("handlungsfelder.change_kennzahl", "kreiswert", KREIS),
    ("handlungsfelder.add_kennzahlwert", "kreiswert", KREIS),
    (
        "handlungsfelder.add_kennzahlwert",
        "kommunalwert",
        expect("cdo_eigen", "cdo_andere", "kreis", "admin"),
    ),
    # Derived: nobody types values (the superuser bypass is closed in the view).
    ("handlungsfelder.add_kennzahlwert", "abgeleitet", expect("admin")),
]


@pytest.mark.parametrize(
    ("perm", "objekt", "rolle", "erwartet"),
    [
        pytest.param(perm, objekt, rolle, erwartet[rolle], id=f"{perm}-{objekt}-{rolle}")
        for perm, objekt, erwartet in PERMISSIONS
        for rolle in ROLLEN
        if rolle != "anonym"
    ],
)
def test_permission(welt, objekte, perm, objekt, rolle, erwartet):
    assert welt.users[rolle].has_perm(perm, objekte[objekt]) is erwartet


def test_anonymous_may_nothing(welt, objekte):
    from django.contrib.auth.models import AnonymousUser

    for perm, objekt, _ in PERMISSIONS:
        assert not AnonymousUser().has_perm(perm, objekte[objekt])


def test_cdo_enters_values_only_for_own_kommune(welt, objekte):
    k = objekte["kommunalwert"]
    assert hf_rules.recordable_kommunen(welt.users["cdo_eigen"], k) == [welt.detmold.pk]
    assert hf_rules.recordable_kommunen(welt.users["cdo_andere"], k) == [welt.lemgo.pk]
    assert hf_rules.recordable_kommunen(welt.users["kreis"], k) is None  # every Kommune


def test_cdo_of_another_kreis_may_not_enter_kommune_values(welt):
    herford_ziel = ZielFactory(kreis=welt.herford, handlungsfeld=welt.handlungsfeld)
    k = KennzahlFactory(ziel=herford_ziel, ebene=Kennzahl.Ebene.KOMMUNE)
    assert not welt.users["cdo_eigen"].has_perm("handlungsfelder.add_kennzahlwert", k)
    assert welt.users["kreis_fremd"].has_perm("handlungsfelder.add_kennzahlwert", k)

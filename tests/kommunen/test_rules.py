"""Every permission and predicate, role by role (see tests/conftest.py for the roles).

The object under test belongs to Detmold in Kreis Lippe; Blomberg takes part.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from kommunen import rules as kommunen_rules
from kommunen.models import Mitgliedschaft, Rolle
from kommunen.scope import forget_scope, scope_for
from massnahmen import rules as massnahmen_rules
from tests.conftest import ROLLEN
from tests.factories import (
    FoerderbescheidFactory,
    MitgliedschaftFactory,
    UmsetzungsstandFactory,
    UserFactory,
    WorkshopFactory,
    ZielFactory,
)


def expect(*allowed: str) -> dict[str, bool]:
    return {rolle: rolle in allowed for rolle in ROLLEN}


LESEN = expect("cdo_eigen", "cdo_andere", "kreis", "region", "admin")
KREIS = expect("kreis", "admin")
EIGENE_KOMMUNE_ODER_KREIS = expect("cdo_eigen", "kreis", "admin")


def _objects(welt):
    return {
        "kommune": welt.detmold,
        "massnahme": welt.massnahme,
        "bescheid": FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold),
        "workshop": WorkshopFactory(kreis=welt.lippe, veroeffentlicht_am=timezone.now()),
        "stand": UmsetzungsstandFactory(kommune=welt.detmold),
        "ziel": ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld),
    }


PERMISSIONS = [
    ("kommunen.view_kommune", "kommune", LESEN),
    ("kommunen.change_kommune", "kommune", EIGENE_KOMMUNE_ODER_KREIS),
    ("massnahmen.view_massnahme", "massnahme", LESEN),
    ("massnahmen.change_massnahme", "massnahme", EIGENE_KOMMUNE_ODER_KREIS),
    ("massnahmen.archive_massnahme", "massnahme", EIGENE_KOMMUNE_ODER_KREIS),
    ("massnahmen.delete_massnahme", "massnahme", KREIS),
    ("massnahmen.add_statusmeldung", "massnahme", EIGENE_KOMMUNE_ODER_KREIS),
    ("massnahmen.add_anhang", "massnahme", EIGENE_KOMMUNE_ODER_KREIS),
    ("foerderung.view_foerderbescheid", "bescheid", LESEN),
    ("foerderung.change_foerderbescheid", "bescheid", KREIS),
    ("foerderung.delete_foerderbescheid", "bescheid", KREIS),
    ("foerderung.add_mittelabruf", "bescheid", KREIS),
    ("workshops.view_workshop", "workshop", LESEN),
    ("workshops.change_workshop", "workshop", KREIS),
    (
        "workshops.register_workshop",
        "workshop",
        expect("cdo_eigen", "cdo_andere", "kreis", "admin"),
    ),
    ("ozg.view_umsetzungsstand", "stand", LESEN),
    ("ozg.change_umsetzungsstand", "stand", EIGENE_KOMMUNE_ODER_KREIS),
    ("handlungsfelder.view_ziel", "ziel", LESEN),
    ("handlungsfelder.change_ziel", "ziel", KREIS),
    ("berichte.view_quartalsbericht", "workshop", LESEN),  # any object with kreis_id
    ("berichte.request_quartalsbericht", "workshop", KREIS),
]


@pytest.mark.parametrize(
    ("perm", "obj_key", "expected"), PERMISSIONS, ids=[p[0] for p in PERMISSIONS]
)
def test_object_permissions_per_role(welt, perm, obj_key, expected):
    obj = _objects(welt)[obj_key]
    actual = {rolle: bool(user and user.has_perm(perm, obj)) for rolle, user in welt.users.items()}
    assert actual == expected


OBJECTLESS = [
    (
        "massnahmen.add_massnahme",
        expect("cdo_eigen", "cdo_andere", "kreis_fremd", "kreis", "admin"),
    ),
    ("foerderung.add_foerderbescheid", expect("kreis_fremd", "kreis", "admin")),
    ("workshops.add_workshop", expect("kreis_fremd", "kreis", "region", "admin")),
    ("berichte.add_quartalsbericht", expect("kreis_fremd", "kreis", "admin")),
    ("dashboards.view_region", expect("region", "admin")),
    ("kommunen.view_kommune", expect(*[r for r in ROLLEN if r != "anonym"])),
]


@pytest.mark.parametrize(("perm", "expected"), OBJECTLESS, ids=[p[0] for p in OBJECTLESS])
def test_objectless_permissions_per_role(welt, perm, expected):
    actual = {rolle: bool(user and user.has_perm(perm)) for rolle, user in welt.users.items()}
    assert actual == expected


def test_participating_cdo_may_post_statusmeldung_but_not_edit(welt):
    blomberg_cdo = UserFactory()
    MitgliedschaftFactory(user=blomberg_cdo, rolle=Rolle.CDO, kommune=welt.blomberg)
    assert massnahmen_rules.is_participating_cdo(blomberg_cdo, welt.massnahme)
    assert not massnahmen_rules.is_lead_cdo(blomberg_cdo, welt.massnahme)
    assert blomberg_cdo.has_perm("massnahmen.add_statusmeldung", welt.massnahme)
    assert not blomberg_cdo.has_perm("massnahmen.change_massnahme", welt.massnahme)


def test_kreis_led_massnahme_is_edited_by_kreis_only(welt):
    welt.massnahme.federfuehrend = None
    welt.massnahme.save()
    assert not welt.users["cdo_eigen"].has_perm("massnahmen.change_massnahme", welt.massnahme)
    assert welt.users["kreis"].has_perm("massnahmen.change_massnahme", welt.massnahme)


def test_leaving_a_kommune_removes_access_at_once(welt):
    cdo = welt.users["cdo_eigen"]
    assert cdo.has_perm("massnahmen.change_massnahme", welt.massnahme)
    Mitgliedschaft.objects.filter(user=cdo).delete()
    forget_scope(cdo)  # a new request computes the scope afresh
    assert not cdo.has_perm("massnahmen.view_massnahme", welt.massnahme)
    assert scope_for(cdo).readable_kreis_ids == frozenset()


def test_inactive_user_has_no_scope(welt):
    cdo = welt.users["cdo_eigen"]
    cdo.is_active = False
    forget_scope(cdo)
    assert not kommunen_rules.has_role(cdo)
    assert not cdo.has_perm("massnahmen.view_massnahme", welt.massnahme)


def test_scope_of_each_role(welt):
    assert scope_for(welt.users["cdo_eigen"]).readable_kreis_ids == {"05766"}
    assert scope_for(welt.users["kreis_fremd"]).readable_kreis_ids == {"05758"}
    assert scope_for(welt.users["region"]).readable_kreis_ids == {"05766", "05758"}
    assert scope_for(None).readable_kreis_ids == frozenset()


def test_person_with_two_memberships_gets_both(welt):
    person = welt.users["cdo_andere"]
    MitgliedschaftFactory(user=person, rolle=Rolle.KREIS, kommune=None, kreis=welt.lippe)
    forget_scope(person)
    assert person.has_perm("massnahmen.delete_massnahme", welt.massnahme)


def test_scope_is_computed_once_per_request(welt, django_assert_num_queries):
    user = welt.users["region"]
    forget_scope(user)
    with django_assert_num_queries(2):  # memberships, then the region's Kreise
        for _ in range(5):
            scope_for(user)


def test_for_user_querysets_are_scoped(welt):
    from kommunen.models import Kommune
    from massnahmen.models import Massnahme

    assert set(
        Kommune.objects.for_user(welt.users["cdo_eigen"]).values_list("slug", flat=True)
    ) == {"detmold", "lemgo", "blomberg"}
    assert not Massnahme.objects.for_user(welt.users["kreis_fremd"]).exists()
    assert Massnahme.objects.for_user(welt.users["region"]).count() == 1
    assert Kommune.objects.for_user(welt.users["admin"]).count() == 4
    assert not Kommune.objects.for_user(None).exists()

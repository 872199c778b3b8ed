"""Who may do what with Förderbescheide (foerderung/rules.py), per role."""

import pytest

from foerderung.models import Foerderbescheid
from tests.factories import FoerderbescheidFactory

pytestmark = pytest.mark.django_db

LESEN = "foerderung.view_foerderbescheid"
VERWALTEN = [
    "foerderung.change_foerderbescheid",
    "foerderung.delete_foerderbescheid",
    "foerderung.add_mittelabruf",
    "foerderung.change_mittelabruf",
    "foerderung.delete_mittelabruf",
]

# Issue 5, point 3: Kreis staff manage; CDOs of recipient and partners and everyone else
# of the Kreis read (the DigitalBüro reads its region); other Kreise see nothing.
ERWARTET = {
    "anonym": (False, False),
    "cdo_eigen": (True, False),  # recipient Detmold
    "cdo_andere": (True, False),  # Lemgo, not involved, same Kreis
    "kreis_fremd": (False, False),
    "kreis": (True, True),
    "region": (True, False),
    "admin": (True, True),
}


@pytest.fixture
def bescheid(welt):
    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    bescheid.partner.set([welt.blomberg])
    return bescheid


@pytest.mark.parametrize("rolle", list(ERWARTET))
def test_permissions_per_role(welt, bescheid, rolle):
    from django.contrib.auth.models import AnonymousUser

    user = welt.users[rolle] or AnonymousUser()
    lesen, verwalten = ERWARTET[rolle]
    assert user.has_perm(LESEN, bescheid) is lesen
    for perm in VERWALTEN:
        assert user.has_perm(perm, bescheid) is verwalten, perm


@pytest.mark.parametrize("rolle", list(ERWARTET))
def test_scope_matches_the_rules(welt, bescheid, rolle):
    """The queryset the views use hides exactly the Bescheide the rules refuse to show."""
    user = welt.users[rolle]
    sichtbar = Foerderbescheid.objects.for_user(user).filter(pk=bescheid.pk).exists()
    assert sichtbar is ERWARTET[rolle][0]


def test_kreis_staff_manage_only_their_own_kreis(welt):
    herford = FoerderbescheidFactory(kreis=welt.herford, zuwendungsempfaenger=welt.herford_stadt)
    assert not welt.users["kreis"].has_perm(LESEN, herford)
    assert welt.users["kreis_fremd"].has_perm("foerderung.change_foerderbescheid", herford)
    assert not welt.users["kreis"].has_perm("foerderung.add_mittelabruf", herford)


def test_creating_needs_a_kreis_role(welt):
    assert welt.users["kreis"].has_perm("foerderung.add_foerderbescheid")
    assert welt.users["kreis_fremd"].has_perm("foerderung.add_foerderbescheid")
    for rolle in ("cdo_eigen", "cdo_andere", "region"):
        assert not welt.users[rolle].has_perm("foerderung.add_foerderbescheid")

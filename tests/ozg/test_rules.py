"""Who may read and change a Kommune's OZG rating (ozg/rules.py)."""

import pytest

from ozg.models import Umsetzungsstand

pytestmark = pytest.mark.django_db

ERWARTET = {
    # role: (view Detmold's rating, change Detmold's rating, change Herford's rating)
    "cdo_eigen": (True, True, False),
    "cdo_andere": (True, False, False),
    "kreis_fremd": (False, False, True),
    "kreis": (True, True, False),
    "region": (True, False, False),
    "admin": (True, True, True),
}


@pytest.mark.parametrize("rolle", list(ERWARTET))
def test_rules_per_role(welt, rolle):
    user = welt.users[rolle]
    detmold = Umsetzungsstand(kommune=welt.detmold)
    herford = Umsetzungsstand(kommune=welt.herford_stadt)
    assert (
        user.has_perm("ozg.view_umsetzungsstand", detmold),
        user.has_perm("ozg.change_umsetzungsstand", detmold),
        user.has_perm("ozg.change_umsetzungsstand", herford),
    ) == ERWARTET[rolle]


def test_anonymous_may_nothing(welt):
    from django.contrib.auth.models import AnonymousUser

    anonym = AnonymousUser()
    stand = Umsetzungsstand(kommune=welt.detmold)
    assert not anonym.has_perm("ozg.view_umsetzungsstand", stand)
    assert not anonym.has_perm("ozg.change_umsetzungsstand", stand)
    assert not anonym.has_perm("ozg.view_ozgleistung")

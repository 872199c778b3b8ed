"""Who may do what with workshops: every permission × every role."""

from __future__ import annotations

import pytest

from tests.conftest import ROLLEN

ALLE = set(ROLLEN) - {"anonym"}
KREIS = {"kreis", "admin"}

ERWARTET = {
    # permission: (roles allowed on the published workshop, on the draft)
    "workshops.view_workshop": (ALLE - {"kreis_fremd"}, KREIS),
    "workshops.change_workshop": (KREIS, KREIS),
    "workshops.delete_workshop": (KREIS, KREIS),
    "workshops.register_workshop": (
        {"cdo_eigen", "cdo_andere"} | KREIS,
        {"cdo_eigen", "cdo_andere"} | KREIS,
    ),
    "workshops.record_attendance": (KREIS, KREIS),
    "workshops.add_ergebnis": (KREIS, KREIS),
    "workshops.see_online_link": (
        {"cdo_eigen", "cdo_andere"} | KREIS,
        {"cdo_eigen", "cdo_andere"} | KREIS,
    ),
}


@pytest.mark.parametrize("perm", sorted(ERWARTET))
def test_workshop_permissions(welt, workshop, entwurf, perm):
    veroeffentlicht, als_entwurf = ERWARTET[perm]
    for rolle in ROLLEN:
        user = welt.users[rolle]
        if user is None:
            continue
        assert user.has_perm(perm, workshop) == (rolle in veroeffentlicht), (perm, rolle)
        assert user.has_perm(perm, entwurf) == (rolle in als_entwurf), (perm, rolle, "Entwurf")


def test_any_kreis_staff_may_add_workshops(welt):
    # … and the DigitalBüro, workshops of the region (issue 15, point 2).
    erlaubt = {
        r for r in ROLLEN if welt.users[r] and welt.users[r].has_perm("workshops.add_workshop")
    }
    assert erlaubt == {"kreis", "kreis_fremd", "region", "admin"}


def test_ergebnis_changed_by_kreis_and_responsible_kommune(welt, ergebnis):
    erlaubt = {
        r
        for r in ROLLEN
        if welt.users[r] and welt.users[r].has_perm("workshops.change_ergebnis", ergebnis)
    }
    assert erlaubt == {"cdo_eigen", "kreis", "admin"}
    ergebnis.verantwortlich = None
    erlaubt = {
        r
        for r in ROLLEN
        if welt.users[r] and welt.users[r].has_perm("workshops.change_ergebnis", ergebnis)
    }
    assert erlaubt == {"kreis", "admin"}


def test_list_permission_needs_a_role(welt):
    from tests.factories import UserFactory

    assert not UserFactory(email="ohne-rolle@example.invalid").has_perm("workshops.view_workshop")
    assert welt.users["cdo_eigen"].has_perm("workshops.view_workshop")

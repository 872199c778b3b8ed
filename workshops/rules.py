"""Workshops: Kreis staff run them; CDOs of the Kreis register. The region's DigitalBüro
runs workshops of the region, open to every CDO of the region (issue 15, point 2).

A draft (not yet published) is seen by the Kreis staff only; the Kommunen see a workshop
once it is published and the invitations are out.
"""

import rules

from kommunen.rules import is_kreis_staff_anywhere, is_region_user, reads_kreis, staff_of_kreis
from kommunen.scope import scope_for

_reads_kreis = reads_kreis("kreis_id", name="reads_workshops_kreis")
_staff_of_kreis = staff_of_kreis("kreis_id", name="is_staff_of_workshops_kreis")


@rules.predicate
def reads_workshops_kreis(user, workshop=None) -> bool:
    """Reads the workshop's Kreis, or belongs to the region of a region workshop."""
    if workshop is not None and workshop.region_id:
        scope = scope_for(user)
        return scope.is_superuser or scope.is_region_member(workshop.region_id)
    return _reads_kreis(user, workshop)


@rules.predicate
def is_staff_of_workshops_kreis(user, workshop=None) -> bool:
    """Runs the workshop: staff of its Kreis, or the DigitalBüro of a region workshop
    (issue 15, point 2; object-less: any of the two)."""
    scope = scope_for(user)
    if workshop is None:
        return bool(scope.kreis_ids or scope.region_ids)
    if workshop.region_id:
        return workshop.region_id in scope.region_ids
    return _staff_of_kreis(user, workshop)


@rules.predicate
def is_staff_of_ergebnis_kreis(user, ergebnis) -> bool:
    return is_staff_of_workshops_kreis(user, ergebnis.workshop)


@rules.predicate
def is_published(user, workshop=None) -> bool:
    return workshop is None or workshop.veroeffentlicht_am is not None


@rules.predicate
def is_cdo_in_workshops_kreis(user, workshop) -> bool:
    """CDO of a Kommune of its Kreis; for a region workshop, CDO of any Kommune or staff
    of any Kreis of the region."""
    scope = scope_for(user)
    if workshop.region_id:
        return bool(scope.cdo_kommune_ids or scope.kreis_ids) and scope.is_region_member(
            workshop.region_id
        )
    return workshop.kreis_id in scope.cdo_kreis_ids


@rules.predicate
def is_member_of_workshops_kreis(user, workshop) -> bool:
    """CDO of one of its Kommunen or staff of the Kreis itself; for a region workshop, every
    member of the region. Readers from outside (the DigitalBüro on a Kreis's workshop,
    another Kreis) are not members."""
    scope = scope_for(user)
    if workshop.region_id:
        return scope.is_region_member(workshop.region_id)
    return workshop.kreis_id in (scope.cdo_kreis_ids | scope.kreis_ids)


@rules.predicate
def is_cdo_of_responsible_kommune(user, ergebnis) -> bool:
    return scope_for(user).is_cdo_of(ergebnis.verantwortlich_id)


reads_workshop = reads_workshops_kreis & (is_published | is_staff_of_workshops_kreis)

rules.add_perm("workshops.view_workshop", reads_workshop)
rules.add_perm("workshops.add_workshop", is_kreis_staff_anywhere | is_region_user)
rules.add_perm("workshops.change_workshop", is_staff_of_workshops_kreis)
rules.add_perm("workshops.delete_workshop", is_staff_of_workshops_kreis)
rules.add_perm(
    "workshops.register_workshop", is_cdo_in_workshops_kreis | is_staff_of_workshops_kreis
)
rules.add_perm("workshops.record_attendance", is_staff_of_workshops_kreis)
# The video link is for the members of the Kreis, never for readers from outside.
rules.add_perm("workshops.see_online_link", is_member_of_workshops_kreis)
# Results: the Kreis records them; the responsible Kommune keeps their status up to date
# and may turn them into a Maßnahme it leads.
rules.add_perm("workshops.add_ergebnis", is_staff_of_workshops_kreis)
rules.add_perm(
    "workshops.change_ergebnis", is_staff_of_ergebnis_kreis | is_cdo_of_responsible_kommune
)

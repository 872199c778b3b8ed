"""Workshops: Kreis staff run them; CDOs of the Kreis register.

A draft (not yet published) is seen by the Kreis staff only; the Kommunen see a workshop
once it is published and the invitations are out.
"""

import rules

from kommunen.rules import is_kreis_staff_anywhere, reads_kreis, staff_of_kreis
from kommunen.scope import scope_for

reads_workshops_kreis = reads_kreis("kreis_id", name="reads_workshops_kreis")
is_staff_of_workshops_kreis = staff_of_kreis("kreis_id", name="is_staff_of_workshops_kreis")
is_staff_of_ergebnis_kreis = staff_of_kreis("workshop.kreis_id", name="is_staff_of_ergebnis_kreis")


@rules.predicate
def is_published(user, workshop=None) -> bool:
    return workshop is None or workshop.veroeffentlicht_am is not None


@rules.predicate
def is_cdo_in_workshops_kreis(user, workshop) -> bool:
    return workshop.kreis_id in scope_for(user).cdo_kreis_ids


@rules.predicate
def is_member_of_workshops_kreis(user, workshop) -> bool:
    """CDO of one of its Kommunen or staff of the Kreis itself. Readers from outside (the
    DigitalBüro, another Kreis) are not members."""
    scope = scope_for(user)
    return workshop.kreis_id in (scope.cdo_kreis_ids | scope.kreis_ids)


@rules.predicate
def is_cdo_of_responsible_kommune(user, ergebnis) -> bool:
    return scope_for(user).is_cdo_of(ergebnis.verantwortlich_id)


reads_workshop = reads_workshops_kreis & (is_published | is_staff_of_workshops_kreis)

rules.add_perm("workshops.view_workshop", reads_workshop)
rules.add_perm("workshops.add_workshop", is_kreis_staff_anywhere)
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

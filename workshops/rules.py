"""Workshops: Kreis staff run them; CDOs of the Kreis register."""

import rules

from kommunen.rules import is_kreis_staff_anywhere, reads_kreis, staff_of_kreis
from kommunen.scope import scope_for

reads_workshop = reads_kreis("kreis_id", name="reads_workshop")
is_staff_of_workshops_kreis = staff_of_kreis("kreis_id", name="is_staff_of_workshops_kreis")


@rules.predicate
def is_cdo_in_workshops_kreis(user, workshop) -> bool:
    return workshop.kreis_id in scope_for(user).cdo_kreis_ids


rules.add_perm("workshops.view_workshop", reads_workshop)
rules.add_perm("workshops.add_workshop", is_kreis_staff_anywhere)
rules.add_perm("workshops.change_workshop", is_staff_of_workshops_kreis)
rules.add_perm("workshops.delete_workshop", is_staff_of_workshops_kreis)
rules.add_perm(
    "workshops.register_workshop", is_cdo_in_workshops_kreis | is_staff_of_workshops_kreis
)

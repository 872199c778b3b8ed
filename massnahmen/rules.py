"""Who may do what with Maßnahmen (DESIGN.md, "Users and what they do").

- everyone with a role reads the Maßnahmen of their Kreis (region: all Kreise of the region);
- the CDO of the lead Kommune and Kreis staff create and edit; only Kreis staff delete;
- CDOs of the lead and of participating Kommunen post the quarterly Statusmeldung.
"""

import rules

from kommunen.rules import (
    is_cdo_anywhere,
    is_kreis_staff_anywhere,
    reads_kreis,
    staff_of_kreis,
)
from kommunen.scope import scope_for

reads_massnahme = reads_kreis("kreis_id", name="reads_massnahme")
is_staff_of_massnahmes_kreis = staff_of_kreis("kreis_id", name="is_staff_of_massnahmes_kreis")


@rules.predicate
def is_lead_cdo(user, massnahme) -> bool:
    """CDO of the Kommune that leads the Maßnahme."""
    return scope_for(user).is_cdo_of(massnahme.federfuehrend_id)


@rules.predicate
def is_participating_cdo(user, massnahme) -> bool:
    """CDO of the lead or of a participating Kommune."""
    scope = scope_for(user)
    if scope.is_cdo_of(massnahme.federfuehrend_id):
        return True
    if not scope.cdo_kommune_ids:
        return False
    beteiligte = massnahme.__dict__.get("_prefetched_objects_cache", {}).get("beteiligte")
    if beteiligte is not None:
        return any(k.pk in scope.cdo_kommune_ids for k in beteiligte)
    return massnahme.beteiligte.filter(pk__in=scope.cdo_kommune_ids).exists()


can_edit_massnahme = is_lead_cdo | is_staff_of_massnahmes_kreis

rules.add_perm("massnahmen.view_massnahme", reads_massnahme)
rules.add_perm("massnahmen.add_massnahme", is_cdo_anywhere | is_kreis_staff_anywhere)
rules.add_perm("massnahmen.change_massnahme", can_edit_massnahme)
rules.add_perm("massnahmen.archive_massnahme", can_edit_massnahme)
rules.add_perm("massnahmen.delete_massnahme", is_staff_of_massnahmes_kreis)
# Checked against the Maßnahme the Statusmeldung belongs to.
rules.add_perm("massnahmen.add_statusmeldung", is_participating_cdo | is_staff_of_massnahmes_kreis)
rules.add_perm("massnahmen.add_anhang", can_edit_massnahme)
# CSV/XLSX import of Maßnahmen into a Kreis (the Kreis is chosen among the user's own).
rules.add_perm("massnahmen.import_massnahme", is_kreis_staff_anywhere)

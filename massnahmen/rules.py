"""Who may do what with Maßnahmen (docs/ARCHITECTURE.md, "Users and what they do").

- everyone with a role reads the Maßnahmen of their Kreis (region: all Kreise of the region),
  and every user of the region those with `sichtbarkeit` Region or öffentlich;
- the CDO of the lead Kommune and Kreis staff create and edit; only Kreis staff delete;
- CDOs of the lead and of participating Kommunen post the quarterly Statusmeldung;
  its public summary is decided by the lead Kommune's CDO and Kreis staff only;
- the region's DigitalBüro creates and runs region projects (no Kreis, lead: the region),
  read by every member of the region; it never edits a Kreis's Maßnahme.
"""

import rules

from kommunen.rules import (
    is_cdo_anywhere,
    is_kreis_staff_anywhere,
    is_region_user,
    staff_of_kreis,
)
from kommunen.scope import scope_for


@rules.predicate
def reads_massnahme(user, massnahme=None) -> bool:
    """The Maßnahme is one `Massnahme.objects.for_user()` returns (object-less: any role)."""
    scope = scope_for(user)
    if massnahme is None:
        return scope.is_superuser or scope.has_role
    return massnahme.is_readable_for(scope)


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


@rules.predicate
def is_staff_of_regionsprojekt(user, massnahme) -> bool:
    """DigitalBüro of the region that runs the region project (issue 15, point 2). Never
    true for a Maßnahme of a Kreis: the region role edits no Kreis's data."""
    return massnahme.region_id is not None and massnahme.region_id in scope_for(user).region_ids


can_edit_massnahme = is_lead_cdo | is_staff_of_massnahmes_kreis | is_staff_of_regionsprojekt

rules.add_perm("massnahmen.view_massnahme", reads_massnahme)
rules.add_perm("massnahmen.add_massnahme", is_cdo_anywhere | is_kreis_staff_anywhere)
rules.add_perm("massnahmen.change_massnahme", can_edit_massnahme)
rules.add_perm("massnahmen.archive_massnahme", can_edit_massnahme)
rules.add_perm(
    "massnahmen.delete_massnahme", is_staff_of_massnahmes_kreis | is_staff_of_regionsprojekt
)
# Region projects are created by the region role only, in its own region.
rules.add_perm("massnahmen.add_regionsprojekt", is_region_user)
# Checked against the Maßnahme the Statusmeldung belongs to.
rules.add_perm(
    "massnahmen.add_statusmeldung",
    is_participating_cdo | is_staff_of_massnahmes_kreis | is_staff_of_regionsprojekt,
)
# The public summary of a Statusmeldung (issue 17, point 6): what the public reads about a
# Maßnahme is decided by whoever may edit it, not by every partner that reports on it.
rules.add_perm("massnahmen.publish_statusmeldung", can_edit_massnahme)
rules.add_perm("massnahmen.add_anhang", can_edit_massnahme)
# CSV/XLSX import of Maßnahmen into a Kreis (the Kreis is chosen among the user's own).
rules.add_perm("massnahmen.import_massnahme", is_kreis_staff_anywhere)

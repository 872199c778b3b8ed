"""Strategy permissions.

- everyone with a role reads the Ziele and Kennzahlen of their Kreis (region: all Kreise of
  the region) and may compare Kennzahlen across the Kreise they read;
- Kreis staff create and edit Ziele and Kennzahlen of their Kreis;
- measured values of typed Kennzahlen: Kreis staff for every Kennzahl of their Kreis, a CDO
  for Kennzahlen measured per Kommune, for their own Kommune only (`recordable_kommunen`);
- derived Kennzahlen take no typed values at all, whoever asks.
"""

from __future__ import annotations

import rules

from kommunen.rules import has_role, reads_kreis, staff_of_kreis
from kommunen.scope import scope_for

reads_ziel = reads_kreis("kreis_id", name="reads_ziel")
reads_kennzahl = reads_kreis("ziel.kreis_id", name="reads_kennzahl")
is_staff_of_ziels_kreis = staff_of_kreis("kreis_id", name="is_staff_of_ziels_kreis")
is_staff_of_kennzahls_kreis = staff_of_kreis("ziel.kreis_id", name="is_staff_of_kennzahls_kreis")


@rules.predicate
def is_typed_kennzahl(user, kennzahl) -> bool:
    """Values are typed in, not derived from portal data."""
    return kennzahl is not None and not kennzahl.is_derived


@rules.predicate
def is_cdo_for_kommune_kennzahl(user, kennzahl) -> bool:
    """A CDO of a Kommune of the Kennzahl's Kreis, for a Kennzahl measured per Kommune."""
    from .models import Kennzahl

    return (
        kennzahl is not None
        and kennzahl.ebene == Kennzahl.Ebene.KOMMUNE
        and kennzahl.ziel.kreis_id in scope_for(user).cdo_kreis_ids
    )


def recordable_kommunen(user, kennzahl) -> list[int] | None:
    """Kommunen (pks) the user may enter values for: None means all of the Kreis."""
    scope = scope_for(user)
    if scope.is_superuser or scope.is_kreis_staff(kennzahl.ziel.kreis_id):
        return None
    return sorted(scope.cdo_kommune_ids)


rules.add_perm("handlungsfelder.view_handlungsfeld", has_role)
rules.add_perm("handlungsfelder.view_ziel", reads_ziel)
rules.add_perm("handlungsfelder.add_ziel", is_staff_of_ziels_kreis)
rules.add_perm("handlungsfelder.change_ziel", is_staff_of_ziels_kreis)
rules.add_perm("handlungsfelder.delete_ziel", is_staff_of_ziels_kreis)
rules.add_perm("handlungsfelder.view_kennzahl", reads_kennzahl)
rules.add_perm("handlungsfelder.add_kennzahl", is_staff_of_kennzahls_kreis)
rules.add_perm("handlungsfelder.change_kennzahl", is_staff_of_kennzahls_kreis)
rules.add_perm("handlungsfelder.delete_kennzahl", is_staff_of_kennzahls_kreis)
rules.add_perm(
    "handlungsfelder.add_kennzahlwert",
    is_typed_kennzahl & (is_staff_of_kennzahls_kreis | is_cdo_for_kommune_kennzahl),
)

"""Strategy permissions: everyone with a role reads; Kreis staff keep Ziele and Kennzahlen."""

import rules

from kommunen.rules import has_role, reads_kreis, staff_of_kreis

reads_ziel = reads_kreis("kreis_id", name="reads_ziel")
is_staff_of_ziels_kreis = staff_of_kreis("kreis_id", name="is_staff_of_ziels_kreis")
is_staff_of_kennzahls_kreis = staff_of_kreis("ziel.kreis_id", name="is_staff_of_kennzahls_kreis")

rules.add_perm("handlungsfelder.view_handlungsfeld", has_role)
rules.add_perm("handlungsfelder.view_ziel", reads_ziel)
rules.add_perm("handlungsfelder.add_ziel", is_staff_of_ziels_kreis)
rules.add_perm("handlungsfelder.change_ziel", is_staff_of_ziels_kreis)
rules.add_perm("handlungsfelder.delete_ziel", is_staff_of_ziels_kreis)
rules.add_perm("handlungsfelder.add_kennzahl", is_staff_of_kennzahls_kreis)
rules.add_perm("handlungsfelder.change_kennzahl", is_staff_of_kennzahls_kreis)

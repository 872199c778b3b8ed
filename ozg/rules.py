"""OZG: CDOs keep their own Kommune's implementation states; Kreis staff those of the Kreis."""

import rules

from kommunen.rules import cdo_of_kommune, has_role, reads_kreis, staff_of_kreis

reads_umsetzungsstand = reads_kreis("kommune.kreis_id", name="reads_umsetzungsstand")
is_cdo_of_stands_kommune = cdo_of_kommune("kommune_id", name="is_cdo_of_stands_kommune")
is_staff_of_stands_kreis = staff_of_kreis("kommune.kreis_id", name="is_staff_of_stands_kreis")

rules.add_perm("ozg.view_ozgleistung", has_role)
rules.add_perm("ozg.view_umsetzungsstand", reads_umsetzungsstand)
rules.add_perm("ozg.change_umsetzungsstand", is_cdo_of_stands_kommune | is_staff_of_stands_kreis)

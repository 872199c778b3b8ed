"""Reports: Kreis staff request them; everyone who reads the Kreis (incl. region) downloads."""

import rules

from kommunen.rules import (
    is_kreis_staff_anywhere,
    reads_kreis,
    staff_of_kreis,
)

reads_bericht = reads_kreis("kreis_id", name="reads_bericht")
is_staff_of_berichts_kreis = staff_of_kreis("kreis_id", name="is_staff_of_berichts_kreis")

rules.add_perm("berichte.view_quartalsbericht", reads_bericht)
rules.add_perm("berichte.add_quartalsbericht", is_kreis_staff_anywhere)
# Request (or retry) a report of this Kreis; the object is a report or `Quartalsbericht(kreis=…)`.
rules.add_perm("berichte.request_quartalsbericht", is_staff_of_berichts_kreis)
# Lift the freeze of a quarter (a massnahmen.Quartalsabschluss, which carries `kreis_id`).
rules.add_perm("berichte.lift_quartalsabschluss", is_staff_of_berichts_kreis)

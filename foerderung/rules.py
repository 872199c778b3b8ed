"""Förderung: Kreis staff manage Förderbescheide; everyone of the Kreis reads them."""

import rules

from kommunen.rules import is_kreis_staff_anywhere, reads_kreis, staff_of_kreis

reads_bescheid = reads_kreis("kreis_id", name="reads_bescheid")
is_staff_of_bescheids_kreis = staff_of_kreis("kreis_id", name="is_staff_of_bescheids_kreis")

rules.add_perm("foerderung.view_foerderbescheid", reads_bescheid)
rules.add_perm("foerderung.add_foerderbescheid", is_kreis_staff_anywhere)
rules.add_perm("foerderung.change_foerderbescheid", is_staff_of_bescheids_kreis)
rules.add_perm("foerderung.delete_foerderbescheid", is_staff_of_bescheids_kreis)
# Checked against the Förderbescheid the drawdown belongs to.
rules.add_perm("foerderung.add_mittelabruf", is_staff_of_bescheids_kreis)
rules.add_perm("foerderung.change_mittelabruf", is_staff_of_bescheids_kreis)
rules.add_perm("foerderung.delete_mittelabruf", is_staff_of_bescheids_kreis)

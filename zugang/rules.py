"""Who may read the audit log: Kreis staff (entries of their Kreis) and admins (all)."""

import rules

from kommunen.rules import is_kreis_staff_anywhere

rules.add_perm("zugang.view_protokolleintrag", rules.is_superuser | is_kreis_staff_anywhere)

"""Who sees which dashboard."""

import rules

from kommunen.rules import has_role, is_region_user

rules.add_perm("dashboards.view_region", is_region_user)
# /dashboard/: everyone with a role (the Kreis shown is chosen among the readable ones).
rules.add_perm("dashboards.view_dashboard", has_role)

"""Who may do what with Kommunen, and the predicate builders every app uses.

Predicates read the user's Scope (kommunen.scope), computed once per request.
"""

from __future__ import annotations

import operator

import rules

from .scope import scope_for


def _attr(obj, path: str):
    """Follow a dotted attribute path, e.g. "kommune.kreis_id"."""
    return operator.attrgetter(path)(obj)


@rules.predicate
def has_role(user) -> bool:
    """Holds any Mitgliedschaft (or is a superuser)."""
    scope = scope_for(user)
    return scope.is_superuser or scope.has_role


@rules.predicate
def is_kreis_staff_anywhere(user) -> bool:
    return bool(scope_for(user).kreis_ids)


@rules.predicate
def is_cdo_anywhere(user) -> bool:
    return bool(scope_for(user).cdo_kommune_ids)


@rules.predicate
def is_region_user(user) -> bool:
    return bool(scope_for(user).region_ids)


def reads_kreis(path: str = "kreis_id", name: str | None = None) -> rules.Predicate:
    """The object belongs to a Kreis the user may read (object-less: has any role)."""

    def check(user, obj=None) -> bool:
        scope = scope_for(user)
        if obj is None:
            return scope.is_superuser or scope.has_role
        return scope.can_read_kreis(_attr(obj, path))

    return rules.predicate(check, name=name or f"reads_kreis({path})")


def staff_of_kreis(path: str = "kreis_id", name: str | None = None) -> rules.Predicate:
    """The user is Kreis staff of the object's Kreis (object-less: of any Kreis)."""

    def check(user, obj=None) -> bool:
        scope = scope_for(user)
        if obj is None:
            return bool(scope.kreis_ids)
        return scope.is_kreis_staff(_attr(obj, path))

    return rules.predicate(check, name=name or f"staff_of_kreis({path})")


def cdo_of_kommune(path: str = "kommune_id", name: str | None = None) -> rules.Predicate:
    """The user is CDO of the Kommune the object points to (object-less: of any Kommune)."""

    def check(user, obj=None) -> bool:
        scope = scope_for(user)
        if obj is None:
            return bool(scope.cdo_kommune_ids)
        return scope.is_cdo_of(_attr(obj, path))

    return rules.predicate(check, name=name or f"cdo_of_kommune({path})")


# --- Kommunen ---
reads_kommune = reads_kreis("kreis_id", name="reads_kommune")
is_cdo_of_kommune = cdo_of_kommune("pk", name="is_cdo_of_kommune")
is_staff_of_kommunes_kreis = staff_of_kreis("kreis_id", name="is_staff_of_kommunes_kreis")

rules.add_perm("kommunen.view_kommune", reads_kommune)
# The profile (website, description) is kept by the Kommune's CDO and the Kreis.
rules.add_perm("kommunen.change_kommune", is_cdo_of_kommune | is_staff_of_kommunes_kreis)

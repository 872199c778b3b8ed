"""What a user may see: computed once per request from their Mitgliedschaften.

Every `for_user()` queryset method and every rules predicate reads this one object, so
the tenancy logic lives in a single place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Self

from django.db import models
from django.db.models import Q

_CACHE_ATTR = "_portal_scope"


@dataclass(frozen=True)
class Scope:
    """The sets of ids a user holds, by role. Empty for anonymous users."""

    is_superuser: bool = False
    cdo_kommune_ids: frozenset[int] = field(default_factory=frozenset)
    cdo_kreis_ids: frozenset[str] = field(default_factory=frozenset)
    kreis_ids: frozenset[str] = field(default_factory=frozenset)
    region_ids: frozenset[int] = field(default_factory=frozenset)
    region_kreis_ids: frozenset[str] = field(default_factory=frozenset)
    # The regions the user belongs to through any membership (a CDO's through their
    # Kommune's Kreis): where Region-visible Maßnahmen and region projects are open to them.
    mitglied_region_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def readable_kreis_ids(self) -> frozenset[str]:
        """Kreise (by AGS) whose data the user may read."""
        return self.cdo_kreis_ids | self.kreis_ids | self.region_kreis_ids

    @property
    def has_role(self) -> bool:
        return bool(self.cdo_kommune_ids or self.kreis_ids or self.region_ids)

    def can_read_kreis(self, kreis_id: str) -> bool:
        return self.is_superuser or kreis_id in self.readable_kreis_ids

    def kreis_q(self, lookup: str = "kreis_id") -> Q:
        """A filter on the Kreis reachable through `lookup`: everything for superusers."""
        if self.is_superuser:
            return Q()
        return Q(**{f"{lookup}__in": self.readable_kreis_ids})

    def is_kreis_staff(self, kreis_id: str) -> bool:
        return kreis_id in self.kreis_ids

    def is_cdo_of(self, kommune_id: int | None) -> bool:
        return kommune_id is not None and kommune_id in self.cdo_kommune_ids

    @property
    def own_kreis_ids(self) -> frozenset[str]:
        """The Kreise the user works in as CDO or Kreis staff (not by the region role)."""
        return self.cdo_kreis_ids | self.kreis_ids

    def is_region_member(self, region_id: int | None) -> bool:
        return region_id is not None and region_id in self.mitglied_region_ids

    @property
    def cache_teil(self) -> tuple:
        """The rights as a tuple of sorted ids, for cache keys (core.cachestand): the same
        tuple, the same rows readable (a frozenset's order differs between processes)."""
        return tuple(
            sorted(wert) if isinstance(wert, frozenset) else wert
            for wert in dataclasses.astuple(self)
        )


EMPTY = Scope()


# How long a person's Scope may come from the cache (core.cachestand's rights counter: every
# write of a user, a Mitgliedschaft, Kommune, Kreis or region voids it at once; the time
# bounds what changes without a model signal, such as a queryset's update()).
SCOPE_SEKUNDEN = 10 * 60


def scope_for(user) -> Scope:
    """The user's Scope: cached on the user object for the rest of the request, and across
    requests while the rights' counter is the same (one or two queries less on every page)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from django.conf import settings

    from core.cachestand import daten_cache, rechte_key

    if settings.PORTAL_SEITENCACHE:
        scope = daten_cache(
            "scope",
            (user.pk, user.is_superuser),
            lambda: _compute_scope(user),
            SCOPE_SEKUNDEN,
            key=rechte_key,
        )
    else:
        scope = _compute_scope(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _compute_scope(user) -> Scope:
    from .models import Kreis, Mitgliedschaft, Rolle

    cdo_kommunen, cdo_kreise, kreise, regionen = set(), set(), set(), set()
    mitglied_regionen = set()
    rows = Mitgliedschaft.objects.filter(user=user).values_list(
        "rolle",
        "kommune_id",
        "kommune__kreis_id",
        "kreis_id",
        "region_id",
        "kommune__kreis__region_id",
        "kreis__region_id",
    )
    for rolle, kommune_id, kommune_kreis_id, kreis_id, region_id, *ueber in rows:
        mitglied_regionen.update(r for r in (region_id, *ueber) if r is not None)
        if rolle == Rolle.CDO:
            cdo_kommunen.add(kommune_id)
            cdo_kreise.add(kommune_kreis_id)
        elif rolle == Rolle.KREIS:
            kreise.add(kreis_id)
        elif rolle == Rolle.REGION:
            regionen.add(region_id)
    region_kreise = (
        set(Kreis.objects.filter(region_id__in=regionen).values_list("ags", flat=True))
        if regionen
        else set()
    )
    return Scope(
        is_superuser=user.is_superuser,
        cdo_kommune_ids=frozenset(cdo_kommunen),
        cdo_kreis_ids=frozenset(cdo_kreise),
        kreis_ids=frozenset(kreise),
        region_ids=frozenset(regionen),
        region_kreis_ids=frozenset(region_kreise),
        mitglied_region_ids=frozenset(mitglied_regionen),
    )


def forget_scope(user) -> None:
    """Drop the cached scope, e.g. after a Mitgliedschaft changed within one request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


class ScopedQuerySet(models.QuerySet):
    """Base of every queryset whose `for_user(user)` keeps the rows the user may read.

    A model whose rows belong to a Kreis names the lookup to it (`kreis_lookup`); one whose
    reading depends on more than the Kreis overrides `readable_q(scope)`. Superusers read
    everything, so `readable_q` is asked only for everyone else.
    """

    kreis_lookup: str = "kreis_id"

    def readable_q(self, scope: Scope) -> Q:
        """The rows a user with `scope` (not a superuser) may read."""
        return scope.kreis_q(self.kreis_lookup)

    def for_scope(self, scope: Scope) -> Self:
        """The rows readable with `scope` (for code that holds the Scope already)."""
        if scope.is_superuser:
            return self.all()
        return self.filter(self.readable_q(scope))

    def for_user(self, user) -> Self:
        return self.for_scope(scope_for(user))

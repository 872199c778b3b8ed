"""The Maßnahmen list's own filters (massnahmen.filtersets), for the API."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from kommunen.models import Kommune, Kreis
from massnahmen.filtersets import MassnahmeFilterSet


class ApiMassnahmeFilterSet(MassnahmeFilterSet):
    """MassnahmeFilterSet for a token's owner, or for anyone on the published Maßnahmen.

    Without a token the base queryset holds only published Maßnahmen, so every Kreis and
    Kommune may be named in the filter (the list page offers only the readable ones).
    """

    def __init__(self, data, *, queryset, person):
        anfrage = SimpleNamespace(user=person or AnonymousUser())
        super().__init__(data, queryset=queryset, request=anfrage)
        if person is None:
            self.filters["kreis"].queryset = Kreis.objects.all()
            self.filters["kommune"].queryset = Kommune.objects.all()

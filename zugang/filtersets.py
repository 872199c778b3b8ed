"""Filters of the audit log list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from core.filters import DatumFilter
from kommunen.models import Kreis
from kommunen.scope import scope_for

from .models import Protokolleintrag


class ProtokolleintragFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Person",
        method="search",
        max_length=200,
        help_text="Name oder E-Mail-Adresse der Person",
    )
    ereignis = django_filters.ChoiceFilter(
        choices=Protokolleintrag.Ereignis.choices, label="Ereignis", empty_label="alle"
    )
    kreis = django_filters.ModelChoiceFilter(
        queryset=Kreis.objects.none(), label="Kreis", field_name="kreise", empty_label="alle"
    )
    von = DatumFilter(label="von (Datum)", field_name="zeitpunkt", lookup_expr="date__gte")
    bis = DatumFilter(label="bis (Datum)", field_name="zeitpunkt", lookup_expr="date__lte")

    class Meta:
        model = Protokolleintrag
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        scope = scope_for(getattr(request, "user", None))
        kreise = Kreis.objects.order_by("name")
        if not scope.is_superuser:
            kreise = kreise.filter(ags__in=scope.kreis_ids)
        self.filters["kreis"].queryset = kreise
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        for name in ("von", "bis"):
            self.form.fields[name].error_messages["invalid"] = (
                "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."
            )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(person__email__icontains=value)
            | Q(person__first_name__icontains=value)
            | Q(person__last_name__icontains=value)
        )

"""The Förderbescheid list filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from core.filters import DatumFilter
from kommunen.models import Kommune

from .models import Foerderbescheid, Foerderprogramm


class FoerderbescheidFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Suche",
        method="search",
        max_length=200,
        help_text="Aktenzeichen und Zuwendungszweck durchsuchen",
    )
    programm = django_filters.ModelChoiceFilter(
        queryset=Foerderprogramm.objects.order_by("kurzname"),
        label="Förderprogramm",
        empty_label="alle",
    )
    kommune = django_filters.ModelChoiceFilter(
        queryset=Kommune.objects.none(),
        label="Kommune (Zuwendungsempfänger oder Partner)",
        method="filter_kommune",
        empty_label="alle",
    )
    status = django_filters.ChoiceFilter(
        choices=Foerderbescheid.Status.choices, label="Status", empty_label="alle"
    )
    zeitraum_von = DatumFilter(
        label="Bewilligungszeitraum ab",
        method="filter_zeitraum_von",
        help_text="Bescheide, deren Bewilligungszeitraum an oder nach diesem Tag endet",
    )
    zeitraum_bis = DatumFilter(
        label="Bewilligungszeitraum bis",
        method="filter_zeitraum_bis",
        help_text="Bescheide, deren Bewilligungszeitraum an oder vor diesem Tag beginnt",
    )

    class Meta:
        model = Foerderbescheid
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["kommune"].queryset = Kommune.objects.for_user(user).select_related("kreis")
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        for name in ("zeitraum_von", "zeitraum_bis"):
            self.form.fields[name].error_messages["invalid"] = (
                "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."
            )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(aktenzeichen__icontains=value) | Q(zweck__icontains=value))

    def filter_kommune(self, queryset, name, value):
        if not value:
            return queryset
        partner = Foerderbescheid.partner.through.objects.filter(
            foerderbescheid_id=OuterRef("pk"), kommune_id=value.pk
        )
        return queryset.filter(Q(zuwendungsempfaenger=value) | Q(Exists(partner)))

    def filter_zeitraum_von(self, queryset, name, value):
        return queryset.filter(bewilligungszeitraum_ende__gte=value)

    def filter_zeitraum_bis(self, queryset, name, value):
        return queryset.filter(bewilligungszeitraum_beginn__lte=value)

"""The workshop list filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.search import volltext
from handlungsfelder.models import Handlungsfeld

from .models import Teilnahme, Workshop, own_teilnahmen_q

KOMMENDE, VERGANGENE, ALLE = "kommende", "vergangene", "alle"
ZEITRAEUME = [(KOMMENDE, "kommende"), (VERGANGENE, "vergangene"), (ALLE, "alle")]


class WorkshopFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Suche",
        method="search",
        max_length=200,
        help_text="Titel, Tagesordnung und Ort durchsuchen",
    )
    zeitraum = django_filters.ChoiceFilter(
        choices=ZEITRAEUME, label="Zeitraum", method="filter_zeitraum", empty_label=None
    )
    format = django_filters.ChoiceFilter(
        choices=Workshop.Format.choices, label="Format", empty_label="alle"
    )
    handlungsfeld = django_filters.ModelChoiceFilter(
        queryset=Handlungsfeld.objects.all(), label="Handlungsfeld", empty_label="alle"
    )
    angemeldet = django_filters.ChoiceFilter(
        choices=[("ja", "ja"), ("nein", "nein")],
        label="angemeldet (ich oder meine Kommune)",
        method="filter_angemeldet",
        empty_label="egal",
    )

    class Meta:
        model = Workshop
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        self.user = getattr(request, "user", None)
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        self.form.fields["zeitraum"].initial = KOMMENDE

    def zeitraum_wert(self) -> str:
        """The chosen period; upcoming workshops unless asked otherwise."""
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("zeitraum") or KOMMENDE
        return KOMMENDE

    @property
    def qs(self):
        queryset = super().qs
        # `zeitraum` defaults to upcoming, also when the form is unbound or the field empty.
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("zeitraum")):
            queryset = self.filter_zeitraum(queryset, "zeitraum", KOMMENDE)
        return queryset

    def search(self, queryset, name, value):
        return volltext(queryset, value, gewichtet={"titel": "A", "agenda": "B", "ort": "C"})

    def filter_zeitraum(self, queryset, name, value):
        jetzt = timezone.now()
        if value == KOMMENDE:
            return queryset.upcoming(jetzt)
        if value == VERGANGENE:
            return queryset.past(jetzt)
        return queryset

    def filter_angemeldet(self, queryset, name, value):
        if not value:
            return queryset
        angemeldet = Exists(
            Teilnahme.objects.filter(workshop_id=OuterRef("pk"), status__in=Teilnahme.AKTIV).filter(
                own_teilnahmen_q(self.user)
            )
        )
        return queryset.filter(angemeldet if value == "ja" else ~angemeldet)

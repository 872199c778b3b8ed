"""Filters of the OZG matrix: which services (rows) to show for the chosen Kreis."""

from __future__ import annotations

from collections.abc import Sequence

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q

from kommunen.models import Kommune

from .models import OzgLeistung, Umsetzungsstand

ABDECKUNG = [
    ("offen", "noch nicht flächendeckend online"),
    ("flaechendeckend", "flächendeckend online"),
]


class OzgLeistungFilterSet(django_filters.FilterSet):
    """Rows of the matrix. `kreis` and `anzahl_kommunen` (keyword arguments) give the
    context of the coverage filter: a service is flächendeckend in the Kreis when every
    one of its Kommunen offers it online."""

    q = django_filters.CharFilter(
        label="Suche",
        method="search",
        max_length=200,
        help_text="Name, OZG-ID oder LeiKa-Schlüssel",
    )
    themenfeld = django_filters.ChoiceFilter(label="Themenfeld", choices=[], empty_label="alle")
    abdeckung = django_filters.ChoiceFilter(
        label="Abdeckung im Kreis", choices=ABDECKUNG, empty_label="alle", method="filter_abdeckung"
    )

    kommune = django_filters.ChoiceFilter(
        label="Spalten",
        choices=[],
        empty_label="alle Kommunen",
        method="only_spalte",
        help_text="Eine Kommune allein zeigt nur ihre Spalte.",
    )
    luecken = django_filters.BooleanFilter(
        label="nur Lücken",
        method="filter_luecken",
        widget=forms.CheckboxInput,
        help_text="Nur Leistungen, die in einer der gezeigten Kommunen noch nicht online sind.",
    )

    class Meta:
        model = OzgLeistung
        fields = ["q", "themenfeld", "abdeckung", "kommune", "luecken"]

    def __init__(
        self,
        *args,
        kreis=None,
        anzahl_kommunen: int = 0,
        kommunen: Sequence[Kommune] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kreis = kreis
        self.anzahl_kommunen = anzahl_kommunen or len(kommunen)
        self.filters["themenfeld"].extra["choices"] = [(name, name) for name in themenfelder()]
        # The Kreis's Kommunen are loaded once by the view; no second query for the choice.
        self.kommunen = {str(k.pk): k for k in kommunen}
        self.filters["kommune"].extra["choices"] = [(pk, k.name) for pk, k in self.kommunen.items()]

    @property
    def selected_kommune(self) -> Kommune | None:
        """The one Kommune whose column alone is shown ("nur meine Kommune"), if any."""
        if not self.is_bound or not self.form.is_valid():
            return None
        return self.kommunen.get(self.form.cleaned_data.get("kommune") or "")

    @property
    def only_luecken(self) -> bool:
        """Whether only the gaps are shown ("nur Lücken")."""
        if not self.is_bound or not self.form.is_valid():
            return False
        return bool(self.form.cleaned_data.get("luecken"))

    def only_spalte(self, queryset, name, value):
        return queryset  # chooses the columns, not the rows

    def filter_luecken(self, queryset, name, value):
        if not value or self.kreis is None:
            return queryset
        kommune = self.selected_kommune
        if kommune is None:
            return self.filter_abdeckung(queryset, "abdeckung", "offen")
        online = Umsetzungsstand.objects.filter(
            leistung=OuterRef("pk"), kommune=kommune, online=True
        )
        return queryset.filter(~Exists(online))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(ozg_id__iexact=value) | Q(leika_schluessel__iexact=value)
        )

    def filter_abdeckung(self, queryset, name, value):
        if not value or self.kreis is None:
            return queryset
        queryset = queryset.annotate(
            _online_im_kreis=Count(
                "umsetzungsstaende",
                filter=Q(
                    umsetzungsstaende__online=True,
                    umsetzungsstaende__kommune__kreis_id=self.kreis.pk,
                ),
            )
        )
        voll = Q(_online_im_kreis__gte=self.anzahl_kommunen)
        return queryset.filter(voll if value == "flaechendeckend" else ~voll)


def themenfelder() -> list[str]:
    """The Themenfelder of the catalogue, alphabetically."""
    return list(
        OzgLeistung.objects.order_by("themenfeld").values_list("themenfeld", flat=True).distinct()
    )

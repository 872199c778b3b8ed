"""Filters of the OZG matrix: which services (rows) to show for the chosen Kreis."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Q

from .models import OzgLeistung

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

    class Meta:
        model = OzgLeistung
        fields = ["q", "themenfeld", "abdeckung"]

    def __init__(self, *args, kreis=None, anzahl_kommunen: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.kreis = kreis
        self.anzahl_kommunen = anzahl_kommunen
        self.filters["themenfeld"].extra["choices"] = [(name, name) for name in themenfelder()]

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

"""The Maßnahmen list filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.quartal import Quartal
from core.search import volltext
from handlungsfelder.models import Handlungsfeld, Lebensbereich
from kommunen.models import Kommune, Kreis
from kommunen.scope import scope_for

from .models import Ampel, Massnahme, Meilenstein, Statusmeldung, meldepflichtig_q

JA_NEIN = [("ja", "ja"), ("nein", "nein")]


class JaNeinFilter(django_filters.ChoiceFilter):
    """A yes/no select that leaves the list alone when empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", JA_NEIN)
        kwargs.setdefault("empty_label", "egal")
        super().__init__(*args, **kwargs)


def _ids(wert) -> list[int]:
    """A primary key from a query parameter, or nothing (never an error)."""
    text = str(wert or "")
    return [int(text)] if text.isdigit() and len(text) < 10 else []


class MassnahmeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Suche",
        method="search",
        max_length=200,
        help_text="Titel und Beschreibung durchsuchen",
    )
    handlungsfeld = django_filters.ModelChoiceFilter(
        queryset=Handlungsfeld.objects.all(), label="Handlungsfeld", empty_label="alle"
    )
    lebensbereich = django_filters.ModelChoiceFilter(
        field_name="lebensbereiche",
        queryset=Lebensbereich.objects.all(),
        label="Lebensbereich",
        empty_label="alle",
    )
    kreis = django_filters.ModelChoiceFilter(
        queryset=Kreis.objects.none(), label="Kreis", empty_label="alle"
    )
    kommune = django_filters.ModelChoiceFilter(
        queryset=Kommune.objects.none(),
        label="Kommune (federführend oder beteiligt)",
        method="filter_kommune",
        empty_label="alle",
    )
    status = django_filters.ChoiceFilter(
        choices=Massnahme.Status.choices, label="Status", empty_label="alle"
    )
    ampel = django_filters.ChoiceFilter(choices=Ampel.choices, label="Ampel", empty_label="alle")
    gefoerdert = JaNeinFilter(label="gefördert", method="filter_gefoerdert")
    ueberfaellig = JaNeinFilter(label="überfällige Meilensteine", method="filter_ueberfaellig")
    ohne_meldung = JaNeinFilter(
        label="fehlt Statusmeldung im aktuellen Quartal", method="filter_ohne_meldung"
    )
    archiviert = JaNeinFilter(
        label="archivierte", method="filter_archiviert", empty_label="ausblenden"
    )

    class Meta:
        model = Massnahme
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        user = getattr(request, "user", None)
        scope = scope_for(user)
        kommunen = Kommune.objects.for_user(user).select_related("kreis")
        if scope.is_superuser:
            # An admin reads every Kommune in the country (10,000+ options at national scale):
            # offer those of the chosen Kreis, and keep a Kommune already asked for.
            daten = data or {}
            kommunen = kommunen.filter(
                Q(kreis_id=str(daten.get("kreis", ""))[:5]) | Q(pk__in=_ids(daten.get("kommune")))
            )
        self.filters["kommune"].queryset = kommunen
        # The dashboards link their figures to this list per Kreis; with only one Kreis to
        # read, the choice is hidden (the scope is already that Kreis).
        self.filters["kreis"].queryset = Kreis.objects.filter(scope.kreis_q("ags"))
        if not scope.is_superuser and len(scope.lesbare_kreis_ids) < 2:
            self.form.fields["kreis"].widget = forms.HiddenInput()
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})

    @property
    def qs(self):
        queryset = super().qs
        # Archived Maßnahmen are hidden unless asked for.
        if not (
            self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("archiviert")
        ):
            queryset = queryset.filter(archiviert=False)
        return queryset

    def search(self, queryset, name, value):
        return volltext(queryset, value, gewichtet={"titel": "A", "beschreibung": "B"})

    def filter_kommune(self, queryset, name, value):
        if not value:
            return queryset
        beteiligt = Massnahme.beteiligte.through.objects.filter(
            massnahme_id=OuterRef("pk"), kommune_id=value.pk
        )
        return queryset.filter(Q(federfuehrend=value) | Q(Exists(beteiligt)))

    def filter_gefoerdert(self, queryset, name, value):
        # Reverse relation of foerderung.Foerderbescheid.massnahmen (no import upwards).
        through = Massnahme._meta.get_field("foerderbescheide").through
        gefoerdert = Exists(through.objects.filter(massnahme_id=OuterRef("pk")))
        return queryset.filter(gefoerdert if value == "ja" else ~gefoerdert)

    def filter_ueberfaellig(self, queryset, name, value):
        ueberfaellig = Exists(
            Meilenstein.objects.filter(
                massnahme_id=OuterRef("pk"),
                erreicht_am__isnull=True,
                faellig_am__lt=timezone.localdate(),
            )
        )
        return queryset.filter(ueberfaellig if value == "ja" else ~ueberfaellig)

    def filter_ohne_meldung(self, queryset, name, value):
        """Among the Maßnahmen that owe a Statusmeldung (finished and stopped ones owe none,
        so they are in neither answer), those without ("ja") or with ("nein") one for the
        running quarter – the sets behind the dashboard's "n von m Statusmeldungen"."""
        gemeldet = Exists(
            Statusmeldung.objects.filter(
                massnahme_id=OuterRef("pk"), quartal=str(Quartal.current())
            )
        )
        return queryset.filter(meldepflichtig_q()).filter(~gemeldet if value == "ja" else gemeldet)

    def filter_archiviert(self, queryset, name, value):
        return queryset.filter(archiviert=(value == "ja"))

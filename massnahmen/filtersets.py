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


class MassnahmeSucheFilterSet(django_filters.FilterSet):
    """What the Maßnahmen list and the Lösungskatalog filter alike: the full-text search
    and the Handlungsfeld, Lebensbereich and Kreis (its choices are set by each list, before
    anything reads `self.form`: the form is built once, with the choices of that moment)."""

    q = django_filters.CharFilter(
        label="Suche",
        method="search",
        max_length=200,
        help_text="Titel und Beschreibung durchsuchen",
        widget=forms.TextInput(attrs={"type": "search"}),
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

    class Meta:
        model = Massnahme
        fields: list[str] = []

    def search(self, queryset, name, value):
        return volltext(
            queryset, value, gewichtet={"titel": "A", "beschreibung": "B"}, gespeichert="suchvektor"
        )


class MassnahmeFilterSet(MassnahmeSucheFilterSet):
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
        self.filters["kreis"].queryset = Kreis.objects.for_scope(scope)
        if not scope.is_superuser and len(scope.readable_kreis_ids) < 2:
            self.form.fields["kreis"].widget = forms.HiddenInput()

    @property
    def qs(self):
        queryset = super().qs
        # Archived Maßnahmen are hidden unless asked for.
        if not (
            self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("archiviert")
        ):
            queryset = queryset.filter(archiviert=False)
        return queryset

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


# --- Lösungskatalog (issue 15, point 4) -------------------------------------------------

# Size classes of the lead Kommune: key → (label, lowest Einwohner, first Einwohner above).
GROESSENKLASSEN = {
    "unter-10000": ("unter 10.000 Einwohner", None, 10_000),
    "10000-25000": ("10.000 bis unter 25.000 Einwohner", 10_000, 25_000),
    "25000-50000": ("25.000 bis unter 50.000 Einwohner", 25_000, 50_000),
    "ab-50000": ("50.000 Einwohner und mehr", 50_000, None),
}


def groessenklasse(einwohner: int | None) -> str | None:
    """The key of the size class a Kommune of `einwohner` belongs to (None without a figure)."""
    if einwohner is None:
        return None
    for schluessel, (_label, von, bis) in GROESSENKLASSEN.items():
        if (von is None or einwohner >= von) and (bis is None or einwohner < bis):
            return schluessel
    return None


def groessenklasse_q(schluessel: str, feld: str = "federfuehrend__einwohner") -> Q:
    """The Kommunen (through `feld`) of one size class; a Kommune without a population
    figure is in none."""
    _label, von, bis = GROESSENKLASSEN[schluessel]
    q = Q(**{f"{feld}__isnull": False})
    if von is not None:
        q &= Q(**{f"{feld}__gte": von})
    if bis is not None:
        q &= Q(**{f"{feld}__lt": bis})
    return q


class LoesungFilterSet(MassnahmeSucheFilterSet):
    """The filters of the Lösungskatalog: those of the Maßnahmen list's search (the same
    stored German vector) and the size class of the lead Kommune."""

    groesse = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _von, _bis) in GROESSENKLASSEN.items()],
        label="Größe der federführenden Kommune",
        empty_label="alle",
        method="filter_groesse",
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        scope = scope_for(getattr(request, "user", None))
        # The Kreise whose solutions the user may read: their own and those of their regions.
        if scope.is_superuser:
            kreise = Kreis.objects.all()
        else:
            kreise = Kreis.objects.filter(
                Q(ags__in=scope.readable_kreis_ids) | Q(region_id__in=scope.mitglied_region_ids)
            )
        self.filters["kreis"].queryset = kreise.order_by("name")
        self.form.fields[
            "q"
        ].help_text = "Titel und Beschreibung durchsuchen, z. B. „Dorf“ oder „Ratsinformation“"

    def filter_groesse(self, queryset, name, value):
        if value not in GROESSENKLASSEN:
            return queryset
        return queryset.filter(groessenklasse_q(value))

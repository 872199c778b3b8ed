"""Admin for the strategy: Handlungsfelder, Lebensbereiche, Ziele, Kennzahlen and their values."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from core.admin import (
    ZEITSTEMPEL,
    EindeutigeZeilenFormSet,
    SelectRelatedInlineMixin,
    with_timestamps,
)
from core.formatting import zahl

from .models import Handlungsfeld, Kennzahl, KennzahlWert, Lebensbereich, Ziel


@admin.register(Handlungsfeld)
class HandlungsfeldAdmin(admin.ModelAdmin):
    list_display = ("nummer", "kurzname", "name", "anzahl_ziele", "anzahl_massnahmen")
    list_display_links = ("nummer", "kurzname")
    search_fields = ("kurzname", "name", "slug", "beschreibung")
    prepopulated_fields = {"slug": ("kurzname",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _anzahl_ziele=Count("ziele", distinct=True),
                _anzahl_massnahmen=Count("massnahmen", distinct=True),
            )
        )

    @admin.display(description="Ziele", ordering="_anzahl_ziele")
    def anzahl_ziele(self, obj) -> int:
        return obj._anzahl_ziele

    @admin.display(description="Maßnahmen", ordering="_anzahl_massnahmen")
    def anzahl_massnahmen(self, obj) -> int:
        return obj._anzahl_massnahmen


@admin.register(Lebensbereich)
class LebensbereichAdmin(admin.ModelAdmin):
    list_display = ("name", "schluessel", "reihenfolge")
    list_editable = ("reihenfolge",)
    search_fields = ("name", "schluessel")
    prepopulated_fields = {"schluessel": ("name",)}


class KennzahlInline(admin.TabularInline):
    model = Kennzahl
    fields = (
        "name",
        "einheit",
        "einheit_freitext",
        "richtung",
        "ebene",
        "quelle",
        "basiswert",
        "basisdatum",
        "zielwert",
        "zieldatum",
    )
    extra = 0
    show_change_link = True


@admin.register(Ziel)
class ZielAdmin(admin.ModelAdmin):
    list_display = ("titel", "kreis", "handlungsfeld", "anzahl_kennzahlen", "veroeffentlicht")
    list_filter = ("kreis", "handlungsfeld", "veroeffentlicht")
    list_select_related = ("kreis", "handlungsfeld")
    search_fields = ("titel", "beschreibung", "kreis__name", "kreis__ags")
    fields = with_timestamps("kreis", "handlungsfeld", "titel", "beschreibung", "veroeffentlicht")
    readonly_fields = ZEITSTEMPEL
    inlines = [KennzahlInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_anzahl_kennzahlen=Count("kennzahlen"))

    @admin.display(description="Kennzahlen", ordering="_anzahl_kennzahlen")
    def anzahl_kennzahlen(self, obj) -> int:
        return obj._anzahl_kennzahlen


class KennzahlWertFormSet(EindeutigeZeilenFormSet):
    eindeutig = ("quartal", "kommune")
    fehlermeldung = "Für dieses Quartal (und diese Kommune) gibt es schon einen Wert."


class KennzahlWertInline(SelectRelatedInlineMixin, admin.TabularInline):
    model = KennzahlWert
    formset = KennzahlWertFormSet
    fields = ("quartal", "kommune", "wert", "erfasst_von", "geaendert_am")
    readonly_fields = ("geaendert_am",)
    autocomplete_fields = ("kommune", "erfasst_von")
    extra = 0
    ordering = ("-quartal", "kommune__name")

    select_related = ("kommune", "erfasst_von")


@admin.register(Kennzahl)
class KennzahlAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "ziel",
        "ziel_kreis",
        "einheit_display",
        "ebene",
        "quelle",
        "basiswert_display",
        "zielwert_display",
        "zieldatum",
    )
    list_filter = (
        "ziel__kreis",
        "ziel__handlungsfeld",
        "ebene",
        "quelle",
        "einheit",
        "richtung",
    )
    list_select_related = ("ziel__kreis",)
    search_fields = ("name", "ziel__titel")
    autocomplete_fields = ("ziel",)
    fieldsets = (
        (None, {"fields": ("ziel", "name")}),
        ("Messung", {"fields": ("einheit", "einheit_freitext", "richtung", "ebene", "quelle")}),
        (
            "Ausgangs- und Zielwert",
            {"fields": ("basiswert", "basisdatum", "zielwert", "zieldatum")},
        ),
        ("Verwaltung", {"fields": ("erstellt_am", "geaendert_am"), "classes": ("collapse",)}),
    )
    readonly_fields = ZEITSTEMPEL
    inlines = [KennzahlWertInline]

    @admin.display(description="Kreis", ordering="ziel__kreis__name")
    def ziel_kreis(self, obj):
        return obj.ziel.kreis

    @admin.display(description="Einheit", ordering="einheit")
    def einheit_display(self, obj) -> str:
        return obj.einheit_display

    @admin.display(description="Ausgangswert", ordering="basiswert")
    def basiswert_display(self, obj) -> str:
        return zahl(obj.basiswert, 2)

    @admin.display(description="Zielwert", ordering="zielwert")
    def zielwert_display(self, obj) -> str:
        return zahl(obj.zielwert, 2)


@admin.register(KennzahlWert)
class KennzahlWertAdmin(admin.ModelAdmin):
    list_display = ("kennzahl", "quartal", "kommune", "wert_display", "erfasst_von", "geaendert_am")
    list_filter = (
        "quartal",
        "kennzahl__ziel__kreis",
        "kennzahl__ziel__handlungsfeld",
        "kennzahl__ebene",
    )
    list_select_related = ("kennzahl", "kommune", "erfasst_von")
    search_fields = ("kennzahl__name", "kennzahl__ziel__titel", "kommune__name", "quartal")
    autocomplete_fields = ("kennzahl", "kommune", "erfasst_von")
    fields = with_timestamps("kennzahl", "quartal", "kommune", "wert", "erfasst_von")
    readonly_fields = ZEITSTEMPEL

    @admin.display(description="Wert", ordering="wert")
    def wert_display(self, obj) -> str:
        return zahl(obj.wert, 2)

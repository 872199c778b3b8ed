"""Admin for Maßnahmen with their milestones, Statusmeldungen, documents and reuse."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    DOKUMENT_FELDER,
    DOKUMENT_SPALTEN,
    ZEITSTEMPEL,
    DokumentAdmin,
    DokumentAdminMixin,
    HochgeladenVonMixin,
    SelectRelatedInlineMixin,
    with_timestamps,
)

from .models import (
    Anhang,
    Importlauf,
    Massnahme,
    Meilenstein,
    Nachnutzung,
    Quartalsabschluss,
    Statusmeldung,
)


class OverdueFilter(admin.SimpleListFilter):
    title = "überfällig"
    parameter_name = "ueberfaellig"

    def lookups(self, request, model_admin):
        return [("ja", "ja"), ("nein", "nein")]

    def queryset(self, request, queryset):
        ueberfaellig = {"erreicht_am__isnull": True, "faellig_am__lt": timezone.localdate()}
        if self.value() == "ja":
            return queryset.filter(**ueberfaellig)
        if self.value() == "nein":
            return queryset.exclude(**ueberfaellig)
        return queryset


# --- Inlines of the Maßnahme -----------------------------------------------------------


class MeilensteinInline(admin.TabularInline):
    model = Meilenstein
    fields = ("titel", "faellig_am", "erreicht_am")
    extra = 0
    show_change_link = True


class StatusmeldungInline(SelectRelatedInlineMixin, admin.StackedInline):
    model = Statusmeldung
    fields = (
        ("quartal", "fortschritt", "ampel"),
        "erreicht",
        "naechste_schritte",
        "risiken",
        "autor",
    )
    autocomplete_fields = ("autor",)
    extra = 0
    classes = ("collapse",)
    show_change_link = True

    select_related = ("autor",)


class AnhangInline(SelectRelatedInlineMixin, DokumentAdminMixin, admin.TabularInline):
    model = Anhang
    fields = ("titel", "art", "datei", "size_display", "hochgeladen_am", "hochgeladen_von")
    readonly_fields = ("size_display", "hochgeladen_am", "hochgeladen_von")
    extra = 0

    select_related = ("hochgeladen_von",)


class NachnutzungInline(SelectRelatedInlineMixin, admin.TabularInline):
    model = Nachnutzung
    fields = ("kommune", "seit", "bemerkung")
    autocomplete_fields = ("kommune",)
    extra = 0

    select_related = ("kommune",)


# --- Admins ----------------------------------------------------------------------------


@admin.register(Massnahme)
class MassnahmeAdmin(HochgeladenVonMixin, SimpleHistoryAdmin):
    list_display = (
        "titel",
        "kreis",
        "handlungsfeld",
        "federfuehrend",
        "status",
        "fortschritt",
        "ampel",
        "sichtbarkeit",
        "archiviert",
    )
    list_filter = (
        "status",
        "ampel",
        "handlungsfeld",
        "kreis",
        "sichtbarkeit",
        "archiviert",
        "lebensbereiche",
        ("federfuehrend", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("kreis", "handlungsfeld", "federfuehrend")
    date_hierarchy = "beginn"
    search_fields = (
        "titel",
        "beschreibung",
        "federfuehrend__name",
        "federfuehrend__ags",
        "kreis__name",
    )
    autocomplete_fields = ("federfuehrend", "beteiligte", "ziel", "ansprechperson")
    filter_horizontal = ("lebensbereiche",)
    fieldsets = (
        (None, {"fields": ("kreis", "region", "titel", "beschreibung")}),
        ("Einordnung", {"fields": ("handlungsfeld", "ziel", "lebensbereiche")}),
        ("Beteiligte", {"fields": ("federfuehrend", "beteiligte", "ansprechperson")}),
        ("Stand", {"fields": ("status", "fortschritt", "ampel")}),
        (
            "Zeitplan und Budget",
            {"fields": ("beginn", "ende_geplant", "ende_tatsaechlich", "budget")},
        ),
        ("Sichtbarkeit", {"fields": ("sichtbarkeit", "archiviert")}),
        ("Verwaltung", {"fields": ("erstellt_am", "geaendert_am"), "classes": ("collapse",)}),
    )
    readonly_fields = ZEITSTEMPEL
    inlines = [MeilensteinInline, StatusmeldungInline, AnhangInline, NachnutzungInline]


@admin.register(Meilenstein)
class MeilensteinAdmin(SimpleHistoryAdmin):
    list_display = ("titel", "massnahme", "faellig_am", "erreicht_am", "is_overdue")
    list_filter = (
        OverdueFilter,
        ("erreicht_am", admin.EmptyFieldListFilter),
        "massnahme__kreis",
        "massnahme__handlungsfeld",
    )
    list_select_related = ("massnahme",)
    search_fields = ("titel", "massnahme__titel")
    autocomplete_fields = ("massnahme",)
    date_hierarchy = "faellig_am"
    fields = with_timestamps("massnahme", "titel", "faellig_am", "erreicht_am")
    readonly_fields = ZEITSTEMPEL

    @admin.display(description="überfällig", boolean=True)
    def is_overdue(self, obj) -> bool:
        return obj.ueberfaellig


@admin.register(Statusmeldung)
class StatusmeldungAdmin(SimpleHistoryAdmin):
    list_display = ("massnahme", "quartal", "fortschritt", "ampel", "autor", "geaendert_am")
    list_filter = ("quartal", "ampel", "massnahme__kreis", "massnahme__handlungsfeld")
    list_select_related = ("massnahme", "autor")
    search_fields = (
        "massnahme__titel",
        "quartal",
        "erreicht",
        "naechste_schritte",
        "risiken",
    )
    autocomplete_fields = ("massnahme", "autor")
    fields = (
        "massnahme",
        ("quartal", "fortschritt", "ampel"),
        "erreicht",
        "naechste_schritte",
        "risiken",
        "autor",
        "erstellt_am",
        "geaendert_am",
    )
    readonly_fields = ZEITSTEMPEL


@admin.register(Anhang)
class AnhangAdmin(DokumentAdmin):
    list_display = ("titel", "massnahme", "art", *DOKUMENT_SPALTEN)
    list_filter = ("art", "massnahme__kreis", "content_type")
    list_select_related = ("massnahme", "hochgeladen_von")
    search_fields = ("titel", "massnahme__titel", "datei")
    autocomplete_fields = ("massnahme",)
    fields = ("massnahme", "titel", "art", "datei", *DOKUMENT_FELDER)


@admin.register(Nachnutzung)
class NachnutzungAdmin(admin.ModelAdmin):
    list_display = ("massnahme", "kommune", "seit")
    list_filter = (("kommune__kreis", admin.RelatedOnlyFieldListFilter), "massnahme__handlungsfeld")
    list_select_related = ("massnahme", "kommune")
    search_fields = ("massnahme__titel", "kommune__name", "kommune__ags", "bemerkung")
    autocomplete_fields = ("massnahme", "kommune")
    date_hierarchy = "seit"
    fields = with_timestamps("massnahme", "kommune", "seit", "bemerkung")
    readonly_fields = ZEITSTEMPEL


@admin.register(Quartalsabschluss)
class QuartalsabschlussAdmin(admin.ModelAdmin):
    list_display = ("kreis", "quartal", "erstellt_am", "gesperrt_von", "aufgehoben_am")
    list_filter = ("kreis", "quartal", ("aufgehoben_am", admin.EmptyFieldListFilter))
    list_select_related = ("kreis", "gesperrt_von", "aufgehoben_von")
    search_fields = ("kreis__name", "quartal", "aufhebungsgrund")
    autocomplete_fields = ("gesperrt_von", "aufgehoben_von")


@admin.register(Importlauf)
class ImportlaufAdmin(admin.ModelAdmin):
    list_display = (
        "dateiname",
        "kreis",
        "status",
        "zeilen_gesamt",
        "neu",
        "aktualisiert",
        "hochgeladen_von",
        "erstellt_am",
    )
    list_filter = ("status", "kreis")
    list_select_related = ("kreis", "hochgeladen_von")
    search_fields = ("dateiname",)
    readonly_fields = ("fehler",)

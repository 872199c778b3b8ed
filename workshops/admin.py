"""Admin for the CDO workshops, their participants and results."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, F
from django.utils.text import Truncator

from core.admin import ZEITSTEMPEL, HttpsUrlsMixin, SelectRelatedInlineMixin, with_timestamps

from .models import Ergebnis, KalenderToken, Teilnahme, Workshop


class TeilnahmeInline(SelectRelatedInlineMixin, admin.TabularInline):
    model = Teilnahme
    fields = ("person", "kommune", "status")
    autocomplete_fields = ("person", "kommune")
    extra = 0

    select_related = ("person", "kommune")


class ErgebnisInline(SelectRelatedInlineMixin, admin.StackedInline):
    model = Ergebnis
    fields = ("beschreibung", ("verantwortlich", "faellig_am", "status"), "massnahme")
    autocomplete_fields = ("verantwortlich", "massnahme")
    extra = 0

    select_related = ("verantwortlich", "massnahme")


@admin.register(Workshop)
class WorkshopAdmin(HttpsUrlsMixin, admin.ModelAdmin):
    list_display = (
        "titel",
        "beginn",
        "format",
        "kreis",
        "handlungsfeld",
        "organisiert_von",
        "anzahl_teilnahmen",
    )
    list_filter = ("format", "kreis", "handlungsfeld")
    list_select_related = ("kreis", "handlungsfeld", "organisiert_von")
    search_fields = ("titel", "ort", "agenda", "organisiert_von__name")
    autocomplete_fields = ("organisiert_von",)
    date_hierarchy = "beginn"
    fieldsets = (
        (None, {"fields": ("kreis", "region", "titel", "handlungsfeld", "organisiert_von")}),
        (
            "Termin und Ort",
            {"fields": ("beginn", "ende", "format", "ort", "online_link", "max_teilnehmende")},
        ),
        ("Inhalt", {"fields": ("agenda", "protokoll", "protokoll_datei")}),
        (
            "Verwaltung",
            {
                "fields": (
                    "veroeffentlicht_am",
                    "abgesagt",
                    "sequenz",
                    "erstellt_am",
                    "geaendert_am",
                ),
                "classes": ("collapse",),
                "description": "Veröffentlichen (mit Einladungen) und Absagen (mit Nachricht "
                "an die Angemeldeten) geschehen im Portal auf der Seite des Workshops.",
            },
        ),
    )
    # Publishing and cancelling are workflows with mails: only through the portal.
    readonly_fields = ("veroeffentlicht_am", "abgesagt", "sequenz", "erstellt_am", "geaendert_am")
    inlines = [TeilnahmeInline, ErgebnisInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_anzahl_teilnahmen=Count("teilnahmen"))

    def save_model(self, request, obj, form, change):
        # Calendars replace their copy only when SEQUENCE grows: every change counts.
        if change and form.has_changed():
            obj.sequenz = F("sequenz") + 1
        super().save_model(request, obj, form, change)
        if change and form.has_changed():
            obj.refresh_from_db(fields=["sequenz"])

    @admin.display(description="Anmeldungen", ordering="_anzahl_teilnahmen")
    def anzahl_teilnahmen(self, obj) -> int:
        return obj._anzahl_teilnahmen


@admin.register(Teilnahme)
class TeilnahmeAdmin(admin.ModelAdmin):
    list_display = ("person", "workshop", "kommune", "status")
    list_filter = ("status", "workshop__kreis", ("kommune", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("person", "workshop", "kommune")
    search_fields = (
        "person__email",
        "person__first_name",
        "person__last_name",
        "workshop__titel",
        "kommune__name",
    )
    autocomplete_fields = ("workshop", "person", "kommune")
    fields = with_timestamps("workshop", "person", "kommune", "status")
    readonly_fields = ZEITSTEMPEL


@admin.register(Ergebnis)
class ErgebnisAdmin(admin.ModelAdmin):
    list_display = (
        "beschreibung_kurz",
        "workshop",
        "verantwortlich",
        "faellig_am",
        "status",
        "massnahme",
    )
    list_filter = (
        "status",
        "workshop__kreis",
        ("verantwortlich", admin.RelatedOnlyFieldListFilter),
        ("massnahme", admin.EmptyFieldListFilter),
    )
    list_select_related = ("workshop", "verantwortlich", "massnahme")
    search_fields = ("beschreibung", "workshop__titel", "verantwortlich__name", "massnahme__titel")
    autocomplete_fields = ("workshop", "verantwortlich", "massnahme")
    date_hierarchy = "faellig_am"
    fields = with_timestamps(
        "workshop", "beschreibung", "verantwortlich", "faellig_am", "status", "massnahme"
    )
    readonly_fields = ZEITSTEMPEL

    @admin.display(description="Ergebnis / Aufgabe", ordering="beschreibung")
    def beschreibung_kurz(self, obj) -> str:
        return Truncator(obj.beschreibung).chars(80)


@admin.register(KalenderToken)
class KalenderTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "erstellt_am", "geaendert_am")
    search_fields = ("user__email", "user__last_name")
    list_select_related = ("user",)
    exclude = ("token",)  # a secret; renewing happens on the user's own page

"""Admin for the OZG catalogue and the Umsetzungsstände of the Kommunen."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HttpsUrlsMixin

from .models import OzgLeistung, Umsetzungsstand


@admin.register(OzgLeistung)
class OzgLeistungAdmin(admin.ModelAdmin):
    list_display = ("name", "ozg_id", "leika_schluessel", "themenfeld", "efa", "anzahl_online")
    list_filter = ("themenfeld", "efa")
    search_fields = ("name", "ozg_id", "leika_schluessel", "themenfeld")
    fields = ("ozg_id", "leika_schluessel", "name", "themenfeld", "efa")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _anzahl_online=Count("umsetzungsstaende", filter=Q(umsetzungsstaende__online=True))
            )
        )

    @admin.display(description="online in Kommunen", ordering="_anzahl_online")
    def anzahl_online(self, obj) -> int:
        return obj._anzahl_online


@admin.register(Umsetzungsstand)
class UmsetzungsstandAdmin(HttpsUrlsMixin, SimpleHistoryAdmin):
    list_display = (
        "kommune",
        "leistung",
        "reifegradmodell",
        "reifegrad",
        "online_display",
        "online_seit",
        "bewertet_am",
        "nachgenutzt_von",
    )
    list_filter = (
        ("online", admin.BooleanFieldListFilter),
        "reifegradmodell",
        "reifegrad",
        "kommune__kreis",
        ("kommune", admin.RelatedOnlyFieldListFilter),
        "leistung__themenfeld",
        "leistung__efa",
        ("nachgenutzt_von", admin.EmptyFieldListFilter),
    )
    list_select_related = ("kommune", "leistung", "nachgenutzt_von")
    search_fields = (
        "leistung__name",
        "leistung__ozg_id",
        "leistung__leika_schluessel",
        "kommune__name",
        "kommune__ags",
    )
    autocomplete_fields = ("leistung", "kommune", "nachgenutzt_von", "bewertet_von")
    date_hierarchy = "bewertet_am"
    fieldsets = (
        (None, {"fields": ("kommune", "leistung")}),
        (
            "Reifegrad",
            {
                "fields": (
                    "reifegradmodell",
                    "reifegrad",
                    "online_display",
                    "bewertet_am",
                    "bewertet_von",
                ),
                "description": (
                    "„online“ berechnet die Datenbank aus Modell und Stufe (ab Stufe 3)."
                ),
            },
        ),
        ("Onlinedienst", {"fields": ("online_seit", "link", "nachgenutzt_von")}),
        ("Verwaltung", {"fields": ("erstellt_am", "geaendert_am"), "classes": ("collapse",)}),
    )
    readonly_fields = ("online_display", "erstellt_am", "geaendert_am")

    @admin.display(description="online", boolean=True, ordering="online")
    def online_display(self, obj) -> bool | None:
        # `online` is a GeneratedField (not a BooleanField), so the admin would print
        # "True"; and it only exists once the row is saved.
        return obj.online if obj.pk else None

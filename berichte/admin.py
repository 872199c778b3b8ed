"""Admin for the quarterly reports (the PDFs are rendered by a Celery task)."""

from __future__ import annotations

from django.contrib import admin

from .models import Quartalsbericht


@admin.register(Quartalsbericht)
class QuartalsberichtAdmin(admin.ModelAdmin):
    list_display = (
        "kreis",
        "quartal",
        "version",
        "variante",
        "status",
        "erstellt_am",
        "fertig_am",
        "angefordert_von",
    )
    list_display_links = ("kreis", "quartal")
    list_filter = ("status", "variante", "quartal", "kreis")
    list_select_related = ("kreis", "angefordert_von")
    search_fields = ("quartal", "kreis__name", "kreis__ags", "fehler")
    autocomplete_fields = ("angefordert_von",)
    date_hierarchy = "erstellt_am"
    fieldsets = (
        (None, {"fields": ("kreis", "quartal", "version", "variante")}),
        (
            "Erstellung",
            {
                "fields": (
                    "status",
                    "datei",
                    "seiten",
                    "angefordert_von",
                    "automatisch",
                    "gestartet_am",
                    "fertig_am",
                    "versuche",
                    "fehler",
                    "benachrichtigt_am",
                )
            },
        ),
        ("Verwaltung", {"fields": ("erstellt_am", "geaendert_am"), "classes": ("collapse",)}),
    )
    readonly_fields = (
        "erstellt_am",
        "geaendert_am",
        "gestartet_am",
        "fertig_am",
        "seiten",
        "versuche",
        "benachrichtigt_am",
    )

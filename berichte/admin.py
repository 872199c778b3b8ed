"""Admin for the quarterly reports (the PDFs are rendered by a Celery task)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from core.admin import ZEITSTEMPEL

from .logo import check_logo
from .models import Deckblatt, Quartalsbericht


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


class DeckblattAdminForm(forms.ModelForm):
    """The admin checks an uploaded logo like the Kreis staff's form does."""

    class Meta:
        model = Deckblatt
        fields = ("kreis", "logo", "hochgeladen_von")

    def clean_logo(self):
        logo = self.cleaned_data["logo"]
        if logo and logo != getattr(self.instance, "logo", None):
            check_logo(logo)
        return logo


@admin.register(Deckblatt)
class DeckblattAdmin(admin.ModelAdmin):
    form = DeckblattAdminForm
    list_display = ("kreis", "hochgeladen_von", "geaendert_am")
    list_select_related = ("kreis", "hochgeladen_von")
    autocomplete_fields = ("hochgeladen_von",)
    readonly_fields = ZEITSTEMPEL

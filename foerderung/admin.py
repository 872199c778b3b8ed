"""Admin for funding: programmes, Förderbescheide, Mittelabrufe and Bescheid documents."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
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
from core.formatting import euro, zahl

from .models import (
    BescheidDokument,
    Erinnerung,
    Foerderbescheid,
    Foerderprogramm,
    Mittelabruf,
)


def _prozent(value) -> str:
    return "–" if value is None else f"{zahl(value, 2)}\u00a0%"


@admin.register(Foerderprogramm)
class FoerderprogrammAdmin(admin.ModelAdmin):
    list_display = ("kurzname", "name", "foerdergeber", "max_quote_display", "betragsregel")
    list_filter = ("betragsregel", "foerdergeber")
    search_fields = ("kurzname", "name", "foerdergeber", "richtlinie")
    fieldsets = (
        (None, {"fields": ("kurzname", "name", "foerdergeber", "richtlinie")}),
        ("Förderung", {"fields": ("max_foerderquote", "betragsregel")}),
        ("Quellen", {"fields": ("quelle",)}),
        ("Verwaltung", {"fields": ("erstellt_am", "geaendert_am"), "classes": ("collapse",)}),
    )
    readonly_fields = ZEITSTEMPEL

    @admin.display(description="max. Förderquote", ordering="max_foerderquote")
    def max_quote_display(self, obj) -> str:
        return _prozent(obj.max_foerderquote)


class MittelabrufInlineFormSet(BaseInlineFormSet):
    """All drawdowns of the Bescheid together must stay within the granted amount.

    `Mittelabruf.clean()` compares each row only with the rows already in the database,
    so two new rows in one submission could each pass and together exceed the amount
    (on PostgreSQL the trigger would then abort the save with a database error).
    """

    def clean(self):
        super().clean()
        bewilligt = getattr(self.instance, "bewilligter_betrag", None)
        if bewilligt is None:
            return
        summe = Decimal("0")
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            summe += form.cleaned_data.get("betrag") or Decimal("0")
        if summe > bewilligt:
            raise ValidationError(
                f"Die Mittelabrufe übersteigen zusammen den bewilligten Betrag "
                f"({euro(summe)} > {euro(bewilligt)})."
            )


class MittelabrufInline(admin.TabularInline):
    model = Mittelabruf
    formset = MittelabrufInlineFormSet
    fields = ("datum", "betrag", "status", "ausgezahlt_am", "bemerkung")
    extra = 0
    show_change_link = True


class BescheidDokumentInline(SelectRelatedInlineMixin, DokumentAdminMixin, admin.TabularInline):
    model = BescheidDokument
    fields = ("titel", "datei", "size_display", "hochgeladen_am", "hochgeladen_von")
    readonly_fields = ("size_display", "hochgeladen_am", "hochgeladen_von")
    extra = 0

    select_related = ("hochgeladen_von",)


@admin.register(Foerderbescheid)
class FoerderbescheidAdmin(HochgeladenVonMixin, SimpleHistoryAdmin):
    list_display = (
        "aktenzeichen",
        "programm",
        "kreis",
        "zuwendungsempfaenger",
        "bescheiddatum",
        "betrag_display",
        "quote_display",
        "abgerufen_display",
        "verbleibend_display",
        "status",
    )
    list_filter = (
        "status",
        "programm",
        "kreis",
        ("zuwendungsempfaenger", admin.RelatedOnlyFieldListFilter),
        "bewilligungszeitraum_ende",
    )
    list_select_related = ("programm", "kreis", "zuwendungsempfaenger")
    search_fields = (
        "aktenzeichen",
        "zweck",
        "programm__kurzname",
        "zuwendungsempfaenger__name",
        "zuwendungsempfaenger__ags",
    )
    autocomplete_fields = ("zuwendungsempfaenger", "partner", "massnahmen")
    date_hierarchy = "bescheiddatum"
    fieldsets = (
        (None, {"fields": ("kreis", "programm", "aktenzeichen", "bescheiddatum", "status")}),
        ("Zuwendungsempfänger", {"fields": ("zuwendungsempfaenger", "partner")}),
        (
            "Beträge",
            {
                "fields": (
                    "bewilligter_betrag",
                    "foerderquote",
                    "zuwendungsfaehige_ausgaben_display",
                    "eigenanteil_display",
                    "abgerufen_display",
                    "verbleibend_display",
                ),
                "description": (
                    "Zuwendungsfähige Ausgaben und Eigenanteil werden aus Betrag und "
                    "Förderquote berechnet; abgerufen und verbleibend aus den Mittelabrufen."
                ),
            },
        ),
        (
            "Zeitraum und Zweck",
            {
                "fields": (
                    "bewilligungszeitraum_beginn",
                    "bewilligungszeitraum_ende",
                    "verwendungsnachweis_faellig",
                    "zweck",
                    "massnahmen",
                )
            },
        ),
        ("Verwaltung", {"fields": ("erstellt_am", "geaendert_am"), "classes": ("collapse",)}),
    )
    readonly_fields = (
        "zuwendungsfaehige_ausgaben_display",
        "eigenanteil_display",
        "abgerufen_display",
        "verbleibend_display",
        "erstellt_am",
        "geaendert_am",
    )
    inlines = [MittelabrufInline, BescheidDokumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_summen()

    @staticmethod
    def _berechenbar(obj) -> bool:
        return obj.bewilligter_betrag is not None and bool(obj.foerderquote)

    @admin.display(description="bewilligt", ordering="bewilligter_betrag")
    def betrag_display(self, obj) -> str:
        return euro(obj.bewilligter_betrag)

    @admin.display(description="Förderquote", ordering="foerderquote")
    def quote_display(self, obj) -> str:
        return _prozent(obj.foerderquote)

    @admin.display(description="zuwendungsfähige Ausgaben")
    def zuwendungsfaehige_ausgaben_display(self, obj) -> str:
        return euro(obj.zuwendungsfaehige_ausgaben) if self._berechenbar(obj) else "–"

    @admin.display(description="Eigenanteil")
    def eigenanteil_display(self, obj) -> str:
        return euro(obj.eigenanteil) if self._berechenbar(obj) else "–"

    @admin.display(description="abgerufen", ordering="abgerufen_summe")
    def abgerufen_display(self, obj) -> str:
        return euro(obj.abgerufen()) if obj.pk else "–"

    @admin.display(description="verbleibend")
    def verbleibend_display(self, obj) -> str:
        if not obj.pk or obj.bewilligter_betrag is None:
            return "–"
        return euro(obj.verbleibend())


@admin.register(Mittelabruf)
class MittelabrufAdmin(SimpleHistoryAdmin):
    list_display = ("bescheid", "datum", "betrag_display", "status", "bemerkung")
    list_filter = ("status", "bescheid__programm", "bescheid__kreis")
    list_select_related = ("bescheid__programm",)
    search_fields = ("bescheid__aktenzeichen", "bemerkung")
    autocomplete_fields = ("bescheid",)
    date_hierarchy = "datum"
    fields = with_timestamps("bescheid", "datum", "betrag", "status", "ausgezahlt_am", "bemerkung")
    readonly_fields = ZEITSTEMPEL

    @admin.display(description="Betrag", ordering="betrag")
    def betrag_display(self, obj) -> str:
        return euro(obj.betrag)


@admin.register(BescheidDokument)
class BescheidDokumentAdmin(DokumentAdmin):
    list_display = ("titel", "bescheid", *DOKUMENT_SPALTEN)
    list_filter = ("bescheid__kreis", "bescheid__programm", "content_type")
    list_select_related = ("bescheid__programm", "hochgeladen_von")
    search_fields = ("titel", "bescheid__aktenzeichen", "datei")
    autocomplete_fields = ("bescheid",)
    fields = ("bescheid", "titel", "datei", *DOKUMENT_FELDER)


@admin.register(Erinnerung)
class ErinnerungAdmin(admin.ModelAdmin):
    list_display = ("bescheid", "art", "frist", "tage_vorher", "erstellt_am")
    list_filter = ("art", "tage_vorher", "bescheid__kreis")
    list_select_related = ("bescheid",)
    search_fields = ("bescheid__aktenzeichen", "empfaenger")
    date_hierarchy = "frist"

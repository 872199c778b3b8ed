from django.contrib import admin

from .models import Abo, Benachrichtigung, Erinnerungsregel, Mail, Mailpraeferenz

GEGENSTAND = ("massnahme", "kommune", "handlungsfeld", "foerderbescheid")


@admin.register(Abo)
class AboAdmin(admin.ModelAdmin):
    list_display = ("person", "__str__", "automatisch", "beendet_am", "erstellt_am")
    list_filter = ("automatisch",)
    list_select_related = ("person", *GEGENSTAND)
    search_fields = ("person__email", "massnahme__titel", "kommune__name")
    raw_id_fields = ("person", "massnahme", "foerderbescheid")


@admin.register(Benachrichtigung)
class BenachrichtigungAdmin(admin.ModelAdmin):
    list_display = ("text", "empfaenger", "art", "erstellt_am", "gelesen_am")
    list_filter = ("art",)
    list_select_related = ("empfaenger",)
    search_fields = ("text", "empfaenger__email")
    raw_id_fields = ("empfaenger", "massnahme", "foerderbescheid")


@admin.register(Mailpraeferenz)
class MailpraeferenzAdmin(admin.ModelAdmin):
    list_display = ("person", "art", "haeufigkeit", "geaendert_am")
    list_filter = ("art", "haeufigkeit")
    list_select_related = ("person",)
    search_fields = ("person__email",)
    raw_id_fields = ("person",)


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    """The outbox: read only, except that a failed mail can be looked at."""

    list_display = ("betreff", "adresse", "status", "versuche", "erstellt_am", "gesendet_am")
    list_filter = ("status",)
    search_fields = ("adresse", "betreff", "schluessel")
    readonly_fields = [f.name for f in Mail._meta.fields]
    actions = ["resend"]

    @admin.action(description="Erneut versenden (nur noch nicht versendete)")
    def resend(self, request, queryset):
        from .mail import requeue

        anzahl = requeue(queryset)
        self.message_user(request, f"{anzahl} E-Mail(s) erneut in die Warteschlange gestellt.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Erinnerungsregel)
class ErinnerungsregelAdmin(admin.ModelAdmin):
    list_display = (
        "kreis",
        "tage_vor_quartalsende",
        "tage_nach_quartalsende",
        "tage_bis_eskalation",
    )

from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Admins see who holds which token and may revoke one; the token itself is never
    stored, so it cannot be shown or copied here."""

    list_display = [
        "bezeichnung",
        "user",
        "anfang",
        "erstellt_am",
        "zuletzt_benutzt_am",
        "widerrufen_am",
    ]
    list_filter = [("widerrufen_am", admin.EmptyFieldListFilter)]
    search_fields = ["bezeichnung", "user__email", "anfang"]
    readonly_fields = ["user", "schluessel_hash", "anfang", "erstellt_am", "zuletzt_benutzt_am"]
    fields = [
        "user",
        "bezeichnung",
        "anfang",
        "schluessel_hash",
        "erstellt_am",
        "zuletzt_benutzt_am",
        "widerrufen_am",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        # A token is created by its owner on the account page, where it is shown once.
        return False

    @admin.action(description="Ausgewählte Tokens widerrufen")
    def revoke(self, request, queryset):
        for token in queryset.active():
            token.revoke()

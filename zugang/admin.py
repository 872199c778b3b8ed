from django.contrib import admin

from .models import Protokolleintrag


@admin.register(Protokolleintrag)
class ProtokolleintragAdmin(admin.ModelAdmin):
    """Read-only: an audit log that can be edited proves nothing."""

    list_display = ("zeitpunkt", "ereignis", "person", "ip", "pfad")
    list_filter = ("ereignis", "kreise")
    search_fields = ("person__email", "pfad", "request_id")
    date_hierarchy = "zeitpunkt"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

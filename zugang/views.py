"""The audit log: Kreis staff read the entries of their Kreis, admins all."""

from __future__ import annotations

from django.conf import settings

from core.listing import FilteredListView

from .filtersets import ProtokolleintragFilterSet
from .models import Protokolleintrag
from .tables import ProtokolleintragTable


class ProtokollListView(FilteredListView):
    """Logins, failed logins, logouts, role changes and refused accesses, newest first."""

    permission_required = "zugang.view_protokolleintrag"
    filterset_class = ProtokolleintragFilterSet
    table_class = ProtokolleintragTable
    template_name = "zugang/protokolleintrag_list.html"
    paginate_by = 50

    def get_base_queryset(self):
        return (
            Protokolleintrag.objects.for_user(self.request.user)
            .select_related("person", "ausgeloest_von")
            .prefetch_related("kreise")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Zugriffsprotokoll", None)]
        context["ip_tage"] = settings.PORTAL_PROTOKOLL_IP_TAGE
        context["aufbewahrung_tage"] = settings.PORTAL_PROTOKOLL_AUFBEWAHRUNG_TAGE
        return context

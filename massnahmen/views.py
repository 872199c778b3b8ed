"""Maßnahmen: list, detail, editing, Statusmeldungen, documents, adoption."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from core.listing import FilteredListView
from core.quartal import Quartal

from .filtersets import MassnahmeFilterSet
from .models import Massnahme, Statusmeldung


def massnahmen_fuer_liste(user):
    """The rows of the list and of the export: scoped, with everything a row shows."""
    aktuell = Statusmeldung.objects.filter(
        massnahme_id=OuterRef("pk"), quartal=str(Quartal.current())
    )
    return (
        Massnahme.objects.for_user(user)
        .select_related("handlungsfeld", "federfuehrend", "kreis")
        .annotate(
            anzahl_nachnutzungen=Count("nachnutzungen", distinct=True),
            meldung_aktuell=Exists(aktuell),
        )
    )


class MassnahmeListView(FilteredListView):
    permission_required = "massnahmen.view_massnahme"
    filterset_class = MassnahmeFilterSet
    template_name = "massnahmen/massnahme_list.html"
    sortierungen = {
        "titel": "titel",
        "handlungsfeld": "handlungsfeld__nummer",
        "federfuehrung": "federfuehrend__name",
        "status": "status",
        "fortschritt": "fortschritt",
        "ampel": "ampel",
        "ende": "ende_geplant",
        "nachnutzungen": "anzahl_nachnutzungen",
    }
    standard_sortierung = "handlungsfeld"

    def get_base_queryset(self):
        return massnahmen_fuer_liste(self.request.user)

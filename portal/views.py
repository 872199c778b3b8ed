"""The start page `/`: for the anonymous what the portal is, for the logged-in their own
work across the apps."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from core.quartal import Quartal
from kommunen.models import Kommune, Kreis
from kommunen.scope import scope_for
from massnahmen.services import open_statusmeldungen
from workshops.models import Workshop

OFFENE_MELDUNGEN_LIMIT = 20


def startseite(request):
    """Anonymous: what the portal is. Logged in: my Kommunen, my open Statusmeldungen,
    the next workshops."""
    if not request.user.is_authenticated:
        return render(request, "portal/startseite_anonym.html")

    scope = scope_for(request.user)
    quartal = Quartal.current()
    meine_kommunen = Kommune.objects.filter(pk__in=scope.cdo_kommune_ids).select_related("kreis")
    meine_kreise = Kreis.objects.filter(ags__in=scope.kreis_ids)

    offene = open_statusmeldungen(request.user, quartal)
    offene_liste = list(offene[: OFFENE_MELDUNGEN_LIMIT + 1])

    naechste_workshops = (
        Workshop.objects.visible_to(request.user)
        .filter(ende__gte=timezone.now())
        .select_related("kreis", "organisiert_von")
        .order_by("beginn")[:5]
    )
    return render(
        request,
        "portal/startseite.html",
        {
            "quartal": quartal,
            "scope": scope,
            "meine_kommunen": meine_kommunen,
            "meine_kreise": meine_kreise,
            "offene_meldungen": offene_liste[:OFFENE_MELDUNGEN_LIMIT],
            "weitere_offene": len(offene_liste) > OFFENE_MELDUNGEN_LIMIT,
            "naechste_workshops": naechste_workshops,
        },
    )

"""Draft lines of a Statusmeldung: results of the quarter's workshops that belong to the
Maßnahme (massnahmen.entwurf)."""

from __future__ import annotations

from django.utils import timezone

from massnahmen.entwurf import register_entwurfsquelle, zeitraum

from .models import Ergebnis


@register_entwurfsquelle("workshops")
def _results(massnahme, quartal):
    beginn, ende = zeitraum(quartal)
    ergebnisse = (
        Ergebnis.objects.filter(
            massnahme=massnahme, workshop__beginn__gte=beginn, workshop__beginn__lt=ende
        )
        .select_related("workshop")
        .order_by("workshop__beginn", "pk")
    )
    zeilen = []
    for e in ergebnisse:
        tag = timezone.localdate(e.workshop.beginn)
        zeilen.append(
            (
                tag,
                f"Workshop „{e.workshop.titel}“ am {tag:%d.%m.%Y}: {' '.join(e.beschreibung.split())} "
                f"({e.get_status_display()})",
            )
        )
    return zeilen

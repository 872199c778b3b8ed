"""Draft lines of a Statusmeldung: Reifegrad changes of the OZG services of the Maßnahme's
Kommunen (lead and partners) in the quarter, from the change history (massnahmen.entwurf)."""

from __future__ import annotations

from django.utils import timezone

from massnahmen.entwurf import register_entwurfsquelle, zeitraum

from .models import Umsetzungsstand


@register_entwurfsquelle("ozg")
def _reifegrade(massnahme, quartal):
    kommunen = {massnahme.federfuehrend_id, *massnahme.beteiligte.values_list("pk", flat=True)}
    kommunen.discard(None)
    if not kommunen:
        return []
    beginn, ende = zeitraum(quartal)
    historie = Umsetzungsstand.history.model.objects
    im_quartal = list(
        historie.filter(kommune_id__in=kommunen, history_date__gte=beginn, history_date__lt=ende)
        .select_related("leistung", "kommune")
        .order_by("id", "history_date", "history_id")
    )
    letzte = {}
    for zeile in im_quartal:
        letzte[zeile.id] = zeile  # the state at the quarter's end
    vorher = {}
    for zeile in historie.filter(id__in=letzte, history_date__lt=beginn).order_by(
        "id", "history_date", "history_id"
    ):
        vorher[zeile.id] = zeile.reifegrad  # the state at the quarter's start
    zeilen = []
    for stand_id, stand in letzte.items():
        alt = vorher.get(stand_id)
        if stand.history_type == "-" or alt == stand.reifegrad:
            continue
        tag = timezone.localdate(stand.history_date)
        wie = (
            f"Reifegrad {stand.reifegrad} erfasst"
            if alt is None
            else f"Reifegrad von {alt} auf {stand.reifegrad}"
        )
        zeilen.append((tag, f"OZG-Leistung „{stand.leistung.name}“ in {stand.kommune.name}: {wie}"))
    return zeilen

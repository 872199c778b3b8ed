"""The draft of "Was wurde erreicht?" for a new Statusmeldung, from the quarter's events.

Every app contributes the events it knows (registered in its AppConfig.ready(), so no
import points up the chain): this module the milestones reached and documents added,
foerderung the drawdowns paid, workshops the workshop results, ozg the Reifegrad changes.
Each event is one line ("- …"), oldest first; the CDO keeps or deletes lines in the text
field and only adds what the events do not say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from core.quartal import Quartal

from .models import Massnahme

# (massnahme, quartal) -> [(date, line text)]
Quelle = Callable[[Massnahme, Quartal], list[tuple[dt.date, str]]]
QUELLEN: dict[str, Quelle] = {}
ZEILEN_HOECHSTENS = 25


def register_entwurfsquelle(schluessel: str):
    """Register the decorated function as a source of draft lines (idempotent on reload)."""

    def decorator(quelle: Quelle) -> Quelle:
        QUELLEN[schluessel] = quelle
        return quelle

    return decorator


def zeitraum(quartal: Quartal) -> tuple[dt.datetime, dt.datetime]:
    """The quarter as an aware [start, end) range, for timestamps."""
    beginn = timezone.make_aware(dt.datetime.combine(quartal.beginn, dt.time.min))
    ende = timezone.make_aware(dt.datetime.combine(quartal.next().beginn, dt.time.min))
    return beginn, ende


def erreicht_entwurf(*, massnahme: Massnahme, quartal: Quartal) -> str:
    """One line per event of the quarter, oldest first ("" when nothing happened)."""
    zeilen: list[tuple[dt.date, str, str]] = []
    for schluessel, quelle in QUELLEN.items():
        zeilen += [(datum, schluessel, text) for datum, text in quelle(massnahme, quartal)]
    zeilen.sort(key=lambda z: (z[0], z[1], z[2]))
    texte = [f"- {text}" for _, _, text in zeilen[:ZEILEN_HOECHSTENS]]
    if len(zeilen) > ZEILEN_HOECHSTENS:
        texte.append(f"- … und {len(zeilen) - ZEILEN_HOECHSTENS} weitere Ereignisse")
    return "\n".join(texte)


@register_entwurfsquelle("meilensteine")
def _meilensteine(massnahme: Massnahme, quartal: Quartal):
    return [
        (m.erreicht_am, f"Meilenstein „{m.titel}“ erreicht am {m.erreicht_am:%d.%m.%Y}")
        for m in massnahme.meilensteine.filter(
            erreicht_am__range=(quartal.beginn, quartal.ende)
        ).order_by("erreicht_am", "pk")
    ]


@register_entwurfsquelle("dokumente")
def _dokumente(massnahme: Massnahme, quartal: Quartal):
    beginn, ende = zeitraum(quartal)
    zeilen = []
    for anhang in massnahme.anhaenge.filter(
        hochgeladen_am__gte=beginn, hochgeladen_am__lt=ende
    ).order_by("hochgeladen_am", "pk"):
        tag = timezone.localdate(anhang.hochgeladen_am)
        zeilen.append(
            (
                tag,
                f"Dokument „{anhang.titel}“ ({anhang.get_art_display()}) am {tag:%d.%m.%Y} abgelegt",
            )
        )
    return zeilen

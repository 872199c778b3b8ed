"""Template tags of the OZG matrix."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def ozg_zelle(zelle, zurueck="", gespeichert=False, fokus=False):
    """One cell as shown (ozg.matrix.Zelle.anzeige_html)."""
    return zelle.anzeige_html(
        zurueck=zurueck or "", gespeichert=bool(gespeichert), fokus=bool(fokus)
    )

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


@register.simple_tag
def ozg_zellen(zeile, zurueck=""):
    """The cells of one matrix row (ozg.matrix.Zeile.zellen_html)."""
    return zeile.zellen_html(zurueck=zurueck or "")


@register.simple_tag
def ozg_abdeckung(zeile, oob=False):
    """The coverage cell of one matrix row (ozg.matrix.Zeile.abdeckung_html)."""
    return zeile.abdeckung_html(oob=bool(oob))

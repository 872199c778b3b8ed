"""Template tags of the OZG matrix."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def ozg_cell(zelle, zurueck="", gespeichert=False, fokus=False):
    """One cell as shown (ozg.matrix.Cell.as_html)."""
    return zelle.as_html(zurueck=zurueck or "", gespeichert=bool(gespeichert), fokus=bool(fokus))


@register.simple_tag
def ozg_cells(zeile, zurueck=""):
    """The cells of one matrix row (ozg.matrix.Zeile.zellen_html)."""
    return zeile.zellen_html(zurueck=zurueck or "")


@register.simple_tag
def ozg_abdeckung(zeile, oob=False):
    """The coverage cell of one matrix row (ozg.matrix.Zeile.abdeckung_html)."""
    return zeile.abdeckung_html(oob=bool(oob))

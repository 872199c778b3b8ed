"""Template filters of the strategy pages."""

from django import template

register = template.Library()


@register.filter
def kennzahl_wert(kennzahl, wert) -> str:
    """`{{ k|kennzahl_wert:stand.ist }}` → `12,5 %` (German, with the Kennzahl's unit)."""
    return kennzahl.format(wert)

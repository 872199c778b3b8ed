"""Template filters shared by every app: German money and numbers, dict access."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def euro(value):
    return formatting.euro(value)


@register.filter
def zahl(value, stellen=0):
    return formatting.zahl(value, int(stellen))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None

"""Template filters shared by every app: German money, numbers and quarters, dict access."""

import itertools
import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import formatting
from core import quartal as quartale
from core.formularfeld import formularfeld as formularfeld_

register = template.Library()


@register.filter
def euro(value):
    return formatting.euro(value)


@register.filter
def zahl(value, stellen=0):
    return formatting.zahl(value, int(stellen))


@register.filter
def quartal(value):
    """`2026-Q3` (or a Quartal) → `3. Quartal 2026`."""
    return quartale.quartal_text(value)


@register.filter
def quartal_kurz(value):
    """`2026-Q3` (or a Quartal) → `Q3/2026`, where space is short."""
    return quartale.quartal_kurz(value)


@register.simple_tag
def formularfeld(field, label="", hilfe_unten=False):
    """`{% formularfeld field [label] [hilfe_unten] %}`: includes/form_field.html in Python."""
    return formularfeld_(field, label, hilfe_unten)


class _ScrollbereichNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        inhalt = self.nodelist.render(context)
        # Numbered per rendering, not random: the same data gives the same page, so its
        # content ETag holds and a conditional request gets its 304 (issue 17, point 4).
        zaehler = context.dicts[0].setdefault("_scrollbereiche", itertools.count(1))
        bereich_id = f"tabelle-{next(zaehler)}"
        # The region is named by the table's own caption (every table has one).
        inhalt, gefunden = _CAPTION.subn(rf'\1 id="{bereich_id}"', inhalt, count=1)
        if not gefunden:
            raise template.TemplateSyntaxError("{% scrollbereich %} braucht eine <caption>.")
        return format_html(
            '<div class="table-scroll" role="region" aria-labelledby="{}" tabindex="0">{}</div>',
            bereich_id,
            mark_safe(inhalt),  # noqa: S308 - the rendered template, already escaped
        )


_CAPTION = re.compile(r"(<caption\b)(?![^>]*\bid=)")


@register.tag
def scrollbereich(parser, token):
    """`{% scrollbereich %}<table><caption>…</caption>…</table>{% endscrollbereich %}`: a table
    wider than the screen scrolls inside its own keyboard-reachable region, named by its
    caption, instead of widening the page (WCAG 1.4.10 Reflow)."""
    nodelist = parser.parse(("endscrollbereich",))
    parser.delete_first_token()
    return _ScrollbereichNode(nodelist)

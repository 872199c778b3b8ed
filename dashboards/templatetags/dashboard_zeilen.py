"""The Kommunen table of /dashboard/, rendered in Python (issue 19).

Three counts per Kommune, each a link with a spoken label in singular or plural: through
the template engine (three {% blocktranslate %} per row) the sixteen rows of Lippe cost
more than all other tables of the page together. `kommunen_zeilen` gives the same bytes
as the loop in `dashboards/dashboard.html` did (tests/dashboards/test_dashboard_zeilen.py
compares them with that loop).
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from core.formatting import zahl

register = template.Library()


def _link(url: str, anzahl: int, einzahl: str, mehrzahl: str, **werte) -> str:
    label = ngettext(einzahl, mehrzahl, anzahl) % {
        "wert": esc(zahl(anzahl)),
        **{name: esc(wert) for name, wert in werte.items()},
    }
    return f'<a href="{esc(url)}" aria-label="{label}">{esc(zahl(anzahl))}</a>'


def _row(kommune, url: str, ozg_link: str | None) -> str:
    genitiv = kommune.genitiv
    federfuehrend = _link(
        url,
        kommune.anzahl_federfuehrend,
        "%(wert)s Maßnahme unter Federführung %(genitiv)s",
        "%(wert)s Maßnahmen unter Federführung %(genitiv)s",
        genitiv=genitiv,
    )
    beteiligt = _link(
        url,
        kommune.anzahl_beteiligt,
        "%(wert)s Maßnahme mit Beteiligung %(genitiv)s",
        "%(wert)s Maßnahmen mit Beteiligung %(genitiv)s",
        genitiv=genitiv,
    )
    if ozg_link:
        ozg = _link(
            ozg_link,
            kommune.anzahl_ozg_online,
            "%(wert)s OZG-Leistung online %(ort)s",
            "%(wert)s OZG-Leistungen online %(ort)s",
            ort=kommune.lokativ,
        )
    else:
        ozg = esc(zahl(kommune.anzahl_ozg_online))
    return (
        "\n      <tr>\n"
        f'        <th scope="row"><a href="{esc(kommune.get_absolute_url())}">'
        f"{esc(kommune.name)}</a></th>\n"
        f'        <td class="num">{federfuehrend}</td>\n'
        f'        <td class="num">{beteiligt}</td>\n'
        f'        <td class="num">{ozg}</td>\n'
        "      </tr>\n    "
    )


@register.simple_tag
def kommunen_zeilen(kommunen, kreis, ozg_url=""):
    """`{% kommunen_zeilen kommunen kreis ozg_url %}`: one `<tr>` per (Kommune, list URL)."""
    ozg_link = f"{ozg_url}?kreis={kreis.ags}" if ozg_url else None
    return mark_safe("".join(_row(kommune, url, ozg_link) for kommune, url in kommunen))

"""The rows of the Maßnahmen list, rendered in Python (issue 19).

A page of the list has up to 25 rows of eight cells; through the template engine they
took about a sixth of the page's server time. `massnahmen_zeilen` gives the same bytes as
the row loop of `massnahmen/massnahme_list.html` did (tests/massnahmen/test_liste_zeilen.py
compares them with that loop).
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.dateformat import format as datum_format
from django.utils.formats import localize
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe

register = template.Library()


def _federfuehrung(m, eigene_kreise) -> str:
    # Rows led by another Kreis (a partner's, a Region-visible one) say who leads them.
    if eigene_kreise and m.kreis_id not in eigene_kreise:
        return f'<span class="meta">federführend: {esc(m.federfuehrung_mit_kreis)}</span>'
    return esc(m.federfuehrung_anzeige)


def _zeile(m, eigene_kreise, detail_url: str) -> str:
    archiviert = ' <span class="meta">(archiviert)</span>' if m.archiviert else ""
    ende = datum_format(m.ende_geplant, "d.m.Y") if m.ende_geplant else "–"
    return (
        "\n    <tr>\n"
        f'      <th scope="row"><a href="{detail_url.format(pk=m.pk)}">{esc(m.titel)}</a>'
        f"{archiviert}</th>\n"
        f"      <td>{esc(m.handlungsfeld)}</td>\n"
        f"      <td>{_federfuehrung(m, eigene_kreise)}</td>\n"
        f"      <td>{esc(m.get_status_display())}</td>\n"
        f'      <td class="num">{m.fortschritt} %</td>\n'
        f'      <td><span class="ampel ampel-{esc(m.ampel)}">{esc(m.get_ampel_display())}</span></td>\n'
        f"      <td>{esc(ende)}</td>\n"
        f'      <td class="num">{localize(m.anzahl_nachnutzungen)}</td>\n'
        "    </tr>\n  "
    )


@register.simple_tag
def massnahmen_zeilen(massnahmen, eigene_kreise=None):
    """`{% massnahmen_zeilen object_list eigene_kreise %}`: the `<tr>` of every Maßnahme."""
    # Massnahme.get_absolute_url, reversed once per page instead of once per row.
    platzhalter = 1_000_000_001
    detail_url = esc(reverse("massnahmen:detail", kwargs={"pk": platzhalter})).replace(
        str(platzhalter), "{pk}"
    )
    return mark_safe("".join(_zeile(m, eigene_kreise, detail_url) for m in massnahmen))

"""The Maßnahmen list renders its rows and header in Python (massnahmen.tables.MassnahmeTable):
the same bytes as the template loop and header includes they replaced, for rows of the user's
own Kreis and of another, archived, without planned end, and with characters that need
escaping."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import engines

from massnahmen.models import Ampel, Massnahme
from massnahmen.tables import MassnahmeTable
from massnahmen.views import massnahmen_for_list
from tests.factories import KommuneFactory, KreisFactory, MassnahmeFactory, UserFactory

# The row loop of massnahmen/massnahme_list.html before issue 19, the reference.
SCHLEIFE = """  {% for m in object_list %}
    <tr>
      <th scope="row"><a href="{{ m.get_absolute_url }}">{{ m.titel }}</a>{% if m.archiviert %} <span class="meta">(archiviert)</span>{% endif %}</th>
      <td>{{ m.handlungsfeld }}</td>
      <td>{% if eigene_kreise and m.kreis_id not in eigene_kreise %}<span class="meta">federführend: {{ m.federfuehrung_with_kreis }}</span>{% else %}{{ m.federfuehrung_display }}{% endif %}</td>
      <td>{{ m.get_status_display }}</td>
      <td class="num">{{ m.fortschritt }} %</td>
      <td><span class="ampel ampel-{{ m.ampel }}">{{ m.get_ampel_display }}</span></td>
      <td>{{ m.ende_geplant|date:"d.m.Y"|default:"–" }}</td>
      <td class="num">{{ m.anzahl_nachnutzungen }}</td>
    </tr>
  {% endfor %}"""

pytestmark = pytest.mark.django_db


def test_same_html_as_the_template_loop():
    eigener, anderer = KreisFactory(), KreisFactory()
    MassnahmeFactory(kreis=eigener, titel='Dorf-App "Lemgo" & <Umland>', ampel=Ampel.ROT)
    MassnahmeFactory(kreis=eigener, archiviert=True, ende_geplant=None, fortschritt=100)
    MassnahmeFactory(kreis=eigener, federfuehrend=None, status=Massnahme.Status.IDEE)
    MassnahmeFactory(kreis=anderer, federfuehrend=KommuneFactory(kreis=anderer, name="Bad <X>"))
    MassnahmeFactory(kreis=anderer, federfuehrend=None, ende_geplant=dt.date(2030, 1, 5))
    zeilen = list(massnahmen_for_list(UserFactory(is_superuser=True)).order_by("pk"))
    assert len(zeilen) == 5
    vorlage = engines["django"].from_string(SCHLEIFE)
    for eigene in (frozenset({eigener.ags}), frozenset()):
        erwartet = vorlage.render({"object_list": zeilen, "eigene_kreise": eigene})
        assert "  " + MassnahmeTable(zeilen, eigene_kreise=eigene).zeilen() == erwartet
    fremd = MassnahmeTable(zeilen, eigene_kreise={eigener.ags}).zeilen().split("<tr>")[4]
    assert '<span class="meta">federführend: Stadt Bad &lt;X&gt; (' in fremd


# The header of massnahmen/massnahme_list.html before issue 20: per column the former
# includes/sort_header.html.
SORT_HEADER = (
    '<th scope="col" aria-sort="{{ link.aria_sort }}"{% if num %} class="num"{% endif %}>'
    '<a href="{{ link.url }}">{{ label }}<span class="visually-hidden">, sortieren</span></a></th>'
)
KOPF = [
    ("titel", "Maßnahme", False),
    ("handlungsfeld", "Handlungsfeld", False),
    ("federfuehrung", "Federführung", False),
    ("status", "Status", False),
    ("fortschritt", "Fortschritt", True),
    ("ampel", "Ampel", False),
    ("ende", "geplantes Ende", False),
    ("nachnutzungen", "Nachnutzungen", True),
]


def test_header_has_a_sort_link_with_aria_sort_per_column():
    sort = {
        key: {"url": f"?q=a&b&sortierung={key}", "aria_sort": "none"}
        for key in MassnahmeTable.sortierungen()
    }
    sort["fortschritt"]["aria_sort"] = "descending"
    vorlage = engines["django"].from_string(SORT_HEADER)
    erwartet = "\n      ".join(
        vorlage.render({"link": sort[key], "label": label, "num": num}) for key, label, num in KOPF
    )
    kopf = MassnahmeTable([], sort_links=sort, eigene_kreise=frozenset()).kopf()
    assert _attribute_sortiert(kopf) == _attribute_sortiert(erwartet)
    assert 'aria-sort="descending"' in kopf and "sortierung=fortschritt" in kopf
    assert list(MassnahmeTable.sortierungen())[0] == "handlungsfeld"


def _attribute_sortiert(html: str) -> str:
    """The markup with each tag's attributes in alphabetical order and no white space between
    tags (neither means anything in a table header)."""

    def tag(match):
        name, attrs = match.group(1), re.findall(r'\s([\w-]+="[^"]*")', match.group(2))
        return "<" + " ".join([name, *sorted(attrs)]) + ">"

    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r"<(\w+)((?:\s[\w-]+=\"[^\"]*\")*)>", tag, html)

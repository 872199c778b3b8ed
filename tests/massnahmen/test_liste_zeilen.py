"""The Maßnahmen list renders its rows in Python (massnahmen_liste.massnahmen_zeilen): the
same bytes as the template loop it replaced, for rows of the user's own Kreis and of
another, archived, without planned end, and with characters that need escaping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines

from massnahmen.models import Ampel, Massnahme
from massnahmen.templatetags.massnahmen_liste import massnahmen_zeilen
from massnahmen.views import massnahmen_fuer_liste
from tests.factories import KommuneFactory, KreisFactory, MassnahmeFactory, UserFactory

# The row loop of massnahmen/massnahme_list.html before issue 19, the reference.
SCHLEIFE = """  {% for m in object_list %}
    <tr>
      <th scope="row"><a href="{{ m.get_absolute_url }}">{{ m.titel }}</a>{% if m.archiviert %} <span class="meta">(archiviert)</span>{% endif %}</th>
      <td>{{ m.handlungsfeld }}</td>
      <td>{% if eigene_kreise and m.kreis_id not in eigene_kreise %}<span class="meta">federführend: {{ m.federfuehrung_mit_kreis }}</span>{% else %}{{ m.federfuehrung_anzeige }}{% endif %}</td>
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
    zeilen = list(massnahmen_fuer_liste(UserFactory(is_superuser=True)).order_by("pk"))
    assert len(zeilen) == 5
    vorlage = engines["django"].from_string(SCHLEIFE)
    for eigene in (frozenset({eigener.ags}), frozenset()):
        erwartet = vorlage.render({"object_list": zeilen, "eigene_kreise": eigene})
        assert "  " + massnahmen_zeilen(zeilen, eigene) == erwartet
    fremd = massnahmen_zeilen(zeilen, {eigener.ags}).split("<tr>")[4]
    assert '<span class="meta">federführend: Stadt Bad &lt;X&gt; (' in fremd

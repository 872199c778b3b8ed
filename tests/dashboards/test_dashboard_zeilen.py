"""The Kommunen table of /dashboard/ renders its rows in Python (dashboard_zeilen): the same
bytes as the template loop it replaced, with singular and plural spoken labels, names that
need escaping, and with and without the OZG matrix link."""

from __future__ import annotations

from django.template import engines
from django.utils.text import slugify

from dashboards.templatetags.dashboard_zeilen import kommunen_zeilen
from kommunen.models import Kommune
from tests.factories import KommuneFactory, KreisFactory

# The row loop of dashboards/dashboard.html before issue 19, the reference.
SCHLEIFE = """{% load i18n portal %}    {% for kommune, url in kommunen %}
      <tr>
        <th scope="row"><a href="{{ kommune.get_absolute_url }}">{{ kommune.name }}</a></th>
        <td class="num"><a href="{{ url }}" aria-label="{% blocktranslate with wert=kommune.anzahl_federfuehrend|zahl genitiv=kommune.genitiv count anzahl=kommune.anzahl_federfuehrend %}{{ wert }} Maßnahme unter Federführung {{ genitiv }}{% plural %}{{ wert }} Maßnahmen unter Federführung {{ genitiv }}{% endblocktranslate %}">{{ kommune.anzahl_federfuehrend|zahl }}</a></td>
        <td class="num"><a href="{{ url }}" aria-label="{% blocktranslate with wert=kommune.anzahl_beteiligt|zahl genitiv=kommune.genitiv count anzahl=kommune.anzahl_beteiligt %}{{ wert }} Maßnahme mit Beteiligung {{ genitiv }}{% plural %}{{ wert }} Maßnahmen mit Beteiligung {{ genitiv }}{% endblocktranslate %}">{{ kommune.anzahl_beteiligt|zahl }}</a></td>
        <td class="num">{% if ozg_url %}<a href="{{ ozg_url }}?kreis={{ kreis.ags }}" aria-label="{% blocktranslate with wert=kommune.anzahl_ozg_online|zahl ort=kommune.lokativ count anzahl=kommune.anzahl_ozg_online %}{{ wert }} OZG-Leistung online {{ ort }}{% plural %}{{ wert }} OZG-Leistungen online {{ ort }}{% endblocktranslate %}">{{ kommune.anzahl_ozg_online|zahl }}</a>{% else %}{{ kommune.anzahl_ozg_online|zahl }}{% endif %}</td>
      </tr>
    {% endfor %}"""


def _kommune(name, typ, federfuehrend, beteiligt, online):
    kommune = KommuneFactory.build(name=name, typ=typ, slug=slugify(name))
    kommune.anzahl_federfuehrend = federfuehrend
    kommune.anzahl_beteiligt = beteiligt
    kommune.anzahl_ozg_online = online
    return kommune


def test_same_html_as_the_template_loop():
    kreis = KreisFactory.build(ags="05766")
    kommunen = [
        (_kommune("Detmold", Kommune.Typ.STADT, 1, 0, 1234), "/massnahmen/?kreis=05766&kommune=1"),
        (_kommune("Dörentrup & <Umland>", Kommune.Typ.GEMEINDE, 0, 1, 1), "/massnahmen/?a=<b>"),
        (_kommune("Lemgo", Kommune.Typ.STADT, 12, 3, 0), "/massnahmen/?kommune=3"),
    ]
    vorlage = engines["django"].from_string(SCHLEIFE)
    for ozg_url in ("/ozg/", ""):
        erwartet = vorlage.render({"kommunen": kommunen, "kreis": kreis, "ozg_url": ozg_url})
        assert "    " + kommunen_zeilen(kommunen, kreis, ozg_url) == erwartet
    html = kommunen_zeilen(kommunen, kreis, "/ozg/")
    assert 'aria-label="1 Maßnahme unter Federführung der Stadt Detmold"' in html
    assert 'aria-label="12 Maßnahmen unter Federführung der Stadt Lemgo"' in html

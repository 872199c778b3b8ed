"""The 403 page says what the refused user lacks, which roles they hold, and leads back."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from tests.factories import MassnahmeFactory

pytestmark = pytest.mark.django_db


def _main_text(response) -> str:
    return " ".join(lxml_html.fromstring(response.content.decode()).xpath("string(//main)").split())


def test_a_cdo_of_another_kommune_learns_which_right_is_missing_and_gets_a_way_back(welt, login):
    m = MassnahmeFactory(
        kreis=welt.lippe, federfuehrend=welt.detmold, handlungsfeld=welt.handlungsfeld
    )
    client = login(welt.users["cdo_andere"])
    response = client.get(
        f"/massnahmen/{m.pk}/bearbeiten/", HTTP_REFERER=f"http://testserver/massnahmen/{m.pk}/"
    )
    assert response.status_code == 403
    text = _main_text(response)
    assert "Ihnen fehlt die Berechtigung „Maßnahme bearbeiten“ für diese Seite." in text
    assert "Digitalisierungsbeauftragte(r) einer Kommune: Lemgo" in text
    seite = lxml_html.fromstring(response.content.decode())
    assert seite.xpath("//main//a[normalize-space()='Zurück']/@href") == [
        f"http://testserver/massnahmen/{m.pk}/"
    ]


def test_without_a_referer_back_leads_one_level_up_and_never_to_another_site(welt, login):
    m = MassnahmeFactory(
        kreis=welt.lippe, federfuehrend=welt.detmold, handlungsfeld=welt.handlungsfeld
    )
    client = login(welt.users["region"])
    response = client.get(f"/massnahmen/{m.pk}/bearbeiten/", HTTP_REFERER="https://boese.example/")
    assert response.status_code == 403
    seite = lxml_html.fromstring(response.content.decode())
    assert seite.xpath("//main//a[normalize-space()='Zurück']/@href") == [f"/massnahmen/{m.pk}/"]
    assert "Regionale Koordination (DigitalBüro)" in _main_text(response)

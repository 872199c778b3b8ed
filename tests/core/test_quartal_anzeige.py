"""Quarters reach people as "3. Quartal 2026" (text) or "Q3/2026" (short), never as the
stored form "2026-Q3" (issue 18, point 5). URLs and form values may keep the stored form."""

import re

import pytest

from berichte.models import Quartalsbericht
from core.quartal import Quartal
from tests.factories import KennzahlFactory, StatusmeldungFactory, ZielFactory

GESPEICHERT = re.compile(r"\b\d{4}-Q[1-4]\b")


def sichtbarer_text(response) -> str:
    """What a reader sees: the page without scripts, styles and tag attributes."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("rolle", "adresse"),
    [
        ("kreis", "/dashboard/"),
        ("region", "/region/"),
        ("kreis", "/berichte/"),
        ("cdo_andere", "massnahme"),
        ("kreis", "kennzahl"),
        ("kreis", "/massnahmen/"),
        ("kreis", "/strategie/"),
        ("region", "/strategie/vergleich/"),
        ("kreis", "/kommunen/detmold/"),
        ("anonym", "/oeffentlich/"),
    ],
)
def test_pages_print_quarters_for_people(welt, login, rolle, adresse):
    vorquartal = Quartal.current().previous()
    StatusmeldungFactory(massnahme=welt.massnahme, quartal=str(vorquartal))
    Quartalsbericht.objects.create(kreis=welt.lippe, quartal=str(vorquartal), version=1)
    kennzahl = KennzahlFactory(  # its chart runs along the last quarters
        ziel=ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld)
    )
    adresse = {
        "massnahme": f"/massnahmen/{welt.massnahme.pk}/",
        "kennzahl": f"/strategie/kennzahlen/{kennzahl.pk}/",
    }.get(adresse, adresse)

    response = login(welt.users[rolle]).get(adresse)

    assert response.status_code == 200
    text = sichtbarer_text(response)
    assert GESPEICHERT.findall(text) == []
    if adresse in ("/dashboard/", "/region/", "/berichte/") or "kennzahlen" in adresse:
        assert vorquartal.label in text or vorquartal.kurz in text

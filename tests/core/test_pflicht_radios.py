"""A required radio group offers only real choices: no "---------" button, no button with an
empty value, and one choice is checked or the group is required (issue 18, point 5)."""

import re

import pytest

from tests.factories import ZielFactory

RADIO = re.compile(r"<input[^>]*type=\"radio\"[^>]*>")


def radios(html: str) -> dict[str, list[str]]:
    gruppen: dict[str, list[str]] = {}
    for tag in RADIO.findall(html):
        name = re.search(r'name="([^"]*)"', tag).group(1)
        gruppen.setdefault(name, []).append(tag)
    return gruppen


@pytest.mark.parametrize(
    ("rolle", "seite", "gruppen"),
    [
        ("cdo_eigen", "statusmeldung", {"ampel"}),
        ("kreis", "kennzahl_neu", {"richtung", "ebene"}),
        ("kreis", "/berichte/", {"variante"}),
    ],
)
def test_required_radio_groups_have_no_empty_choice(welt, login, rolle, seite, gruppen):
    ziel = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld)
    adresse = {
        "statusmeldung": f"/massnahmen/{welt.massnahme.pk}/statusmeldung/",
        "kennzahl_neu": f"/strategie/ziele/{ziel.pk}/kennzahlen/neu/",
    }.get(seite, seite)

    html = login(welt.users[rolle]).get(adresse).content.decode()

    gefunden = radios(html)
    assert gruppen <= set(gefunden), gefunden.keys()
    assert "---------" not in html
    for name in gruppen:
        for tag in gefunden[name]:
            assert 'value=""' not in tag, tag
            assert "required" in tag, tag

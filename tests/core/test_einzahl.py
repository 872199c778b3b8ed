"""One of a thing reads as one: counts that can be 1 go through ngettext (issue 18, point 5)."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from massnahmen.imports import MAX_FEHLER, fehler_eintrag, limit
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def test_a_workshop_for_one_person_says_so(welt, login):
    workshop = WorkshopFactory(kreis=welt.lippe, max_teilnehmende=1)
    seite = login(welt.users["kreis"]).get(workshop.get_absolute_url()).content.decode()
    text = " ".join(lxml_html.fromstring(seite).xpath("string(//main)").split())
    assert "höchstens 1 Person" in text
    assert "1 Teilnehmende" not in text


def test_many_errors_in_one_row_are_in_one_zeile():
    fehler = [fehler_eintrag(2, "Titel", "falsch") for _ in range(MAX_FEHLER + 3)]
    letzte = limit(fehler)[-1]["meldung"]
    assert (
        letzte
        == f"… und 3 weitere Fehler (insgesamt {MAX_FEHLER + 3:,} Fehler in 1 Zeile).".replace(
            ",", "."
        )
    )

"""The Statusmeldung that writes itself: "Was wurde erreicht?" of a new Statusmeldung is
drafted from the quarter's own events, one line each (milestones reached, documents
added, drawdowns paid, workshop results, Reifegrad changes); an existing Statusmeldung
keeps its text (issue 13: the form never shows older or other values than stored)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.quartal import Quartal
from foerderung.models import Mittelabruf
from massnahmen.entwurf import erreicht_entwurf
from massnahmen.models import Anhang
from ozg.models import Umsetzungsstand
from tests.factories import (
    FoerderbescheidFactory,
    MeilensteinFactory,
    MittelabrufFactory,
    OzgLeistungFactory,
    StatusmeldungFactory,
    UmsetzungsstandFactory,
    WorkshopFactory,
)
from tests.massnahmen.test_statusmeldung import _formulardaten
from workshops.models import Ergebnis

pytestmark = pytest.mark.django_db

Q3 = Quartal(2026, 3)


def um(tag: dt.date, stunde: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(tag, dt.time(stunde)))


def anhang(massnahme, titel, am):
    a = Anhang.objects.create(
        massnahme=massnahme,
        titel=titel,
        art=Anhang.Art.KONZEPT,
        datei=SimpleUploadedFile("konzept.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    Anhang.objects.filter(pk=a.pk).update(hochgeladen_am=am)
    return a


def reifegrad_aendern(stand, neu, am):
    stand.reifegrad = neu
    stand.save()
    historie = Umsetzungsstand.history.model.objects
    historie.filter(pk=historie.filter(id=stand.pk).latest("history_id").pk).update(history_date=am)


@pytest.fixture
def quartal_q3(welt, settings, tmp_path):
    """The third quarter 2026 of the Detmold Maßnahme, with events before, in and after it."""
    settings.MEDIA_ROOT = tmp_path
    m = welt.massnahme
    MeilensteinFactory(
        massnahme=m,
        titel="Pilotamt angebunden",
        faellig_am=dt.date(2026, 8, 1),
        erreicht_am=dt.date(2026, 8, 12),
    )
    MeilensteinFactory(
        massnahme=m,
        titel="Im Juni erreicht",
        faellig_am=dt.date(2026, 6, 1),
        erreicht_am=dt.date(2026, 6, 30),
    )
    MeilensteinFactory(massnahme=m, titel="Noch offen", faellig_am=dt.date(2026, 9, 1))
    anhang(m, "Betriebskonzept", um(dt.date(2026, 7, 3)))
    anhang(m, "Altes Konzept", um(dt.date(2026, 3, 3)))
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe, zuwendungsempfaenger=welt.detmold, aktenzeichen="34.2-IKZ-2021/042"
    )
    bescheid.massnahmen.add(m)
    MittelabrufFactory(
        bescheid=bescheid,
        datum=dt.date(2026, 9, 1),
        betrag=Decimal("50000"),
        status=Mittelabruf.Status.AUSGEZAHLT,
        ausgezahlt_am=dt.date(2026, 9, 15),
    )
    MittelabrufFactory(
        bescheid=bescheid,
        datum=dt.date(2026, 9, 20),
        betrag=Decimal("1000"),
        status=Mittelabruf.Status.BEANTRAGT,
    )
    workshop = WorkshopFactory(
        kreis=welt.lippe, titel="CDO-Runde August", beginn=um(dt.date(2026, 8, 20), 14)
    )
    Ergebnis.objects.create(
        workshop=workshop,
        beschreibung="Musterprozess\nfür alle Kommunen",
        massnahme=m,
        status=Ergebnis.Status.ERLEDIGT,
    )
    Ergebnis.objects.create(workshop=workshop, beschreibung="Gehört zu nichts")
    stand = UmsetzungsstandFactory(
        leistung=OzgLeistungFactory(name="Wohnsitzanmeldung"), kommune=welt.blomberg, reifegrad=2
    )
    historie = Umsetzungsstand.history.model.objects
    historie.filter(id=stand.pk).update(history_date=um(dt.date(2026, 5, 1)))
    reifegrad_aendern(stand, 4, um(dt.date(2026, 9, 2)))
    unveraendert = UmsetzungsstandFactory(
        leistung=OzgLeistungFactory(name="Hundesteuer"), kommune=welt.detmold, reifegrad=3
    )
    historie.filter(id=unveraendert.pk).update(history_date=um(dt.date(2026, 5, 1)))
    reifegrad_aendern(unveraendert, 3, um(dt.date(2026, 9, 3)))
    anderswo = UmsetzungsstandFactory(
        leistung=OzgLeistungFactory(name="Gewerbeanmeldung"), kommune=welt.lemgo, reifegrad=1
    )
    reifegrad_aendern(anderswo, 5, um(dt.date(2026, 9, 4)))
    return m


def test_the_draft_of_a_fixture_quarter(quartal_q3):
    assert erreicht_entwurf(massnahme=quartal_q3, quartal=Q3) == "\n".join(
        [
            "- Dokument „Betriebskonzept“ (Konzept) am 03.07.2026 abgelegt",
            "- Meilenstein „Pilotamt angebunden“ erreicht am 12.08.2026",
            "- Workshop „CDO-Runde August“ am 20.08.2026: Musterprozess für alle Kommunen (erledigt)",
            "- OZG-Leistung „Wohnsitzanmeldung“ in Blomberg: Reifegrad von 2 auf 4",
            "- Mittelabruf über 50.000,00\u00a0€ aus Förderbescheid 34.2-IKZ-2021/042 ausgezahlt am 15.09.2026",
        ]
    )


def test_a_quiet_quarter_has_no_draft(welt):
    assert erreicht_entwurf(massnahme=welt.massnahme, quartal=Q3) == ""


def test_the_form_of_a_new_statusmeldung_is_prefilled_with_the_draft(
    welt, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    heute = timezone.localdate()
    MeilensteinFactory(
        massnahme=welt.massnahme, titel="Go-live", faellig_am=heute, erreicht_am=heute
    )
    anhang(welt.massnahme, "Abnahmeprotokoll", timezone.now())
    # The previous quarter's texts are a starting point for the rest.
    StatusmeldungFactory(
        massnahme=welt.massnahme,
        quartal=str(Quartal.current().previous()),
        erreicht="Alter Text",
        naechste_schritte="Rollout in Lemgo",
    )
    client = login(welt.users["cdo_eigen"])
    url = f"/massnahmen/{welt.massnahme.pk}/statusmeldung/"
    response = client.get(url)
    html = response.content.decode()
    form = response.context["form"]
    assert form["erreicht"].value() == (
        f"- Dokument „Abnahmeprotokoll“ (Konzept) am {heute:%d.%m.%Y} abgelegt\n"
        f"- Meilenstein „Go-live“ erreicht am {heute:%d.%m.%Y}"
    )
    assert form["naechste_schritte"].value() == "Rollout in Lemgo"
    assert "ist ein Entwurf aus dem, was im" in html and "eine Zeile je Ereignis" in html

    # The CDO deletes a line, adds the next steps and saves: exactly that is stored.
    daten = {
        **_formulardaten(form),
        "erreicht": f"- Meilenstein „Go-live“ erreicht am {heute:%d.%m.%Y}",
        "naechste_schritte": "Schulung aller Ämter",
    }
    assert client.post(url, daten).status_code == 302
    meldung = welt.massnahme.statusmeldungen.get(quartal=str(Quartal.current()))
    assert meldung.erreicht == f"- Meilenstein „Go-live“ erreicht am {heute:%d.%m.%Y}"
    assert meldung.naechste_schritte == "Schulung aller Ämter"

    # Opened again, the form shows what is stored, not a fresh draft.
    wieder = client.get(url)
    assert wieder.context["form"]["erreicht"].value() == meldung.erreicht
    assert "ist ein Entwurf aus dem" not in wieder.content.decode()


def test_an_existing_statusmeldung_keeps_its_text_after_new_events(welt, login):
    heute = timezone.localdate()
    StatusmeldungFactory(
        massnahme=welt.massnahme, quartal=str(Quartal.current()), erreicht="Von Hand geschrieben"
    )
    MeilensteinFactory(
        massnahme=welt.massnahme, titel="Später erreicht", faellig_am=heute, erreicht_am=heute
    )
    response = login(welt.users["cdo_eigen"]).get(f"/massnahmen/{welt.massnahme.pk}/statusmeldung/")
    assert response.context["form"]["erreicht"].value() == "Von Hand geschrieben"

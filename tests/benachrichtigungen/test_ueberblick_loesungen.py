"""The weekly overview's new solutions for the Kommune's gaps (issue 16, point 4): the
catalogue entries of „Wer hat das schon?“ (ozg.wer_hat_das_schon, one definition) that
entered the catalogue since the person's last weekly overview, only those they may read,
as they arrive through a real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from benachrichtigungen.models import Mail, Mailpraeferenz
from benachrichtigungen.ueberblick import wochenueberblick
from massnahmen.models import Massnahme, Sichtbarkeit
from tests.benachrichtigungen.smtp import teile
from tests.factories import MassnahmeFactory

pytestmark = pytest.mark.django_db

CDO = "cdo.detmold@example.invalid"


def naechster_montag() -> dt.date:
    """A Monday after today: the week before it holds this moment."""
    heute = timezone.localdate()
    return heute + dt.timedelta(days=7 - heute.weekday())


def vor(tage: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=tage)


def loesung(welt, titel, **kwargs) -> Massnahme:
    """A solution of Herford (Detmold's size class) in Detmold's Handlungsfeld."""
    kwargs.setdefault("status", Massnahme.Status.IN_UMSETZUNG)
    kwargs.setdefault("sichtbarkeit", Sichtbarkeit.REGION)
    return MassnahmeFactory(
        titel=titel,
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        **kwargs,
    )


def zurueckdatieren(massnahme, tage: int) -> None:
    """As if the Maßnahme had been entered `tage` days ago."""
    Massnahme.history.filter(id=massnahme.pk).update(history_date=vor(tage))
    Massnahme.objects.filter(pk=massnahme.pk).update(erstellt_am=vor(tage))


def letzter_ueberblick(person, montag: dt.date) -> None:
    jahr, woche, _ = montag.isocalendar()
    Mail.objects.create(
        schluessel=f"woche:{jahr}-W{woche:02d}:{person.pk}",
        empfaenger=person,
        adresse=person.email,
        betreff="Ihr Wochenüberblick",
        status=Mail.Status.GESENDET,
    )


def senden(capture, montag) -> int:
    with capture(execute=True):
        return wochenueberblick(heute=montag)


def test_new_fitting_solutions_since_the_last_overview_arrive_by_smtp(
    welt, smtp, django_capture_on_commit_callbacks
):
    person = welt.users["cdo_eigen"]
    montag = naechster_montag()
    # The last overview went out 7 to 13 days ago, depending on today's weekday.
    letzter_ueberblick(person, montag - dt.timedelta(days=14))

    loesung(welt, "Bürger-App Herford")
    zurueckdatieren(loesung(welt, "Terminbuchung Herford"), 5)  # after the last overview
    zurueckdatieren(loesung(welt, "Altbekannt Herford"), 20)  # before it: mailed then
    loesung(welt, "Interne Akte Herford", sichtbarkeit=Sichtbarkeit.KREIS)  # not Detmold's to read
    spaet = loesung(welt, "Chatbot Herford", status=Massnahme.Status.GEPLANT)
    zurueckdatieren(spaet, 40)
    spaet.status = Massnahme.Status.IN_UMSETZUNG  # in the catalogue only from now on
    spaet.save()

    assert senden(django_capture_on_commit_callbacks, montag) >= 1
    [nachricht] = smtp.an(CDO)
    text, html = teile(nachricht)
    assert "Neu im Lösungskatalog, passend für Detmold" in text
    # Only the new section: the duties above it name Detmold's own Maßnahme.
    text = text.split("Neu im Lösungskatalog, passend für Detmold", 1)[1].split("Alle Benachr")[0]
    html = html.split("Neu im Lösungskatalog, passend für Detmold", 1)[1].split("Alle Benachr")[0]
    heute = timezone.localdate()
    for titel in ("Bürger-App Herford", "Chatbot Herford"):
        assert f"{titel} – Herford, IKZ & Beteiligung" in text
        assert f"{titel} – Herford, IKZ &amp; Beteiligung" in html
    assert f"seit {heute:%d.%m.%Y} im Lösungskatalog" in text
    assert f"seit {timezone.localdate(vor(5)):%d.%m.%Y} im Lösungskatalog" in text
    assert "Terminbuchung Herford" in text
    for fehlt in ("Altbekannt", "Interne Akte", "Digitale Akte in Detmold"):
        assert fehlt not in text and fehlt not in html
    m = Massnahme.objects.get(titel="Bürger-App Herford")
    assert f"https://portal.example.de/massnahmen/{m.pk}/" in text
    assert f'href="https://portal.example.de/massnahmen/{m.pk}/"' in html
    # The one-click unsubscribe of this mail turns the new kind off too.
    assert nachricht["List-Unsubscribe"]

    # Run again: nothing twice.
    assert senden(django_capture_on_commit_callbacks, montag) == 0
    assert len(smtp.an(CDO)) == 1


def test_without_a_previous_overview_the_week_before_counts(
    welt, smtp, django_capture_on_commit_callbacks
):
    montag = naechster_montag()
    loesung(welt, "Bürger-App Herford")
    zurueckdatieren(
        loesung(welt, "Terminbuchung Herford"), 10 + (montag - timezone.localdate()).days
    )
    senden(django_capture_on_commit_callbacks, montag)
    [nachricht] = smtp.an(CDO)
    text, _html = teile(nachricht)
    assert "Bürger-App Herford" in text
    assert "Terminbuchung Herford" not in text


def test_other_kreis_and_region_staff_get_no_such_section(
    welt, smtp, django_capture_on_commit_callbacks
):
    """Kreis staff of Herford and the DigitalBüro have no Kommune of their own: no section
    (and Herford's staff never read a Kreis-visible Lippe Maßnahme anyway)."""
    loesung(welt, "Bürger-App Herford")
    senden(django_capture_on_commit_callbacks, naechster_montag())
    for adresse in ("kreis.herford@example.invalid", "owl@example.invalid"):
        for nachricht in smtp.an(adresse):
            assert "Lösungskatalog" not in teile(nachricht)[0]


def test_the_section_can_be_turned_off(welt, smtp, django_capture_on_commit_callbacks):
    person = welt.users["cdo_eigen"]
    Mailpraeferenz.objects.create(person=person, art="loesungen", haeufigkeit="aus")
    loesung(welt, "Bürger-App Herford")
    senden(django_capture_on_commit_callbacks, naechster_montag())
    for nachricht in smtp.an(CDO):
        assert "Bürger-App Herford" not in teile(nachricht)[0]

"""Public updates (issue 17, point 6): a Statusmeldung may carry a public summary, decided by
the lead Kommune's CDO or Kreis staff; the public Maßnahme page shows the summaries as a
timeline with milestones and funding, and never a Statusmeldung without one, nor any of
its internal texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.quartal import Quartal
from foerderung.models import Mittelabruf
from massnahmen.models import Statusmeldung
from tests.factories import (
    FoerderbescheidFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    MittelabrufFactory,
    StatusmeldungFactory,
)
from tests.massnahmen.test_statusmeldung import als, partner, url  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

INTERN = ("INTERN-ERREICHT", "INTERN-SCHRITTE", "INTERN-RISIKO")


def _meldung(massnahme, quartal, zusammenfassung="", **kwargs):
    return StatusmeldungFactory(
        massnahme=massnahme,
        quartal=quartal,
        erreicht=f"{INTERN[0]} {quartal}",
        naechste_schritte=f"{INTERN[1]} {quartal}",
        risiken=f"{INTERN[2]} {quartal}",
        oeffentliche_zusammenfassung=zusammenfassung,
        **kwargs,
    )


@pytest.fixture
def oeffentlich(welt):
    """A public Maßnahme of Lemgo with two public updates, one internal Statusmeldung, a
    reached and an open milestone, a Förderbescheid with one payout and one request."""
    m = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Offenes WLAN in Lemgo",
        veroeffentlicht=True,
    )
    _meldung(m, "2026-Q1", "Die ersten zehn Zugangspunkte laufen.")
    _meldung(m, "2026-Q2")  # internal only
    _meldung(m, "2026-Q3", "Alle Schulen sind angeschlossen.")
    MeilensteinFactory(massnahme=m, titel="Ausschreibung", erreicht_am=dt.date(2026, 2, 1))
    MeilensteinFactory(massnahme=m, titel="Abnahme", faellig_am=dt.date(2027, 3, 31))
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.lemgo,
        bescheiddatum=dt.date(2025, 11, 15),
        bewilligter_betrag=Decimal("175000.00"),
    )
    bescheid.massnahmen.add(m)
    MittelabrufFactory(
        bescheid=bescheid,
        datum=dt.date(2026, 3, 1),
        betrag=Decimal("40000.00"),
        status=Mittelabruf.Status.AUSGEZAHLT,
    )
    MittelabrufFactory(bescheid=bescheid, datum=dt.date(2026, 9, 1), betrag=Decimal("9999.00"))
    return m


def _seite(client, m) -> str:
    response = client.get(f"/oeffentlich/massnahmen/{m.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _zeitleiste(html: str) -> str:
    return html[html.index('id="verlauf"') : html.index("</ol>", html.index('id="verlauf"'))]


def test_timeline_shows_public_summaries_milestones_and_funding_in_order(client, oeffentlich):
    zeitleiste = _zeitleiste(_seite(client, oeffentlich))
    # Oldest first. An update without a publication date counts from its quarter's end.
    erwartet = [
        "Förderung bewilligt",
        "175.000,00\u00a0€ aus „Förderung der interkommunalen Zusammenarbeit“",
        "Meilenstein erreicht",
        "Ausschreibung",
        "Fördermittel erhalten",
        "40.000,00\u00a0€",
        "Stand 1. Quartal 2026",
        "Die ersten zehn Zugangspunkte laufen.",
        "Stand 3. Quartal 2026",
        "Alle Schulen sind angeschlossen.",
        "Meilenstein geplant",
        "Abnahme",
    ]
    positionen = [zeitleiste.index(text) for text in erwartet]
    assert positionen == sorted(positionen)
    assert '<time datetime="2026-02-01">01.02.2026</time>' in zeitleiste
    # A requested, not yet paid drawdown is no funding received.
    assert "9.999,00" not in zeitleiste


def test_timeline_never_shows_a_statusmeldung_without_public_summary(client, oeffentlich):
    html = _seite(client, oeffentlich)
    assert "2. Quartal 2026" not in html
    for text in INTERN:
        assert text not in html


def test_summaries_of_a_maßnahme_that_is_not_public_stay_inside(welt, client):
    m = welt.massnahme  # Kreis-visible
    _meldung(m, "2026-Q3", "GEHEIME ZUSAMMENFASSUNG")
    assert client.get(f"/oeffentlich/massnahmen/{m.pk}/").status_code == 404
    assert not Statusmeldung.objects.oeffentlich().exists()
    m.veroeffentlicht = True
    m.archiviert = True
    m.save()
    assert not Statusmeldung.objects.oeffentlich().exists()
    assert client.get(f"/oeffentlich/massnahmen/{m.pk}/").status_code == 404


def test_a_widerrufener_bescheid_is_not_funding(client, oeffentlich):
    bescheid = oeffentlich.foerderbescheide.get()
    bescheid.status = bescheid.Status.WIDERRUFEN
    bescheid.save()
    zeitleiste = _zeitleiste(_seite(client, oeffentlich))
    assert "175.000,00" not in zeitleiste and "40.000,00" not in zeitleiste


def test_timeline_without_entries_says_so(welt, client):
    m = MassnahmeFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, veroeffentlicht=True)
    _meldung(m, "2026-Q3")
    html = _seite(client, m)
    assert "noch keine öffentlichen Meldungen" in html
    assert INTERN[0] not in html


# --- who decides the public summary ----------------------------------------------------------


def _posten(user, m, **extra):
    client = als(user)
    form = client.get(url(m))
    daten = {
        "fortschritt": "50",
        "ampel": "gruen",
        "erreicht": "Intern erreicht",
        "naechste_schritte": "",
        "risiken": "",
        "massnahme_version": str(m.version),
        "meldung_stand": form.context["form"]["meldung_stand"].value() or "",
        **extra,
    }
    return form, client.post(url(m), daten)


@pytest.mark.parametrize("rolle", ["cdo_eigen", "kreis", "admin"])
def test_lead_cdo_and_kreis_staff_set_the_public_summary(welt, rolle):
    m = welt.massnahme
    form, response = _posten(
        welt.users[rolle], m, oeffentliche_zusammenfassung="Die Akte ist eingeführt."
    )
    assert "Öffentliche Zusammenfassung" in form.content.decode()
    assert response.status_code == 302, response.content.decode()[:2000]
    meldung = Statusmeldung.objects.get(massnahme=m, quartal=str(Quartal.current()))
    assert meldung.oeffentliche_zusammenfassung == "Die Akte ist eingeführt."
    assert meldung.zusammenfassung_am is not None
    assert welt.users[rolle].has_perm("massnahmen.publish_statusmeldung", m)


def test_partner_cdo_reports_but_does_not_set_the_public_summary(welt, partner):  # noqa: F811
    m = welt.massnahme
    StatusmeldungFactory(
        massnahme=m,
        quartal=str(Quartal.current()),
        oeffentliche_zusammenfassung="Vom Kreis freigegeben.",
    )
    form, response = _posten(partner, m, oeffentliche_zusammenfassung="Vom Partner gesetzt.")
    assert "Öffentliche Zusammenfassung" not in form.content.decode()
    assert response.status_code == 302
    meldung = Statusmeldung.objects.get(massnahme=m, quartal=str(Quartal.current()))
    assert meldung.erreicht == "Intern erreicht"  # the report itself was saved
    assert meldung.oeffentliche_zusammenfassung == "Vom Kreis freigegeben."
    assert not partner.has_perm("massnahmen.publish_statusmeldung", m)


def test_another_kreis_may_not_set_the_public_summary(welt):
    m = welt.massnahme
    fremd = welt.users["kreis_fremd"]
    assert not fremd.has_perm("massnahmen.publish_statusmeldung", m)
    response = als(fremd).post(url(m), {"oeffentliche_zusammenfassung": "Fremd gesetzt."})
    assert response.status_code == 404
    assert not Statusmeldung.objects.filter(oeffentliche_zusammenfassung="Fremd gesetzt.").exists()
    for rolle in ("cdo_andere", "region"):
        assert not welt.users[rolle].has_perm("massnahmen.publish_statusmeldung", m)


def test_clearing_the_summary_takes_the_update_off_the_public_page(welt, client):
    m = welt.massnahme
    m.veroeffentlicht = True
    m.save()
    _posten(welt.users["kreis"], m, oeffentliche_zusammenfassung="Kurz öffentlich.")
    assert "Kurz öffentlich." in _seite(client, m)
    m.refresh_from_db()
    _posten(welt.users["kreis"], m, oeffentliche_zusammenfassung="")
    meldung = Statusmeldung.objects.get(massnahme=m)
    assert meldung.oeffentliche_zusammenfassung == "" and meldung.zusammenfassung_am is None
    assert "Kurz öffentlich." not in _seite(client, m)


def test_timeline_query_count_does_not_grow_with_its_entries(
    client, oeffentlich, django_assert_max_num_queries
):
    for n in range(5):
        _meldung(oeffentlich, f"2025-Q{n % 4 + 1}" if n < 4 else "2024-Q4", f"Meldung {n}")
        MeilensteinFactory(massnahme=oeffentlich)
    # The detail page's 12 (tests/oeffentlich/test_oeffentlich.py) and the payouts.
    with django_assert_max_num_queries(13):
        _seite(client, oeffentlich)

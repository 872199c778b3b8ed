"""Issue 15, point 4: the Lösungskatalog (/loesungen/) and adoption across Kreise.

The world (tests/conftest.py): Lippe and Herford in one region; Detmold (74,835 Einwohner),
Lemgo (40,531) and Blomberg (15,417) in Lippe, the city of Herford (66,000) in Herford.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from kommunen.models import Rolle
from massnahmen.models import Anhang, Massnahme, Nachnutzung, Sichtbarkeit
from tests import htmlcheck
from tests.conftest import require_or_skip
from tests.dashboards.dashboard_hilfen import abfragen_wachsen_nicht, seitentext
from tests.factories import (
    HandlungsfeldFactory,
    KommuneFactory,
    LebensbereichFactory,
    MassnahmeFactory,
    MitgliedschaftFactory,
    StatusmeldungFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
KATALOG = "/loesungen/"
MAX_ABFRAGEN = 15


def _loesung(welt, titel, *, kreis=None, federfuehrend=None, **kwargs):
    kreis = kreis or welt.lippe
    kwargs.setdefault("status", Massnahme.Status.IN_UMSETZUNG)
    if kwargs["status"] == Massnahme.Status.ABGESCHLOSSEN:
        kwargs.setdefault("ende_tatsaechlich", dt.date(2026, 6, 30))
        kwargs.setdefault("fortschritt", 100)
    return MassnahmeFactory(
        kreis=kreis,
        federfuehrend=federfuehrend
        or (welt.detmold if kreis == welt.lippe else welt.herford_stadt),
        handlungsfeld=kwargs.pop("handlungsfeld", welt.handlungsfeld),
        titel=titel,
        **kwargs,
    )


def _cdo(email, kommune):
    user = UserFactory(email=email, first_name="Hanna", last_name="Beispiel")
    MitgliedschaftFactory(user=user, rolle=Rolle.CDO, kommune=kommune)
    return user


def _titel(client, query: str = "") -> set[str]:
    """The titles of the solutions the page shows (one heading each)."""
    response = client.get(f"{KATALOG}?{query}" if query else KATALOG)
    assert response.status_code == 200
    return {
        unescape(t)
        for t in re.findall(
            r'<h2 id="loesung-\d+"><a href="[^"]+">([^<]+)</a></h2>', response.content.decode()
        )
    }


@pytest.fixture
def herford(welt):
    """Herford's solutions, one per visibility, and one that is only an idea."""
    return {
        wert: _loesung(welt, titel, kreis=welt.herford, sichtbarkeit=wert)
        for wert, titel in [
            (Sichtbarkeit.KREIS, "Herforder Interna"),
            (Sichtbarkeit.REGION, "Herforder Ratsinformationssystem"),
            (Sichtbarkeit.OEFFENTLICH, "Herforder Bürgerportal"),
        ]
    }


# --- what is in the catalogue ----------------------------------------------------------------


def test_only_finished_and_running_maßnahmen_are_solutions(welt, login):
    _loesung(welt, "Fertige Lösung", status=Massnahme.Status.ABGESCHLOSSEN)
    for status in ["idee", "geplant", "pausiert", "abgebrochen"]:
        _loesung(welt, f"Status {status}", status=status)
    _loesung(welt, "Archivierte Lösung", archiviert=True)
    titel = _titel(login(welt.users["cdo_andere"]))
    assert titel == {"Fertige Lösung", "Digitale Akte in Detmold"}


@pytest.mark.parametrize("rolle", ["cdo_eigen", "cdo_andere", "kreis"])
def test_lippe_reads_herfords_region_and_public_solutions_not_the_kreis_visible(
    welt, herford, login, rolle
):
    titel = _titel(login(welt.users[rolle]))
    assert {"Herforder Ratsinformationssystem", "Herforder Bürgerportal"} <= titel
    assert "Herforder Interna" not in titel
    assert "Digitale Akte in Detmold" in titel


def test_herford_and_the_region_read_all_of_herford_and_lippe_only_what_it_opens(
    welt, herford, login
):
    for rolle in ["kreis_fremd", "region"]:
        titel = _titel(login(welt.users[rolle]))
        assert "Herforder Interna" in titel, rolle
    # Lippe's Maßnahme is Kreis-visible: Herford does not see it, the DigitalBüro does.
    assert "Digitale Akte in Detmold" not in _titel(login(welt.users["kreis_fremd"]))
    assert "Digitale Akte in Detmold" in _titel(login(welt.users["region"]))


def test_a_user_of_another_region_sees_none_of_owl(welt, herford, login):
    from tests.factories import KreisFactory, RegionFactory

    oberbayern = RegionFactory(kurzname="OBB", name="Oberbayern", slug="oberbayern")
    muenchen_kreis = KreisFactory(ags="09162", name="München", region=oberbayern)
    muenchen = KommuneFactory(kreis=muenchen_kreis, ags="09162000", name="München")
    fremd = _cdo("cdo.muenchen@example.invalid", muenchen)
    client = login(fremd)
    assert _titel(client) == set()
    # Choosing an OWL Kreis by hand is not a way in: the choice is refused, nothing shown.
    response = client.get(f"{KATALOG}?kreis={welt.herford.pk}")
    assert response.status_code == 200
    assert "Herforder" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(KATALOG)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/loesungen/")


def test_the_navigation_links_to_the_catalogue_for_logged_in_users_only(welt, login, client):
    assert (
        'href="/loesungen/"' in login(welt.users["cdo_eigen"]).get("/massnahmen/").content.decode()
    )
    assert 'href="/loesungen/"' not in client.get("/oeffentlich/").content.decode()


# --- what a solution shows ---------------------------------------------------------------


def test_a_solution_shows_what_was_achieved_documents_contact_and_who_reuses_it(
    welt, herford, login
):
    m = herford[Sichtbarkeit.REGION]
    kontakt = UserFactory(
        email="geheim.herford@example.invalid", first_name="Karla", last_name="Kontakt"
    )
    Massnahme.objects.filter(pk=m.pk).update(ansprechperson=kontakt)
    StatusmeldungFactory(massnahme=m, quartal="2026-Q2", erreicht="Alte Meldung.")
    StatusmeldungFactory(massnahme=m, quartal="2026-Q3", erreicht="Ratssitzungen papierlos.")
    Anhang.objects.create(
        massnahme=m,
        titel="Pflichtenheft RIS",
        datei=SimpleUploadedFile("ris.pdf", b"%PDF-1.7 test", content_type="application/pdf"),
    )
    Nachnutzung.objects.create(massnahme=m, kommune=welt.blomberg, seit=dt.date(2026, 9, 1))
    text = seitentext(login(welt.users["cdo_andere"]).get(KATALOG))
    abschnitt = text.split("Herforder Ratsinformationssystem", 1)[1]
    assert "Erreicht Ratssitzungen papierlos." in abschnitt
    assert "Alte Meldung." not in text
    assert "Pflichtenheft RIS" in abschnitt
    assert "Ansprechperson Karla Kontakt, Herford" in abschnitt
    assert "Nachgenutzt von Blomberg (Kreis Lippe)" in abschnitt
    # Never an e-mail address of a person of another Kreis.
    assert "geheim.herford@example.invalid" not in text
    assert "@example.invalid" not in text.replace("cdo.lemgo@example.invalid", "")


# --- search and filters --------------------------------------------------------------------


def test_search_finds_by_german_word_forms(welt, login):
    _loesung(welt, "Digitale Dörfer", beschreibung="Apps für das Leben auf dem Land.")
    _loesung(welt, "Ratsinformationssystem", beschreibung="Sitzungen ohne Papier.")
    client = login(welt.users["cdo_andere"])
    assert _titel(client, "q=Dörfer") == {"Digitale Dörfer"}
    assert _titel(client, "q=Ratsinformation") == {"Ratsinformationssystem"}  # substring
    assert _titel(client, "q=Kläranlage") == set()
    if POSTGRESQL:
        # The German snowball stemmer drops the plural ending and the umlaut: "Dorf" and
        # "Dörfer" are both "dorf"; "Sitzung" finds "Sitzungen", "Dörfern" the title too.
        assert _titel(client, "q=Dorf") == {"Digitale Dörfer"}
        assert _titel(client, "q=Dörfern") == {"Digitale Dörfer"}
        assert _titel(client, "q=Sitzung") == {"Ratsinformationssystem"}


def test_a_search_lists_title_matches_first_unless_an_order_is_chosen(welt, login):
    _loesung(welt, "Anträge online", beschreibung="Auch für das Dorfgemeinschaftshaus.")
    _loesung(welt, "Zweite Lösung", beschreibung="Ein Dorf nach dem anderen.")
    _loesung(welt, "Digitales Dorf", beschreibung="Apps für das Leben auf dem Land.")
    client = login(welt.users["kreis"])

    def reihenfolge(query):
        html = client.get(f"{KATALOG}?{query}").content.decode()
        return re.findall(r'<h2 id="loesung-\d+"><a href="[^"]+">([^<]+)</a></h2>', html)

    if POSTGRESQL:
        assert reihenfolge("q=Dorf")[0] == "Digitales Dorf"  # title (A) before description (B)
        assert "Sortiert nach: Relevanz" in seitentext(client.get(f"{KATALOG}?q=Dorf"))
    chosen = reihenfolge("q=Dorf&sortierung=titel")
    assert chosen == sorted(chosen)
    assert "Relevanz" not in seitentext(client.get(f"{KATALOG}?q=Dorf&sortierung=titel"))


def test_each_filter_narrows_the_catalogue(welt, herford, login):
    verwaltung = LebensbereichFactory(name="Verwaltung")
    mobil = LebensbereichFactory(name="Mobilität")
    infrastruktur = HandlungsfeldFactory(nummer=2, kurzname="Infrastruktur", slug="infra")
    bus = _loesung(welt, "Rufbus", handlungsfeld=infrastruktur)
    bus.lebensbereiche.set([mobil])
    welt.massnahme.lebensbereiche.set([verwaltung])
    client = login(welt.users["kreis"])
    assert _titel(client, f"handlungsfeld={infrastruktur.pk}") == {"Rufbus"}
    assert _titel(client, f"lebensbereich={mobil.pk}") == {"Rufbus"}
    assert _titel(client, f"lebensbereich={verwaltung.pk}") == {"Digitale Akte in Detmold"}
    assert _titel(client, f"kreis={welt.herford.pk}") == {
        "Herforder Ratsinformationssystem",
        "Herforder Bürgerportal",
    }
    assert _titel(client, f"kreis={welt.lippe.pk}") == {"Digitale Akte in Detmold", "Rufbus"}
    # Filters combine.
    assert _titel(client, f"kreis={welt.lippe.pk}&handlungsfeld={welt.handlungsfeld.pk}") == {
        "Digitale Akte in Detmold"
    }


def test_size_classes_of_the_lead_kommune(welt, login):
    dorf = KommuneFactory(kreis=welt.lippe, name="Kleinort", einwohner=9_999)
    grenze = KommuneFactory(kreis=welt.lippe, name="Grenzstadt", einwohner=25_000)
    ohne = KommuneFactory(kreis=welt.lippe, name="Ohnezahl", einwohner=None, einwohner_stand=None)
    _loesung(welt, "Lösung Kleinort", federfuehrend=dorf)
    _loesung(welt, "Lösung Blomberg", federfuehrend=welt.blomberg)  # 15,417
    _loesung(welt, "Lösung Grenzstadt", federfuehrend=grenze)  # exactly 25,000
    _loesung(welt, "Lösung Lemgo", federfuehrend=welt.lemgo)  # 40,531
    _loesung(welt, "Lösung Ohnezahl", federfuehrend=ohne)
    client = login(welt.users["kreis"])
    assert _titel(client, "groesse=unter-10000") == {"Lösung Kleinort"}
    assert _titel(client, "groesse=10000-25000") == {"Lösung Blomberg"}
    assert _titel(client, "groesse=25000-50000") == {"Lösung Grenzstadt", "Lösung Lemgo"}
    assert _titel(client, "groesse=ab-50000") == {"Digitale Akte in Detmold"}  # 74,835
    assert "Lösung Ohnezahl" in _titel(client)


@pytest.mark.parametrize(
    ("query", "feld", "meldung"),
    [
        ("groesse=riesig", "Größe der federführenden Kommune", "Bitte eine gültige Auswahl"),
        ("kreis=99999", "Kreis", "Bitte eine gültige Auswahl"),
        ("handlungsfeld=abc", "Handlungsfeld", "Bitte eine gültige Auswahl"),
        ("lebensbereich=-1", "Lebensbereich", "Bitte eine gültige Auswahl"),
        ("q=" + "x" * 300, "Suche", "Bitte sicherstellen, dass der Wert aus höchstens 200"),
    ],
)
def test_bad_filter_values_are_a_german_message_at_the_field(welt, login, query, feld, meldung):
    """As on /massnahmen/: the list stays (the bad value is left out), the field says why."""
    response = login(welt.users["kreis"]).get(f"{KATALOG}?{query}")
    assert response.status_code == 200
    text = seitentext(response)
    assert f"{feld}: {meldung}" in text, text[:3000]
    assert "Digitale Akte in Detmold" in text


def test_htmx_answers_with_the_result_only(welt, login):
    client = login(welt.users["kreis"])
    response = client.get(f"{KATALOG}?q=Akte", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<form" not in html and 'id="anzahl"' in html
    assert "Digitale Akte in Detmold" in html
    assert response["HX-Push-Url"] == "/loesungen/?q=Akte"


def test_the_query_count_does_not_grow_with_the_data(welt, herford, login):
    def mehr_daten():
        for i in range(6):
            m = _loesung(welt, f"Weitere Lösung {i}", kreis=welt.herford, sichtbarkeit="region")
            m.lebensbereiche.set([LebensbereichFactory()])
            m.ansprechperson = UserFactory(first_name="Vera", last_name=f"Name {i}")
            m.save()
            StatusmeldungFactory(massnahme=m, quartal="2026-Q3")
            Nachnutzung.objects.create(massnahme=m, kommune=welt.lemgo)
            Anhang.objects.create(
                massnahme=m,
                titel=f"Konzept {i}",
                datei=SimpleUploadedFile("k.pdf", b"%PDF-1.7 x", content_type="application/pdf"),
            )

    client = login(welt.users["cdo_eigen"])
    anzahl = abfragen_wachsen_nicht(client, KATALOG, mehr_daten, MAX_ABFRAGEN)
    print(f"/loesungen/: {anzahl} Abfragen")


# --- adoption across Kreise ---------------------------------------------------------------


def test_a_herford_cdo_adopts_a_lippe_solution_and_both_kommunen_are_recorded(welt, login):
    lippe_loesung = _loesung(
        welt, "Lippische Bürger-App", sichtbarkeit=Sichtbarkeit.REGION, federfuehrend=welt.lemgo
    )
    cdo_herford = _cdo("cdo.herford@example.invalid", welt.herford_stadt)
    client = login(cdo_herford)
    seite = client.get(KATALOG).content.decode()
    assert f'href="/massnahmen/{lippe_loesung.pk}/nachnutzen/"' in seite
    response = client.post(
        f"/massnahmen/{lippe_loesung.pk}/nachnutzen/", {"kommune": welt.herford_stadt.pk}
    )
    assert response.status_code == 302
    nachnutzung = Nachnutzung.objects.get(massnahme=lippe_loesung)
    assert nachnutzung.kommune == welt.herford_stadt  # who adopted
    assert nachnutzung.massnahme.federfuehrend == welt.lemgo  # from whom
    neu = Massnahme.objects.get(nachnutzung_von=lippe_loesung)
    assert (neu.kreis, neu.federfuehrend) == (welt.herford, welt.herford_stadt)
    # The catalogue now names Herford as a reuser, for Lippe too, and offers no second adoption.
    text = seitentext(login(welt.users["kreis"]).get(KATALOG))
    assert "Nachgenutzt von Herford (Kreis Herford)" in text
    assert f'/massnahmen/{lippe_loesung.pk}/nachnutzen/"' not in (
        login(cdo_herford).get(KATALOG).content.decode()
    )


def test_a_kreis_visible_solution_of_another_kreis_cannot_be_adopted(welt, herford, login):
    cdo_detmold = login(welt.users["cdo_eigen"])
    interna = herford[Sichtbarkeit.KREIS]
    assert cdo_detmold.get(f"/massnahmen/{interna.pk}/nachnutzen/").status_code == 404
    response = cdo_detmold.post(
        f"/massnahmen/{interna.pk}/nachnutzen/", {"kommune": welt.detmold.pk}
    )
    assert response.status_code == 404
    assert not Nachnutzung.objects.filter(massnahme=interna).exists()


def test_only_a_cdo_sees_the_adopt_button(welt, herford, login):
    for rolle in ["kreis", "region", "admin"]:
        assert "/nachnutzen/" not in login(welt.users[rolle]).get(KATALOG).content.decode()
    # Detmold leads its own Maßnahme: no button there, but for Herford's solutions.
    seite = login(welt.users["cdo_eigen"]).get(KATALOG).content.decode()
    assert f"/massnahmen/{welt.massnahme.pk}/nachnutzen/" not in seite
    assert f"/massnahmen/{herford[Sichtbarkeit.REGION].pk}/nachnutzen/" in seite


# --- valid HTML -------------------------------------------------------------------------------


def test_the_catalogue_is_valid_html(welt, herford, login, tmp_path):
    require_or_skip(htmlcheck.missing_reason() is None, htmlcheck.missing_reason() or "")
    m = herford[Sichtbarkeit.REGION]
    StatusmeldungFactory(massnahme=m, erreicht="Erste Zeile.\nZweite Zeile.")
    Nachnutzung.objects.create(massnahme=m, kommune=welt.blomberg)
    Anhang.objects.create(
        massnahme=m,
        titel="Konzept",
        datei=SimpleUploadedFile("k.pdf", b"%PDF-1.7 x", content_type="application/pdf"),
    )
    client = login(welt.users["cdo_andere"])
    dateien = {}
    for name, url, extra in [
        ("voll.html", KATALOG, {}),
        ("gefiltert.html", f"{KATALOG}?q=Herford&groesse=ab-50000", {}),
        ("leer.html", f"{KATALOG}?q=Kläranlage", {}),
        ("fehler.html", f"{KATALOG}?groesse=riesig", {}),
        ("htmx.html", f"{KATALOG}?q=Herford", {"HTTP_HX_REQUEST": "true"}),
    ]:
        html = htmlcheck.als_dokument(client.get(url, **extra).content.decode())
        datei = tmp_path / name
        datei.write_text(html, encoding="utf-8")
        dateien[datei.resolve()] = url
    befunde = htmlcheck.validate(dateien)
    assert not befunde, htmlcheck.report(befunde, dateien)


def test_a_region_project_is_in_the_catalogue_and_a_cdo_may_adopt_it(welt, login):
    """A region project (issue 15, point 2) has no Kreis: the page names the region as its
    lead and offers the CDOs of the region to adopt it (it once failed on the missing Kreis)."""
    projekt = Massnahme.objects.create(
        region=welt.region,
        titel="Regionales Datenportal OWL",
        handlungsfeld=welt.handlungsfeld,
        status=Massnahme.Status.IN_UMSETZUNG,
        fortschritt=30,
        sichtbarkeit=Sichtbarkeit.REGION,
    )
    response = login(welt.users["cdo_andere"]).get(KATALOG)
    assert response.status_code == 200
    assert "Regionales Datenportal OWL" in _titel(login(welt.users["cdo_andere"]))
    assert f"/massnahmen/{projekt.pk}/nachnutzen/" in response.content.decode()

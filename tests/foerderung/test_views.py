"""Förderung pages as the people of the Kreis use them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foerderung.models import BescheidDokument, Foerderbescheid, Foerderprogramm, Mittelabruf
from tests.factories import (
    FoerderbescheidFactory,
    FoerderprogrammFactory,
    KommuneFactory,
    MittelabrufFactory,
)
from tests.foerderung.matrix import PDF

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def euro(text: str) -> str:
    return f"{text}{NBSP}€"


@pytest.fixture
def bescheid(welt):
    """245.000 € for Detmold with partner Blomberg, two drawdowns."""
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        aktenzeichen="34.2-IKZ-2021/017",
        verwendungsnachweis_faellig=dt.date(2027, 3, 31),
    )
    bescheid.partner.set([welt.blomberg])
    bescheid.massnahmen.set([welt.massnahme])
    MittelabrufFactory(bescheid=bescheid, datum=dt.date(2022, 6, 1), betrag=Decimal("61250"))
    MittelabrufFactory(
        bescheid=bescheid,
        datum=dt.date(2023, 2, 1),
        betrag=Decimal("48900"),
        status=Mittelabruf.Status.AUSGEZAHLT,
    )
    return bescheid


def text(response) -> str:
    """The visible text of the page's main content, whitespace collapsed."""
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, flags=re.S)
    html = main.group(0) if main else html
    # Collapse ASCII whitespace only: money is written with a non-breaking space.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", NBSP)


# --- List --------------------------------------------------------------------------


class TestListe:
    def test_shows_the_bescheide_of_the_kreis_with_sums(self, welt, login, bescheid):
        FoerderbescheidFactory(kreis=welt.herford, zuwendungsempfaenger=welt.herford_stadt)
        seite = text(login(welt.users["cdo_andere"]).get("/foerderung/"))
        assert "1 Förderbescheid gefunden" in seite
        assert "34.2-IKZ-2021/017" in seite
        assert "Blomberg" in seite
        assert f"bewilligt {euro('245.000,00')}" in seite
        assert f"abgerufen {euro('110.150,00')}" in seite
        assert f"verbleibend {euro('134.850,00')}" in seite

    def test_other_kreis_sees_only_its_own(self, welt, login, bescheid):
        seite = text(login(welt.users["kreis_fremd"]).get("/foerderung/"))
        assert "0 Förderbescheide gefunden" in seite
        assert "34.2-IKZ-2021/017" not in seite

    def test_sums_follow_the_filter(self, welt, login, bescheid):
        slr = FoerderprogrammFactory(kurzname="SLR", betragsregel=Foerderprogramm.Regel.KEINE)
        zweiter = FoerderbescheidFactory(
            kreis=welt.lippe,
            programm=slr,
            zuwendungsempfaenger=welt.lemgo,
            bewilligter_betrag=Decimal("100000"),
            status=Foerderbescheid.Status.ABGESCHLOSSEN,
            bewilligungszeitraum_beginn=dt.date(2019, 1, 1),
            bewilligungszeitraum_ende=dt.date(2020, 12, 31),
        )
        MittelabrufFactory(bescheid=zweiter, betrag=Decimal("100000"))
        client = login(welt.users["kreis"])

        def summen(query: str) -> tuple[str, str]:
            seite = text(client.get(f"/foerderung/?{query}"))
            anzahl = re.search(r"(\d+) Förderbescheid", seite).group(1)
            bewilligt = re.search(r"bewilligt ([\d.,]+\xa0€)", seite).group(1)
            return anzahl, bewilligt

        assert summen("") == ("2", euro("345.000,00"))
        assert summen(f"programm={slr.pk}") == ("1", euro("100.000,00"))
        assert summen("status=abgeschlossen") == ("1", euro("100.000,00"))
        # Recipient or partner
        assert summen(f"kommune={welt.blomberg.pk}") == ("1", euro("245.000,00"))
        assert summen(f"kommune={welt.lemgo.pk}") == ("1", euro("100.000,00"))
        # Funding periods overlapping 2021–2022: only the first one.
        assert summen("zeitraum_von=2021-01-01&zeitraum_bis=31.12.2022") == (
            "1",
            euro("245.000,00"),
        )
        assert summen("q=IKZ-2021/017") == ("1", euro("245.000,00"))
        assert summen("q=nichts+dergleichen") == ("0", euro("0,00"))

    def test_bad_filter_values_give_errors_not_a_server_error(self, welt, login, bescheid):
        response = login(welt.users["kreis"]).get(
            "/foerderung/?zeitraum_von=31.02.2024&kommune=abc&programm=999999&status=x&sortierung=';drop"
        )
        assert response.status_code == 200
        seite = text(response)
        assert "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)." in seite

    def test_sorting_by_remaining_amount(self, welt, login, bescheid):
        FoerderbescheidFactory(
            kreis=welt.lippe, aktenzeichen="AZ-KLEIN", bewilligter_betrag=Decimal("1000")
        )
        seite = text(login(welt.users["kreis"]).get("/foerderung/?sortierung=verbleibend"))
        assert seite.index("AZ-KLEIN") < seite.index("34.2-IKZ-2021/017")
        seite = text(login(welt.users["kreis"]).get("/foerderung/?sortierung=-verbleibend"))
        assert seite.index("AZ-KLEIN") > seite.index("34.2-IKZ-2021/017")

    def test_htmx_gets_only_the_table(self, welt, login, bescheid):
        response = login(welt.users["kreis"]).get("/foerderung/", headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "<html" not in html
        assert 'id="anzahl"' in html and "34.2-IKZ-2021/017" in html

    def test_create_button_only_for_kreis_staff(self, welt, login):
        assert "/foerderung/neu/" in login(welt.users["kreis"]).get("/foerderung/").content.decode()
        assert (
            "/foerderung/neu/"
            not in login(welt.users["cdo_eigen"]).get("/foerderung/").content.decode()
        )

    def test_query_count_does_not_grow_with_the_rows(self, welt, login):
        client = login(welt.users["kreis"])
        client.get("/foerderung/")  # session and caches warm

        def anzahl_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/foerderung/")
            assert response.status_code == 200
            return len(queries)

        def bescheide(n: int):
            for _ in range(n):
                bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.lemgo)
                bescheid.partner.set([welt.blomberg, welt.detmold])
                MittelabrufFactory(bescheid=bescheid, betrag=Decimal("1000"))

        bescheide(5)
        bei_5 = anzahl_queries()
        bescheide(25)
        bei_30 = anzahl_queries()
        assert bei_5 == bei_30 == LISTE_QUERIES


# Savepoint and release (ATOMIC_REQUESTS), session, user, Mitgliedschaften (scope), count,
# sums, filter choices (Programme, Kommunen), rows, partners of the rows.
LISTE_QUERIES = 11


# --- Detail ------------------------------------------------------------------------


class TestDetail:
    def test_shows_everything_about_the_bescheid(self, welt, login, bescheid):
        seite = text(login(welt.users["cdo_eigen"]).get(f"/foerderung/{bescheid.pk}/"))
        for erwartet in [
            "Förderbescheid 34.2-IKZ-2021/017",
            "Bescheiddatum 15.11.2021",
            "Zuwendungsempfänger (federführend) Detmold",
            "Partnerkommunen Blomberg",
            "Richtlinie vom 31. August 2021",
            f"bewilligter Betrag {euro('245.000,00')}",
            f"Förderquote 90,00{NBSP}%",
            f"zuwendungsfähige Ausgaben {euro('272.222,22')}",
            f"Eigenanteil {euro('27.222,22')} (10,00{NBSP}%)",
            f"Höchstbetrag nach Betragsregel {euro('175.000,00')} bei 2 NRW-Partnern",
            f"abgerufen {euro('110.150,00')}",
            f"verbleibend {euro('134.850,00')}",
            "Bewilligungszeitraum 01.12.2021 bis 31.12.2026",
            "Verwendungsnachweis 31.03.2027",
            "Digitale Akte in Detmold",
            # drawdowns with the running remaining amount
            f"01.06.2022 {euro('61.250,00')} beantragt – {euro('183.750,00')}",
            f"01.02.2023 {euro('48.900,00')} ausgezahlt am 01.02.2023 – {euro('134.850,00')}",
        ]:
            assert erwartet in seite, erwartet
        assert "Betrag über dem Höchstbetrag" in seite  # 245.000 € for two partners

    def test_readers_get_no_management_buttons(self, welt, login, bescheid):
        html = login(welt.users["cdo_eigen"]).get(f"/foerderung/{bescheid.pk}/").content.decode()
        for url in ("bearbeiten/", "mittelabrufe/neu/", "dokumente/neu/", "loeschen/"):
            assert f"/foerderung/{bescheid.pk}/{url}" not in html
        html = login(welt.users["kreis"]).get(f"/foerderung/{bescheid.pk}/").content.decode()
        for url in ("bearbeiten/", "mittelabrufe/neu/", "dokumente/neu/", "loeschen/"):
            assert f"/foerderung/{bescheid.pk}/{url}" in html

    def test_history_shows_who_changed_what(self, welt, login, bescheid):
        client = login(welt.users["kreis"])
        daten = formular_daten(bescheid, bewilligter_betrag="210.000,00", partner=[welt.lemgo.pk])
        assert client.post(f"/foerderung/{bescheid.pk}/bearbeiten/", daten).status_code == 302
        seite = text(client.get(f"/foerderung/{bescheid.pk}/"))
        name = welt.users["kreis"].get_full_name()
        assert f"{name} Förderbescheid geändert" in seite
        assert f"bewilligter Betrag (EUR): {euro('245.000,00')} → {euro('210.000,00')}" in seite
        assert "Partnerkommunen: – → Lemgo" in seite
        assert f"Mittelabruf vom 01.06.2022 über {euro('61.250,00')} angelegt" in seite


# --- Create and edit ---------------------------------------------------------------


def formular_daten(bescheid=None, **ueberschreiben) -> dict:
    werte = {
        "programm": bescheid.programm_id if bescheid else None,
        "aktenzeichen": bescheid.aktenzeichen if bescheid else "34.2-IKZ-2024/001",
        "bescheiddatum": "2021-11-15",
        "status": "in_durchfuehrung",
        "zuwendungsempfaenger": bescheid.zuwendungsempfaenger_id if bescheid else None,
        "partner": [k.pk for k in bescheid.partner.all()] if bescheid else [],
        "bewilligter_betrag": "245.000,00",
        "foerderquote": "90",
        "bewilligungszeitraum_beginn": "2021-12-01",
        "bewilligungszeitraum_ende": "2026-12-31",
        "verwendungsnachweis_faellig": "2027-03-31",
        "zweck": "Gemeinsames E-Government-Projekt",
        "massnahmen": [],
    }
    if bescheid is not None:
        # The hidden version the edit form shows (core.locking), as stored now.
        werte["version"] = Foerderbescheid.objects.get(pk=bescheid.pk).version
    werte.update(ueberschreiben)
    return {k: v for k, v in werte.items() if v is not None}


@pytest.fixture
def ikz(db):
    return FoerderprogrammFactory()


class TestAnlegen:
    def test_kreis_staff_create_a_bescheid_with_german_amounts(self, welt, login, ikz):
        partner = [
            welt.lemgo,
            welt.detmold,
            KommuneFactory(kreis=welt.lippe, ags="05766040", name="Kalletal", slug="kalletal"),
        ]
        daten = formular_daten(
            programm=ikz.pk,
            zuwendungsempfaenger=welt.blomberg.pk,
            partner=[k.pk for k in partner],
            bewilligter_betrag="245.000 €",
        )
        response = login(welt.users["kreis"]).post("/foerderung/neu/", daten, follow=True)
        bescheid = Foerderbescheid.objects.get()
        assert response.redirect_chain[-1][0] == f"/foerderung/{bescheid.pk}/"
        assert bescheid.kreis_id == "05766"
        assert bescheid.bewilligter_betrag == Decimal("245000.00")
        seite = text(response)
        assert "Der Förderbescheid wurde angelegt." in seite
        assert "Höchstbetrag" not in seite.split("Eckdaten")[0]  # no warning above the facts
        assert f"{euro('245.000,00')} bei 4 NRW-Partnern" in seite

    def test_amount_above_maximum_is_saved_with_a_warning(self, welt, login, ikz):
        daten = formular_daten(
            programm=ikz.pk, zuwendungsempfaenger=welt.blomberg.pk, partner=[welt.lemgo.pk]
        )
        response = login(welt.users["kreis"]).post("/foerderung/neu/", daten, follow=True)
        assert Foerderbescheid.objects.count() == 1
        assert (
            f"Der bewilligte Betrag ({euro('245.000,00')}) liegt über dem Höchstbetrag nach "
            f"der Betragsregel des Programms ({euro('175.000,00')} bei 2 NRW-Partnern)."
        ) in text(response)

    def test_errors_stand_next_to_the_field_and_nothing_is_stored(self, welt, login, ikz):
        daten = formular_daten(
            programm=ikz.pk,
            zuwendungsempfaenger=welt.blomberg.pk,
            bewilligter_betrag="245,000.00",
            foerderquote="95",
        )
        response = login(welt.users["kreis"]).post("/foerderung/neu/", daten)
        assert response.status_code == 200
        html = response.content.decode()
        fehler = re.search(r'id="id_bewilligter_betrag_error".*?</div>', html, flags=re.S)
        assert "Bitte geben Sie eine Zahl in deutscher Schreibweise ein" in fehler.group(0)
        assert 'aria-invalid="true"' in html
        assert "Das Programm IKZ NRW erlaubt höchstens 90 %" in html
        assert 'value="245,000.00"' in html  # what was typed stays in the field
        assert Foerderbescheid.objects.count() == 0

    def test_duplicate_file_number_is_a_field_error(self, welt, login, bescheid):
        daten = formular_daten(bescheid)
        response = login(welt.users["kreis"]).post("/foerderung/neu/", daten)
        assert response.status_code == 200
        assert "Dieses Aktenzeichen gibt es bereits." in text(response)
        assert Foerderbescheid.objects.count() == 1

    def test_rule_check_via_htmx_saves_nothing(self, welt, login, ikz):
        partner = [
            welt.lemgo,
            welt.detmold,
            KommuneFactory(kreis=welt.lippe, ags="05766040", name="Kalletal", slug="kalletal"),
        ]
        daten = formular_daten(
            programm=ikz.pk,
            zuwendungsempfaenger=welt.blomberg.pk,
            partner=[k.pk for k in partner],
            pruefen="1",
        )
        response = login(welt.users["kreis"]).post(
            "/foerderung/neu/", daten, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert "<html" not in html
        assert f"{euro('245.000,00')} bei 4 NRW-Partnern" in html
        assert f"{euro('27.222,22')} (10,00&nbsp;%)" in html
        assert "Hinweis: Betrag über dem Höchstbetrag" not in html
        assert Foerderbescheid.objects.count() == 0

    def test_rule_check_button_without_javascript(self, welt, login, ikz):
        daten = formular_daten(
            programm=ikz.pk,
            zuwendungsempfaenger=welt.blomberg.pk,
            bewilligter_betrag="250.000",
            pruefen="1",
        )
        response = login(welt.users["kreis"]).post("/foerderung/neu/", daten)
        assert response.status_code == 200
        seite = text(response)
        assert f"{euro('175.000,00')} bei 1 NRW-Partner" not in seite
        # Issue 13: the rule cannot fund a single Kommune; the reason, not a "0,00 €" hint.
        assert f"{euro('0,00')} bei 1 NRW-Partner" not in seite
        assert "Hinweis: Betrag über dem Höchstbetrag" not in seite
        assert (
            "Höchstbetrag nach der Betragsregel keiner: Die Richtlinie IKZ NRW fördert nur die "
            "Zusammenarbeit von mindestens zwei NRW-Kommunen. Bitte wählen Sie neben dem "
            "Zuwendungsempfänger mindestens eine Partnerkommune."
        ) in seite
        assert Foerderbescheid.objects.count() == 0


class TestBearbeiten:
    def test_amount_below_drawn_money_is_refused(self, welt, login, bescheid):
        daten = formular_daten(bescheid, bewilligter_betrag="100.000")
        response = login(welt.users["kreis"]).post(f"/foerderung/{bescheid.pk}/bearbeiten/", daten)
        assert response.status_code == 200
        assert "Es wurden bereits mehr Mittel abgerufen" in text(response)
        bescheid.refresh_from_db()
        assert bescheid.bewilligter_betrag == Decimal("245000")

    def test_edit_form_shows_german_values(self, welt, login, bescheid):
        html = login(welt.users["kreis"]).get(f"/foerderung/{bescheid.pk}/bearbeiten/").content
        assert 'value="245.000,00"' in html.decode()

    def test_cdo_cannot_change(self, welt, login, bescheid):
        daten = formular_daten(bescheid, bewilligter_betrag="1")
        for rolle, status in [("cdo_eigen", 403), ("region", 403), ("kreis_fremd", 404)]:
            response = login(welt.users[rolle]).post(
                f"/foerderung/{bescheid.pk}/bearbeiten/", daten
            )
            assert response.status_code == status
        bescheid.refresh_from_db()
        assert bescheid.bewilligter_betrag == Decimal("245000")


class TestLoeschen:
    def test_bescheid_without_drawdowns_is_deleted(self, welt, login):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe)
        response = login(welt.users["kreis"]).post(
            f"/foerderung/{bescheid.pk}/loeschen/", follow=True
        )
        assert response.redirect_chain[-1][0] == "/foerderung/"
        assert not Foerderbescheid.objects.exists()
        assert f"Der Förderbescheid {bescheid.aktenzeichen} wurde gelöscht." in text(response)

    def test_bescheid_with_drawdowns_is_kept(self, welt, login, bescheid):
        client = login(welt.users["kreis"])
        assert "Löschen nicht möglich" in text(client.get(f"/foerderung/{bescheid.pk}/loeschen/"))
        response = client.post(f"/foerderung/{bescheid.pk}/loeschen/", follow=True)
        assert Foerderbescheid.objects.filter(pk=bescheid.pk).exists()
        assert "kann nicht gelöscht werden" in text(response)


# --- Mittelabruf -------------------------------------------------------------------


class TestMittelabruf:
    url = "/foerderung/{}/mittelabrufe/neu/"

    def test_kreis_staff_record_a_drawdown_and_the_remaining_amount_changes(
        self, welt, login, bescheid
    ):
        response = login(welt.users["kreis"]).post(
            self.url.format(bescheid.pk),
            {"datum": "2024-01-15", "betrag": "34.850,00", "status": "beantragt"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == f"/foerderung/{bescheid.pk}/#mittelabrufe"
        seite = text(response)
        assert (
            f"Der Mittelabruf über {euro('34.850,00')} wurde erfasst. "
            f"Verbleibend: {euro('100.000,00')}."
        ) in seite
        assert f"verbleibend {euro('100.000,00')}" in seite
        assert bescheid.mittelabrufe.count() == 3

    def test_too_much_is_a_field_error_and_nothing_is_stored(self, welt, login, bescheid):
        response = login(welt.users["kreis"]).post(
            self.url.format(bescheid.pk),
            {"datum": "2024-01-15", "betrag": "134.850,01", "status": "beantragt"},
        )
        assert response.status_code == 422
        html = response.content.decode()
        fehler = re.search(r'id="id_betrag_error".*?</div>', html, flags=re.S).group(0)
        assert "Der Abruf übersteigt die verbleibenden Mittel (134.850,00" in fehler
        assert bescheid.mittelabrufe.count() == 2

    def test_service_refusal_lands_next_to_the_field(self, welt, login, bescheid, monkeypatch):
        """When the service refuses (e.g. a drawdown recorded a moment earlier)."""
        from django.core.exceptions import ValidationError

        def abgelehnt(**kwargs):
            raise ValidationError({"betrag": "Der Abruf übersteigt die verbleibenden Mittel."})

        monkeypatch.setattr("foerderung.views.record_mittelabruf", abgelehnt)
        response = login(welt.users["kreis"]).post(
            self.url.format(bescheid.pk),
            {"datum": "2024-01-15", "betrag": "1", "status": "beantragt"},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert re.search(r'id="id_betrag_error".*?übersteigt', html, flags=re.S)

    @pytest.mark.parametrize(("rolle", "status"), [("cdo_eigen", 403), ("kreis_fremd", 404)])
    def test_only_kreis_staff(self, welt, login, bescheid, rolle, status):
        response = login(welt.users[rolle]).post(
            self.url.format(bescheid.pk),
            {"datum": "2024-01-15", "betrag": "1", "status": "beantragt"},
        )
        assert response.status_code == status
        assert bescheid.mittelabrufe.count() == 2


# --- Documents ---------------------------------------------------------------------


class TestDokumente:
    def hochladen(self, client, bescheid, name="Zuwendungsbescheid.pdf", inhalt=PDF):
        return client.post(
            f"/foerderung/{bescheid.pk}/dokumente/neu/",
            {
                "titel": "",
                "datei": SimpleUploadedFile(name, inhalt, content_type="application/pdf"),
            },
        )

    def test_upload_and_download_through_the_checked_view(self, welt, login, bescheid):
        response = self.hochladen(login(welt.users["kreis"]), bescheid)
        assert response.status_code == 302
        dokument = BescheidDokument.objects.get()
        assert dokument.hochgeladen_von == welt.users["kreis"]
        assert dokument.titel == "Zuwendungsbescheid"

        client = login(welt.users["cdo_andere"])  # reads the Kreis
        detail = client.get(f"/foerderung/{bescheid.pk}/").content.decode()
        url = f"/foerderung/{bescheid.pk}/dokumente/{dokument.pk}/"
        assert url in detail
        assert "/media/" not in detail
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="Zuwendungsbescheid.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF

    def test_stored_files_are_not_served_under_a_media_url(self, welt, login, bescheid, settings):
        self.hochladen(login(welt.users["kreis"]), bescheid)
        dokument = BescheidDokument.objects.get()
        response = login(welt.users["kreis"]).get(settings.MEDIA_URL + dokument.datei.name)
        assert response.status_code == 404

    def test_refused_upload_is_a_field_error(self, welt, login, bescheid):
        response = self.hochladen(
            login(welt.users["kreis"]), bescheid, name="bescheid.pdf", inhalt=b"<html>"
        )
        assert response.status_code == 200
        assert re.search(r'id="id_datei_error"', response.content.decode())
        assert not BescheidDokument.objects.exists()

    def test_cdo_cannot_upload(self, welt, login, bescheid):
        assert self.hochladen(login(welt.users["cdo_eigen"]), bescheid).status_code == 403
        assert not BescheidDokument.objects.exists()

    def test_document_of_another_bescheid_is_not_found(self, welt, login, bescheid):
        self.hochladen(login(welt.users["kreis"]), bescheid)
        dokument = BescheidDokument.objects.get()
        anderer = FoerderbescheidFactory(kreis=welt.lippe)
        response = login(welt.users["kreis"]).get(
            f"/foerderung/{anderer.pk}/dokumente/{dokument.pk}/"
        )
        assert response.status_code == 404

    def test_missing_file_is_not_found_not_a_server_error(self, welt, login, bescheid):
        self.hochladen(login(welt.users["kreis"]), bescheid)
        dokument = BescheidDokument.objects.get()
        dokument.datei.storage.delete(dokument.datei.name)
        response = login(welt.users["kreis"]).get(
            f"/foerderung/{bescheid.pk}/dokumente/{dokument.pk}/"
        )
        assert response.status_code == 404


# --- Page structure (issue 18, point 3) -------------------------------------------------------


def _klasse(name: str) -> str:
    return f"[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def test_detail_page_has_an_action_bar_and_facts_as_description_lists(welt, login, bescheid):
    from lxml import html as lxml_html

    seite = lxml_html.fromstring(
        login(welt.users["kreis"]).get(f"/foerderung/{bescheid.pk}/").content.decode()
    )
    (leiste,) = seite.xpath("//main//ul" + _klasse("portal-actionbar"))
    assert leiste.get("aria-label") == "Aktionen zu diesem Förderbescheid"
    knoepfe = [li.text_content().strip() for li in leiste.findall("li")]
    assert knoepfe[:3] == ["Mittelabruf erfassen", "Bearbeiten", "Dokument hochladen"]
    fakten = seite.xpath("//main//dl" + _klasse("portal-fakten"))
    assert [dl.getparent().find("h2").text_content() for dl in fakten] == [
        "Eckdaten",
        "Beträge",
        "Zeitraum und Fristen",
    ]
    eckdaten = {
        item.find("dt").text_content(): item.find("dd").text_content().strip()
        for item in fakten[0].findall("div")
    }
    assert eckdaten["Aktenzeichen"] == "34.2-IKZ-2021/017"
    # A drawdown's actions: links side by side, not a bulleted list.
    zeile = seite.xpath("//main//td/ul" + _klasse("portal-actions--zeile"))
    assert zeile and "Bearbeiten" in zeile[0].text_content()


def test_form_puts_the_multiple_select_in_the_styled_full_width_wrapper(welt, login, bescheid):
    """The Maßnahmen select sits in the KERN select wrapper (width 100 %) like every other
    select; bare, its longest option made the form 598 px wide on a 390 px phone."""
    from lxml import html as lxml_html

    seite = lxml_html.fromstring(
        login(welt.users["kreis"]).get(f"/foerderung/{bescheid.pk}/bearbeiten/").content.decode()
    )
    (auswahl,) = seite.xpath("//select[@name='massnahmen']")
    assert auswahl.get("multiple") is not None
    assert "kern-form-input__select-wrapper" in auswahl.getparent().get("class")

"""Issue 13, point 5: Kreis staff edit, delete and pay out Mittelabrufe; date warnings;
stale forms and double posts get a German 409/422, never a 500, and lose nothing saved;
an IKZ NRW Bescheid needs two NRW partners."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from foerderung.models import Foerderbescheid, Mittelabruf
from tests.factories import FoerderbescheidFactory, FoerderprogrammFactory, MittelabrufFactory
from tests.foerderung.test_views import euro, formular_daten, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def bescheid(welt):
    """245.000 € for Detmold (period 01.12.2021–31.12.2026, proof due 31.03.2027)."""
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        aktenzeichen="34.2-IKZ-2021/017",
        verwendungsnachweis_faellig=dt.date(2027, 3, 31),
    )
    bescheid.partner.set([welt.blomberg])
    return bescheid


@pytest.fixture
def beantragt(bescheid):
    return MittelabrufFactory(bescheid=bescheid, datum=dt.date(2022, 6, 1), betrag=Decimal("61250"))


@pytest.fixture
def ausgezahlt(bescheid):
    return MittelabrufFactory(
        bescheid=bescheid,
        datum=dt.date(2023, 2, 1),
        betrag=Decimal("48900"),
        status=Mittelabruf.Status.AUSGEZAHLT,
    )


def url(abruf, aktion: str) -> str:
    return f"/foerderung/{abruf.bescheid_id}/mittelabrufe/{abruf.pk}/{aktion}/"


def bearbeiten_daten(abruf, **werte) -> dict:
    daten = {
        "datum": abruf.datum.isoformat(),
        "betrag": f"{abruf.betrag:.2f}".replace(".", ","),
        "status": abruf.status,
        "ausgezahlt_am": abruf.ausgezahlt_am.isoformat() if abruf.ausgezahlt_am else "",
        "bemerkung": abruf.bemerkung,
        "version": abruf.version,
    }
    daten.update(werte)
    return daten


class TestDetailAktionen:
    def test_kreis_staff_get_edit_payout_and_delete_per_row(
        self, welt, login, beantragt, ausgezahlt
    ):
        html = login(welt.users["kreis"]).get(f"/foerderung/{beantragt.bescheid_id}/").content
        html = html.decode()
        for abruf in (beantragt, ausgezahlt):
            assert url(abruf, "bearbeiten") in html
            assert url(abruf, "loeschen") in html
        assert url(beantragt, "ausgezahlt") in html
        assert url(ausgezahlt, "ausgezahlt") not in html  # already paid
        seite = text(login(welt.users["kreis"]).get(f"/foerderung/{beantragt.bescheid_id}/"))
        assert f"01.02.2023 {euro('48.900,00')} ausgezahlt am 01.02.2023" in seite

    @pytest.mark.parametrize("rolle", ["cdo_eigen", "cdo_andere", "region"])
    def test_readers_get_no_drawdown_actions(self, welt, login, beantragt, rolle):
        html = login(welt.users[rolle]).get(f"/foerderung/{beantragt.bescheid_id}/").content
        assert f"/mittelabrufe/{beantragt.pk}/" not in html.decode()

    @pytest.mark.parametrize(
        ("rolle", "status"),
        [("cdo_eigen", 403), ("cdo_andere", 403), ("region", 403), ("kreis_fremd", 404)],
    )
    def test_others_cannot_change_delete_or_pay_out(self, welt, login, beantragt, rolle, status):
        client = login(welt.users[rolle])
        assert (
            client.post(url(beantragt, "bearbeiten"), bearbeiten_daten(beantragt, betrag="1"))
        ).status_code == status
        assert client.post(url(beantragt, "loeschen"), {"version": 1}).status_code == status
        assert (
            client.post(url(beantragt, "ausgezahlt"), {"ausgezahlt_am": "2022-06-10", "version": 1})
        ).status_code == status
        beantragt.refresh_from_db()
        assert (beantragt.betrag, beantragt.status) == (Decimal("61250"), "beantragt")

    def test_a_drawdown_of_another_bescheid_is_not_found(self, welt, login, beantragt):
        anderer = FoerderbescheidFactory(kreis=welt.lippe)
        response = login(welt.users["kreis"]).get(
            f"/foerderung/{anderer.pk}/mittelabrufe/{beantragt.pk}/bearbeiten/"
        )
        assert response.status_code == 404


class TestBearbeiten:
    def test_change_amount_shows_new_remaining_and_history(
        self, welt, login, beantragt, ausgezahlt
    ):
        client = login(welt.users["kreis"])
        response = client.post(
            url(beantragt, "bearbeiten"),
            bearbeiten_daten(beantragt, betrag="70.000,00", bemerkung="korrigiert"),
            follow=True,
        )
        assert (
            response.redirect_chain[-1][0] == f"/foerderung/{beantragt.bescheid_id}/#mittelabrufe"
        )
        seite = text(response)
        assert (
            f"Der Mittelabruf vom 01.06.2022 über {euro('70.000,00')} wurde gespeichert. "
            f"Verbleibend: {euro('126.100,00')}."
        ) in seite
        assert f"verbleibend {euro('126.100,00')}" in seite
        name = welt.users["kreis"].get_full_name()
        assert f"{name} Mittelabruf vom 01.06.2022 über {euro('70.000,00')} geändert" in seite
        assert f"Betrag (EUR): {euro('61.250,00')} → {euro('70.000,00')}" in seite

    def test_never_below_zero_remaining(self, welt, login, beantragt, ausgezahlt):
        client = login(welt.users["kreis"])
        # 245.000 − 48.900 (the other drawdown) = 196.100 € at most.
        response = client.post(
            url(beantragt, "bearbeiten"), bearbeiten_daten(beantragt, betrag="196.100,01")
        )
        assert response.status_code == 422
        fehler = re.search(r'id="id_betrag_error".*?</div>', response.content.decode(), re.S)
        assert f"Der Abruf übersteigt die verbleibenden Mittel ({euro('196.100,00')})." in (
            fehler.group(0)
        )
        beantragt.refresh_from_db()
        assert beantragt.betrag == Decimal("61250")
        response = client.post(
            url(beantragt, "bearbeiten"), bearbeiten_daten(beantragt, betrag="196.100,00")
        )
        assert response.status_code == 302
        assert Foerderbescheid.objects.get().verbleibend() == Decimal("0")

    def test_stale_form_is_a_409_and_keeps_the_other_change(self, welt, login, beantragt):
        client = login(welt.users["kreis"])
        alt = bearbeiten_daten(beantragt)
        # Someone else saves first (another window, another person).
        assert (
            client.post(
                url(beantragt, "bearbeiten"), bearbeiten_daten(beantragt, betrag="50.000")
            ).status_code
            == 302
        )
        response = client.post(url(beantragt, "bearbeiten"), {**alt, "bemerkung": "meins"})
        assert response.status_code == 409
        seite = text(response)
        assert "Dieser Mittelabruf wurde geändert, nachdem Sie die Seite geöffnet haben." in seite
        assert "Ihre Eingaben sind nicht gespeichert." in seite
        assert f"Betrag (EUR): {euro('61.250,00')} → {euro('50.000,00')}" in seite
        assert 'value="meins"' in response.content.decode()  # what was typed stays
        beantragt.refresh_from_db()
        assert (beantragt.betrag, beantragt.bemerkung) == (Decimal("50000"), "")
        # Saving again (with the version the 409 page carries) overwrites deliberately.
        version = re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)
        response = client.post(
            url(beantragt, "bearbeiten"), {**alt, "bemerkung": "meins", "version": version}
        )
        assert response.status_code == 302
        beantragt.refresh_from_db()
        assert (beantragt.betrag, beantragt.bemerkung) == (Decimal("61250"), "meins")

    def test_edit_of_a_deleted_drawdown_is_a_409_and_recreates_nothing(
        self, welt, login, beantragt
    ):
        client = login(welt.users["kreis"])
        daten = bearbeiten_daten(beantragt)
        assert client.post(url(beantragt, "loeschen"), {"version": 1}).status_code == 302
        response = client.post(url(beantragt, "bearbeiten"), daten)
        assert response.status_code == 409
        assert "Dieser Mittelabruf wurde bereits gelöscht" in text(response)
        assert not Mittelabruf.objects.exists()

    def test_paid_status_needs_the_payout_date(self, welt, login, beantragt):
        response = login(welt.users["kreis"]).post(
            url(beantragt, "bearbeiten"), bearbeiten_daten(beantragt, status="ausgezahlt")
        )
        assert response.status_code == 422
        assert "Bitte geben Sie an, wann die Mittel ausgezahlt wurden." in text(response)


class TestDatumHinweise:
    def test_date_after_the_period_must_be_confirmed(self, welt, login, beantragt):
        client = login(welt.users["kreis"])
        daten = bearbeiten_daten(beantragt, datum="2027-01-15")
        response = client.post(url(beantragt, "bearbeiten"), daten)
        assert response.status_code == 422
        seite = text(response)
        assert (
            "Das Datum des Abrufs (15.01.2027) liegt außerhalb des Bewilligungszeitraums "
            "(01.12.2021 bis 31.12.2026)."
        ) in seite
        assert "Verwendungsnachweis" not in seite.split("Hinweis zum Datum")[1].split("Ist")[0]
        beantragt.refresh_from_db()
        assert beantragt.datum == dt.date(2022, 6, 1)
        schluessel = re.search(
            r'name="bestaetigte_hinweise" value="(\w+)"', response.content.decode()
        ).group(1)
        bestaetigt = {**daten, "hinweise_bestaetigt": "on", "bestaetigte_hinweise": schluessel}
        assert client.post(url(beantragt, "bearbeiten"), bestaetigt).status_code == 302
        beantragt.refresh_from_db()
        assert beantragt.datum == dt.date(2027, 1, 15)

    def test_a_confirmation_does_not_carry_over_to_another_date(self, welt, login, bescheid):
        client = login(welt.users["kreis"])
        neu = f"/foerderung/{bescheid.pk}/mittelabrufe/neu/"
        daten = {"datum": "2027-01-15", "betrag": "1.000", "status": "beantragt"}
        erste = client.post(neu, daten).content.decode()
        schluessel = re.search(r'name="bestaetigte_hinweise" value="(\w+)"', erste).group(1)
        # Confirmed for 15.01.2027, but the date was then changed to after the proof deadline.
        response = client.post(
            neu,
            {
                **daten,
                "datum": "2027-04-01",
                "hinweise_bestaetigt": "on",
                "bestaetigte_hinweise": schluessel,
            },
        )
        assert response.status_code == 422
        seite = text(response)
        assert (
            "Das Datum des Abrufs (01.04.2027) liegt nach der Frist für den Verwendungsnachweis "
            "(31.03.2027)."
        ) in seite
        assert "Bitte bestätigen Sie die Hinweise zum Datum" in seite
        assert not bescheid.mittelabrufe.exists()

    def test_a_date_within_the_period_needs_no_confirmation(self, welt, login, bescheid):
        response = login(welt.users["kreis"]).post(
            f"/foerderung/{bescheid.pk}/mittelabrufe/neu/",
            {"datum": "2024-01-15", "betrag": "1.000", "status": "beantragt"},
        )
        assert response.status_code == 302


class TestDoppelteAnlage:
    def test_the_same_form_posted_twice_records_once(self, welt, login, bescheid):
        client = login(welt.users["kreis"])
        neu = f"/foerderung/{bescheid.pk}/mittelabrufe/neu/"
        html = client.get(neu).content.decode()
        schluessel = re.search(r'name="erfassungsschluessel" value="([\w-]+)"', html).group(1)
        daten = {
            "datum": "2024-01-15",
            "betrag": "1.000",
            "status": "beantragt",
            "erfassungsschluessel": schluessel,
        }
        assert client.post(neu, daten).status_code == 302
        response = client.post(neu, daten)
        assert response.status_code == 409
        assert (
            f"Der Mittelabruf vom 15.01.2024 über {euro('1.000,00')} ist bereits erfasst. "
            "Er wurde nicht ein zweites Mal gespeichert."
        ) in text(response)
        assert bescheid.mittelabrufe.count() == 1


class TestLoeschen:
    def test_confirmation_page_then_delete_with_history(self, welt, login, beantragt):
        client = login(welt.users["kreis"])
        seite = text(client.get(url(beantragt, "loeschen")))
        assert (
            f"Möchten Sie den Mittelabruf vom 01.06.2022 über {euro('61.250,00')} (beantragt) "
            "zum Förderbescheid 34.2-IKZ-2021/017 wirklich löschen?"
        ) in seite
        assert Mittelabruf.objects.exists()  # GET deletes nothing
        response = client.post(url(beantragt, "loeschen"), {"version": 1}, follow=True)
        seite = text(response)
        assert (
            f"Der Mittelabruf vom 01.06.2022 über {euro('61.250,00')} wurde gelöscht. "
            f"Verbleibend: {euro('245.000,00')}."
        ) in seite
        name = welt.users["kreis"].get_full_name()
        assert f"{name} Mittelabruf vom 01.06.2022 über {euro('61.250,00')} gelöscht" in seite
        assert not Mittelabruf.objects.exists()

    def test_second_delete_post_is_a_409_not_a_500(self, welt, login, beantragt):
        client = login(welt.users["kreis"])
        assert client.post(url(beantragt, "loeschen"), {"version": 1}).status_code == 302
        response = client.post(url(beantragt, "loeschen"), {"version": 1})
        assert response.status_code == 409
        assert "Dieser Mittelabruf wurde bereits gelöscht" in text(response)

    def test_delete_after_someone_changed_it_asks_again(self, welt, login, beantragt):
        client = login(welt.users["kreis"])
        assert (
            client.post(
                url(beantragt, "bearbeiten"), bearbeiten_daten(beantragt, betrag="50.000")
            ).status_code
            == 302
        )
        response = client.post(url(beantragt, "loeschen"), {"version": 1})
        assert response.status_code == 409
        seite = text(response)
        assert f"Betrag (EUR): {euro('61.250,00')} → {euro('50.000,00')}" in seite
        assert "bestätigen Sie es bitte erneut" in seite
        assert Mittelabruf.objects.get().betrag == Decimal("50000")
        assert client.post(url(beantragt, "loeschen"), {"version": 2}).status_code == 302
        assert not Mittelabruf.objects.exists()

    def test_missing_version_is_a_409(self, welt, login, beantragt):
        response = login(welt.users["kreis"]).post(url(beantragt, "loeschen"), {"version": "x"})
        assert response.status_code == 409
        assert Mittelabruf.objects.exists()


class TestAuszahlen:
    def test_mark_as_paid_with_a_date(self, welt, login, beantragt):
        client = login(welt.users["kreis"])
        assert "Wann wurden die Mittel ausgezahlt?" in text(
            client.get(url(beantragt, "ausgezahlt"))
        )
        response = client.post(
            url(beantragt, "ausgezahlt"), {"ausgezahlt_am": "20.06.2022", "version": 1}, follow=True
        )
        seite = text(response)
        assert (
            f"Der Mittelabruf vom 01.06.2022 über {euro('61.250,00')} ist als ausgezahlt am "
            "20.06.2022 vermerkt."
        ) in seite
        assert f"01.06.2022 {euro('61.250,00')} ausgezahlt am 20.06.2022" in seite
        assert "Status: beantragt → ausgezahlt" in seite
        assert "ausgezahlt am: – → 20.06.2022" in seite
        beantragt.refresh_from_db()
        assert (beantragt.status, beantragt.ausgezahlt_am) == ("ausgezahlt", dt.date(2022, 6, 20))

    def test_double_post_is_a_409_and_keeps_the_first_date(self, welt, login, beantragt):
        client = login(welt.users["kreis"])
        daten = {"ausgezahlt_am": "2022-06-20", "version": 1}
        assert client.post(url(beantragt, "ausgezahlt"), daten).status_code == 302
        response = client.post(
            url(beantragt, "ausgezahlt"), {**daten, "ausgezahlt_am": "2022-07-01"}
        )
        assert response.status_code == 409
        assert (
            f"Der Mittelabruf vom 01.06.2022 über {euro('61.250,00')} ist bereits als "
            "ausgezahlt am 20.06.2022 vermerkt. Es wurde nichts geändert."
        ) in text(response)
        beantragt.refresh_from_db()
        assert beantragt.ausgezahlt_am == dt.date(2022, 6, 20)

    @pytest.mark.parametrize(
        ("datum", "fehler"),
        [
            ("", "Bitte geben Sie an, wann die Mittel ausgezahlt wurden."),
            ("2022-05-31", "Die Auszahlung kann nicht vor dem Abruf (01.06.2022) liegen."),
            ("2099-01-01", "Die Auszahlung kann nicht in der Zukunft liegen."),
            # beyond the years every form date accepts (core.compat)
            ("2999-01-01", "Bitte ein Datum zwischen 2000 und 2100 angeben."),
            ("31.02.2022", "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."),
        ],
    )
    def test_bad_dates_are_refused_in_german(self, welt, login, beantragt, datum, fehler):
        response = login(welt.users["kreis"]).post(
            url(beantragt, "ausgezahlt"), {"ausgezahlt_am": datum, "version": 1}
        )
        assert response.status_code == 422
        assert fehler in text(response)
        beantragt.refresh_from_db()
        assert beantragt.status == "beantragt"


class TestIkzZweiPartner:
    def test_ikz_bescheid_without_partner_is_refused_with_the_reason(self, welt, login):
        ikz = FoerderprogrammFactory()
        daten = formular_daten(programm=ikz.pk, zuwendungsempfaenger=welt.blomberg.pk, partner=[])
        response = login(welt.users["kreis"]).post("/foerderung/neu/", daten)
        html = response.content.decode()
        fehler = re.search(r'id="id_partner_error".*?</div>', html, flags=re.S)
        assert fehler, "no error next to the partner field"
        assert (
            "Die Richtlinie IKZ NRW fördert nur die Zusammenarbeit von mindestens zwei "
            "NRW-Kommunen. Bitte wählen Sie neben dem Zuwendungsempfänger mindestens eine "
            "Partnerkommune."
        ) in fehler.group(0)
        assert f"{euro('0,00')}" not in text(response)
        assert not Foerderbescheid.objects.exists()

    def test_stored_bescheid_with_one_kommune_shows_the_reason_not_zero(self, welt, login):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
        seite = text(login(welt.users["kreis"]).get(f"/foerderung/{bescheid.pk}/"))
        assert "Förderregel nicht erfüllt" in seite
        assert "mindestens zwei NRW-Kommunen" in seite
        assert f"{euro('0,00')} bei 1 NRW-Partner" not in seite

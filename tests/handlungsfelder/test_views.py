"""The strategy pages as a user sees them: Ziele with Kennzahlen and on-track status, the
Lebensbereiche view, the comparison across Kreise, value entry, editing, the public page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.quartal import Quartal
from handlungsfelder.models import Kennzahl, KennzahlWert, Ziel
from massnahmen.models import Quartalsabschluss
from tests.factories import (
    KennzahlFactory,
    LebensbereichFactory,
    MassnahmeFactory,
    OzgLeistungFactory,
    UmsetzungsstandFactory,
    ZielFactory,
)

D = Decimal
VORQUARTAL = Quartal.current().previous()


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def ziel(welt):
    ziel = ZielFactory(
        kreis=welt.lippe,
        handlungsfeld=welt.handlungsfeld,
        titel="Verwaltung digital",
        veroeffentlicht=True,
    )
    welt.massnahme.ziel = ziel
    welt.massnahme.save()
    return ziel


@pytest.fixture
def kennzahl(ziel):
    heute = dt.date.today()
    k = KennzahlFactory(
        ziel=ziel,
        name="Onlinedienste",
        basiswert=D("10"),
        basisdatum=heute - dt.timedelta(days=730),
        zielwert=D("50"),
        zieldatum=heute + dt.timedelta(days=730),
    )
    return k


# --- /strategie/ -------------------------------------------------------------------------------


def test_strategie_shows_ziele_kennzahlen_status_and_massnahmen(welt, login, kennzahl):
    KennzahlWert.objects.create(kennzahl=kennzahl, quartal=str(VORQUARTAL), wert=D("45"))
    response = login(welt.users["cdo_eigen"]).get("/strategie/")
    assert response.status_code == 200
    html = text(response)
    assert "Verwaltung digital" in html
    assert "Onlinedienste" in html
    assert "im Plan" in html  # 45 is well above the half-way path value (about 30)
    assert "Digitale Akte in Detmold" in html and "Fortschritt 40 %" in html
    # CDOs read, they do not edit Ziele.
    assert "Neues Ziel" not in html


def test_strategie_says_not_on_track_in_words(welt, login, kennzahl):
    KennzahlWert.objects.create(kennzahl=kennzahl, quartal=str(VORQUARTAL), wert=D("12"))
    html = text(login(welt.users["kreis"]).get("/strategie/"))
    assert "nicht im Plan" in html
    assert "Neues Ziel" in html


def test_strategie_query_count_does_not_grow_with_ziele(
    welt, login, kennzahl, django_assert_max_num_queries
):
    client = login(welt.users["region"])

    def anlegen(n):
        for _ in range(n):
            z = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld)
            KennzahlFactory(ziel=z, ebene=Kennzahl.Ebene.KOMMUNE)
            KennzahlFactory(ziel=z, einheit="%", quelle=Kennzahl.Quelle.MASSNAHMEN_ABGESCHLOSSEN)
            MassnahmeFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, ziel=z)

    anlegen(1)
    with django_assert_max_num_queries(16) as wenige:
        assert client.get("/strategie/?kreis=05766").status_code == 200
    anlegen(8)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        assert client.get("/strategie/?kreis=05766").status_code == 200


def test_region_user_chooses_the_kreis(welt, login, ziel):
    ZielFactory(kreis=welt.herford, handlungsfeld=welt.handlungsfeld, titel="Herforder Ziel")
    client = login(welt.users["region"])
    html = text(client.get("/strategie/?kreis=05766"))
    assert "Verwaltung digital" in html and "Herforder Ziel" not in html
    assert 'name="kreis"' in html  # the chooser
    html = text(client.get("/strategie/?kreis=05758"))
    assert "Herforder Ziel" in html and "Verwaltung digital" not in html


def test_unknown_kreis_is_404(welt, login):
    assert login(welt.users["region"]).get("/strategie/?kreis=99999").status_code == 404


# --- Lebensbereiche ------------------------------------------------------------------------


def test_lebensbereiche_show_the_same_massnahmen(welt, login):
    mobil = LebensbereichFactory(schluessel="mobilitaet", name="Mobilität", reihenfolge=1)
    LebensbereichFactory(schluessel="bildung", name="Bildung und Lernen", reihenfolge=2)
    welt.massnahme.lebensbereiche.add(mobil)
    fremd = MassnahmeFactory(kreis=welt.herford, handlungsfeld=welt.handlungsfeld, titel="Fremd")
    fremd.lebensbereiche.add(mobil)
    html = text(login(welt.users["cdo_andere"]).get("/strategie/lebensbereiche/"))
    abschnitt = html[html.index("Mobilität") : html.index("Bildung und Lernen")]
    assert "Digitale Akte in Detmold" in abschnitt and "40 %" in abschnitt
    assert "Fremd" not in html
    assert "Keine Maßnahme in diesem Lebensbereich." in html


# --- comparison ----------------------------------------------------------------------------


def test_region_compares_a_derived_kennzahl_across_kreise(welt, login):
    MassnahmeFactory(
        kreis=welt.herford,
        handlungsfeld=welt.handlungsfeld,
        status="abgeschlossen",
        beginn=dt.date(2024, 1, 1),
        ende_tatsaechlich=dt.date(2024, 6, 1),
    )
    response = login(welt.users["region"]).get(
        "/strategie/vergleich/?kennzahl=q:massnahmen_abgeschlossen:kreis"
    )
    html = text(response)
    tabelle = html[html.index('id="vergleich-tabelle"') :]
    assert "Herford" in tabelle and "Lippe" in tabelle
    assert "100,00" in tabelle  # Herford: its one Maßnahme is done
    assert "<svg" in html and "Vergleich der Kreise" in html


def test_comparison_per_kommune_uses_the_mean_and_targets_of_that_level(welt, login, ziel):
    for kommune, anzahl in [(welt.detmold, 2), (welt.herford_stadt, 1)]:
        for _ in range(anzahl):
            UmsetzungsstandFactory(
                kommune=kommune,
                leistung=OzgLeistungFactory(),
                reifegrad=4,
                online_seit=dt.date(2024, 1, 1),
            )
    KennzahlFactory(
        ziel=ziel, quelle="ozg_reifegrad", ebene="kommune", zielwert=D("7"), name="Je Kommune"
    )
    KennzahlFactory(ziel=ziel, quelle="ozg_reifegrad", zielwert=D("99"), name="Insgesamt")
    html = text(
        login(welt.users["region"]).get("/strategie/vergleich/?kennzahl=q:ozg_reifegrad:kommune")
    )
    tabelle = html[html.index('id="vergleich-tabelle"') :]
    lippe = tabelle[tabelle.index("Lippe") : tabelle.index("</tr>", tabelle.index("Lippe"))]
    herford = tabelle[tabelle.index("Herford") : tabelle.index("</tr>", tabelle.index("Herford"))]
    assert "0,67" in lippe and "7 bis" in lippe and "99" not in lippe  # (2 + 0 + 0) / 3
    assert "1,00" in herford and "kein Ziel festgelegt" in herford


def test_comparison_by_name_shows_only_readable_kreise(welt, login, kennzahl):
    herford = KennzahlFactory(
        ziel=ZielFactory(kreis=welt.herford, handlungsfeld=welt.handlungsfeld), name="Onlinedienste"
    )
    KennzahlWert.objects.create(kennzahl=kennzahl, quartal=str(VORQUARTAL), wert=D("21"))
    KennzahlWert.objects.create(kennzahl=herford, quartal=str(VORQUARTAL), wert=D("33"))
    url = "/strategie/vergleich/?kennzahl=n:Onlinedienste"
    html = text(login(welt.users["region"]).get(url))
    assert "21,00" in html and "33,00" in html
    html = text(login(welt.users["cdo_eigen"]).get(url))
    assert "21,00" in html and "33,00" not in html


def test_comparison_of_unknown_kennzahl_is_404(welt, login):
    response = login(welt.users["region"]).get("/strategie/vergleich/?kennzahl=n:Gibt es nicht")
    assert response.status_code == 404


# --- Kennzahl page and value entry --------------------------------------------------------


def test_kennzahl_page_has_chart_status_and_form(welt, login, kennzahl):
    KennzahlWert.objects.create(kennzahl=kennzahl, quartal=str(VORQUARTAL), wert=D("12"))
    html = text(login(welt.users["kreis"]).get(f"/strategie/kennzahlen/{kennzahl.pk}/"))
    assert "<svg" in html and "Soll-Pfad" in html and "Ist" in html
    assert "nicht im Plan" in html
    assert "Wert speichern" in html
    html = text(login(welt.users["region"]).get(f"/strategie/kennzahlen/{kennzahl.pk}/"))
    assert "<svg" in html and "Wert speichern" not in html


def test_kreis_staff_enter_a_value_with_german_decimal_comma(welt, login, kennzahl):
    client = login(welt.users["kreis"])
    url = f"/strategie/kennzahlen/{kennzahl.pk}/werte/"
    response = client.post(url, {"quartal": str(VORQUARTAL), "wert": "12,5"})
    assert response.status_code == 302
    wert = KennzahlWert.objects.get(kennzahl=kennzahl)
    assert (wert.wert, wert.quartal, wert.erfasst_von) == (
        D("12.50"),
        str(VORQUARTAL),
        welt.users["kreis"],
    )
    # The same quarter again: the stored value is shown beside the new one (409, nothing
    # replaced); the form of that page carries the stored version, so sending it corrects.
    antwort = client.post(url, {"quartal": str(VORQUARTAL), "wert": "1.234,5"})
    assert antwort.status_code == 409
    assert "Jetzt gespeichert" in text(antwort) and "12,5" in text(antwort)
    assert list(KennzahlWert.objects.values_list("wert", flat=True)) == [D("12.50")]
    version = antwort.context["form"].data["version"]
    korrektur = {"quartal": str(VORQUARTAL), "wert": "1.234,5", "version": version}
    assert client.post(url, korrektur).status_code == 302
    assert list(KennzahlWert.objects.values_list("wert", flat=True)) == [D("1234.50")]
    seite = text(client.get(f"/strategie/kennzahlen/{kennzahl.pk}/"))
    assert "1.234,5" in seite


@pytest.mark.parametrize(
    ("eingabe", "fehler"),
    [
        ("12.5", "deutscher Schreibweise"),
        ("abc", "deutscher Schreibweise"),
        ("-3", "Negative Werte sind nicht zulässig."),
        ("1,234", "höchstens 2 Nachkommastellen"),
        ("9" * 13, "zu groß"),
        ("", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_bad_values_get_a_german_error_and_store_nothing(welt, login, kennzahl, eingabe, fehler):
    response = login(welt.users["kreis"]).post(
        f"/strategie/kennzahlen/{kennzahl.pk}/werte/", {"quartal": str(VORQUARTAL), "wert": eingabe}
    )
    assert response.status_code == 422
    assert fehler in text(response)
    assert not KennzahlWert.objects.exists()


def test_quarter_outside_the_choices_is_refused(welt, login, kennzahl):
    response = login(welt.users["kreis"]).post(
        f"/strategie/kennzahlen/{kennzahl.pk}/werte/", {"quartal": "1999-Q1", "wert": "3"}
    )
    assert response.status_code == 422
    assert not KennzahlWert.objects.exists()


def test_cdo_enters_kommune_value_only_for_own_kommune(welt, login, ziel):
    k = KennzahlFactory(ziel=ziel, ebene=Kennzahl.Ebene.KOMMUNE, basisdatum=dt.date(2024, 1, 1))
    client = login(welt.users["cdo_eigen"])
    url = f"/strategie/kennzahlen/{k.pk}/werte/"
    daten = {"quartal": str(VORQUARTAL), "wert": "7"}
    response = client.post(url, {**daten, "kommune": welt.lemgo.pk})
    assert response.status_code == 422
    assert not KennzahlWert.objects.exists()
    assert client.post(url, {**daten, "kommune": welt.detmold.pk}).status_code == 302
    assert KennzahlWert.objects.get().kommune == welt.detmold


def test_cdo_may_not_enter_kreis_values(welt, login, kennzahl):
    response = login(welt.users["cdo_eigen"]).post(
        f"/strategie/kennzahlen/{kennzahl.pk}/werte/", {"quartal": str(VORQUARTAL), "wert": "7"}
    )
    assert response.status_code == 403
    assert not KennzahlWert.objects.exists()


def test_derived_kennzahl_refuses_typed_values_even_from_admin(welt, login, ziel):
    k = KennzahlFactory(ziel=ziel, einheit="%", quelle=Kennzahl.Quelle.MASSNAHMEN_ABGESCHLOSSEN)
    for rolle in ("kreis", "admin"):
        response = login(welt.users[rolle]).post(
            f"/strategie/kennzahlen/{k.pk}/werte/", {"quartal": str(VORQUARTAL), "wert": "7"}
        )
        assert response.status_code == 403
    assert not KennzahlWert.objects.exists()
    html = text(login(welt.users["kreis"]).get(f"/strategie/kennzahlen/{k.pk}/"))
    assert "wird je Quartal berechnet und nicht eingegeben" in html
    assert "Wert speichern" not in html


def test_value_form_refuses_derived_kennzahl(welt, ziel):
    from handlungsfelder.forms import KennzahlWertForm

    k = KennzahlFactory(ziel=ziel, einheit="%", quelle=Kennzahl.Quelle.FOERDERMITTEL_ABGERUFEN)
    form = KennzahlWertForm(
        {"quartal": str(VORQUARTAL), "wert": "5"}, kennzahl=k, user=welt.users["admin"]
    )
    assert not form.is_valid()
    assert "berechnet" in str(form.non_field_errors())


def test_frozen_quarter_keeps_its_values(welt, login, kennzahl):
    Quartalsabschluss.objects.create(kreis=welt.lippe, quartal=str(VORQUARTAL))
    response = login(welt.users["kreis"]).post(
        f"/strategie/kennzahlen/{kennzahl.pk}/werte/", {"quartal": str(VORQUARTAL), "wert": "7"}
    )
    assert response.status_code == 422
    assert "für den Bericht abgeschlossen" in text(response)
    assert not KennzahlWert.objects.exists()


# --- Ziele and Kennzahlen ------------------------------------------------------------------


def test_kreis_staff_create_a_ziel_in_their_kreis(welt, login):
    response = login(welt.users["kreis"]).post(
        "/strategie/ziele/neu/",
        {"handlungsfeld": welt.handlungsfeld.pk, "titel": "Neues Ziel", "veroeffentlicht": "on"},
    )
    assert response.status_code == 302
    ziel = Ziel.objects.get(titel="Neues Ziel")
    assert ziel.kreis == welt.lippe and ziel.veroeffentlicht
    assert response["Location"].endswith(f"#ziel-{ziel.pk}")


def _kennzahl_daten(**extra):
    return {
        "name": "Nutzerkonten",
        "einheit": "Anzahl",
        "richtung": "hoeher",
        "ebene": "kreis",
        "quelle": "manuell",
        "basiswert": "12,5",
        "basisdatum": "2025-01-01",
        "zielwert": "1.234,5",
        "zieldatum": "2027-12-31",
        **extra,
    }


def test_kreis_staff_create_a_kennzahl_with_german_numbers(welt, login, ziel):
    response = login(welt.users["kreis"]).post(
        f"/strategie/ziele/{ziel.pk}/kennzahlen/neu/", _kennzahl_daten()
    )
    assert response.status_code == 302
    k = Kennzahl.objects.get(name="Nutzerkonten")
    assert (k.ziel, k.basiswert, k.zielwert) == (ziel, D("12.50"), D("1234.50"))


@pytest.mark.parametrize(
    ("extra", "feld", "fehler"),
    [
        (
            {"zieldatum": "2024-12-31"},
            "zieldatum",
            "Das Zieldatum muss nach dem Stand des Ausgangswerts liegen.",
        ),
        (
            {"zieldatum": "2025-01-01"},
            "zieldatum",
            "Das Zieldatum muss nach dem Stand des Ausgangswerts liegen.",
        ),
        ({"einheit": "frei"}, "einheit_freitext", "Bitte die Einheit im Freitext angeben."),
        ({"einheit": "Meter"}, "einheit", "Auswahl"),
        ({"basiswert": "12.5"}, "basiswert", "deutscher Schreibweise"),
        ({"quelle": "ozg_reifegrad", "einheit": "%"}, "einheit", "Einheit „Anzahl“"),
        ({"basisdatum": "31.02.2025"}, "basisdatum", "gültiges Datum"),
    ],
)
def test_kennzahl_form_errors_stand_next_to_the_field(welt, login, ziel, extra, feld, fehler):
    response = login(welt.users["kreis"]).post(
        f"/strategie/ziele/{ziel.pk}/kennzahlen/neu/", _kennzahl_daten(**extra)
    )
    assert response.status_code == 422
    html = text(response)
    fehlerblock = html[html.index(f'id="id_{feld}_error"') :][:600]
    assert fehler in fehlerblock
    assert not Kennzahl.objects.exists()


def test_free_unit_is_kept_and_shown(welt, login, ziel):
    login(welt.users["kreis"]).post(
        f"/strategie/ziele/{ziel.pk}/kennzahlen/neu/",
        _kennzahl_daten(einheit="frei", einheit_freitext=" Nutzerkonten "),
    )
    k = Kennzahl.objects.get()
    assert k.einheit_display == "Nutzerkonten"
    assert k.format(D("1234.5")) == "1.234,5\u00a0Nutzerkonten"


def test_level_cannot_change_once_values_exist(welt, login, kennzahl):
    KennzahlWert.objects.create(kennzahl=kennzahl, quartal=str(VORQUARTAL), wert=D("1"))
    response = login(welt.users["kreis"]).post(
        f"/strategie/kennzahlen/{kennzahl.pk}/bearbeiten/",
        _kennzahl_daten(ebene="kommune", basisdatum="2024-01-01"),
    )
    assert response.status_code == 422
    assert "Messebene kann nicht mehr geändert werden" in text(response)
    kennzahl.refresh_from_db()
    assert kennzahl.ebene == "kreis"


# --- public ------------------------------------------------------------------------------------


def test_public_page_shows_only_published_and_no_people(welt, client, kennzahl):
    ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, titel="Interner Entwurf")
    KennzahlWert.objects.create(
        kennzahl=kennzahl, quartal=str(VORQUARTAL), wert=D("30"), erfasst_von=welt.users["kreis"]
    )
    MassnahmeFactory(
        kreis=welt.lippe,
        handlungsfeld=welt.handlungsfeld,
        ziel=kennzahl.ziel,
        titel="Veröffentlichte Maßnahme",
        veroeffentlicht=True,
    )
    response = client.get("/strategie/oeffentlich/?kreis=05766")
    assert response.status_code == 200
    html = text(response)
    assert "Verwaltung digital" in html and "Onlinedienste" in html
    assert "Interner Entwurf" not in html
    assert "Veröffentlichte Maßnahme" in html
    assert "Digitale Akte in Detmold" not in html  # not published
    assert "@" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<svg" in html


def test_public_page_without_published_ziele(db, client):
    response = client.get("/strategie/oeffentlich/")
    assert response.status_code == 200
    assert "noch keine Ziele veröffentlicht" in text(response)


# --- deleting and entry points ---------------------------------------------------------------


def test_deleting_a_ziel_keeps_its_massnahmen(welt, login, kennzahl):
    KennzahlWert.objects.create(kennzahl=kennzahl, quartal=str(VORQUARTAL), wert=D("1"))
    client = login(welt.users["kreis"])
    seite = text(client.get(f"/strategie/ziele/{kennzahl.ziel_id}/loeschen/"))
    assert "1 Kennzahl(en) mit 1 erfassten Werten" in seite
    assert "1 Maßnahme(n) bleiben erhalten" in seite
    response = client.post(f"/strategie/ziele/{kennzahl.ziel_id}/loeschen/")
    assert response.status_code == 302
    assert not Ziel.objects.exists() and not KennzahlWert.objects.exists()
    welt.massnahme.refresh_from_db()
    assert welt.massnahme.ziel is None


def test_region_may_not_delete(welt, login, kennzahl):
    client = login(welt.users["region"])
    assert client.post(f"/strategie/kennzahlen/{kennzahl.pk}/loeschen/").status_code == 403
    assert Kennzahl.objects.filter(pk=kennzahl.pk).exists()


def test_deleting_a_kennzahl(welt, login, kennzahl):
    response = login(welt.users["kreis"]).post(f"/strategie/kennzahlen/{kennzahl.pk}/loeschen/")
    assert response.status_code == 302
    assert not Kennzahl.objects.exists()


def test_cdo_finds_value_entry_and_own_kommune_status(welt, login, ziel):
    heute = dt.date.today()
    k = KennzahlFactory(
        ziel=ziel,
        name="Geschulte",
        ebene=Kennzahl.Ebene.KOMMUNE,
        basiswert=D("0"),
        basisdatum=heute - dt.timedelta(days=730),
        zielwert=D("100"),
        zieldatum=heute + dt.timedelta(days=730),
    )
    KennzahlWert.objects.create(
        kennzahl=k, quartal=str(VORQUARTAL), kommune=welt.detmold, wert=D("90")
    )
    KennzahlWert.objects.create(
        kennzahl=k, quartal=str(VORQUARTAL), kommune=welt.lemgo, wert=D("5")
    )
    client = login(welt.users["cdo_eigen"])
    assert f"/strategie/kennzahlen/{k.pk}/werte/" in text(client.get("/strategie/"))
    html = text(client.get(f"/strategie/kennzahlen/{k.pk}/"))
    kommunen = html[html.index('id="kommunen-titel"') :]
    detmold = kommunen[
        kommunen.index("Detmold") : kommunen.index("</tr>", kommunen.index("Detmold"))
    ]
    lemgo = kommunen[kommunen.index("Lemgo") : kommunen.index("</tr>", kommunen.index("Lemgo"))]
    assert "nicht im Plan" not in detmold and "im Plan" in detmold
    assert "nicht im Plan" in lemgo
    # Region users read, they find no entry point.
    assert f"/strategie/kennzahlen/{k.pk}/werte/" not in text(
        login(welt.users["region"]).get("/strategie/?kreis=05766")
    )


def test_kennzahl_page_and_public_page_queries_do_not_grow(
    welt, login, client, ziel, django_assert_max_num_queries
):
    k = KennzahlFactory(ziel=ziel, ebene=Kennzahl.Ebene.KOMMUNE, basisdatum=dt.date(2024, 1, 1))
    url = f"/strategie/kennzahlen/{k.pk}/"

    def werte(quartale):
        for q in quartale:
            for kommune in (welt.detmold, welt.lemgo, welt.blomberg):
                KennzahlWert.objects.create(kennzahl=k, quartal=str(q), kommune=kommune, wert=D(3))

    werte([VORQUARTAL])
    kreis = login(welt.users["kreis"])
    with django_assert_max_num_queries(14) as wenige:
        assert kreis.get(url).status_code == 200
    werte([VORQUARTAL.previous(i) for i in range(1, 6)])
    for _ in range(5):
        z = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, veroeffentlicht=True)
        KennzahlFactory(ziel=z, quelle="foerdermittel_abgerufen", einheit="%")
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        assert kreis.get(url).status_code == 200

    client.logout()
    with django_assert_max_num_queries(11) as oeffentlich:
        assert client.get("/strategie/oeffentlich/?kreis=05766").status_code == 200
    for _ in range(5):
        z = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, veroeffentlicht=True)
        KennzahlFactory(ziel=z, ebene="kommune")
        MassnahmeFactory(
            kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, ziel=z, veroeffentlicht=True
        )
    with django_assert_max_num_queries(len(oeffentlich.captured_queries)):
        assert client.get("/strategie/oeffentlich/?kreis=05766").status_code == 200

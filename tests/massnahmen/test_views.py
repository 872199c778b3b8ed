"""Maßnahmen pages as a CDO, Kreis staff and region user notice them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.quartal import Quartal
from kommunen.models import Rolle
from massnahmen.models import Anhang, Massnahme, Nachnutzung, Quartalsabschluss, Statusmeldung
from tests.factories import (
    FoerderbescheidFactory,
    HandlungsfeldFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    MitgliedschaftFactory,
    StatusmeldungFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def form_data(massnahme=None, **overrides):
    data = {
        "titel": "Gemeinsames Serviceportal",
        "beschreibung": "Ein Portal für alle.",
        "handlungsfeld": massnahme.handlungsfeld_id if massnahme else "",
        "federfuehrend": massnahme.federfuehrend_id if massnahme else "",
        "status": "in_umsetzung",
        "fortschritt": "30",
        "ampel": "gruen",
        "beginn": "2026-01-01",
        "ende_geplant": "2026-12-31",
        "ende_tatsaechlich": "",
        "budget": "12.500,50",
        "version": str(massnahme.version) if massnahme else "",
        "meilensteine-TOTAL_FORMS": "1",
        "meilensteine-INITIAL_FORMS": "0",
        "meilensteine-MIN_NUM_FORMS": "0",
        "meilensteine-MAX_NUM_FORMS": "50",
        "meilensteine-0-titel": "",
        "meilensteine-0-faellig_am": "",
        "meilensteine-0-erreicht_am": "",
    }
    data.update(overrides)
    return data


# --- list -------------------------------------------------------------------------------------


def _count_queries(client, url, **extra):
    # A warm-up request first: the navigation's unread badge is cached per person and may
    # be dropped by the rows added in between; what is compared is the page, not the cache.
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("htmx", [False, True])
def test_list_queries_do_not_grow_with_rows(welt, login, htmx):
    client = login(welt.users["kreis"])
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for _ in range(4):
        MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=welt.lemgo,
            handlungsfeld=welt.handlungsfeld,
            beteiligte=[welt.detmold],
        )
    wenige, _ = _count_queries(client, "/massnahmen/?seite=1", **extra)
    for _ in range(45):
        MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=welt.lemgo,
            handlungsfeld=welt.handlungsfeld,
            beteiligte=[welt.detmold],
        )
    viele, response = _count_queries(client, "/massnahmen/?seite=1", **extra)
    assert Massnahme.objects.count() == 50
    assert wenige == viele
    assert "50 Maßnahmen gefunden" in response.content.decode()


def test_htmx_request_gets_only_the_table_and_count(welt, login):
    response = login(welt.users["kreis"]).get(
        "/massnahmen/?status=in_umsetzung", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<table" in html and 'id="anzahl"' in html
    assert "<html" not in html and "<form" not in html


def test_full_page_works_without_javascript(welt, login):
    html = login(welt.users["kreis"]).get("/massnahmen/?status=in_umsetzung").content.decode()
    assert "<html" in html and "<form" in html and "Digitale Akte in Detmold" in html


@pytest.mark.parametrize(
    ("params", "sichtbar"),
    [
        ({"status": "in_umsetzung"}, {"Akte", "Portal"}),
        ({"status": "geplant"}, {"Schulung"}),
        ({"ampel": "rot"}, {"Portal"}),
        ({"kommune": "lemgo"}, {"Portal", "Schulung"}),  # lead or taking part
        ({"gefoerdert": "ja"}, {"Akte"}),
        ({"gefoerdert": "nein"}, {"Portal", "Schulung"}),
        ({"ueberfaellig": "ja"}, {"Portal"}),
        ({"ohne_meldung": "ja"}, {"Portal", "Schulung"}),
        ({"ohne_meldung": "nein"}, {"Akte"}),
        ({"q": "Schulung"}, {"Schulung"}),
        ({"archiviert": "ja"}, {"Alt"}),
        ({}, {"Akte", "Portal", "Schulung"}),  # archived ones hidden by default
    ],
)
def test_filters(welt, login, params, sichtbar):
    akte = welt.massnahme
    akte.titel = "Akte"
    akte.save()
    portal = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        titel="Portal",
        handlungsfeld=welt.handlungsfeld,
        ampel="rot",
    )
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.blomberg,
        titel="Schulung",
        beschreibung="Schulung der Beschäftigten",
        status="geplant",
        handlungsfeld=welt.handlungsfeld,
        beteiligte=[welt.lemgo],
    )
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.detmold,
        titel="Alt",
        handlungsfeld=welt.handlungsfeld,
        archiviert=True,
    )
    MeilensteinFactory(massnahme=portal, faellig_am=dt.date(2020, 1, 1))
    FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold).massnahmen.add(akte)
    StatusmeldungFactory(massnahme=akte, quartal=str(Quartal.current()))
    if params.get("kommune") == "lemgo":
        params = {"kommune": welt.lemgo.pk}
    response = login(welt.users["cdo_eigen"]).get("/massnahmen/", params)
    titel = {m.titel for m in response.context["object_list"]}
    assert titel == sichtbar


def test_hostile_filter_values_never_fail(welt, login):
    client = login(welt.users["kreis"])
    for value in [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "x" * 5000,
        "%",
        "\\",
        "-1",
        "99999999999999999999",
    ]:
        for key in [
            "q",
            "status",
            "ampel",
            "kommune",
            "handlungsfeld",
            "lebensbereich",
            "gefoerdert",
            "seite",
            "sortierung",
        ]:
            response = client.get("/massnahmen/", {key: value})
            assert response.status_code in (200, 404), (key, value)
            assert "<script>alert(1)</script>" not in response.content.decode()


def test_sorting_and_aria_sort(welt, login):
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        titel="Aaa",
        handlungsfeld=welt.handlungsfeld,
        fortschritt=90,
    )
    response = login(welt.users["kreis"]).get("/massnahmen/", {"sortierung": "-fortschritt"})
    assert [m.fortschritt for m in response.context["object_list"]] == [90, 40]
    assert 'aria-sort="descending"' in response.content.decode()


def test_region_sees_but_cannot_create(welt, login):
    html = login(welt.users["region"]).get("/massnahmen/").content.decode()
    assert "Digitale Akte in Detmold" in html
    assert "Neue Maßnahme" not in html


def test_other_kreis_sees_nothing(welt, login):
    html = login(welt.users["kreis_fremd"]).get("/massnahmen/").content.decode()
    assert "0 Maßnahmen gefunden" in html


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_everything(welt, login):
    m = welt.massnahme
    MeilensteinFactory(massnahme=m, titel="Konzept fertig", faellig_am=dt.date(2020, 5, 1))
    StatusmeldungFactory(massnahme=m, quartal="2026-Q2", erreicht="Konzept abgestimmt")
    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    bescheid.massnahmen.add(m)
    Nachnutzung.objects.create(massnahme=m, kommune=welt.lemgo)
    html = login(welt.users["cdo_andere"]).get(f"/massnahmen/{m.pk}/").content.decode()
    for text in [
        "Digitale Akte in Detmold",
        "Blomberg",
        "Konzept fertig",
        "überfällig",
        "2. Quartal 2026: ",
        "Konzept abgestimmt",
        bescheid.aktenzeichen,
        "245.000,00",
        "Lemgo",
        "Änderungsverlauf",
        "angelegt",
    ]:
        assert text in html, text
    assert "Bearbeiten" not in html  # Lemgo's CDO does not lead


# --- create / edit ----------------------------------------------------------------------------


def test_cdo_creates_massnahme_led_by_own_kommune(welt, login):
    client = login(welt.users["cdo_eigen"])
    data = form_data(
        handlungsfeld=welt.handlungsfeld.pk,
        federfuehrend=welt.detmold.pk,
        **{"meilensteine-0-titel": "Start", "meilensteine-0-faellig_am": "2026-03-01"},
    )
    response = client.post("/massnahmen/neu/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    neu = Massnahme.objects.get(titel="Gemeinsames Serviceportal")
    assert neu.kreis_id == "05766" and neu.federfuehrend == welt.detmold
    assert str(neu.budget) == "12500.50"
    assert list(neu.meilensteine.values_list("titel", flat=True)) == ["Start"]


def test_cdo_cannot_choose_another_lead(welt, login):
    response = login(welt.users["cdo_eigen"]).post(
        "/massnahmen/neu/",
        form_data(handlungsfeld=welt.handlungsfeld.pk, federfuehrend=welt.lemgo.pk),
    )
    assert response.status_code == 422
    assert "gültige Auswahl" in response.context["form"].errors["federfuehrend"][0]
    assert not Massnahme.objects.filter(titel="Gemeinsames Serviceportal").exists()


def test_kreis_staff_may_lead_themselves(welt, login):
    response = login(welt.users["kreis"]).post(
        "/massnahmen/neu/", form_data(handlungsfeld=welt.handlungsfeld.pk, federfuehrend="")
    )
    assert response.status_code == 302
    assert Massnahme.objects.get(titel="Gemeinsames Serviceportal").federfuehrend is None


@pytest.mark.parametrize(
    ("overrides", "feld", "meldung"),
    [
        (
            {"ende_geplant": "2025-12-31"},
            "ende_geplant",
            "Das geplante Ende darf nicht vor dem Beginn liegen.",
        ),
        ({"fortschritt": "101"}, "fortschritt", "Höchstens 100 %."),
        ({"fortschritt": "-5"}, "fortschritt", "größer oder gleich 0"),
        ({"status": "abgeschlossen"}, "ende_tatsaechlich", "Bitte das tatsächliche Ende angeben"),
        ({"beginn": "31.02.2026"}, "beginn", "gültiges Datum"),
        ({"budget": "zwölf"}, "budget", "Zahl"),
        ({"titel": ""}, "titel", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_edit_validation_in_german_next_to_the_field(welt, login, overrides, feld, meldung):
    m = welt.massnahme
    vorher = Massnahme.objects.values().get(pk=m.pk)
    response = login(welt.users["cdo_eigen"]).post(
        f"/massnahmen/{m.pk}/bearbeiten/", form_data(m, **overrides)
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert any(meldung in e for e in form.errors[feld]), form.errors
    assert f'id="id_{feld}_error"' in response.content.decode()
    assert Massnahme.objects.values().get(pk=m.pk) == vorher


def test_meilensteine_inline(welt, login):
    m = welt.massnahme
    ms = MeilensteinFactory(massnahme=m, titel="Konzept", faellig_am=dt.date(2026, 3, 1))
    data = form_data(
        m,
        **{
            "meilensteine-TOTAL_FORMS": "2",
            "meilensteine-INITIAL_FORMS": "1",
            "meilensteine-0-id": str(ms.pk),
            "meilensteine-0-massnahme": str(m.pk),
            "meilensteine-0-titel": "Konzept",
            "meilensteine-0-faellig_am": "2026-03-01",
            "meilensteine-0-erreicht_am": "2026-02-20",
            "meilensteine-1-titel": "Pilot",
            "meilensteine-1-faellig_am": "2026-09-30",
            "meilensteine-1-erreicht_am": "",
        },
    )
    response = login(welt.users["cdo_eigen"]).post(f"/massnahmen/{m.pk}/bearbeiten/", data)
    assert response.status_code == 302
    assert list(m.meilensteine.order_by("faellig_am").values_list("titel", "erreicht_am")) == [
        ("Konzept", dt.date(2026, 2, 20)),
        ("Pilot", None),
    ]


def test_no_lost_update(welt, client, login):
    """Two people open the form; the second save is refused and shows the first change."""
    m = welt.massnahme
    kreis_client = login(welt.users["kreis"])
    geladen = m.version
    response = kreis_client.post(
        f"/massnahmen/{m.pk}/bearbeiten/",
        form_data(m, titel="Titel der Kreisverwaltung", fortschritt="55"),
    )
    assert response.status_code == 302

    from django.test import Client

    cdo_client = Client()
    cdo_client.force_login(welt.users["cdo_eigen"])
    response = cdo_client.post(
        f"/massnahmen/{m.pk}/bearbeiten/", form_data(m, titel="Titel des CDO", version=str(geladen))
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "inzwischen von jemand anderem geändert" in html
    assert "Titel der Kreisverwaltung" in html and "55" in html
    assert 'value="Titel des CDO"' in html  # the CDO's input is kept in the form
    m.refresh_from_db()
    assert m.titel == "Titel der Kreisverwaltung"
    # Having seen the change, the CDO saves again deliberately.
    response = cdo_client.post(
        f"/massnahmen/{m.pk}/bearbeiten/",
        form_data(m, titel="Titel des CDO", version=str(m.version)),
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.titel == "Titel des CDO"


def test_archive_and_restore(welt, login):
    client = login(welt.users["cdo_eigen"])
    m = welt.massnahme
    client.post(f"/massnahmen/{m.pk}/archiv/", {"archiviert": "ja"})
    m.refresh_from_db()
    assert m.archiviert
    assert "Digitale Akte" not in client.get("/massnahmen/").content.decode()
    client.post(f"/massnahmen/{m.pk}/archiv/", {"archiviert": "nein"})
    m.refresh_from_db()
    assert not m.archiviert


def test_delete_only_by_kreis_with_confirmation(welt, login):
    m = welt.massnahme
    assert login(welt.users["cdo_eigen"]).post(f"/massnahmen/{m.pk}/loeschen/").status_code == 403
    client = login(welt.users["kreis"])
    assert "Endgültig löschen" in client.get(f"/massnahmen/{m.pk}/loeschen/").content.decode()
    assert client.post(f"/massnahmen/{m.pk}/loeschen/").status_code == 302
    assert not Massnahme.objects.filter(pk=m.pk).exists()


# --- Statusmeldung ----------------------------------------------------------------------------

MELDUNG = {
    "fortschritt": "60",
    "ampel": "gelb",
    "erreicht": "Pilot gestartet",
    "naechste_schritte": "Rollout",
    "risiken": "Personal",
}


def meldung_daten(client, massnahme, **werte) -> dict:
    """MELDUNG as a browser sends it: with the hidden fields of the form it opened."""
    form = client.get(f"/massnahmen/{massnahme.pk}/statusmeldung/").context["form"]
    return {**{f.name: f.value() for f in form.hidden_fields()}, **MELDUNG, **werte}


def test_statusmeldung_prefilled_from_massnahme_and_previous_quarter(welt, login):
    m = welt.massnahme
    vorher = Quartal.current().previous()
    StatusmeldungFactory(
        massnahme=m,
        quartal=str(vorher),
        fortschritt=35,
        ampel="rot",
        erreicht="Ausschreibung vorbereitet",
    )
    response = login(welt.users["cdo_eigen"]).get(f"/massnahmen/{m.pk}/statusmeldung/")
    form = response.context["form"]
    assert (form.initial["fortschritt"], form.initial["ampel"]) == (m.fortschritt, m.ampel)
    assert form.initial["erreicht"] == "Ausschreibung vorbereitet"


def test_participating_cdo_posts_statusmeldung_once_per_quarter(welt, login):
    blomberg_cdo = UserFactory()
    MitgliedschaftFactory(user=blomberg_cdo, rolle=Rolle.CDO, kommune=welt.blomberg)
    client = login(blomberg_cdo)
    m = welt.massnahme
    url = f"/massnahmen/{m.pk}/statusmeldung/"
    assert client.post(url, meldung_daten(client, m)).status_code == 302
    assert client.post(url, meldung_daten(client, m, erreicht="Korrigiert")).status_code == 302
    gespeichert = Statusmeldung.objects.get(massnahme=m)
    assert (gespeichert.quartal, gespeichert.erreicht, gespeichert.autor) == (
        str(Quartal.current()),
        "Korrigiert",
        blomberg_cdo,
    )
    m.refresh_from_db()
    assert (m.fortschritt, m.ampel) == (60, "gelb")


def test_statusmeldung_refused_when_quarter_frozen(welt, login):
    m = welt.massnahme
    Quartalsabschluss.objects.create(kreis=welt.lippe, quartal=str(Quartal.current()))
    response = login(welt.users["cdo_eigen"]).post(f"/massnahmen/{m.pk}/statusmeldung/", MELDUNG)
    assert response.status_code == 409
    assert "Quartal abgeschlossen" in response.content.decode()
    assert not Statusmeldung.objects.exists()


def test_work_through_open_statusmeldungen(welt, login):
    zweite = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.detmold,
        titel="Zweite",
        handlungsfeld=HandlungsfeldFactory(nummer=2),
    )
    client = login(welt.users["cdo_eigen"])
    start = client.get("/").content.decode()
    assert f"/massnahmen/{welt.massnahme.pk}/statusmeldung/" in start
    response = client.post(
        f"/massnahmen/{welt.massnahme.pk}/statusmeldung/",
        meldung_daten(client, welt.massnahme, weiter="1"),
    )
    assert response["Location"] == f"/massnahmen/{zweite.pk}/statusmeldung/"
    response = client.post(
        f"/massnahmen/{zweite.pk}/statusmeldung/", meldung_daten(client, zweite, weiter="1")
    )
    assert response["Location"] == "/"
    assert "Alle Statusmeldungen" in client.get("/").content.decode()


def test_statusmeldung_validation(welt, login):
    response = login(welt.users["cdo_eigen"]).post(
        f"/massnahmen/{welt.massnahme.pk}/statusmeldung/",
        {**MELDUNG, "fortschritt": "150", "ampel": "lila", "erreicht": ""},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"fortschritt", "ampel", "erreicht"}
    assert not Statusmeldung.objects.exists()


# --- documents --------------------------------------------------------------------------------


def test_upload_and_access_checked_download(welt, login):
    client = login(welt.users["cdo_eigen"])
    pdf = SimpleUploadedFile("Konzept.pdf", b"%PDF-1.7\n%test", content_type="application/pdf")
    response = client.post(
        f"/massnahmen/{welt.massnahme.pk}/anhaenge/neu/",
        {"titel": "Konzept", "art": "konzept", "datei": pdf},
    )
    assert response.status_code == 302
    anhang = Anhang.objects.get()
    assert anhang.datei.name.startswith("dokumente/") and "Konzept" not in anhang.datei.name
    download = login(welt.users["region"]).get(f"/massnahmen/anhaenge/{anhang.pk}/")
    assert download.status_code == 200
    assert 'attachment; filename="Konzept.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert (
        login(welt.users["kreis_fremd"]).get(f"/massnahmen/anhaenge/{anhang.pk}/").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "inhalt", "typ", "meldung"),
    [
        ("tool.exe", b"MZ\x90\x00", "application/octet-stream", "nicht erlaubt"),
        ("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "application/pdf", "passt nicht"),
        ("rechnung.pdf.exe", b"MZ", "application/octet-stream", "nicht erlaubt"),
        ("rechnung.exe.pdf", b"%PDF-1.7", "application/pdf", "doppelter Endung"),
    ],
)
def test_bad_uploads_refused_with_german_message(welt, login, name, inhalt, typ, meldung):
    response = login(welt.users["cdo_eigen"]).post(
        f"/massnahmen/{welt.massnahme.pk}/anhaenge/neu/",
        {"titel": "X", "art": "sonstiges", "datei": SimpleUploadedFile(name, inhalt, typ)},
    )
    assert response.status_code == 422
    assert meldung in " ".join(response.context["form"].errors["datei"])
    assert not Anhang.objects.exists()


# --- Nachnutzung ------------------------------------------------------------------------------


def test_other_kommune_adopts_in_one_step(welt, login):
    client = login(welt.users["cdo_andere"])
    origin = welt.massnahme
    assert (
        "Für meine Kommune nachnutzen" in client.get(f"/massnahmen/{origin.pk}/").content.decode()
    )
    response = client.post(f"/massnahmen/{origin.pk}/nachnutzen/", {"kommune": welt.lemgo.pk})
    neu = Massnahme.objects.get(nachnutzung_von=origin)
    assert response["Location"] == f"/massnahmen/{neu.pk}/bearbeiten/"
    assert (neu.federfuehrend, neu.status, neu.fortschritt) == (welt.lemgo, "geplant", 0)
    assert Nachnutzung.objects.filter(massnahme=origin, kommune=welt.lemgo).exists()
    liste = client.get("/massnahmen/", {"sortierung": "-nachnutzungen"})
    assert liste.context["object_list"][0].anzahl_nachnutzungen == 1
    assert "Lemgo" in client.get(f"/massnahmen/{origin.pk}/").content.decode()
    # adopting twice is not offered
    assert client.get(f"/massnahmen/{origin.pk}/nachnutzen/").status_code == 403


def test_adoption_needs_a_valid_choice(welt, login):
    response = login(welt.users["cdo_andere"]).post(
        f"/massnahmen/{welt.massnahme.pk}/nachnutzen/", {"kommune": welt.detmold.pk}
    )
    assert response.status_code == 422
    assert "Bitte wählen Sie Ihre Kommune aus." in response.content.decode()


def test_list_offers_export_of_the_current_filter_and_import_for_kreis(welt, login):
    html = login(welt.users["kreis"]).get("/massnahmen/?status=geplant").content.decode()
    assert 'href="/massnahmen/export.csv?status=geplant"' in html
    assert 'href="/massnahmen/export.xlsx?status=geplant"' in html
    assert 'href="/massnahmen/import/"' in html
    assert (
        "/massnahmen/import/"
        not in login(welt.users["cdo_eigen"]).get("/massnahmen/").content.decode()
    )


def test_detail_queries_do_not_grow_and_object_loads_once(welt, login):
    client = login(welt.users["cdo_eigen"])
    url = f"/massnahmen/{welt.massnahme.pk}/"
    wenige, _ = _count_queries(client, url)
    for i in range(10):
        MeilensteinFactory(massnahme=welt.massnahme, titel=f"M{i}")
        StatusmeldungFactory(massnahme=welt.massnahme, quartal=f"20{10 + i}-Q1")
        Nachnutzung.objects.get_or_create(massnahme=welt.massnahme, kommune=welt.lemgo)
    # As in _count_queries: the writes moved the data stand on, so the first request after
    # them fills the caches (permissions, badge) again; what is compared is the page.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    massnahme_selects = [
        q
        for q in ctx.captured_queries
        if 'FROM "massnahmen_massnahme"' in q["sql"]
        and "INNER JOIN" in q["sql"]
        and '"massnahmen_massnahme"."id" = ' in q["sql"]
    ]
    assert len(massnahme_selects) <= 1
    viele = len(ctx.captured_queries)
    # history of each Meilenstein/Statusmeldung is one query per kind, not per object
    assert viele <= wenige + 2, (wenige, viele)


def test_download_type_follows_the_extension_not_the_browser(welt, login):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    client = login(welt.users["cdo_eigen"])
    # The upload form refuses a declared type that does not fit (tests/security); a file
    # stored some other way (admin, import, older data) is still served by its extension.
    anhang = Anhang.objects.create(
        massnahme=welt.massnahme,
        titel="Bild",
        datei=SimpleUploadedFile("bild.png", png, content_type="text/html"),
    )
    response = client.get(f"/massnahmen/anhaenge/{anhang.pk}/")
    assert response["Content-Type"] == "image/png"

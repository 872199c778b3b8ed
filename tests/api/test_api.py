"""The read API (issue 17, point 1): what anyone and what each role's token reads, the
filters and pages, the figures as of a quarter's end, the token's life, caching and limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from core.quartal import Quartal
from dashboards.auswertung import kommunen_tabelle, kreise_with_summen
from handlungsfelder.services import evaluate
from massnahmen.models import Massnahme
from tests.factories import (
    FoerderbescheidFactory,
    KennzahlFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    MittelabrufFactory,
    OzgLeistungFactory,
    StatusmeldungFactory,
    UmsetzungsstandFactory,
    WorkshopFactory,
    ZielFactory,
)
from tests.stichtag import eingetragen_am

pytestmark = pytest.mark.django_db


@pytest.fixture
def daten(welt):
    """Published and internal Maßnahmen in Lippe and Herford."""
    oeffentlich = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Offenes WLAN in Lemgo",
        veroeffentlicht=True,
        status="geplant",
    )
    herford_intern = MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel="Interne Planung Herford",
        budget=Decimal("1200.50"),
    )
    herford_oeffentlich = MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel="Bürgerportal Herford",
        veroeffentlicht=True,
    )
    StatusmeldungFactory(
        massnahme=welt.massnahme, quartal="2026-Q3", erreicht="Vertrag mit dem Dienstleister"
    )
    StatusmeldungFactory(
        massnahme=oeffentlich,
        quartal="2026-Q3",
        erreicht="Interne Abstimmung Lemgo",
        risiken="Personal",
    )
    MeilensteinFactory(massnahme=oeffentlich, titel="Ausschreibung", faellig_am=dt.date(2026, 9, 1))
    return {
        "oeffentlich": oeffentlich,
        "intern": welt.massnahme,
        "herford_intern": herford_intern,
        "herford_oeffentlich": herford_oeffentlich,
    }


def _titel(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {m["titel"] for m in response.json()["ergebnisse"]}


# --- who reads what ------------------------------------------------------------------------


def test_without_token_only_published_massnahmen(daten, api_client):
    assert _titel(api_client(None).get("/api/v1/massnahmen/")) == {
        "Offenes WLAN in Lemgo",
        "Bürgerportal Herford",
    }


def test_a_logged_in_browser_gets_the_public_view(daten, login, welt):
    """The API reads no session: a Kreis user's browser sees no internal Maßnahme here."""
    client = login(welt.users["kreis"])
    assert "Digitale Akte in Detmold" not in _titel(client.get("/api/v1/massnahmen/"))
    assert client.get(f"/api/v1/massnahmen/{daten['intern'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [
        # A public Maßnahme is read by every user of the region (issue 15, point 3).
        (
            "cdo_eigen",
            {"Digitale Akte in Detmold", "Offenes WLAN in Lemgo", "Bürgerportal Herford"},
        ),
        (
            "cdo_andere",
            {"Digitale Akte in Detmold", "Offenes WLAN in Lemgo", "Bürgerportal Herford"},
        ),
        ("kreis", {"Digitale Akte in Detmold", "Offenes WLAN in Lemgo", "Bürgerportal Herford"}),
        (
            "kreis_fremd",
            {"Interne Planung Herford", "Bürgerportal Herford", "Offenes WLAN in Lemgo"},
        ),
        (
            "region",
            {
                "Digitale Akte in Detmold",
                "Offenes WLAN in Lemgo",
                "Interne Planung Herford",
                "Bürgerportal Herford",
            },
        ),
        (
            "admin",
            {
                "Digitale Akte in Detmold",
                "Offenes WLAN in Lemgo",
                "Interne Planung Herford",
                "Bürgerportal Herford",
            },
        ),
    ],
)
def test_a_token_reads_what_its_owner_reads_in_the_portal(daten, api_client, rolle, erwartet):
    assert _titel(api_client(rolle).get("/api/v1/massnahmen/")) == erwartet


def test_a_lippe_token_never_opens_another_kreis_internal_massnahme(daten, api_client):
    client = api_client("kreis")
    antwort = client.get(f"/api/v1/massnahmen/{daten['herford_intern'].pk}/")
    assert antwort.status_code == 404
    assert antwort.json() == {"detail": "Nicht gefunden."}
    # Not through a filter either: like the list page, another Kreis is no valid choice.
    gefiltert = client.get("/api/v1/massnahmen/", {"kreis": "05758"})
    assert gefiltert.status_code == 422
    assert "Herford" not in gefiltert.content.decode()
    assert (
        "Interne Planung"
        not in client.get("/api/v1/massnahmen/", {"q": "Planung"}).content.decode()
    )


def test_statusmeldungen_only_with_a_token(daten, api_client):
    url = f"/api/v1/massnahmen/{daten['oeffentlich'].pk}/"
    anonym = api_client(None).get(url).json()
    assert anonym["statusmeldungen"] is None
    assert "Interne Abstimmung" not in str(anonym)
    assert anonym["meilensteine"] == [
        {"titel": "Ausschreibung", "faellig_am": "2026-09-01", "erreicht_am": None}
    ]
    mit_token = api_client("cdo_andere").get(url).json()
    assert [s["erreicht"] for s in mit_token["statusmeldungen"]] == ["Interne Abstimmung Lemgo"]
    assert mit_token["statusmeldungen"][0]["risiken"] == "Personal"


def test_public_updates_are_the_public_summaries_with_quarter_and_date(daten, api_client, welt):
    """Issue 17, points 1 and 6: the anonymous Maßnahme carries its public updates, and
    nothing of a Statusmeldung without a public summary or of its internal texts."""
    m = daten["oeffentlich"]
    StatusmeldungFactory(
        massnahme=m,
        quartal="2026-Q2",
        erreicht="Intern Q2",
        oeffentliche_zusammenfassung="Zehn Zugangspunkte laufen.",
        zusammenfassung_am=timezone.make_aware(dt.datetime(2026, 7, 2, 9, 30)),
    )
    StatusmeldungFactory(massnahme=m, quartal="2026-Q1", erreicht="Intern Q1")
    StatusmeldungFactory(
        massnahme=daten["intern"],
        quartal="2026-Q2",
        oeffentliche_zusammenfassung="Nicht öffentlich",
    )
    url = f"/api/v1/massnahmen/{m.pk}/"
    anonym = api_client(None).get(url).json()
    assert anonym["oeffentliche_meldungen"] == [
        {
            "quartal": "2026-Q2",
            "zusammenfassung": "Zehn Zugangspunkte laufen.",
            "veroeffentlicht_am": "2026-07-02T07:30:00Z",  # 09:30 in Detmold
        }
    ]
    assert "Intern Q" not in str(anonym)
    # The same list with a token; a Maßnahme that is not public has none, even if one of its
    # Statusmeldungen carries a summary (the token still reads the summary in statusmeldungen).
    assert (
        api_client("kreis").get(url).json()["oeffentliche_meldungen"]
        == (anonym["oeffentliche_meldungen"])
    )
    intern = api_client("kreis").get(f"/api/v1/massnahmen/{daten['intern'].pk}/").json()
    assert intern["oeffentliche_meldungen"] == []
    assert "Nicht öffentlich" in [
        s["oeffentliche_zusammenfassung"] for s in intern["statusmeldungen"]
    ]


def test_the_massnahme_carries_its_stable_ids_and_public_address(daten, api_client, welt):
    m = daten["oeffentlich"]
    daten_api = api_client(None).get(f"/api/v1/massnahmen/{m.pk}/").json()
    assert daten_api["id"] == m.pk
    assert daten_api["kreis_ags"] == "05766"
    assert daten_api["federfuehrend_id"] == welt.lemgo.pk
    assert daten_api["url"] == f"http://testserver/oeffentlich/massnahmen/{m.pk}/"
    assert daten_api["status_display"] == "geplant"
    assert (daten_api["veroeffentlicht"], daten_api["sichtbarkeit"]) == (True, "oeffentlich")


def test_an_unpublished_ziel_is_not_named_without_a_token(daten, api_client, welt):
    intern = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, titel="Intern")
    m = daten["oeffentlich"]
    m.ziel = intern
    m.save()
    assert api_client(None).get(f"/api/v1/massnahmen/{m.pk}/").json()["ziel_id"] is None
    assert api_client("kreis").get(f"/api/v1/massnahmen/{m.pk}/").json()["ziel_id"] == intern.pk


# --- filters and pages ---------------------------------------------------------------------


def test_filters_of_the_list_page(daten, api_client, welt):
    client = api_client("region")
    assert _titel(client.get("/api/v1/massnahmen/", {"kreis": "05758"})) == {
        "Interne Planung Herford",
        "Bürgerportal Herford",
    }
    assert _titel(client.get("/api/v1/massnahmen/", {"status": "geplant"})) == {
        "Offenes WLAN in Lemgo"
    }
    # Kommune: led or taking part (Blomberg takes part in the Detmold Maßnahme).
    assert _titel(client.get("/api/v1/massnahmen/", {"kommune": welt.blomberg.pk})) == {
        "Digitale Akte in Detmold"
    }
    assert _titel(client.get("/api/v1/massnahmen/", {"q": "WLAN"})) == {"Offenes WLAN in Lemgo"}
    assert (
        _titel(
            client.get(
                "/api/v1/massnahmen/", {"handlungsfeld": welt.handlungsfeld.pk, "ampel": "rot"}
            )
        )
        == set()
    )


def test_bad_filter_values_get_german_messages_per_parameter(daten, api_client):
    client = api_client(None)
    antwort = client.get("/api/v1/massnahmen/", {"kommune": "abc", "status": "fertig", "limit": 0})
    assert antwort.status_code == 422
    meldungen = {f["parameter"]: f["meldung"] for f in antwort.json()["detail"]}
    assert meldungen["kommune"] == "Bitte eine ganze Zahl angeben."
    assert meldungen["status"].startswith("Bitte einen dieser Werte angeben:")
    assert meldungen["limit"] == "Bitte mindestens 1 angeben."
    # Right shape, but no such Kommune: the list page's own (German) message.
    antwort = client.get("/api/v1/massnahmen/", {"kommune": 999999})
    assert antwort.status_code == 422
    assert antwort.json()["detail"][0]["parameter"] == "kommune"
    assert "gültige" in antwort.json()["detail"][0]["meldung"]
    antwort = client.get("/api/v1/massnahmen/", {"q": "a\x00b"})
    assert antwort.status_code == 422
    assert antwort.json()["detail"][0]["parameter"] == "q"


def test_pages_with_limit_and_offset(daten, api_client):
    client = api_client("region")
    erste = client.get("/api/v1/massnahmen/", {"limit": 3}).json()
    zweite = client.get("/api/v1/massnahmen/", {"limit": 3, "offset": 3}).json()
    assert erste["anzahl"] == zweite["anzahl"] == 4
    assert len(erste["ergebnisse"]) == 3 and len(zweite["ergebnisse"]) == 1
    ids = [m["id"] for m in erste["ergebnisse"] + zweite["ergebnisse"]]
    assert ids == sorted(ids, reverse=True)  # newest first, no repeats


# --- figures as of a quarter's end ---------------------------------------------------------


def test_ozg_coverage_per_kommune_as_of_the_quarters_end(welt, api_client):
    quartal = Quartal.current().previous()
    leistungen = [OzgLeistungFactory() for _ in range(4)]
    vorher = UmsetzungsstandFactory(leistung=leistungen[0], kommune=welt.detmold, reifegrad=4)
    eingetragen_am(vorher, quartal.beginn)
    # Rated online only after the quarter ended: counts for the running quarter only.
    UmsetzungsstandFactory(leistung=leistungen[1], kommune=welt.detmold, reifegrad=3)
    antwort = api_client(None).get(
        "/api/v1/ozg/abdeckung/", {"kreis": "05766", "quartal": str(quartal)}
    )
    assert antwort.status_code == 200
    daten = antwort.json()
    detmold = next(k for k in daten["ergebnisse"] if k["name"] == "Detmold")
    assert (detmold["online"], detmold["anteil_prozent"]) == (1, 25.0)
    assert daten["leistungen_im_katalog"] == 4
    # The dashboard's Kommunen table counts the same.
    dashboard = {k.name: k.anzahl_ozg_online for k in kommunen_tabelle("05766", quartal=quartal)}
    assert {k["name"]: k["online"] for k in daten["ergebnisse"]} == dashboard
    jetzt = api_client(None).get("/api/v1/ozg/abdeckung/", {"kreis": "05766"}).json()
    assert next(k for k in jetzt["ergebnisse"] if k["name"] == "Detmold")["online"] == 2


def test_funding_totals_per_kreis_as_of_the_quarters_end(welt, api_client):
    quartal = Quartal.current().previous()
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        bescheiddatum=quartal.beginn,
        bewilligter_betrag=Decimal("200000.00"),
    )
    abruf = MittelabrufFactory(bescheid=bescheid, datum=quartal.beginn, betrag=Decimal("50000.00"))
    eingetragen_am(bescheid, quartal.beginn)
    eingetragen_am(abruf, quartal.beginn)
    # Issued after the quarter: not in its totals.
    FoerderbescheidFactory(
        kreis=welt.lippe, zuwendungsempfaenger=welt.lemgo, bescheiddatum=timezone.localdate()
    )
    antwort = api_client(None).get("/api/v1/foerderung/summen/", {"quartal": str(quartal)})
    assert antwort.status_code == 200
    lippe = next(k for k in antwort.json()["ergebnisse"] if k["kreis_ags"] == "05766")
    assert lippe == {
        "kreis_ags": "05766",
        "kreis": "Lippe",
        "anzahl_bescheide": 1,
        "bewilligt_eur": "200000.00",
        "abgerufen_eur": "50000.00",
        "abruf_quote_prozent": 25.0,
    }
    (dashboard,) = [k for k in kreise_with_summen(["05766"], quartal=quartal)]
    assert Decimal(lippe["bewilligt_eur"]) == dashboard.bewilligt


def test_a_quarter_that_has_not_begun_is_refused_in_german(welt, api_client):
    antwort = api_client(None).get(
        "/api/v1/foerderung/summen/", {"quartal": str(Quartal.current().next())}
    )
    assert antwort.status_code == 422
    assert antwort.json()["detail"] == [
        {"parameter": "quartal", "meldung": "Dieses Quartal hat noch nicht begonnen."}
    ]


def test_ziele_with_kennzahlen_as_the_strategy_pages_show_them(welt, api_client):
    oeffentlich = ZielFactory(
        kreis=welt.lippe,
        handlungsfeld=welt.handlungsfeld,
        titel="Alle Kommunen online",
        veroeffentlicht=True,
    )
    ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, titel="Interner Entwurf")
    kennzahl = KennzahlFactory(ziel=oeffentlich, name="Onlinedienste")
    kennzahl.werte.create(quartal=str(Quartal.current()), wert=Decimal("20"))
    anonym = api_client(None).get("/api/v1/ziele/", {"kreis": "05766"}).json()
    assert [z["titel"] for z in anonym["ergebnisse"]] == ["Alle Kommunen online"]
    werte = anonym["ergebnisse"][0]["kennzahlen"][0]["werte"]
    seite = evaluate([kennzahl])[kennzahl.pk]
    assert werte[-1]["quartal"] == str(Quartal.current())
    assert werte[-1]["ist"] == "20.00"
    assert werte[-1]["soll"] == f"{seite.stand(Quartal.current()).soll:f}"
    assert werte[-1]["im_plan"] is seite.stand(Quartal.current()).im_plan
    mit_token = api_client("cdo_eigen").get("/api/v1/ziele/", {"kreis": "05766"}).json()
    assert {z["titel"] for z in mit_token["ergebnisse"]} == {
        "Alle Kommunen online",
        "Interner Entwurf",
    }
    assert api_client("kreis_fremd").get("/api/v1/ziele/", {"kreis": "05766"}).json()["anzahl"] == 0


# --- the token -----------------------------------------------------------------------------


def test_a_wrong_or_revoked_token_is_refused_not_treated_as_anonymous(welt, daten, token_fuer):
    klartext = token_fuer("kreis")
    client = Client(headers={"Authorization": f"Bearer {klartext}"})
    assert client.get("/api/v1/massnahmen/").status_code == 200
    ApiToken.objects.get().revoke()
    antwort = client.get("/api/v1/massnahmen/")
    assert antwort.status_code == 401
    assert "ungültig oder wurde widerrufen" in antwort.json()["detail"]
    assert antwort["WWW-Authenticate"].startswith("Bearer")
    falsch = Client(headers={"Authorization": "Basic dXNlcjpwdw=="}).get("/api/v1/massnahmen/")
    assert falsch.status_code == 401
    assert "Bearer" in falsch.json()["detail"]


def test_a_deactivated_person_or_a_lost_role_reads_nothing_more(welt, daten, api_client):
    client = api_client("kreis")
    assert "Digitale Akte in Detmold" in _titel(client.get("/api/v1/massnahmen/"))
    welt.users["kreis"].mitgliedschaften.all().delete()
    assert _titel(client.get("/api/v1/massnahmen/")) == set()
    welt.users["kreis"].is_active = False
    welt.users["kreis"].save()
    assert client.get("/api/v1/massnahmen/").status_code == 401


def test_the_token_is_stored_only_as_its_hash(welt, token_fuer):
    klartext = token_fuer("cdo_eigen")
    token = ApiToken.objects.get()
    assert klartext.startswith("lpt_") and len(klartext) > 40
    assert klartext not in {token.schluessel_hash, token.anfang, token.bezeichnung}
    assert token.schluessel_hash == __import__("hashlib").sha256(klartext.encode()).hexdigest()


# --- HTTP: caching, ETag, rate limit -------------------------------------------------------


def test_public_answers_are_shareable_and_token_answers_private(daten, api_client):
    anonym = api_client(None).get("/api/v1/massnahmen/")
    assert "public" in anonym["Cache-Control"] and "max-age=60" in anonym["Cache-Control"]
    assert "Authorization" in anonym["Vary"]
    assert "cookie" not in anonym["Vary"].lower() and not anonym.cookies
    privat = api_client("kreis").get("/api/v1/massnahmen/")
    assert "private" in privat["Cache-Control"] and "no-store" in privat["Cache-Control"]


def test_etag_and_304(daten, api_client):
    client = api_client(None)
    erste = client.get("/api/v1/massnahmen/")
    etag = erste["ETag"]
    zweite = client.get("/api/v1/massnahmen/", headers={"If-None-Match": etag})
    assert zweite.status_code == 304
    assert zweite.content == b""
    daten["oeffentlich"].titel = "Offenes WLAN in Lemgo und Umgebung"
    daten["oeffentlich"].save()
    dritte = client.get("/api/v1/massnahmen/", headers={"If-None-Match": etag})
    assert dritte.status_code == 200
    assert dritte["ETag"] != etag


def test_rate_limit_answers_429_in_german(settings, daten, api_client):
    settings.API_RATE_LIMIT_ANONYM = 3
    client = api_client(None)
    codes = [client.get("/api/v1/strategie/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    antwort = client.get("/api/v1/strategie/")
    assert antwort.json()["detail"].startswith(
        "Zu viele Anfragen: höchstens 3 je Minute ohne Token."
    )
    assert 1 <= int(antwort["Retry-After"]) <= 60
    # A token has its own budget.
    settings.API_RATE_LIMIT_TOKEN = 5
    assert api_client("kreis").get("/api/v1/strategie/").status_code == 200


# --- schema and documentation --------------------------------------------------------------


def test_schema_documents_fields_in_german_and_the_optional_token(api_client):
    schema = api_client(None).get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    felder = schema["components"]["schemas"]["Massnahme"]["properties"]
    assert felder["fortschritt"]["description"] == "Fortschritt in Prozent (0–100)."
    assert all(f.get("description") for f in felder.values())
    operation = schema["paths"]["/api/v1/massnahmen/"]["get"]
    assert operation["security"] == [{}, {"PersoenlichesToken": []}]
    parameter = {p["name"]: p for p in operation["parameters"]}
    assert {"kreis", "kommune", "handlungsfeld", "status", "ampel", "q", "limit", "offset"} <= set(
        parameter
    )
    assert parameter["kreis"]["description"].startswith("Nur Maßnahmen dieses Kreises")


def test_docs_page_loads_swagger_ui_from_our_own_static_files(api_client):
    antwort = api_client(None).get("/api/v1/docs/")
    html = antwort.content.decode()
    assert antwort.status_code == 200
    assert '<html lang="de">' in html
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert 'href="/static/ninja/swagger-ui.css"' in html
    assert "cdn" not in html.lower() and "https://" not in html
    # The files are really there (served by WhiteNoise in tests and production).
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_head_answers_like_get_without_body(daten, api_client):
    client = api_client(None)
    get = client.get("/api/v1/massnahmen/")
    head = client.head("/api/v1/massnahmen/")
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert int(head["Content-Length"]) == len(get.content)
    assert (
        client.head("/api/v1/massnahmen/", headers={"If-None-Match": get["ETag"]}).status_code
        == 304
    )


def test_index_names_docs_schema_and_lists(api_client):
    index = api_client(None).get("/api/v1/").json()
    assert index["dokumentation"] == "http://testserver/api/v1/docs/"
    assert index["openapi"] == "http://testserver/api/v1/openapi.json"
    assert index["mit_token"] is False
    assert "http://testserver/api/v1/massnahmen/" in {e["url"] for e in index["endpunkte"]}
    assert api_client("kreis").get("/api/v1/").json()["mit_token"] is True


@pytest.mark.parametrize("methode", ["post", "put", "patch", "delete", "options"])
def test_the_api_refuses_every_write_method(daten, api_client, methode):
    """Read-only: no view under /api/ runs for a write method (so none needs CSRF)."""
    clients = (api_client(None), api_client("admin"))
    vorher = Massnahme.objects.count(), ApiToken.objects.count()
    for client in clients:
        for url in ("/api/v1/", "/api/v1/massnahmen/", f"/api/v1/massnahmen/{daten['intern'].pk}/"):
            antwort = getattr(client, methode)(url)
            assert antwort.status_code == 405, (methode, url)
            assert antwort["Allow"] == "GET, HEAD"
            assert antwort.json()["detail"].startswith("Die API ist nur lesend")
    assert (Massnahme.objects.count(), ApiToken.objects.count()) == vorher


def test_docs_page_is_the_same_for_everyone(welt, login):
    antwort = login(welt.users["kreis"]).get("/api/v1/docs/")
    assert antwort.status_code == 200
    assert "public" in antwort["Cache-Control"]
    assert "cookie" not in antwort.get("Vary", "").lower() and not antwort.cookies


def test_foerderbescheide_and_ozg_cells_only_with_a_token_and_only_of_the_own_kreis(
    welt, api_client
):
    FoerderbescheidFactory(
        kreis=welt.lippe, zuwendungsempfaenger=welt.detmold, aktenzeichen="LIP-1"
    )
    FoerderbescheidFactory(
        kreis=welt.herford, zuwendungsempfaenger=welt.herford_stadt, aktenzeichen="HF-1"
    )
    leistung = OzgLeistungFactory(name="Wohngeld")
    UmsetzungsstandFactory(leistung=leistung, kommune=welt.detmold, reifegrad=4)
    UmsetzungsstandFactory(leistung=leistung, kommune=welt.herford_stadt, reifegrad=2)
    for url in ("/api/v1/foerderung/bescheide/", "/api/v1/ozg/umsetzung/"):
        antwort = api_client(None).get(url)
        assert antwort.status_code == 401
        assert "nur mit einem persönlichen API-Token" in antwort.json()["detail"]
    lippe = api_client("cdo_andere")
    bescheide = lippe.get("/api/v1/foerderung/bescheide/").json()["ergebnisse"]
    assert [b["aktenzeichen"] for b in bescheide] == ["LIP-1"]
    assert bescheide[0]["bewilligt_eur"] == "245000.00"
    zellen = lippe.get("/api/v1/ozg/umsetzung/").json()["ergebnisse"]
    assert [(z["kommune_id"], z["reifegrad"], z["online"]) for z in zellen] == [
        (welt.detmold.pk, 4, True)
    ]
    region = api_client("region").get("/api/v1/foerderung/bescheide/").json()
    assert sorted(b["aktenzeichen"] for b in region["ergebnisse"]) == ["HF-1", "LIP-1"]


def test_list_queries_do_not_grow_with_the_page(welt, api_client):
    """No N+1: a page of 5 and a page of 40 Maßnahmen, Ziele or grants cost the same few
    queries (count, page, prefetches, the token's scope; savepoints of ATOMIC_REQUESTS)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(40):
        MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=welt.detmold,
            handlungsfeld=welt.handlungsfeld,
            veroeffentlicht=True,
            beteiligte=[welt.lemgo, welt.blomberg],
        )
        ziel = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, veroeffentlicht=True)
        KennzahlFactory(ziel=ziel)
        FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    anonym, token = api_client(None), api_client("kreis")
    token.get("/api/v1/")  # the token's first use is recorded once (zuletzt benutzt)
    for client, url, grenze in (
        # Public answers: +1 for the data stand of Last-Modified (oeffentlich.middleware).
        (anonym, "/api/v1/massnahmen/", 7),
        (token, "/api/v1/massnahmen/", 9),
        (anonym, "/api/v1/ziele/", 9),
        (token, "/api/v1/foerderung/bescheide/", 9),
    ):
        anzahl = []
        for limit in (5, 40):
            with CaptureQueriesContext(connection) as abfragen:
                antwort = client.get(url, {"limit": limit})
            assert len(antwort.json()["ergebnisse"]) == limit, url
            anzahl.append(len(abfragen))
        assert anzahl[0] == anzahl[1] <= grenze, (url, anzahl)


def test_running_quarter_figures_equal_the_open_data_tables(welt, api_client):
    """The API and the open-data downloads (oeffentlich.offene_daten) give the same numbers."""
    from oeffentlich.offene_daten import foerderung_saetze, ozg_saetze

    leistungen = [OzgLeistungFactory() for _ in range(3)]
    UmsetzungsstandFactory(leistung=leistungen[0], kommune=welt.detmold, reifegrad=5)
    UmsetzungsstandFactory(leistung=leistungen[1], kommune=welt.detmold, reifegrad=1)
    UmsetzungsstandFactory(leistung=leistungen[0], kommune=welt.herford_stadt, reifegrad=3)
    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("1000.00"))
    client = api_client(None)
    api_ozg = {
        k["ags"]: k["online"]
        for k in client.get("/api/v1/ozg/abdeckung/", {"limit": 100}).json()["ergebnisse"]
    }
    offen_ozg = {satz[2]: satz[6] for satz in ozg_saetze(None)}
    assert api_ozg == offen_ozg
    assert api_ozg[welt.detmold.ags] == 1
    api_geld = {
        k["kreis_ags"]: (k["anzahl_bescheide"], k["bewilligt_eur"], k["abgerufen_eur"])
        for k in client.get("/api/v1/foerderung/summen/").json()["ergebnisse"]
    }
    for satz in foerderung_saetze(None):
        assert api_geld[satz[0]] == (satz[2], f"{satz[3]:.2f}", f"{satz[4]:.2f}")
    assert api_geld["05766"] == (1, "245000.00", "1000.00")


def test_workshop_drafts_only_for_the_kreis_staff(welt, api_client):
    """As the workshop list: a draft is seen by its Kreis's staff, not by the Kommunen."""
    WorkshopFactory(kreis=welt.lippe, titel="Eingeladen", veroeffentlicht_am=timezone.now())
    WorkshopFactory(kreis=welt.lippe, titel="Entwurf")
    WorkshopFactory(kreis=welt.herford, titel="Herford intern", veroeffentlicht_am=timezone.now())

    def titel(rolle):
        antwort = api_client(rolle).get("/api/v1/workshops/")
        assert antwort.status_code == 200, antwort.content
        return {w["titel"] for w in antwort.json()["ergebnisse"]}

    assert titel("cdo_eigen") == {"Eingeladen"}
    assert titel("kreis") == {"Eingeladen", "Entwurf"}
    assert titel("kreis_fremd") == {"Herford intern"}
    assert api_client(None).get("/api/v1/workshops/").status_code == 401


def test_a_region_workshop_does_not_break_the_workshop_list(welt, api_client):
    """The published schema promises every workshop a kreis_ags; a workshop of the region
    itself (issue 15, point 2) has none and is left out, like a region project from the
    Maßnahmen, instead of failing the whole list."""
    WorkshopFactory(kreis=welt.lippe, titel="Eingeladen", veroeffentlicht_am=timezone.now())
    WorkshopFactory(
        kreis=None, region=welt.region, titel="Regionaltreffen", veroeffentlicht_am=timezone.now()
    )
    antwort = api_client("cdo_eigen").get("/api/v1/workshops/")
    assert antwort.status_code == 200, antwort.content
    assert {w["titel"] for w in antwort.json()["ergebnisse"]} == {"Eingeladen"}

"""The Django admin: every registered model can be listed, searched, added and edited.

Besides the smoke test over `admin.site._registry`, a few tests cover behaviour the admin
classes add on purpose: e-mail based person creation, documents that stay editable
without a new upload, the sum check of Mittelabrufe, the read-only Kreis AGS and
changelists without N+1 queries.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from api.models import ApiToken
from benachrichtigungen.models import Abo, Benachrichtigung, Erinnerungsregel, Mail, Mailpraeferenz
from berichte.models import Deckblatt, Quartalsbericht
from core.models import WorkerHeartbeat
from foerderung.models import (
    BescheidDokument,
    Erinnerung,
    Foerderbescheid,
    Foerderprogramm,
    Mittelabruf,
)
from handlungsfelder.models import Handlungsfeld, Kennzahl, KennzahlWert, Lebensbereich, Ziel
from kommunen.models import Kommune, Kreis, Mitgliedschaft, Region, Rolle
from massnahmen.models import (
    Anhang,
    Importlauf,
    Massnahme,
    Meilenstein,
    Nachnutzung,
    Quartalsabschluss,
    Statusmeldung,
)
from ozg.models import OzgLeistung, Umsetzungsstand
from workshops.models import Ergebnis, KalenderToken, Teilnahme, Workshop

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_IDS = [model._meta.label for model, _ in REGISTRY]
PROJECT_APPS = {
    "core",
    "kommunen",
    "handlungsfelder",
    "massnahmen",
    "foerderung",
    "workshops",
    "ozg",
    "berichte",
    "benachrichtigungen",
    "api",
}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client, db):
    """The test client, logged in as a superuser."""
    user = get_user_model().objects.create_superuser(email="admin@example.invalid", password="x")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def daten(db, settings, tmp_path):
    """One or two rows of every project model, linked as in real life."""
    settings.MEDIA_ROOT = tmp_path
    heute = timezone.localdate()

    region = Region.objects.create(kurzname="OWL", name="Ostwestfalen-Lippe", slug="owl")
    lippe = Kreis.objects.create(ags="05766", name="Lippe", slug="lippe", region=region)
    detmold = Kommune.objects.create(
        ags="05766020",
        name="Detmold",
        slug="detmold",
        typ=Kommune.Typ.STADT,
        kreis=lippe,
        einwohner=74835,
        einwohner_stand=dt.date(2023, 12, 31),
    )
    lemgo = Kommune.objects.create(
        ags="05766044", name="Lemgo", slug="lemgo", typ=Kommune.Typ.STADT, kreis=lippe
    )
    person = get_user_model().objects.create_user(
        email="cdo.detmold@example.invalid",
        password="x",
        first_name="Erika",
        last_name="Mustermann",
        funktion="Digitalisierungsbeauftragte",
    )
    Mitgliedschaft.objects.create(user=person, rolle=Rolle.CDO, kommune=detmold)

    feld = Handlungsfeld.objects.create(
        nummer=1, kurzname="IKZ & Beteiligung", name="Interkommunale Zusammenarbeit", slug="ikz"
    )
    bereich = Lebensbereich.objects.create(schluessel="verwaltung", name="Verwaltung")
    ziel = Ziel.objects.create(kreis=lippe, handlungsfeld=feld, titel="Mehr Onlinedienste")
    kennzahl = Kennzahl.objects.create(
        ziel=ziel,
        name="Onlinedienste je Kommune",
        basiswert=Decimal("10"),
        basisdatum=dt.date(2024, 1, 1),
        zielwert=Decimal("50"),
        zieldatum=dt.date(2027, 12, 31),
    )
    KennzahlWert.objects.create(kennzahl=kennzahl, quartal="2026-Q1", wert=12, erfasst_von=person)

    massnahme = Massnahme.objects.create(
        kreis=lippe,
        titel="Digitale Bauakte",
        handlungsfeld=feld,
        ziel=ziel,
        federfuehrend=detmold,
        status=Massnahme.Status.IN_UMSETZUNG,
        fortschritt=40,
        beginn=dt.date(2025, 1, 1),
        ende_geplant=dt.date(2027, 6, 30),
        budget=Decimal("120000"),
        ansprechperson=person,
    )
    massnahme.beteiligte.add(lemgo)
    massnahme.lebensbereiche.add(bereich)
    Meilenstein.objects.create(
        massnahme=massnahme, titel="Konzept", faellig_am=heute - dt.timedelta(days=10)
    )
    Statusmeldung.objects.create(
        massnahme=massnahme,
        quartal="2026-Q1",
        fortschritt=40,
        ampel="gruen",
        erreicht="Konzept abgestimmt.",
        autor=person,
    )
    anhang = Anhang.objects.create(
        massnahme=massnahme,
        titel="Grobkonzept",
        datei=SimpleUploadedFile("konzept.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        hochgeladen_von=person,
    )
    Nachnutzung.objects.create(massnahme=massnahme, kommune=lemgo, seit=dt.date(2026, 2, 1))

    programm = Foerderprogramm.objects.create(
        kurzname="IKZ NRW",
        name="Förderung der interkommunalen Zusammenarbeit",
        foerdergeber="Land Nordrhein-Westfalen",
        richtlinie="Richtlinie vom 31. August 2021",
        max_foerderquote=Decimal("90"),
        betragsregel=Foerderprogramm.Regel.IKZ_NRW_2021,
    )
    bescheid = Foerderbescheid.objects.create(
        kreis=lippe,
        programm=programm,
        aktenzeichen="34.2-IKZ-2021/001",
        bescheiddatum=dt.date(2021, 11, 15),
        zuwendungsempfaenger=detmold,
        bewilligter_betrag=Decimal("245000.00"),
        foerderquote=Decimal("90"),
        bewilligungszeitraum_beginn=dt.date(2021, 12, 1),
        bewilligungszeitraum_ende=dt.date(2026, 12, 31),
        zweck="Interkommunales E-Government-Projekt",
    )
    bescheid.partner.add(lemgo)
    bescheid.massnahmen.add(massnahme)
    Mittelabruf.objects.create(
        bescheid=bescheid, datum=dt.date(2022, 6, 1), betrag=Decimal("50000")
    )
    BescheidDokument.objects.create(
        bescheid=bescheid,
        titel="Zuwendungsbescheid",
        datei=SimpleUploadedFile("bescheid.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )

    beginn = timezone.now() + dt.timedelta(days=14)
    workshop = Workshop.objects.create(
        kreis=lippe,
        titel="CDO-Runde Bauakte",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=2),
        handlungsfeld=feld,
        organisiert_von=detmold,
    )
    Teilnahme.objects.create(workshop=workshop, person=person, kommune=detmold)
    Ergebnis.objects.create(
        workshop=workshop,
        beschreibung="Musterprozess an alle Kommunen verteilen",
        verantwortlich=detmold,
        faellig_am=heute + dt.timedelta(days=30),
        massnahme=massnahme,
    )

    leistung = OzgLeistung.objects.create(
        ozg_id="10001", name="Wohngeld", themenfeld="Bauen & Wohnen", efa=True
    )
    Umsetzungsstand.objects.create(
        leistung=leistung,
        kommune=detmold,
        reifegrad=3,
        bewertet_am=dt.date(2026, 1, 15),
        bewertet_von=person,
        nachgenutzt_von=lemgo,
    )
    Quartalsbericht.objects.create(kreis=lippe, quartal="2026-Q1", angefordert_von=person)
    Deckblatt.objects.create(
        kreis=lippe,
        logo=SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        hochgeladen_von=person,
    )
    WorkerHeartbeat.objects.create(hostname="celery@worker-1", zuletzt=timezone.now(), anzahl=3)
    Quartalsabschluss.objects.create(kreis=lippe, quartal="2026-Q1", gesperrt_von=person)
    Erinnerung.objects.create(
        bescheid=bescheid, art="verwendungsnachweis", frist=dt.date(2027, 3, 31), tage_vorher=30
    )
    KalenderToken.objects.create(user=person, token="geheim-" + "x" * 30)
    ApiToken.issue(user=person, bezeichnung="Auswertung Kreistag 2026")
    Importlauf.objects.create(
        kreis=lippe, datei="dokumente/aa/x.csv", dateiname="massnahmen.csv", hochgeladen_von=person
    )
    Abo.objects.get_or_create(person=person, massnahme=massnahme)
    Abo.objects.create(person=person, handlungsfeld=feld)
    Benachrichtigung.objects.create(
        empfaenger=person,
        massnahme=massnahme,
        art=Benachrichtigung.Art.STATUSMELDUNG,
        text="Neue Statusmeldung für das 1. Quartal 2026 zu „Digitale Bauakte“",
        link=massnahme.get_absolute_url(),
        ereignis="statusmeldung:admin",
    )
    Mailpraeferenz.objects.create(person=person, art="dokument", haeufigkeit="aus")
    Mail.objects.create(
        schluessel="sofort:admin",
        empfaenger=person,
        adresse=person.email,
        betreff="[Lippe Digitalportal] Neue Statusmeldung",
        text="Guten Tag,",
        html="<p>Guten Tag,</p>",
        kopfzeilen={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    Erinnerungsregel.objects.create(kreis=lippe, tage_vor_quartalsende=21)

    return SimpleNamespace(
        region=region,
        lippe=lippe,
        detmold=detmold,
        lemgo=lemgo,
        person=person,
        feld=feld,
        massnahme=massnahme,
        anhang=anhang,
        bescheid=bescheid,
    )


def post_data(response) -> dict:
    """The data a browser would send back unchanged from an admin change form."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        forms.extend(formset.forms)
    for form in forms:
        for bound in form:
            if bound.field.disabled:
                continue
            value = bound.value()
            if value is None or isinstance(value, FieldFile):
                continue
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


# --- Every registered model ------------------------------------------------------------


def test_every_project_model_is_registered():
    from django.apps import apps

    registered = {model for model, _ in REGISTRY}
    missing = [
        model._meta.label
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if model not in registered and not model._meta.object_name.startswith("Historical")
    ]
    assert not missing, f"Ohne Admin: {missing}"


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=MODEL_IDS)
def test_changelist_search_and_add_page(admin_client, model, model_admin):
    changelist = admin_url(model, "changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "test"}).status_code == 200
    request = SimpleNamespace(user=admin_client.user, method="GET")
    expected_add = 200 if model_admin.has_add_permission(request) else 403
    assert admin_client.get(admin_url(model, "add")).status_code == expected_add


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=MODEL_IDS)
def test_changelist_change_and_history_pages_with_data(admin_client, daten, model, model_admin):
    changelist = admin_url(model, "changelist")
    assert admin_client.get(changelist).status_code == 200
    if model_admin.search_fields:
        for term in ("Detmold", "2026", "05766020"):
            assert admin_client.get(changelist, {"q": term}).status_code == 200

    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        assert model._meta.app_label not in PROJECT_APPS, f"{model._meta.label}: keine Testdaten"
        return
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200
    if isinstance(model_admin, SimpleHistoryAdmin):
        record = obj.history.order_by("history_id").first()
        url = admin_url(model, "simple_history", obj.pk, record.history_id)
        assert admin_client.get(url).status_code == 200


def test_filters_on_the_changelists(admin_client, daten):
    checks = [
        (Massnahme, {"status__exact": "in_umsetzung", "kreis__ags__exact": "05766"}),
        (Massnahme, {"beginn__year": "2025"}),
        (Meilenstein, {"ueberfaellig": "ja"}),
        (Foerderbescheid, {"programm__id__exact": str(daten.bescheid.programm_id)}),
        (Umsetzungsstand, {"online__exact": "1", "leistung__efa__exact": "1"}),
        (get_user_model(), {"mitgliedschaften__rolle__exact": "cdo"}),
    ]
    for model, params in checks:
        response = admin_client.get(admin_url(model, "changelist"), params)
        assert response.status_code == 200, (model, params)
        assert response.context["cl"].result_count == 1, (model, params)


# --- Changelists with several objects --------------------------------------------------


def _neue_kommune(kreis, nummer: int) -> Kommune:
    return Kommune.objects.create(
        ags=f"{kreis.ags}{100 + nummer:03d}",
        name=f"Testkommune {nummer}",
        slug=f"testkommune-{nummer}",
        typ=Kommune.Typ.GEMEINDE,
        kreis=kreis,
        einwohner=1000 * nummer,
    )


def _queries(client, url) -> int:
    client.get(url)  # warm caches (content types, sessions), so only the page itself counts
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_kommune_changelist_lists_kommunen_without_n_plus_1(admin_client, daten):
    url = admin_url(Kommune, "changelist")
    vorher = _queries(admin_client, url)
    for nummer in range(1, 6):
        _neue_kommune(daten.lippe, nummer)

    response = admin_client.get(url)
    assert response.context["cl"].result_count == 7
    inhalt = response.content.decode()
    for name in ("Detmold", "Lemgo", "Testkommune 5", "05766020", "74.835"):
        assert name in inhalt
    assert _queries(admin_client, url) == vorher

    gefunden = admin_client.get(url, {"q": "05766020"})
    assert [k.name for k in gefunden.context["cl"].result_list] == ["Detmold"]
    detmold = gefunden.context["cl"].result_list[0]
    assert (detmold.anzahl_federfuehrend, detmold.anzahl_ozg_online) == (1, 1)


def test_massnahme_changelist_lists_massnahmen_without_n_plus_1(admin_client, daten):
    url = admin_url(Massnahme, "changelist")
    vorher = _queries(admin_client, url)
    for nummer in range(1, 6):
        Massnahme.objects.create(
            kreis=daten.lippe,
            titel=f"Weitere Maßnahme {nummer}",
            handlungsfeld=daten.feld,
            federfuehrend=_neue_kommune(daten.lippe, nummer),
        )

    response = admin_client.get(url)
    assert response.context["cl"].result_count == 6
    inhalt = response.content.decode()
    for text in ("Digitale Bauakte", "Weitere Maßnahme 5", "Testkommune 3", "in Umsetzung"):
        assert text in inhalt
    assert _queries(admin_client, url) == vorher

    gefunden = admin_client.get(url, {"q": "Bauakte"})
    assert list(gefunden.context["cl"].result_list) == [daten.massnahme]


def test_foerderbescheid_shows_derived_amounts(admin_client, daten):
    response = admin_client.get(admin_url(Foerderbescheid, "changelist"))
    inhalt = response.content.decode()
    assert "245.000,00\u00a0€" in inhalt  # bewilligt
    assert "50.000,00\u00a0€" in inhalt  # abgerufen
    assert "195.000,00\u00a0€" in inhalt  # verbleibend

    response = admin_client.get(admin_url(Foerderbescheid, "change", daten.bescheid.pk))
    inhalt = response.content.decode()
    assert "272.222,22\u00a0€" in inhalt  # zuwendungsfähige Ausgaben = 245.000 / 90 %
    assert "27.222,22\u00a0€" in inhalt  # Eigenanteil


# --- Behaviour added by the admin classes ----------------------------------------------


def test_person_is_created_by_email(admin_client, db):
    response = admin_client.post(
        admin_url(get_user_model(), "add"),
        {
            "email": "Neue.Person@Example.invalid",
            "first_name": "Nora",
            "last_name": "Neumann",
            "funktion": "CDO",
            "usable_password": "true",
            "password1": "ein-langes-passwort-2026",
            "password2": "ein-langes-passwort-2026",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = get_user_model().objects.get(email="neue.person@example.invalid")
    assert person.get_full_name() == "Nora Neumann"
    assert response["Location"] == admin_url(get_user_model(), "change", person.pk)

    doppelt = admin_client.post(
        admin_url(get_user_model(), "add"),
        {"email": "NEUE.PERSON@example.invalid", "usable_password": "false"},
    )
    assert doppelt.status_code == 200
    assert "email" in doppelt.context["adminform"].form.errors


def test_mitgliedschaft_can_be_added_on_the_person_page(admin_client, daten):
    url = admin_url(get_user_model(), "change", daten.person.pk)
    data = post_data(admin_client.get(url))
    data.update(
        {
            "mitgliedschaften-TOTAL_FORMS": "2",
            "mitgliedschaften-1-rolle": "kreis",
            "mitgliedschaften-1-kreis": daten.lippe.pk,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert set(daten.person.mitgliedschaften.values_list("rolle", flat=True)) == {"cdo", "kreis"}


def test_duplicate_rows_in_inlines_are_form_errors_not_server_errors(admin_client, daten):
    """Conditional unique constraints are not checked by Django's inline formsets."""
    url = admin_url(get_user_model(), "change", daten.person.pk)
    data = post_data(admin_client.get(url))
    data.update(
        {
            "mitgliedschaften-TOTAL_FORMS": "2",
            "mitgliedschaften-1-rolle": "cdo",
            "mitgliedschaften-1-kommune": daten.detmold.pk,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Diese Mitgliedschaft besteht bereits." in response.content.decode()
    assert daten.person.mitgliedschaften.count() == 1

    kennzahl = Kennzahl.objects.get()
    url = admin_url(Kennzahl, "change", kennzahl.pk)
    data = post_data(admin_client.get(url))
    data.update({"werte-TOTAL_FORMS": "2", "werte-1-quartal": "2026-Q1", "werte-1-wert": "13"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "gibt es schon einen Wert" in response.content.decode()
    data["werte-1-quartal"] = "2026-Q2"
    assert admin_client.post(url, data).status_code == 302
    assert kennzahl.werte.count() == 2


def test_document_stays_editable_without_new_upload(admin_client, daten):
    """The stored file name has a path, which the upload validator alone would reject."""
    url = admin_url(Anhang, "change", daten.anhang.pk)
    data = post_data(admin_client.get(url))
    data["titel"] = "Grobkonzept (abgestimmt)"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    daten.anhang.refresh_from_db()
    assert daten.anhang.titel == "Grobkonzept (abgestimmt)"

    # The same through the Maßnahme with its inlines.
    url = admin_url(Massnahme, "change", daten.massnahme.pk)
    data = post_data(admin_client.get(url))
    data["fortschritt"] = "55"
    response = admin_client.post(url, data)
    assert response.status_code == 302, [
        f.errors for f in response.context["inline_admin_formsets"]
    ]
    daten.massnahme.refresh_from_db()
    assert daten.massnahme.fortschritt == 55
    assert daten.massnahme.history.first().fortschritt == 55


def test_new_document_records_uploader(admin_client, daten):
    response = admin_client.post(
        admin_url(BescheidDokument, "add"),
        {
            "bescheid": daten.bescheid.pk,
            "titel": "Änderungsbescheid",
            "datei": SimpleUploadedFile(
                "aenderung.pdf", b"%PDF-1.4 test", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    dokument = BescheidDokument.objects.get(titel="Änderungsbescheid")
    assert dokument.hochgeladen_von == admin_client.user
    assert (dokument.content_type, dokument.groesse) == ("application/pdf", 13)


def test_mittelabrufe_together_cannot_exceed_the_grant(admin_client, daten):
    url = admin_url(Foerderbescheid, "change", daten.bescheid.pk)
    data = post_data(admin_client.get(url))
    assert data["mittelabrufe-TOTAL_FORMS"] == "1"
    data["mittelabrufe-TOTAL_FORMS"] = "3"
    for index in (1, 2):  # each alone fits into the remaining 195.000 €, together they don't
        data[f"mittelabrufe-{index}-datum"] = "2023-06-01"
        data[f"mittelabrufe-{index}-betrag"] = "100000.00"
        data[f"mittelabrufe-{index}-status"] = "beantragt"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "übersteigen zusammen den bewilligten Betrag" in response.content.decode()
    assert daten.bescheid.mittelabrufe.count() == 1

    data["mittelabrufe-2-betrag"] = "95000.00"
    assert admin_client.post(url, data).status_code == 302
    assert daten.bescheid.mittelabrufe.count() == 3


def test_kreis_ags_is_read_only_once_saved(admin_client, daten):
    url = admin_url(Kreis, "change", daten.lippe.pk)
    response = admin_client.get(url)
    assert "ags" not in response.context["adminform"].form.fields
    data = post_data(response)
    data["name"] = "Lippe (Kreis)"
    data["ags"] = "05999"
    assert admin_client.post(url, data).status_code == 302
    assert list(Kreis.objects.values_list("ags", "name")) == [("05766", "Lippe (Kreis)")]

"""What users of the workshop pages notice: lists, details, forms, registration,
attendance, results and the way into a Maßnahme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MassnahmeFactory, TeilnahmeFactory, WorkshopFactory
from tests.workshops.matrix import PDF
from workshops.models import Ergebnis, KalenderToken, Teilnahme, Workshop

# --- list ------------------------------------------------------------------------------


def _vergangen(welt, **kwargs) -> Workshop:
    beginn = timezone.now() - dt.timedelta(days=40)
    defaults = {
        "kreis": welt.lippe,
        "titel": "Umsetzungsworkshop Rahmenstrategie",
        "beginn": beginn,
        "ende": beginn + dt.timedelta(hours=6),
        "format": Workshop.Format.PRAESENZ,
        "ort": "Kreishaus Detmold",
        "veroeffentlicht_am": beginn - dt.timedelta(days=21),
    }
    return WorkshopFactory(**{**defaults, **kwargs})


def test_list_shows_upcoming_by_default_and_past_on_request(welt, login, workshop):
    vergangen = _vergangen(welt)
    client = login(welt.users["cdo_eigen"])

    html = client.get("/workshops/").content.decode()
    assert workshop.titel in html
    assert vergangen.titel not in html
    assert "1 Workshop gefunden" in html

    html = client.get("/workshops/?zeitraum=vergangene").content.decode()
    assert vergangen.titel in html
    assert workshop.titel not in html

    html = client.get("/workshops/?zeitraum=alle").content.decode()
    assert vergangen.titel in html and workshop.titel in html


def test_upcoming_are_soonest_first_past_latest_first(welt, login, workshop):
    spaeter = WorkshopFactory(
        kreis=welt.lippe,
        titel="Späterer Workshop",
        beginn=workshop.beginn + dt.timedelta(days=20),
        ende=workshop.ende + dt.timedelta(days=20),
        veroeffentlicht_am=timezone.now(),
    )
    alt = _vergangen(welt, titel="Alter Workshop", beginn=timezone.now() - dt.timedelta(days=90))
    neuer = _vergangen(welt, titel="Neuerer Workshop")
    client = login(welt.users["cdo_eigen"])
    html = client.get("/workshops/").content.decode()
    assert html.index(workshop.titel) < html.index(spaeter.titel)
    html = client.get("/workshops/?zeitraum=vergangene").content.decode()
    assert html.index(neuer.titel) < html.index(alt.titel)


def test_drafts_only_for_the_kreis_staff(welt, login, workshop, entwurf):
    for rolle in ("cdo_eigen", "cdo_andere", "region"):
        html = login(welt.users[rolle]).get("/workshops/").content.decode()
        assert workshop.titel in html
        assert entwurf.titel not in html, rolle
    html = login(welt.users["kreis"]).get("/workshops/").content.decode()
    assert entwurf.titel in html and "Entwurf" in html


def test_other_kreis_sees_nothing_of_lippe(welt, login, workshop):
    html = login(welt.users["kreis_fremd"]).get("/workshops/").content.decode()
    assert workshop.titel not in html
    assert "0 Workshops gefunden" in html


def test_list_marks_own_registration_and_filters_by_it(welt, login, workshop):
    anderer = WorkshopFactory(
        kreis=welt.lippe, titel="Ohne Detmold", veroeffentlicht_am=timezone.now()
    )
    TeilnahmeFactory(workshop=workshop, person=welt.users["cdo_eigen"], kommune=welt.detmold)
    client = login(welt.users["cdo_eigen"])
    html = client.get("/workshops/?angemeldet=ja").content.decode()
    assert workshop.titel in html and anderer.titel not in html
    html = client.get("/workshops/?angemeldet=nein").content.decode()
    assert anderer.titel in html and workshop.titel not in html


def test_htmx_request_gets_only_the_table(welt, login, workshop):
    response = login(welt.users["cdo_eigen"]).get(
        "/workshops/?zeitraum=alle", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<table" in html and 'id="anzahl"' in html
    assert "<html" not in html and "<form" not in html


def test_hostile_filter_values_do_not_break_the_list(welt, login, workshop):
    client = login(welt.users["cdo_eigen"])
    for query in (
        "zeitraum=<script>",
        "format=%00",
        "handlungsfeld=99999999999999999999",
        "sortierung=;drop",
        "q=%27%20OR%201%3D1",
        "seite=abc",
    ):
        response = client.get(f"/workshops/?{query}")
        assert response.status_code in (200, 404), query


def _count_queries(client, url):
    # A warm-up request first: the navigation's unread badge is cached per person and may
    # be dropped by the rows added in between; what is compared is the page, not the cache.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("htmx", [False, True])
def test_list_queries_do_not_grow_with_rows(welt, login, htmx):
    client = login(welt.users["cdo_eigen"])
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    def anlegen(anzahl):
        for n in range(anzahl):
            w = WorkshopFactory(
                kreis=welt.lippe,
                handlungsfeld=welt.handlungsfeld,
                organisiert_von=welt.lemgo if n % 2 else None,
                veroeffentlicht_am=timezone.now(),
            )
            TeilnahmeFactory(workshop=w, kommune=welt.detmold)
            TeilnahmeFactory(workshop=w, kommune=welt.lemgo, person=welt.users["cdo_andere"])

    anlegen(5)
    client.get("/workshops/?zeitraum=alle", **extra)  # warm-up: the cached unread badge
    with CaptureQueriesContext(connection) as wenige_ctx:
        client.get("/workshops/?zeitraum=alle", **extra)
    wenige = len(wenige_ctx.captured_queries)
    anlegen(25)
    client.get("/workshops/?zeitraum=alle", **extra)
    with CaptureQueriesContext(connection) as viele_ctx:
        response = client.get("/workshops/?zeitraum=alle", **extra)
    assert Workshop.objects.count() == 30
    assert "30 Workshops gefunden" in response.content.decode()
    assert wenige == len(viele_ctx.captured_queries)
    # Savepoints, session, user, memberships, count, two for Django's own permissions
    # (the "anlegen" button), the filter's Handlungsfelder, the page of rows.
    assert wenige <= 10, [q["sql"] for q in wenige_ctx.captured_queries]


# --- detail ----------------------------------------------------------------------------


def test_detail_shows_everything_of_point_8(welt, login, workshop, ergebnis):
    TeilnahmeFactory(
        workshop=workshop,
        person=welt.users["cdo_andere"],
        kommune=welt.lemgo,
        status=Teilnahme.Status.ANGEMELDET,
    )
    workshop.protokoll = "Alle Kommunen vertreten."
    workshop.save()
    html = login(welt.users["cdo_eigen"]).get(f"/workshops/{workshop.pk}/").content.decode()
    for text in (
        workshop.titel,
        "Videokonferenz",
        "https://video.example.invalid/ozg",
        "IKZ &amp; Beteiligung",
        "Detmold",  # organiser
        "1. Stufen 0–7<br>2. Nachnutzung von EfA-Diensten",
        "Angemeldete Kommunen (1)",
        "Lemgo",
        "Alle Kommunen vertreten.",
        "Stand der E-Akte in allen Kommunen abfragen",
        ergebnis.faellig_am.strftime("%d.%m.%Y"),
        "offen",
        f"/workshops/{workshop.pk}.ics",
    ):
        assert text in html, text


def test_video_link_only_for_members_of_the_kreis(welt, login, workshop):
    for rolle in ("cdo_eigen", "cdo_andere", "kreis", "admin"):
        html = login(welt.users[rolle]).get(f"/workshops/{workshop.pk}/").content.decode()
        assert workshop.online_link in html, rolle
    html = login(welt.users["region"]).get(f"/workshops/{workshop.pk}/").content.decode()
    assert workshop.online_link not in html
    assert "nur für Mitglieder des Kreises Lippe sichtbar" in html


def test_detail_lists_registered_and_attended_kommunen(welt, login):
    vergangen = _vergangen(welt)
    TeilnahmeFactory(
        workshop=vergangen,
        person=welt.users["cdo_eigen"],
        kommune=welt.detmold,
        status=Teilnahme.Status.TEILGENOMMEN,
    )
    TeilnahmeFactory(
        workshop=vergangen,
        person=welt.users["cdo_andere"],
        kommune=welt.lemgo,
        status=Teilnahme.Status.ABGESAGT,
    )
    html = login(welt.users["cdo_andere"]).get(f"/workshops/{vergangen.pk}/").content.decode()
    assert "Teilgenommen haben (1)" in html
    assert "Abgesagt haben" in html
    assert "Der Workshop ist vorbei." in html


def test_minutes_document_is_served_through_an_access_check(welt, login, workshop, settings):
    workshop.protokoll_datei.save("protokoll.pdf", ContentFile(PDF), save=True)
    html = login(welt.users["cdo_eigen"]).get(f"/workshops/{workshop.pk}/").content.decode()
    assert f"/workshops/{workshop.pk}/protokoll/" in html
    assert settings.MEDIA_URL not in html
    assert workshop.protokoll_datei.name not in html

    response = login(welt.users["cdo_andere"]).get(f"/workshops/{workshop.pk}/protokoll/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert (
        login(welt.users["kreis_fremd"]).get(f"/workshops/{workshop.pk}/protokoll/").status_code
        == 404
    )


# --- create, edit, publish, cancel -----------------------------------------------------


def _formulardaten(welt, **werte) -> dict:
    beginn = timezone.localtime(timezone.now() + dt.timedelta(days=21)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    daten = {
        "titel": "Regeltreffen Juni",
        "beginn": beginn.strftime("%Y-%m-%dT%H:%M"),
        "ende": (beginn + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "format": "video",
        "ort": "",
        "online_link": "https://video.example.invalid/juni",
        "handlungsfeld": welt.handlungsfeld.pk,
        "organisiert_von": "",
        "max_teilnehmende": "",
        "agenda": "1. Berichte",
        "protokoll": "",
    }
    daten.update(werte)
    return daten


def test_kreis_staff_create_a_draft_of_their_kreis(welt, login):
    client = login(welt.users["kreis"])
    form = client.get("/workshops/neu/").content.decode()
    assert 'name="kreis"' not in form  # only one Kreis: set automatically
    response = client.post("/workshops/neu/", _formulardaten(welt))
    workshop = Workshop.objects.get(titel="Regeltreffen Juni")
    assert response.status_code == 302
    assert response["Location"] == f"/workshops/{workshop.pk}/"
    assert workshop.kreis == welt.lippe
    assert workshop.veroeffentlicht_am is None
    assert workshop.sequenz == 0
    assert timezone.localtime(workshop.beginn).hour == 10
    assert mail.outbox == []  # no invitations for a draft


def test_german_datetime_input_is_accepted(welt, login):
    beginn = timezone.localdate() + dt.timedelta(days=10)
    response = login(welt.users["kreis"]).post(
        "/workshops/neu/",
        _formulardaten(
            welt,
            beginn=beginn.strftime("%d.%m.%Y 09:30"),
            ende=beginn.strftime("%d.%m.%Y 12:00"),
        ),
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    assert timezone.localtime(workshop.beginn).strftime("%H:%M") == "09:30"


def test_errors_are_shown_next_to_the_field_and_nothing_is_stored(welt, login):
    client = login(welt.users["kreis"])
    daten = _formulardaten(welt, format="praesenz", ort="")
    daten["ende"] = daten["beginn"]
    response = client.post("/workshops/neu/", daten)
    html = response.content.decode()
    assert response.status_code == 200
    assert Workshop.objects.count() == 0
    assert 'id="id_ende_error"' in html and "Das Ende muss nach dem Beginn liegen." in html
    assert 'id="id_ort_error"' in html and "Bitte den Ort angeben." in html
    assert 'href="#id_ende"' in html  # error summary links to the field


def test_organiser_must_be_a_kommune_of_the_kreis(welt, login):
    response = login(welt.users["kreis"]).post(
        "/workshops/neu/", _formulardaten(welt, organisiert_von=welt.herford_stadt.pk)
    )
    assert response.status_code == 200
    assert 'id="id_organisiert_von_error"' in response.content.decode()
    assert Workshop.objects.count() == 0


def test_cdo_cannot_create_or_edit(welt, login, workshop):
    client = login(welt.users["cdo_eigen"])
    assert client.post("/workshops/neu/", _formulardaten(welt)).status_code == 403
    assert (
        client.post(f"/workshops/{workshop.pk}/bearbeiten/", _formulardaten(welt)).status_code
        == 403
    )
    assert Workshop.objects.count() == 1


def test_every_saved_change_bumps_the_sequence(welt, login, workshop):
    client = login(welt.users["kreis"])
    daten = _formulardaten(
        welt,
        titel=workshop.titel,
        beginn=timezone.localtime(workshop.beginn).strftime("%Y-%m-%dT%H:%M"),
        ende=timezone.localtime(workshop.ende).strftime("%Y-%m-%dT%H:%M"),
        online_link=workshop.online_link,
        organisiert_von=welt.detmold.pk,
        agenda=workshop.agenda,
        version=workshop.version,
    )
    # Unchanged form: nothing saved, sequence stays.
    assert client.post(f"/workshops/{workshop.pk}/bearbeiten/", daten).status_code == 302
    workshop.refresh_from_db()
    assert workshop.sequenz == 0

    daten["titel"] = "Fachaustausch (verschoben)"
    assert client.post(f"/workshops/{workshop.pk}/bearbeiten/", daten).status_code == 302
    workshop.refresh_from_db()
    assert workshop.titel == "Fachaustausch (verschoben)"
    assert workshop.sequenz == 1


def test_publishing_invites_the_cdos_of_the_kreis(
    welt, login, entwurf, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://portal.kreis-lippe.invalid"
    client = login(welt.users["kreis"])
    page = client.get(f"/workshops/{entwurf.pk}/veroeffentlichen/").content.decode()
    assert "2 Digitalisierungsbeauftragte" in page  # Detmold and Lemgo, not Herford
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workshops/{entwurf.pk}/veroeffentlichen/")
    assert response.status_code == 302
    entwurf.refresh_from_db()
    assert entwurf.veroeffentlicht_am is not None
    assert entwurf.sequenz == 1
    empfaenger = sorted(m.to[0] for m in mail.outbox)
    assert empfaenger == ["cdo.detmold@example.invalid", "cdo.lemgo@example.invalid"]
    nachricht = mail.outbox[0]
    assert nachricht.subject.endswith("Einladung: Werkstatt Prozessmanagement")
    assert "lädt Sie herzlich" in nachricht.body
    assert f"https://portal.kreis-lippe.invalid/workshops/{entwurf.pk}/" in nachricht.body
    assert "Rathaus Blomberg" in nachricht.body
    assert nachricht.attachments[0][0] == "einladung.ics"

    # Publishing again sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/workshops/{entwurf.pk}/veroeffentlichen/")
    assert len(mail.outbox) == 2


def test_published_workshop_becomes_visible_to_the_cdos(welt, login, entwurf):
    client = login(welt.users["cdo_eigen"])
    assert client.get(f"/workshops/{entwurf.pk}/").status_code == 404
    login(welt.users["kreis"]).post(f"/workshops/{entwurf.pk}/veroeffentlichen/")
    client = login(welt.users["cdo_eigen"])
    assert client.get(f"/workshops/{entwurf.pk}/").status_code == 200


def test_cancelling_marks_bumps_and_tells_the_registered(
    welt, login, workshop, django_capture_on_commit_callbacks
):
    TeilnahmeFactory(workshop=workshop, person=welt.users["cdo_eigen"], kommune=welt.detmold)
    client = login(welt.users["kreis"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workshops/{workshop.pk}/absagen/")
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.abgesagt and workshop.sequenz == 1
    assert [m.to for m in mail.outbox] == [["cdo.detmold@example.invalid"]]
    assert "ist abgesagt" in mail.outbox[0].body
    html = login(welt.users["cdo_eigen"]).get(f"/workshops/{workshop.pk}/").content.decode()
    assert "abgesagt" in html
    assert "Anmelden</span>" not in html


def test_cdo_cannot_publish_or_cancel(welt, login, workshop, entwurf):
    client = login(welt.users["cdo_eigen"])
    assert client.post(f"/workshops/{workshop.pk}/absagen/").status_code == 403
    assert client.post(f"/workshops/{entwurf.pk}/veroeffentlichen/").status_code == 404
    workshop.refresh_from_db()
    entwurf.refresh_from_db()
    assert not workshop.abgesagt and entwurf.veroeffentlicht_am is None


# --- registration ----------------------------------------------------------------------


def test_cdo_registers_and_unregisters_their_kommune(welt, login, workshop):
    client = login(welt.users["cdo_eigen"])
    html = client.get(f"/workshops/{workshop.pk}/").content.decode()
    assert "Anmelden</span>" in html
    response = client.post(f"/workshops/{workshop.pk}/anmelden/", follow=True)
    teilnahme = Teilnahme.objects.get(workshop=workshop)
    assert (teilnahme.person, teilnahme.kommune, teilnahme.status) == (
        welt.users["cdo_eigen"],
        welt.detmold,
        Teilnahme.Status.ANGEMELDET,
    )
    html = response.content.decode()
    assert "Sie sind für Detmold angemeldet." in html
    assert "Angemeldete Kommunen (1)" in html

    response = client.post(f"/workshops/{workshop.pk}/abmelden/", follow=True)
    teilnahme.refresh_from_db()
    assert teilnahme.status == Teilnahme.Status.ABGESAGT
    assert "Sie sind abgemeldet." in response.content.decode()
    # … and can come back.
    client.post(f"/workshops/{workshop.pk}/anmelden/")
    teilnahme.refresh_from_db()
    assert teilnahme.status == Teilnahme.Status.ANGEMELDET
    assert Teilnahme.objects.count() == 1


def test_cdo_cannot_register_another_kommune(welt, login, workshop):
    response = login(welt.users["cdo_eigen"]).post(
        f"/workshops/{workshop.pk}/anmelden/", {"kommune": welt.lemgo.pk}, follow=True
    )
    assert "Bitte wählen Sie eine Ihrer Kommunen." in response.content.decode()
    assert not Teilnahme.objects.exists()


def test_region_and_other_kreis_cannot_register(welt, login, workshop):
    assert (
        login(welt.users["region"]).post(f"/workshops/{workshop.pk}/anmelden/").status_code == 403
    )
    assert (
        login(welt.users["kreis_fremd"]).post(f"/workshops/{workshop.pk}/anmelden/").status_code
        == 404
    )
    assert not Teilnahme.objects.exists()


def test_no_registration_for_past_cancelled_or_full_workshops(welt, login, workshop):
    client = login(welt.users["cdo_eigen"])
    vergangen = _vergangen(welt)
    response = client.post(f"/workshops/{vergangen.pk}/anmelden/", follow=True)
    assert "Der Workshop ist bereits vorbei." in response.content.decode()

    workshop.max_teilnehmende = 1
    workshop.save()
    TeilnahmeFactory(workshop=workshop, person=welt.users["cdo_andere"], kommune=welt.lemgo)
    response = client.post(f"/workshops/{workshop.pk}/anmelden/", follow=True)
    assert "ausgebucht" in response.content.decode()

    workshop.max_teilnehmende = None
    workshop.abgesagt = True
    workshop.save()
    response = client.post(f"/workshops/{workshop.pk}/anmelden/", follow=True)
    assert "Der Workshop ist abgesagt." in response.content.decode()
    assert not Teilnahme.objects.filter(person=welt.users["cdo_eigen"]).exists()


# --- attendance ------------------------------------------------------------------------


def test_kreis_staff_record_attendance(welt, login):
    vergangen = _vergangen(welt)
    detmold = TeilnahmeFactory(
        workshop=vergangen, person=welt.users["cdo_eigen"], kommune=welt.detmold
    )
    client = login(welt.users["kreis"])
    form = client.get(f"/workshops/{vergangen.pk}/teilnahme/").content.decode()
    assert "(Detmold)" in form
    assert "(Lemgo)" in form  # can be added: came without registering
    lemgo_mitgliedschaft = welt.users["cdo_andere"].mitgliedschaften.get()
    response = client.post(
        f"/workshops/{vergangen.pk}/teilnahme/",
        {f"status_{detmold.pk}": "teilgenommen", "nachtragen": [lemgo_mitgliedschaft.pk]},
    )
    assert response.status_code == 302
    detmold.refresh_from_db()
    assert detmold.status == Teilnahme.Status.TEILGENOMMEN
    lemgo = Teilnahme.objects.get(workshop=vergangen, person=welt.users["cdo_andere"])
    assert (lemgo.kommune, lemgo.status) == (welt.lemgo, Teilnahme.Status.TEILGENOMMEN)
    html = client.get(f"/workshops/{vergangen.pk}/").content.decode()
    assert "Teilgenommen haben (2)" in html


def test_attendance_refuses_unknown_status(welt, login):
    vergangen = _vergangen(welt)
    t = TeilnahmeFactory(workshop=vergangen, person=welt.users["cdo_eigen"], kommune=welt.detmold)
    response = login(welt.users["kreis"]).post(
        f"/workshops/{vergangen.pk}/teilnahme/", {f"status_{t.pk}": "<script>"}
    )
    assert response.status_code == 200
    assert f'id="id_status_{t.pk}_error"' in response.content.decode()
    t.refresh_from_db()
    assert t.status == Teilnahme.Status.ANGEMELDET


# --- Ergebnisse ------------------------------------------------------------------------


def test_kreis_staff_add_an_ergebnis(welt, login, workshop):
    response = login(welt.users["kreis"]).post(
        f"/workshops/{workshop.pk}/ergebnisse/neu/",
        {
            "beschreibung": "Geschäftsordnung entwerfen",
            "verantwortlich": welt.lemgo.pk,
            "faellig_am": "2026-12-31",
            "status": "offen",
        },
    )
    assert response.status_code == 302
    ergebnis = Ergebnis.objects.get()
    assert (ergebnis.workshop, ergebnis.verantwortlich) == (workshop, welt.lemgo)
    assert ergebnis.faellig_am == dt.date(2026, 12, 31)


def test_ergebnis_responsible_must_be_of_the_kreis(welt, login, workshop):
    response = login(welt.users["kreis"]).post(
        f"/workshops/{workshop.pk}/ergebnisse/neu/",
        {"beschreibung": "x", "verantwortlich": welt.herford_stadt.pk, "status": "offen"},
    )
    assert response.status_code == 200
    assert 'id="id_verantwortlich_error"' in response.content.decode()
    assert not Ergebnis.objects.exists()


def test_responsible_cdo_updates_only_the_status(welt, login, ergebnis):
    client = login(welt.users["cdo_eigen"])
    form = client.get(f"/workshops/ergebnisse/{ergebnis.pk}/bearbeiten/").content.decode()
    assert 'name="status"' in form and 'name="beschreibung"' not in form
    response = client.post(
        f"/workshops/ergebnisse/{ergebnis.pk}/bearbeiten/",
        {
            "status": "erledigt",
            "beschreibung": "überschrieben",
            "verantwortlich": welt.lemgo.pk,
            "version": ergebnis.version,
        },
    )
    assert response.status_code == 302
    ergebnis.refresh_from_db()
    assert ergebnis.status == Ergebnis.Status.ERLEDIGT
    assert ergebnis.beschreibung.startswith("Stand der E-Akte")
    assert ergebnis.verantwortlich == welt.detmold
    assert (
        login(welt.users["cdo_andere"])
        .post(f"/workshops/ergebnisse/{ergebnis.pk}/bearbeiten/", {"status": "offen"})
        .status_code
        == 403
    )


def test_ergebnis_becomes_a_massnahme_through_the_prefilled_form(welt, login, workshop, ergebnis):
    client = login(welt.users["cdo_eigen"])
    html = client.get(f"/workshops/{workshop.pk}/").content.decode()
    url = f"/workshops/ergebnisse/{ergebnis.pk}/massnahme/"
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["titel"] == "Stand der E-Akte in allen Kommunen abfragen"
    assert (
        "Hervorgegangen aus dem Workshop „Fachaustausch OZG-Reifegradmodell 2.0“"
        in initial["beschreibung"]
    )
    assert initial["handlungsfeld"] == str(welt.handlungsfeld.pk)
    assert initial["federfuehrend"] == str(welt.detmold.pk)
    data = {
        "titel": initial["titel"],
        "beschreibung": initial["beschreibung"],
        "handlungsfeld": welt.handlungsfeld.pk,
        "federfuehrend": welt.detmold.pk,
        "status": "geplant",
        "fortschritt": "0",
        "ampel": "gruen",
        "meilensteine-TOTAL_FORMS": "0",
        "meilensteine-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    ergebnis.refresh_from_db()
    assert ergebnis.massnahme is not None
    assert ergebnis.massnahme.titel == "Stand der E-Akte in allen Kommunen abfragen"
    assert response["Location"] == ergebnis.massnahme.get_absolute_url()


def test_linked_ergebnis_leads_to_its_massnahme(welt, login, workshop, ergebnis):
    massnahme = MassnahmeFactory(kreis=welt.lippe, federfuehrend=welt.detmold, titel="E-Akte")
    ergebnis.massnahme = massnahme
    ergebnis.save()
    client = login(welt.users["kreis"])
    html = client.get(f"/workshops/{workshop.pk}/").content.decode()
    assert f'href="/massnahmen/{massnahme.pk}/"' in html
    response = client.get(f"/workshops/ergebnisse/{ergebnis.pk}/massnahme/")
    assert response.status_code == 303
    assert response["Location"] == f"/massnahmen/{massnahme.pk}/"


# --- calendar subscription page ---------------------------------------------------------


def test_subscription_page_shows_the_personal_url_and_renews_it(welt, login):
    client = login(welt.users["cdo_eigen"])
    html = client.get("/workshops/kalender/").content.decode()
    token = KalenderToken.objects.get(user=welt.users["cdo_eigen"]).token
    assert len(token) >= 43
    assert f"http://testserver/workshops/kalender/{token}.ics" in html
    assert f"webcal://testserver/workshops/kalender/{token}.ics" in html
    # Reloading the page keeps the address.
    client.get("/workshops/kalender/")
    assert KalenderToken.objects.get(user=welt.users["cdo_eigen"]).token == token

    response = client.post("/workshops/kalender/erneuern/", follow=True)
    neu = KalenderToken.objects.get(user=welt.users["cdo_eigen"]).token
    assert neu != token
    assert "Die Abo-Adresse wurde erneuert." in response.content.decode()
    client.logout()
    assert client.get(f"/workshops/kalender/{token}.ics").status_code == 404
    assert client.get(f"/workshops/kalender/{neu}.ics").status_code == 200


# --- minutes upload, several Kreise, admin ---------------------------------------------


def test_minutes_upload_is_checked_and_served_under_a_random_name(welt, login, workshop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(welt.users["kreis"])
    url = f"/workshops/{workshop.pk}/bearbeiten/"
    daten = _formulardaten(
        welt, titel=workshop.titel, organisiert_von=welt.detmold.pk, version=workshop.version
    )
    falsch = SimpleUploadedFile("protokoll.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url, {**daten, "protokoll_datei": falsch})
    assert response.status_code == 200
    assert 'id="id_protokoll_datei_error"' in response.content.decode()
    workshop.refresh_from_db()
    assert not workshop.protokoll_datei and workshop.sequenz == 0

    richtig = SimpleUploadedFile("Protokoll Mai.pdf", PDF, "application/pdf")
    assert client.post(url, {**daten, "protokoll_datei": richtig}).status_code == 302
    workshop.refresh_from_db()
    assert workshop.protokoll_datei.name.startswith("dokumente/")
    assert "Protokoll" not in workshop.protokoll_datei.name  # no user-chosen name on disk
    download = login(welt.users["cdo_andere"]).get(f"/workshops/{workshop.pk}/protokoll/")
    assert b"".join(download.streaming_content) == PDF


def test_superuser_chooses_the_kreis(welt, login):
    client = login(welt.users["admin"])
    assert 'name="kreis"' in client.get("/workshops/neu/").content.decode()
    response = client.post("/workshops/neu/", _formulardaten(welt))
    assert response.status_code == 200
    assert 'id="id_kreis_error"' in response.content.decode()
    response = client.post("/workshops/neu/", _formulardaten(welt, kreis=welt.herford.pk))
    assert response.status_code == 302
    assert Workshop.objects.get().kreis == welt.herford


def test_admin_changes_bump_the_sequence_too(welt, login, workshop):
    client = login(welt.users["admin"])
    url = f"/admin/workshops/workshop/{workshop.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    daten = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    daten.update(
        {
            "kreis": welt.lippe.pk,
            "handlungsfeld": welt.handlungsfeld.pk,
            "organisiert_von": welt.detmold.pk,
            "beginn_0": timezone.localtime(workshop.beginn).strftime("%d.%m.%Y"),
            "beginn_1": timezone.localtime(workshop.beginn).strftime("%H:%M:%S"),
            "ende_0": timezone.localtime(workshop.ende).strftime("%d.%m.%Y"),
            "ende_1": timezone.localtime(workshop.ende).strftime("%H:%M:%S"),
            "titel": "Im Admin geändert",
            "max_teilnehmende": "",
        }
    )
    for prefix in ("teilnahmen", "ergebnisse"):
        daten.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    daten.pop("beginn", None)
    daten.pop("ende", None)
    daten.pop("protokoll_datei", None)
    response = client.post(url, daten)
    assert response.status_code == 302, response.context["adminform"].form.errors
    workshop.refresh_from_db()
    assert workshop.titel == "Im Admin geändert"
    assert workshop.sequenz == 1


def test_detail_page_has_an_action_bar_and_its_facts_as_a_description_list(welt, login, workshop):
    """Issue 18, point 3: the Kreis staff's actions in one bar (a list without bullets,
    named for screen readers), the facts as a KERN description list."""
    from lxml import html as lxml_html

    seite = lxml_html.fromstring(
        login(welt.users["kreis"]).get(f"/workshops/{workshop.pk}/").content.decode()
    )
    (leiste,) = seite.xpath("//main//ul[contains(concat(' ', @class, ' '), ' portal-actionbar ')]")
    assert leiste.get("aria-label") == "Aktionen zu diesem Workshop"
    assert [li.text_content().strip() for li in leiste.findall("li")][0] == "Bearbeiten"
    (fakten,) = seite.xpath("//main//dl[contains(concat(' ', @class, ' '), ' portal-fakten ')]")
    paare = {
        item.find("dt").text_content(): item.find("dd").text_content().strip()
        for item in fakten.findall("div")
    }
    assert paare["Format"] == "Videokonferenz"
    assert paare["Ausrichtung"] == "Detmold"

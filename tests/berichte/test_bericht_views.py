"""The report pages: request, live status, download, retry, unfreeze – and who may do what."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from berichte import services
from berichte.models import Quartalsbericht
from core.quartal import Quartal
from massnahmen.models import Quartalsabschluss
from tests.berichte import test_bericht_service
from tests.factories import StatusmeldungFactory

broker_nicht_erreichbar = test_bericht_service.broker_weg  # the fixture, reused


def _fertig(kreis, quartal="2026-Q2", version=1) -> Quartalsbericht:
    bericht = Quartalsbericht(
        kreis=kreis, quartal=quartal, version=version, status="fertig", seiten=3
    )
    bericht.datei.save(f"v{version}.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    bericht.save()
    return bericht


def test_list_preselects_the_last_complete_quarter_for_kreis_staff(welt, login):
    response = login(welt.users["kreis"]).get("/berichte/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["quartal"].value() == str(Quartal.last_complete())
    assert b"Bericht anfordern" in response.content


@pytest.mark.parametrize("rolle", ["cdo_eigen", "region"])
def test_readers_see_no_request_form(welt, login, rolle):
    response = login(welt.users[rolle]).get("/berichte/")
    assert response.context["form"] is None
    assert "Bericht anfordern" not in response.content.decode()


def test_each_role_sees_the_reports_of_its_kreise(welt, login):
    lippe, herford = _fertig(welt.lippe), _fertig(welt.herford)
    sichtbar = {
        "cdo_eigen": {lippe.pk},
        "kreis": {lippe.pk},
        "kreis_fremd": {herford.pk},
        "region": {lippe.pk, herford.pk},
        "admin": {lippe.pk, herford.pk},
    }
    for rolle, erwartet in sichtbar.items():
        response = login(welt.users[rolle]).get("/berichte/")
        gezeigt = {g["neueste"].pk for g in response.context["gruppen"]}
        assert gezeigt == erwartet, rolle


def test_request_renders_and_offers_the_download(welt, login, django_capture_on_commit_callbacks):
    client = login(welt.users["kreis"])
    StatusmeldungFactory(massnahme=welt.massnahme, quartal="2026-Q2")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/berichte/anfordern/",
            {"kreis": "05766", "quartal": "2026-Q2", "variante": "pdf/ua-1"},
        )
    bericht = Quartalsbericht.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/berichte/{bericht.pk}/"
    assert bericht.status == "fertig" and bericht.angefordert_von == welt.users["kreis"]
    assert Quartalsabschluss.is_locked("05766", "2026-Q2")
    seite = client.get(response["Location"])
    assert "PDF herunterladen" in seite.content.decode()
    assert b"data-hx-trigger" not in seite.content  # finished: no more polling
    download = client.get(f"/berichte/{bericht.pk}/pdf/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="Quartalsbericht_Lippe_2026-Q2_v1.pdf"' in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_open_report_polls_its_status_and_htmx_gets_only_the_status(welt, login):
    bericht = Quartalsbericht.objects.create(kreis=welt.lippe, quartal="2026-Q2")
    client = login(welt.users["cdo_eigen"])
    seite = client.get(f"/berichte/{bericht.pk}/").content.decode()
    assert 'data-hx-trigger="every 2s"' in seite and "wartet auf die Erstellung" in seite
    teil = client.get(f"/berichte/{bericht.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert teil.lstrip().startswith('<div id="bericht-status"')
    assert "<html" not in teil
    liste = client.get("/berichte/", HTTP_HX_REQUEST="true").content.decode()
    assert liste.lstrip().startswith('<div id="berichte-tabelle"') and "every 3s" in liste


def test_broker_down_at_request_time_german_message_no_500_record_kept(
    transactional_db, welt, login, broker_nicht_erreichbar
):
    """A broker that refuses connections: the request is saved, the page says why in
    German and offers the retry, which renders the same version once the broker is back.
    (Transactional: the view commits before queueing, as in production.)"""
    client = login(welt.users["kreis"])
    response = client.post(
        "/berichte/anfordern/",
        {"kreis": "05766", "quartal": "2026-Q2", "variante": "pdf/a-3b"},
        follow=True,
    )
    broker_nicht_erreichbar()  # back: eager, as without a broker
    assert response.status_code == 200
    bericht = Quartalsbericht.objects.get()
    assert (bericht.status, bericht.variante) == ("fehlgeschlagen", "pdf/a-3b")
    assert bericht.fehler == services.MELDUNG_BROKER
    text = response.content.decode()
    assert "Hintergrunddienst" in text and "Erneut versuchen" in text
    assert Quartalsabschluss.is_locked("05766", "2026-Q2")
    client.post(f"/berichte/{bericht.pk}/erneut/")
    bericht.refresh_from_db()
    assert (bericht.status, bericht.version) == ("fertig", 1)


def test_failed_report_shows_reason_and_retry_only_for_kreis_staff(welt, login):
    bericht = Quartalsbericht.objects.create(
        kreis=welt.lippe, quartal="2026-Q2", status="fehlgeschlagen", fehler=services.MELDUNG_FEHLER
    )
    staff = login(welt.users["kreis"]).get(f"/berichte/{bericht.pk}/").content.decode()
    assert "unerwarteter Fehler" in staff and "Erneut versuchen" in staff
    cdo = login(welt.users["cdo_eigen"]).get(f"/berichte/{bericht.pk}/").content.decode()
    assert "unerwarteter Fehler" in cdo and "Erneut versuchen" not in cdo
    for rolle, status in [("cdo_eigen", 403), ("region", 403), ("kreis_fremd", 404)]:
        assert (
            login(welt.users[rolle]).post(f"/berichte/{bericht.pk}/erneut/").status_code == status
        )
    bericht.refresh_from_db()
    assert bericht.status == "fehlgeschlagen"


@pytest.mark.parametrize(
    ("rolle", "status"), [("cdo_eigen", 403), ("region", 403), ("kreis_fremd", 422)]
)
def test_only_the_kreis_staff_request_its_report(welt, login, rolle, status):
    response = login(welt.users[rolle]).post(
        "/berichte/anfordern/", {"kreis": "05766", "quartal": "2026-Q2", "variante": "pdf/ua-1"}
    )
    assert response.status_code == status
    assert not Quartalsbericht.objects.exists()
    assert not Quartalsabschluss.objects.exists()


def test_bad_quarter_gets_a_german_error_next_to_the_field(welt, login):
    response = login(welt.users["kreis"]).post(
        "/berichte/anfordern/", {"kreis": "05766", "quartal": "2031-Q9", "variante": "pdf/ua-1"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["quartal"] == [
        "Bitte wählen Sie ein Quartal aus der Liste."
    ]
    assert not Quartalsbericht.objects.exists()


def test_only_complete_quarters_are_offered(welt, login):
    form = login(welt.users["kreis"]).get("/berichte/").context["form"]
    angeboten = [wert for wert, _ in form.fields["quartal"].choices]
    assert str(Quartal.current()) not in angeboten
    assert angeboten[0] == str(Quartal.last_complete()) and len(angeboten) == 8


@pytest.mark.parametrize("quartal", [Quartal.current(), Quartal.current().next()])
def test_running_or_future_quarter_is_refused_next_to_the_field(welt, login, quartal):
    """Requesting it would freeze the quarter while the CDOs still have to report."""
    response = login(welt.users["kreis"]).post(
        "/berichte/anfordern/", {"kreis": "05766", "quartal": str(quartal), "variante": "pdf/ua-1"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["quartal"] == [
        f"Das {quartal.label} ist noch nicht abgeschlossen. Ein Bericht würde die "
        "Statusmeldungen des Quartals sperren, bevor alle Kommunen gemeldet haben; bitte "
        "wählen Sie ein abgeschlossenes Quartal."
    ]
    assert "noch nicht abgeschlossen" in response.content.decode()
    assert not Quartalsbericht.objects.exists()
    assert not Quartalsabschluss.is_locked("05766", quartal)


def test_unfreeze_with_reason(welt, login):
    abschluss = Quartalsabschluss.objects.create(kreis=welt.lippe, quartal="2026-Q2")
    client = login(welt.users["kreis"])
    assert (
        f"/berichte/abschluss/{abschluss.pk}/aufheben/" in client.get("/berichte/").content.decode()
    )
    leer = client.post(f"/berichte/abschluss/{abschluss.pk}/aufheben/", {"aufhebungsgrund": " "})
    assert leer.status_code == 422
    assert "Bitte geben Sie einen Grund an." in leer.content.decode()
    response = client.post(
        f"/berichte/abschluss/{abschluss.pk}/aufheben/",
        {"aufhebungsgrund": "Lemgo meldet nach"},
    )
    assert response.status_code == 302
    abschluss.refresh_from_db()
    assert abschluss.aufhebungsgrund == "Lemgo meldet nach"
    assert abschluss.aufgehoben_von == welt.users["kreis"]
    assert not Quartalsabschluss.is_locked("05766", "2026-Q2")
    # Lifted: the page is gone.
    assert client.get(f"/berichte/abschluss/{abschluss.pk}/aufheben/").status_code == 404


def test_earlier_versions_stay_listed(welt, login):
    _fertig(welt.lippe, version=1)
    _fertig(welt.lippe, version=2)
    neu = _fertig(welt.lippe, version=3)
    client = login(welt.users["region"])
    liste = client.get("/berichte/")
    gruppe = liste.context["gruppen"][0]
    assert gruppe["neueste"] == neu and [b.version for b in gruppe["fruehere"]] == [2, 1]
    detail = client.get(f"/berichte/{neu.pk}/").content.decode()
    assert "Version 1" in detail and "Version 2" in detail


def test_list_queries_do_not_grow_with_reports(welt, login, django_assert_max_num_queries):
    client = login(welt.users["kreis"])
    _fertig(welt.lippe)
    with django_assert_max_num_queries(12) as wenige:
        client.get("/berichte/")
    for version in range(2, 12):
        _fertig(welt.lippe, version=version)
        _fertig(welt.lippe, quartal="2026-Q1", version=version)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        client.get("/berichte/")


def test_user_without_role_sees_nothing(welt, login):
    from tests.factories import UserFactory

    bericht = _fertig(welt.lippe)
    client = login(UserFactory(email="ohne.rolle@example.invalid"))
    for url in ["/berichte/", f"/berichte/{bericht.pk}/", f"/berichte/{bericht.pk}/pdf/"]:
        assert client.get(url).status_code == 403, url


def test_a_finished_report_without_a_page_count_still_offers_its_download(welt, login):
    """A finished record whose page count is not stored (made before the count was, or
    entered in the admin) shows its page with the download, not a server error."""
    bericht = _fertig(welt.lippe)
    Quartalsbericht.objects.filter(pk=bericht.pk).update(seiten=None)
    seite = login(welt.users["kreis"]).get(f"/berichte/{bericht.pk}/")
    assert seite.status_code == 200
    assert "PDF herunterladen</span>" in seite.content.decode()

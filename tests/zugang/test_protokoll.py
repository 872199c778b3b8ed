"""The audit log: what is written, who may read it, how long it is kept, and that a person
who leaves a Kommune loses access with the very next request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kommunen.models import Mitgliedschaft, Rolle
from tests.factories import PASSWORD, MassnahmeFactory, UserFactory
from zugang.models import Protokolleintrag
from zugang.services import clean_up_protokoll, shorten_ip

pytestmark = pytest.mark.django_db

E = Protokolleintrag.Ereignis


def _letzter(ereignis) -> Protokolleintrag:
    return Protokolleintrag.objects.filter(ereignis=ereignis).latest("zeitpunkt", "pk")


def _kreise(eintrag) -> set[str]:
    return set(eintrag.kreise.values_list("ags", flat=True))


def test_login_logout_and_failed_login_are_logged_with_ip_and_kreis(client, welt):
    client.post("/accounts/login/", {"login": "cdo.detmold@example.invalid", "password": "x"})
    fehl = _letzter(E.ANMELDUNG_FEHLGESCHLAGEN)
    assert fehl.person == welt.users["cdo_eigen"] and fehl.ip == "127.0.0.1"
    assert _kreise(fehl) == {"05766"}

    response = client.post(
        "/accounts/login/", {"login": "cdo.detmold@example.invalid", "password": PASSWORD}
    )
    anmeldung = _letzter(E.ANMELDUNG)
    assert anmeldung.person == welt.users["cdo_eigen"]
    assert anmeldung.ip == "127.0.0.1" and _kreise(anmeldung) == {"05766"}
    assert anmeldung.request_id == response["X-Request-ID"]

    client.post("/accounts/logout/")
    assert _letzter(E.ABMELDUNG).person == welt.users["cdo_eigen"]


def test_failed_login_with_an_unknown_address_keeps_no_address(client, welt):
    client.post("/accounts/login/", {"login": "niemand@example.invalid", "password": "x"})
    eintrag = _letzter(E.ANMELDUNG_FEHLGESCHLAGEN)
    assert eintrag.person is None
    assert eintrag.details == "unbekannte Anmeldeadresse"
    assert "niemand" not in str(Protokolleintrag.objects.values_list())


def test_role_changes_are_logged_with_who_did_it(client, welt):
    admin = welt.users["admin"]
    person = UserFactory(email="neu@example.invalid")
    m = Mitgliedschaft.objects.create(user=person, rolle=Rolle.CDO, kommune=welt.lemgo)
    vergeben = _letzter(E.ROLLE_VERGEBEN)
    assert (vergeben.person, _kreise(vergeben)) == (person, {"05766"})
    assert "Lemgo" in vergeben.details

    m.rolle, m.kommune, m.kreis = Rolle.KREIS, None, welt.herford
    m.save()
    geaendert = _letzter(E.ROLLE_GEAENDERT)
    assert _kreise(geaendert) == {"05766", "05758"}  # both Kreise see the move
    assert "Lemgo" in geaendert.details and "Herford" in geaendert.details

    # Through the admin: the entry names the admin who removed the role.
    client.force_login(admin)
    response = client.post(f"/admin/kommunen/mitgliedschaft/{m.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entzogen = _letzter(E.ROLLE_ENTZOGEN)
    assert (entzogen.person, entzogen.ausgeloest_von) == (person, admin)
    assert _kreise(entzogen) == {"05758"}


def test_deleting_a_person_keeps_the_log_without_pointing_at_them(welt):
    person = welt.users["cdo_andere"]
    person.delete()
    entzogen = _letzter(E.ROLLE_ENTZOGEN)
    assert entzogen.person is None and "Lemgo" in entzogen.details
    assert _kreise(entzogen) == {"05766"}


def test_refused_access_is_logged(client, welt):
    client.force_login(welt.users["cdo_eigen"])
    response = client.get("/protokoll/")
    assert response.status_code == 403
    eintrag = _letzter(E.ZUGRIFF_VERWEIGERT)
    assert eintrag.person == welt.users["cdo_eigen"]
    assert eintrag.pfad == "/protokoll/" and _kreise(eintrag) == {"05766"}


def test_kreis_staff_read_their_kreis_admins_everything(login, welt):
    login(welt.users["cdo_eigen"]).get("/protokoll/")  # Lippe (403)
    login(welt.users["kreis_fremd"]).get("/protokoll/")  # Herford, allowed (no entry)
    login(welt.users["region"]).get("/protokoll/")  # region: no Kreis (403)

    lippe = login(welt.users["kreis"]).get("/protokoll/?ereignis=zugriff_verweigert")
    personen = {e.person for e in lippe.context["object_list"]}
    assert personen == {welt.users["cdo_eigen"]}

    herford = login(welt.users["kreis_fremd"]).get("/protokoll/?ereignis=zugriff_verweigert")
    assert list(herford.context["object_list"]) == []

    alle = login(welt.users["admin"]).get("/protokoll/?ereignis=zugriff_verweigert")
    assert {e.person for e in alle.context["object_list"]} == {
        welt.users["cdo_eigen"],
        welt.users["region"],
    }
    html = alle.content.decode()
    assert "Zugriff verweigert" in html and "/protokoll/" in html


def test_filters_by_person_kreis_and_date(login, welt):
    login(welt.users["cdo_eigen"])
    client = login(welt.users["admin"])
    response = client.get("/protokoll/?q=cdo.detmold&ereignis=anmeldung")
    assert {e.person for e in response.context["object_list"]} == {welt.users["cdo_eigen"]}
    response = client.get("/protokoll/?kreis=05758&ereignis=rolle_vergeben")
    assert {e.person for e in response.context["object_list"]} == {welt.users["kreis_fremd"]}
    morgen = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.get(f"/protokoll/?von={morgen}").context["anzahl"] == 0
    response = client.get("/protokoll/?von=31.02.2026")
    assert response.status_code == 200
    assert "gültiges Datum" in response.content.decode()
    # The Kreis filter offers Kreis staff only their own Kreis.
    response = login(welt.users["kreis"]).get("/protokoll/?kreis=05758")
    assert response.status_code == 200 and "kreis" in response.context["filter"].errors


def test_query_count_does_not_grow_with_entries(login, welt, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(welt.users["kreis"])
    client.get("/protokoll/")
    with CaptureQueriesContext(connection) as wenige:
        client.get("/protokoll/")
    anzahl = len(wenige.captured_queries)  # now: the next request resets the query log
    assert anzahl <= 12
    for _ in range(30):
        login(welt.users["cdo_eigen"]).get("/protokoll/")
    client = login(welt.users["kreis"])
    client.get("/protokoll/")
    with django_assert_max_num_queries(anzahl):
        response = client.get("/protokoll/")
    assert response.context["anzahl"] > 30


def test_old_entries_are_shortened_then_deleted(welt, settings):
    settings.PORTAL_PROTOKOLL_IP_TAGE = 7
    settings.PORTAL_PROTOKOLL_AUFBEWAHRUNG_TAGE = 365
    jetzt = timezone.now()
    frisch = Protokolleintrag.objects.create(ereignis=E.ANMELDUNG, ip="192.0.2.77")
    alt = Protokolleintrag.objects.create(
        ereignis=E.ANMELDUNG, ip="2001:db8:1234:5678::1", zeitpunkt=jetzt - timedelta(days=8)
    )
    uralt = Protokolleintrag.objects.create(
        ereignis=E.ANMELDUNG, ip="192.0.2.77", zeitpunkt=jetzt - timedelta(days=400)
    )
    ergebnis = clean_up_protokoll(jetzt=jetzt)
    assert ergebnis == {"geloescht": 1, "ip_gekuerzt": 1}
    frisch.refresh_from_db()
    alt.refresh_from_db()
    assert frisch.ip == "192.0.2.77" and not frisch.ip_gekuerzt
    assert alt.ip == "2001:db8:1234::" and alt.ip_gekuerzt
    assert not Protokolleintrag.objects.filter(pk=uralt.pk).exists()


def test_ip_kuerzen():
    assert shorten_ip("203.0.113.199") == "203.0.113.0"
    assert shorten_ip("2001:db8:abcd:12::7") == "2001:db8:abcd::"
    assert shorten_ip("kaputt") is None and shorten_ip(None) is None


def test_leaving_a_kommune_ends_access_with_the_next_request(client, welt):
    """scope_for lives on the request's user object only: no cache outlives a request."""
    eigene = MassnahmeFactory(kreis=welt.lippe, federfuehrend=welt.lemgo)
    client.post("/accounts/login/", {"login": "cdo.lemgo@example.invalid", "password": PASSWORD})
    assert client.get(f"/massnahmen/{eigene.pk}/").status_code == 200
    assert client.get(f"/massnahmen/{eigene.pk}/bearbeiten/").status_code == 200

    Mitgliedschaft.objects.filter(user=welt.users["cdo_andere"]).delete()

    # Same session, next request: no Kreis, no Maßnahme, no edit.
    assert client.get(f"/massnahmen/{eigene.pk}/").status_code in (403, 404)
    assert client.get(f"/massnahmen/{eigene.pk}/bearbeiten/").status_code in (403, 404)
    assert client.get("/kommunen/").status_code == 403
    assert _letzter(E.ROLLE_ENTZOGEN).person == welt.users["cdo_andere"]

"""Whole logged-in pages from the cache (core.seitencache, issue 19 point 1): the same page
again costs no query of its own, and nothing a person would notice is ever stale — a write,
a message, a new notification, another person or a lost membership each get the page anew."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benachrichtigungen.models import Benachrichtigung
from core.seitencache import page_key
from kommunen.models import Mitgliedschaft
from massnahmen.models import Massnahme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seitencache")]

SEITEN = ["/massnahmen/", "/dashboard/", "/kommunen/", "/foerderung/", "/workshops/"]


def _zweimal(client, pfad):
    erste = client.get(pfad)
    assert erste.status_code == 200, pfad
    with CaptureQueriesContext(connection) as abfragen:
        zweite = client.get(pfad)
    return erste, zweite, abfragen


@pytest.mark.parametrize("pfad", SEITEN)
def test_the_same_page_again_comes_from_the_cache(welt, client, pfad):
    client.force_login(welt.users["kreis"])
    client.get("/")  # the CSRF cookie, as a browser has it after its first page
    erste, zweite, abfragen = _zweimal(client, pfad)
    assert zweite.status_code == 200
    assert zweite.content == erste.content
    # The session, its person and their scope come from the cache too: no query at all.
    abfragen = [q["sql"] for q in abfragen.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert abfragen == []


def test_without_a_csrf_cookie_nothing_is_cached(welt, client):
    """The cached page carries a CSRF token masked from the cookie's secret: without the
    cookie there is nothing to keep it valid for."""
    client.force_login(welt.users["kreis"])
    client.get("/massnahmen/")
    client.cookies.pop("csrftoken", None)
    with CaptureQueriesContext(connection) as abfragen:
        antwort = client.get("/massnahmen/")
    assert antwort.status_code == 200
    assert any("massnahmen_massnahme" in q["sql"] for q in abfragen.captured_queries)
    assert "csrftoken" in antwort.cookies


def test_a_write_shows_at_once(welt, client):
    client.force_login(welt.users["kreis"])
    client.get("/")
    assert "Digitale Akte in Detmold" in client.get("/massnahmen/").text
    massnahme = Massnahme.objects.get(pk=welt.massnahme.pk)
    massnahme.titel = "Digitale Bauakte in Detmold"
    massnahme.save()
    text = client.get("/massnahmen/").text
    assert "Digitale Bauakte in Detmold" in text
    assert "Digitale Akte in Detmold" not in text


def test_a_waiting_message_is_shown_once_and_not_kept(welt, client):
    client.force_login(welt.users["kreis"])
    client.get("/")
    client.get("/massnahmen/")  # in the cache now
    client.post(f"/massnahmen/{welt.massnahme.pk}/archiv/")  # leaves a message waiting
    meldung = "Die Maßnahme wurde archiviert."
    assert meldung in client.get("/massnahmen/").text
    assert meldung not in client.get("/massnahmen/").text


def test_another_person_never_gets_my_page(welt, client):
    client.force_login(welt.users["kreis"])
    client.get("/")
    assert "Digitale Akte in Detmold" in client.get("/massnahmen/").text
    client.logout()
    client.force_login(welt.users["kreis_fremd"])
    client.get("/")
    text = client.get("/massnahmen/").text
    assert "Digitale Akte in Detmold" not in text
    assert welt.users["kreis"].email not in text


def test_a_new_notification_changes_the_badge(welt, client):
    user = welt.users["kreis"]
    client.force_login(user)
    client.get("/")
    assert "portal-nav__zaehler" not in client.get("/massnahmen/").text
    Benachrichtigung.objects.create(
        empfaenger=user,
        massnahme=welt.massnahme,
        art=Benachrichtigung.Art.STATUSMELDUNG,
        text="Neue Statusmeldung",
        link=f"/massnahmen/{welt.massnahme.pk}/",
        ereignis="statusmeldung:1",
    )
    from benachrichtigungen.context_processors import forget_counter

    forget_counter([user.pk])
    assert "portal-nav__zaehler" in client.get("/massnahmen/").text


def test_a_lost_membership_is_refused_not_served_from_the_cache(welt, client):
    user = welt.users["kreis"]
    client.force_login(user)
    client.get("/")
    assert client.get("/dashboard/").status_code == 200
    Mitgliedschaft.objects.filter(user=user).delete()
    assert client.get("/dashboard/").status_code == 403


def test_the_htmx_table_and_the_whole_page_are_kept_apart(welt, client):
    client.force_login(welt.users["kreis"])
    client.get("/")
    ganz = client.get("/massnahmen/").text
    teil = client.get("/massnahmen/", headers={"HX-Request": "true"}).text
    assert "<html" in ganz
    assert "<html" not in teil
    assert "<html" in client.get("/massnahmen/").text


def test_no_key_for_anonymous_or_unsafe_requests(welt, rf):
    from django.contrib.auth.models import AnonymousUser

    anfrage = rf.get("/massnahmen/")
    anfrage.user = AnonymousUser()
    assert page_key(anfrage, "x") is None
    anfrage = rf.post("/massnahmen/")
    anfrage.user = welt.users["kreis"]
    assert page_key(anfrage, "x") is None


def test_the_rights_counter_moves_with_users_and_tenancy_not_with_the_data(welt):
    from core.cachestand import RECHTE_SCHLUESSEL, stand

    def bewegt(schreiben) -> bool:
        vorher = stand(RECHTE_SCHLUESSEL)
        schreiben()
        return stand(RECHTE_SCHLUESSEL) != vorher

    massnahme = Massnahme.objects.get(pk=welt.massnahme.pk)
    assert not bewegt(massnahme.save)
    assert bewegt(welt.users["kreis"].save)
    assert bewegt(lambda: Mitgliedschaft.objects.filter(user=welt.users["cdo_eigen"]).delete())
    assert bewegt(welt.lemgo.save)


def test_a_deactivated_person_is_logged_out_at_once(welt, client):
    """The session's person comes from the cache (core.backends): a deactivation is a save
    of the user, which voids it."""
    user = welt.users["kreis"]
    client.force_login(user)
    client.get("/")
    assert client.get("/massnahmen/").status_code == 200
    user.is_active = False
    user.save()
    antwort = client.get("/massnahmen/")
    assert antwort.status_code == 302
    assert antwort["Location"].startswith("/accounts/login/")


def test_erasure_ends_the_cached_sessions(welt, client):
    """With cached_db sessions the cache holds a copy of each; erasing a person's data must end
    both, or the session would go on from the cache (core.privacy)."""
    from core.privacy import _end_sessions

    user = welt.users["cdo_andere"]
    client.force_login(user)
    client.get("/")
    assert client.get("/massnahmen/").status_code == 200
    assert _end_sessions(user) == 1
    assert client.get("/massnahmen/").status_code == 302

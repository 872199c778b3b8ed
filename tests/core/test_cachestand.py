"""The portal data's cache counter (core.cachestand.daten_stand): every write of the data
moves it on, so a figure cached under it is never older than the last write; writes of
sessions, the audit log, notifications and logins leave it (and the caches) alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_logged_in

from benachrichtigungen.models import Benachrichtigung
from core.cachestand import daten_key, daten_stand
from core.stichtag import past_changed
from massnahmen.models import Massnahme
from massnahmen.signals import im_bulk_geschrieben
from tests.factories import MeilensteinFactory, MittelabrufFactory, StatusmeldungFactory

pytestmark = pytest.mark.django_db


def bewegt(schreiben) -> bool:
    vorher = daten_stand()
    schreiben()
    return daten_stand() != vorher


def test_saves_deletes_and_m2m_changes_of_the_data_move_it_on(welt):
    massnahme = welt.massnahme
    assert bewegt(lambda: Massnahme.objects.filter(pk=massnahme.pk).first().save())
    assert bewegt(lambda: StatusmeldungFactory(massnahme=massnahme))
    assert bewegt(lambda: MeilensteinFactory(massnahme=massnahme))
    assert bewegt(lambda: massnahme.beteiligte.remove(welt.blomberg))
    assert bewegt(lambda: welt.lemgo.save())
    assert bewegt(lambda: massnahme.meilensteine.all().delete())


def test_a_drawdown_of_funding_moves_it_on(welt):
    assert bewegt(lambda: MittelabrufFactory())


def test_bulk_writes_and_history_dated_in_the_past_move_it_on(welt):
    assert bewegt(
        lambda: im_bulk_geschrieben.send(sender=Massnahme, neue=[], geaenderte=[], user=None)
    )
    assert bewegt(past_changed)


def test_it_moves_again_after_the_commit(welt, django_capture_on_commit_callbacks):
    """A page read between the write and the commit must not keep the old figures under
    the new key: the counter moves once more when the transaction commits."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        welt.lemgo.save()
    vorher = daten_stand()
    for callback in callbacks:
        callback()
    assert daten_stand() != vorher


def test_logins_notifications_and_sessions_leave_it_alone(welt, client):
    user = welt.users["kreis"]
    assert not bewegt(lambda: client.force_login(user))
    assert not bewegt(lambda: user_logged_in.send(sender=type(user), request=None, user=user))
    assert not bewegt(
        lambda: Benachrichtigung.objects.create(
            empfaenger=user,
            massnahme=welt.massnahme,
            art=Benachrichtigung.Art.STATUSMELDUNG,
            text="Neue Statusmeldung",
            link="/massnahmen/",
            ereignis="statusmeldung:1",
        )
    )


def test_the_key_differs_by_every_part_and_by_the_stand(welt):
    a = daten_key("figur", ("05766",), "2026-4")
    assert a == daten_key("figur", ("05766",), "2026-4")
    assert a != daten_key("figur", ("05758",), "2026-4")
    assert a != daten_key("figur", ("05766",), "2026-3")
    welt.lemgo.save()
    assert a != daten_key("figur", ("05766",), "2026-4")


def test_a_removed_role_is_gone_on_the_next_request(welt, login):
    """The user's Scope comes from the cache (kommunen.scope): a Mitgliedschaft deleted
    between two requests must take the access with it at once."""
    from kommunen.models import Mitgliedschaft

    client = login(welt.users["kreis"])
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/massnahmen/").status_code == 200
    Mitgliedschaft.objects.filter(user=welt.users["kreis"]).delete()
    assert client.get("/dashboard/").status_code == 403
    assert "Digitale Akte in Detmold" not in client.get("/massnahmen/").content.decode()


def test_a_new_role_counts_on_the_next_request(welt, login):
    from kommunen.models import Mitgliedschaft, Rolle

    client = login(welt.users["kreis_fremd"])
    assert client.get("/dashboard/?kreis=05766").status_code == 404
    Mitgliedschaft.objects.create(
        user=welt.users["kreis_fremd"], rolle=Rolle.KREIS, kreis=welt.lippe
    )
    assert client.get("/dashboard/?kreis=05766").status_code == 200

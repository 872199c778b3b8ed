"""The lists' filter form from the cache (core.listing.FilteredListView.filter_felder) and
Django's model permissions from the cache (core.backends): both are keyed by the data
stand, so a write shows on the next request, and by the person, so nobody sees the choices
or the permissions of someone else (issue 19)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import User
from tests.factories import KommuneFactory

pytestmark = pytest.mark.django_db


def _kommunen_auswahl(html: str) -> list[str]:
    feld = re.search(r'<select name="kommune".*?</select>', html, flags=re.S)
    assert feld, "kein Auswahlfeld Kommune"
    return re.findall(r"<option[^>]*>([^<]+)</option>", feld.group(0))


def test_a_new_kommune_is_a_choice_on_the_next_request(welt, login):
    client = login(welt.users["kreis"])
    assert "Augustdorf" not in _kommunen_auswahl(client.get("/massnahmen/").content.decode())
    KommuneFactory(kreis=welt.lippe, name="Augustdorf", slug="augustdorf", ags="05766004")
    assert "Augustdorf" in _kommunen_auswahl(client.get("/massnahmen/").content.decode())


def test_staff_of_two_kreise_get_their_own_choices(welt, login):
    lippe = _kommunen_auswahl(login(welt.users["kreis"]).get("/massnahmen/").content.decode())
    herford = _kommunen_auswahl(
        login(welt.users["kreis_fremd"]).get("/massnahmen/").content.decode()
    )
    assert "Detmold" in lippe and "Herford" not in lippe
    assert "Herford" in herford and "Detmold" not in herford


def test_the_chosen_values_belong_to_the_query(welt, login):
    client = login(welt.users["kreis"])
    client.get("/massnahmen/")
    html = client.get(f"/massnahmen/?kommune={welt.lemgo.pk}").content.decode()
    assert f'<option value="{welt.lemgo.pk}" selected>' in html
    assert f'<option value="{welt.lemgo.pk}" selected>' not in (
        client.get("/massnahmen/").content.decode()
    )


def test_the_second_request_renders_the_form_without_its_choice_queries(welt, login):
    client = login(welt.users["kreis"])
    client.get("/massnahmen/")
    with CaptureQueriesContext(connection) as abfragen:
        client.get("/massnahmen/")
    tabellen = " ".join(q["sql"] for q in abfragen.captured_queries)
    assert "handlungsfelder_lebensbereich" not in tabellen  # a choice list of the form
    assert "auth_permission" not in tabellen  # the model permissions, from the cache


def test_a_permission_granted_through_a_group_counts_on_the_next_request(welt):
    user = User.objects.get(pk=welt.users["kreis"].pk)
    recht = "auth.change_group"
    assert not user.has_perm(recht)  # cached now
    gruppe = Group.objects.create(name="Workshop-Verwaltung")
    gruppe.permissions.add(Permission.objects.get(codename="change_group"))
    user.groups.add(gruppe)
    assert User.objects.get(pk=user.pk).has_perm(recht)
    user.groups.remove(gruppe)
    assert not User.objects.get(pk=user.pk).has_perm(recht)


def test_model_permissions_are_cached_per_person(welt):
    kreis = User.objects.get(pk=welt.users["kreis"].pk)
    fremd = User.objects.get(pk=welt.users["kreis_fremd"].pk)
    kreis.user_permissions.add(Permission.objects.get(codename="change_group"))
    assert User.objects.get(pk=kreis.pk).has_perm("auth.change_group")
    assert not fremd.has_perm("auth.change_group")


def test_a_new_massnahme_is_in_the_list_on_the_next_request(welt, login):
    """The page's keys and the total come from the cache as well (core.paginierung)."""
    from tests.factories import MassnahmeFactory

    client = login(welt.users["kreis"])
    assert "1 Maßnahme gefunden" in client.get("/massnahmen/").content.decode()
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Neu im Kreis",
    )
    html = client.get("/massnahmen/").content.decode()
    assert "2 Maßnahmen gefunden" in html and "Neu im Kreis" in html


def test_the_inbox_is_not_cached(welt, login):
    """Notifications do not move the data stand (they are written all the time): the inbox,
    a list of them, must therefore not come from the cache at all."""
    from benachrichtigungen.models import Benachrichtigung

    user = welt.users["kreis"]
    client = login(user)
    assert "Neue Statusmeldung zur Akte" not in client.get("/benachrichtigungen/").content.decode()
    Benachrichtigung.objects.create(
        empfaenger=user,
        massnahme=welt.massnahme,
        art=Benachrichtigung.Art.STATUSMELDUNG,
        text="Neue Statusmeldung zur Akte",
        link="/massnahmen/",
        ereignis="statusmeldung:1",
    )
    assert "Neue Statusmeldung zur Akte" in client.get("/benachrichtigungen/").content.decode()

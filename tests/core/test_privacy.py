"""Personal data of a person: JSON export and deletion by pseudonymisation (core/privacy.py)
through the admin actions on the persons, with the history kept intact."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from core import privacy
from core.quartal import Quartal
from kommunen.models import Mitgliedschaft
from massnahmen.models import Statusmeldung
from tests.factories import TeilnahmeFactory, WorkshopFactory
from workshops.models import KalenderToken, Teilnahme

User = get_user_model()
PASSWORT = "Sicher-genug-2026!"


@pytest.fixture
def person(welt):
    """Detmold's CDO with everything a person leaves behind in the portal."""
    user = welt.users["cdo_eigen"]
    user.first_name, user.last_name, user.telefon = "Hannelore", "Kramer-Lipp", "05231 977-0"
    user.funktion = "Digitalisierungsbeauftragte"
    user.set_password(PASSWORT)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "ABC"})
    KalenderToken.objects.create(user=user, token="geheimer-kalender-token-0123456789")
    massnahme = welt.massnahme
    massnahme._history_user = user
    massnahme.titel = "Digitale Akte in Detmold (geändert)"
    massnahme.save()
    Statusmeldung.objects.create(
        massnahme=massnahme,
        quartal=str(Quartal.current()),
        fortschritt=30,
        ampel="gruen",
        erreicht="Pilot läuft",
        autor=user,
    )
    TeilnahmeFactory(workshop=WorkshopFactory(kreis=welt.lippe), person=user, kommune=welt.detmold)
    return user


def _admin(welt) -> Client:
    client = Client()
    client.force_login(welt.users["admin"])
    return client


def test_export_contains_everything_linked_to_the_person_but_no_secrets(welt, person):
    response = _admin(welt).post(
        "/admin/core/user/",
        {"action": "export_personendaten", "_selected_action": [person.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment")
    daten = json.loads(response.content)
    assert daten["person"]["email"] == "cdo.detmold@example.invalid"
    assert daten["person"]["last_name"] == "Kramer-Lipp"
    abschnitte = " ".join(daten["verknuepfte_daten"])
    for modell in (
        "kommunen.Mitgliedschaft",
        "massnahmen.Statusmeldung",
        "massnahmen.HistoricalMassnahme",  # the change the person made
        "massnahmen.HistoricalStatusmeldung",
        "workshops.Teilnahme",
        "account.EmailAddress",
        "mfa.Authenticator",
        "workshops.KalenderToken",
    ):
        assert modell in abschnitte, modell
    text = response.content.decode()
    assert "Pilot läuft" in text
    # Credentials are never exported.
    assert "geheimer-kalender-token" not in text
    assert person.password not in text
    assert '"secret"' not in text


def test_pseudonymisation_removes_the_person_but_keeps_history(welt, person):
    welt_client = Client()
    welt_client.force_login(person)
    assert Session.objects.count() == 1
    statusmeldung = Statusmeldung.objects.get()
    admin = _admin(welt)

    # First a confirmation page, nothing changed yet.
    response = admin.post(
        "/admin/core/user/", {"action": "pseudonymisieren", "_selected_action": [person.pk]}
    )
    assert response.status_code == 200
    assert "Ja, endgültig löschen" in response.content.decode()
    person.refresh_from_db()
    assert person.last_name == "Kramer-Lipp"

    response = admin.post(
        "/admin/core/user/",
        {"action": "pseudonymisieren", "_selected_action": [person.pk], "bestaetigt": "ja"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert str(person) == f"Gelöschte Person #{person.pk}"
    assert person.email == f"geloescht-{person.pk}@geloescht.invalid"
    assert (person.funktion, person.telefon) == ("", "")
    assert not person.has_usable_password()
    assert not person.is_active
    assert privacy.is_pseudonymised(person)
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    assert not KalenderToken.objects.filter(user=person).exists()
    assert not Mitgliedschaft.objects.filter(user=person).exists()
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(person.pk)
    ]

    # History and authorship keep their references and show the placeholder.
    statusmeldung.refresh_from_db()
    assert statusmeldung.autor_id == person.pk
    assert Teilnahme.objects.filter(person=person).exists()
    seite = Client()
    seite.force_login(welt.users["kreis"])
    html = seite.get(f"/massnahmen/{welt.massnahme.pk}/").content.decode()
    assert f"Gelöschte Person #{person.pk}" in html
    assert "Kramer-Lipp" not in html and "Hannelore" not in html

    # The old session is gone and the person cannot log in again.
    assert welt_client.get("/massnahmen/").status_code == 302
    login = Client().post(
        "/accounts/login/", {"login": "cdo.detmold@example.invalid", "password": PASSWORT}
    )
    assert login.status_code == 200  # the form again, with an error

    # The address is free for a new account.
    User.objects.create_user(email="cdo.detmold@example.invalid", password=PASSWORT)


def test_the_admin_cannot_pseudonymise_themself(welt):
    admin_user = welt.users["admin"]
    response = _admin(welt).post(
        "/admin/core/user/",
        {"action": "pseudonymisieren", "_selected_action": [admin_user.pk], "bestaetigt": "ja"},
        follow=True,
    )
    assert "eigenes Konto" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active and not privacy.is_pseudonymised(admin_user)


@pytest.fixture
def personalstelle(db):
    """Staff, not superuser, allowed to view and change the persons in the admin."""
    from django.contrib.auth.models import Permission

    user = User.objects.create_user(
        email="personalstelle@example.invalid", password=PASSWORT, is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="core", codename__in=["view_user", "change_user"]
        )
    )
    client = Client()
    client.force_login(user)
    return client


def test_staff_without_superuser_can_open_the_persons_but_not_use_the_privacy_actions(
    welt, person, personalstelle
):
    liste = personalstelle.get("/admin/core/user/")
    assert liste.status_code == 200  # the persons admin itself is open to this user
    formular = liste.context["action_form"]  # None when no action is left
    aktionen = [wert for wert, _ in formular.fields["action"].choices] if formular else []
    assert "export_personendaten" not in aktionen
    assert "pseudonymisieren" not in aktionen
    assert "Personendaten exportieren" not in liste.content.decode()

    # Posting the actions by hand does not run them either.
    export = personalstelle.post(
        "/admin/core/user/",
        {"action": "export_personendaten", "_selected_action": [person.pk]},
    )
    assert "attachment" not in export.get("Content-Disposition", "")
    assert not export["Content-Type"].startswith("application/json")
    personalstelle.post(
        "/admin/core/user/",
        {"action": "pseudonymisieren", "_selected_action": [person.pk], "bestaetigt": "ja"},
    )
    person.refresh_from_db()
    assert person.last_name == "Kramer-Lipp" and not privacy.is_pseudonymised(person)


def test_privacy_actions_refuse_non_superusers_when_called_directly(welt, person):
    from django.contrib.admin.sites import site
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from core.admin import export_personendaten, pseudonymisieren

    request = RequestFactory().post("/admin/core/user/", {"bestaetigt": "ja"})
    request.user = User.objects.create_user(email="stab@example.invalid", is_staff=True)
    modeladmin = site._registry[User]
    for aktion in (export_personendaten, pseudonymisieren):
        with pytest.raises(PermissionDenied):
            aktion(modeladmin, request, User.objects.filter(pk=person.pk))
    person.refresh_from_db()
    assert not privacy.is_pseudonymised(person)


def test_admin_offers_pseudonymisation_instead_of_hard_delete(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser(email="root@demo.invalid", password="x")
    person = django_user_model.objects.create_user(email="weg@demo.invalid", password="x")
    client.force_login(admin_user)
    liste = client.get("/admin/core/user/")
    aktionen = [wert for wert, _ in liste.context["action_form"].fields["action"].choices]
    assert "pseudonymisieren" in aktionen
    assert "delete_selected" not in aktionen
    assert client.get(f"/admin/core/user/{person.pk}/delete/").status_code == 403
    assert django_user_model.objects.filter(pk=person.pk).exists()

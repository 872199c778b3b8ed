"""Login by e-mail (allauth): German texts, no sign-up, password reset, rate limiting."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FALSCH = "Die E-Mail-Adresse und/oder das Passwort sind leider falsch."


def test_login_with_email_lands_on_start_page(client, welt):
    response = client.post(
        "/accounts/login/",
        {"login": "cdo.detmold@example.invalid", "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Detmold" in response.content.decode()


def test_login_page_is_german_and_has_no_username(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="de"' in html
    assert "E-Mail-Adresse" in html and "Passwort" in html
    assert "Benutzername" not in html and "username" not in html.lower()


def test_wrong_password_and_unknown_address_get_the_same_german_error(client, welt):
    known = client.post(
        "/accounts/login/", {"login": "cdo.detmold@example.invalid", "password": "falsch"}
    )
    unknown = client.post(
        "/accounts/login/", {"login": "niemand@example.invalid", "password": "falsch"}
    )
    assert known.status_code == unknown.status_code == 200
    assert FALSCH in known.content.decode()
    assert FALSCH in unknown.content.decode()


def test_signup_is_closed_with_german_explanation(client):
    """The sign-up URL answers with its own page (not a redirect to the login page, which
    mentions the missing sign-up too), and a posted sign-up creates nobody."""
    from django.contrib.auth import get_user_model

    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "<title>Keine Selbstregistrierung" in response.content.decode()
    assert "Keine Selbstregistrierung Eine Selbstregistrierung gibt es nicht." in text
    assert "Zugänge legt die Verwaltung Ihres Kreises an" in text
    response = client.post(
        "/accounts/signup/",
        {"email": "neu@example.invalid", "password1": "x" * 12, "password2": "x" * 12},
    )
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert not get_user_model().objects.filter(email="neu@example.invalid").exists()


def test_password_reset_sends_mail_only_to_known_address(
    client, welt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/reset/", {"email": "cdo.detmold@example.invalid"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["cdo.detmold@example.invalid"]
    assert "Passwort" in mail.outbox[0].subject or "Passwort" in mail.outbox[0].body


def test_password_reset_mail_goes_through_the_outbox_and_keeps_no_link(
    client, welt, django_capture_on_commit_callbacks
):
    """The one mail path: text and HTML, transactional (no unsubscribe), and once
    delivered the outbox keeps the sent-log without the one-time link."""
    from benachrichtigungen.models import Mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "cdo.detmold@example.invalid"})
    [nachricht] = mail.outbox
    assert "/accounts/password/reset/key/" in nachricht.body
    assert "Kreis Lippe" not in nachricht.body
    [(html, typ)] = nachricht.alternatives
    assert typ == "text/html" and '<html lang="de">' in html
    assert "/accounts/password/reset/key/" in html
    assert "List-Unsubscribe" not in nachricht.extra_headers
    versand = Mail.objects.get(empfaenger=welt.users["cdo_eigen"])
    assert versand.status == Mail.Status.GESENDET
    assert versand.text == "" and versand.html == ""


def test_logout_ends_the_session(client, welt):
    client.force_login(welt.users["cdo_eigen"])
    client.post("/accounts/logout/")
    assert client.get("/kommunen/").status_code == 302


def test_login_is_rate_limited(client, welt, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/300s/key"}
    from django.core.cache import cache

    cache.clear()
    for _ in range(3):
        client.post(
            "/accounts/login/", {"login": "cdo.detmold@example.invalid", "password": "falsch"}
        )
    response = client.post(
        "/accounts/login/", {"login": "cdo.detmold@example.invalid", "password": PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert (
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es später erneut."
        in response.content.decode()
    )
    cache.clear()


def test_totp_setup_is_offered_on_the_account_page(client, welt):
    client.force_login(welt.users["cdo_eigen"])
    response = client.get("/accounts/2fa/")
    assert response.status_code == 200
    assert "Authenticator" in response.content.decode()
    assert "/accounts/2fa/totp/activate/" in response.content.decode()


def test_accounts_created_by_the_kreis_can_switch_on_totp(welt):
    from allauth.account.models import EmailAddress

    user = welt.users["cdo_eigen"]
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, True, True)
    user.email = "neu.detmold@example.invalid"
    user.save()
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "neu.detmold@example.invalid"
    ]


def test_admin_login_goes_through_allauth(client, welt):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.post("/admin/login/", {"username": "admin@example.invalid", "password": PASSWORD})
    assert client.get("/admin/").status_code == 302  # no session from the admin form

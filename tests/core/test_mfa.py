"""Second factor: required for Kreis and region staff (PORTAL_MFA_PFLICHT_ROLLEN), optional
for CDOs; set up through allauth's TOTP pages before any other page opens."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

AKTIVIEREN = "/accounts/2fa/totp/activate/"
GEHEIM = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def pflicht(settings):
    settings.PORTAL_MFA_PFLICHT_ROLLEN = ["kreis", "region"]


def _anmelden(client, email):
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize(
    "email", ["kreis.lippe@example.invalid", "owl@example.invalid"], ids=["kreis", "region"]
)
def test_staff_without_totp_are_sent_to_the_set_up_first(client, welt, pflicht, email):
    _anmelden(client, email)
    for path in ("/", "/kommunen/", f"/massnahmen/{welt.massnahme.pk}/", "/protokoll/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == AKTIVIEREN
    seite = client.get(AKTIVIEREN, follow=True)
    html = seite.content.decode()
    assert seite.status_code == 200
    assert "zweiter Faktor vorgeschrieben" in html
    # Logout and the legal pages stay reachable.
    assert client.get("/datenschutz/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_set_up_opens_the_portal(client, welt, pflicht):
    _anmelden(client, "kreis.lippe@example.invalid")
    # allauth asks for the password once more before a second factor is added.
    response = client.get(AKTIVIEREN)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD})
    html = client.get(AKTIVIEREN).content.decode()
    secret = re.search(r'value="([A-Z2-7]{32})"', html)
    assert secret, html
    response = client.post(AKTIVIEREN, {"code": _code(secret.group(1))})
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user=welt.users["kreis"], type=Authenticator.Type.TOTP
    ).exists()
    assert client.get("/kommunen/").status_code == 200


def test_next_login_asks_for_the_code(client, welt, pflicht):
    TOTP.activate(welt.users["kreis"], GEHEIM)
    response = _anmelden(client, "kreis.lippe@example.invalid")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/kommunen/").status_code == 302  # not logged in yet
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(GEHEIM)})
    assert response.status_code == 302
    assert client.get("/kommunen/").status_code == 200


def test_cdo_is_not_forced_but_may_opt_in(client, welt, pflicht):
    _anmelden(client, "cdo.detmold@example.invalid")
    assert client.get("/kommunen/").status_code == 200
    html = client.get("/accounts/2fa/").content.decode()
    assert AKTIVIEREN in html


def test_htmx_requests_are_redirected_by_header(client, welt, pflicht):
    _anmelden(client, "kreis.lippe@example.invalid")
    response = client.get("/massnahmen/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == AKTIVIEREN


def test_staff_cannot_switch_the_second_factor_off(client, welt, pflicht):
    TOTP.activate(welt.users["kreis"], GEHEIM)
    client.force_login(welt.users["kreis"])
    client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=welt.users["kreis"]).exists()


def test_without_the_setting_nobody_is_forced(client, welt, settings):
    settings.PORTAL_MFA_PFLICHT_ROLLEN = []
    client.force_login(welt.users["kreis"])
    assert client.get("/kommunen/").status_code == 200

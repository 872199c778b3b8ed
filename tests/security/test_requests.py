"""Request forgery and redirects: CSRF on every POST endpoint, no open redirect via `next=`."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import (
    client_fuer,
    fingerabdruck,
    geaenderte_tabellen,
    isoliert,
    matrix_zeilen,
    nimmt_post,
)

PASSWORT = "Sicher-genug-2026!"
FREMDE_ZIELE = [
    "https://boese.example.invalid/",
    "//boese.example.invalid/",
    "/\\boese.example.invalid/",
    "\\\\boese.example.invalid",
    "https:boese.example.invalid",
    "javascript:alert(1)",
    "http://testserver@boese.example.invalid/",
    " //boese.example.invalid",
]


# POST endpoints that must work without the CSRF token, and why.
CSRF_FREI = {
    # RFC 8058 one-click unsubscribe: the mail program POSTs without cookie or token; the
    # signed token in the URL is the authorisation, and the POST can only turn mails off
    # (tests/benachrichtigungen/test_mail.py: works without CSRF, a forged token is a 404).
    "konto:abmelden",
}


def _intern(location: str) -> bool:
    location = location.strip()
    return location.startswith("/") and not location.startswith(("//", "/\\"))


def test_every_post_endpoint_needs_the_csrf_token(lage):
    """Without the token every POST is refused before the view runs and changes nothing;
    the same POST with the token gets through to the view (so 403 is the CSRF check)."""
    befunde, geprueft = [], 0
    ohne = client_fuer(lage.users["kreis"], enforce_csrf_checks=True)
    anonym = Client(enforce_csrf_checks=True)
    for name, template, _expected in matrix_zeilen():
        path = lage.path(template)
        if not nimmt_post(path) or name.split(" (")[0] in CSRF_FREI:
            continue
        for wer, client in (("kreis", ohne), ("anonym", anonym)):
            vorher = fingerabdruck()
            response = client.post(path, {"titel": "ohne Token"})
            geaendert = geaenderte_tabellen(vorher, fingerabdruck())
            geprueft += 1
            if response.status_code != 403 or b"CSRF" not in response.content:
                befunde.append(f"POST {path} ({name}) als {wer}: {response.status_code}")
            if geaendert:
                befunde.append(f"POST {path} als {wer} ohne Token änderte {geaendert}")
    # The login and logout forms too (allauth).
    for path in ("/accounts/login/", "/accounts/logout/"):
        response = anonym.post(path, {"login": "x@example.invalid", "password": "x"})
        if response.status_code != 403:
            befunde.append(f"POST {path}: {response.status_code}")
    assert geprueft > 20
    assert not befunde, "\n".join(befunde)


@pytest.mark.parametrize("ziel", FREMDE_ZIELE)
def test_login_and_logout_refuse_foreign_next(welt, ziel):
    user = welt.users["cdo_eigen"]
    user.set_password(PASSWORT)
    user.save()
    client = Client()
    response = client.post(
        f"/accounts/login/?next={ziel}",
        {"login": user.email, "password": PASSWORT, "next": ziel},
    )
    assert response.status_code == 302, response.content[:500]
    assert _intern(response["Location"]), response["Location"]
    response = client.post("/accounts/logout/", {"next": ziel})
    assert response.status_code == 302
    assert _intern(response["Location"]), response["Location"]


def test_login_page_does_not_echo_foreign_next_as_link(welt):
    response = Client().get("/accounts/login/?next=https://boese.example.invalid/")
    assert b'href="https://boese.example.invalid' not in response.content


def test_views_after_a_post_redirect_only_inside_the_portal(lage):
    """Every POST endpoint, given `next=` in query and body, redirects (if at all) to a
    page of the portal."""
    befunde = []
    for rolle in ("kreis", "cdo_eigen"):
        client = lage.client(rolle)
        for _name, template, expected in matrix_zeilen():
            if expected.get(rolle) not in (200, 405):
                continue
            path = lage.path(template)
            if not nimmt_post(path):
                continue
            trenner = "&" if "?" in path else "?"
            with isoliert():
                response = client.post(
                    f"{path}{trenner}next={FREMDE_ZIELE[1]}", {"next": FREMDE_ZIELE[0]}
                )
            if response.status_code in {301, 302, 303} and not _intern(response["Location"]):
                befunde.append(f"{path} als {rolle} → {response['Location']}")
    assert not befunde, "\n".join(befunde)

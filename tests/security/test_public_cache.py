"""Publicly cacheable pages never carry a session cookie or vary by one.

`/oeffentlich/` answers `Cache-Control: public`: a shared cache (proxy, CDN) may hand the
stored response to anyone. With the production second-factor duty switched on, and for a
logged-in visitor whose session is due for its idle-timeout refresh, the response must still
be the same for everyone: no `Set-Cookie`, no `Vary: Cookie`.
"""

from __future__ import annotations

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.cache import cache_control

from core.middleware import OeffentlichCacheSchutzMiddleware

pytestmark = pytest.mark.django_db

PRODUKTION_MFA = ["kreis", "region", "admin"]

OEFFENTLICH = [
    "/oeffentlich/",
    "/oeffentlich/massnahmen/",
    "/oeffentlich/daten/",
    "/oeffentlich/daten/massnahmen.csv",
]


def _cache_control(response) -> set[str]:
    return {teil.strip() for teil in response.get("Cache-Control", "").split(",") if teil}


@pytest.mark.parametrize("rolle", ["anonym", "cdo_eigen", "kreis", "admin"])
def test_public_pages_stay_shareable_with_mfa_duty_and_due_session_refresh(
    welt, login, settings, monkeypatch, rolle
):
    settings.PORTAL_MFA_PFLICHT_ROLLEN = PRODUKTION_MFA
    client = login(welt.users[rolle])
    # An hour later: the idle-timeout refresh would be due on any page that reads the session.
    spaeter = time.time() + 3600
    monkeypatch.setattr("core.middleware.time.time", lambda: spaeter)
    for url in OEFFENTLICH:
        response = client.get(url)
        # The public pages stay reachable, also for a Kreis user without a second factor yet.
        assert response.status_code == 200, url
        assert {"public", "max-age=300"} <= _cache_control(response), url
        assert not response.cookies, (url, response.cookies)
        assert "Set-Cookie" not in response, url
        assert "cookie" not in response.get("Vary", "").lower(), url


def test_mfa_duty_still_applies_to_internal_pages(welt, login, settings):
    settings.PORTAL_MFA_PFLICHT_ROLLEN = PRODUKTION_MFA
    response = login(welt.users["kreis"]).get("/kommunen/")
    assert response.status_code == 302
    assert "totp" in response["Location"]


def _antwort_mit_cookie(vary_cookie: bool):
    @cache_control(public=True, max_age=300)
    def view(request):
        response = HttpResponse("gleich für alle")
        response.set_cookie("sessionid", "geheim")
        if vary_cookie:
            response["Vary"] = "Accept-Language, Cookie"
        return response

    return view


@pytest.mark.parametrize("vary_cookie", [False, True])
def test_guard_never_lets_a_public_response_carry_a_cookie(vary_cookie):
    """Defence in depth: if a view ever gets it wrong, the response is no longer public."""
    middleware = OeffentlichCacheSchutzMiddleware(_antwort_mit_cookie(vary_cookie))
    response = middleware(RequestFactory().get("/oeffentlich/"))
    cache_control_ = _cache_control(response)
    assert "public" not in cache_control_
    assert "private" in cache_control_


def test_guard_leaves_clean_public_responses_alone():
    @cache_control(public=True, max_age=300)
    def view(request):
        return HttpResponse("gleich für alle")

    response = OeffentlichCacheSchutzMiddleware(view)(RequestFactory().get("/oeffentlich/"))
    assert {"public", "max-age=300"} <= _cache_control(response)


def test_idle_timeout_refresh_skips_public_paths(welt, settings):
    """Even if something read the session on a public page, it is not refreshed (no cookie)."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from core.middleware import SitzungsAblaufMiddleware

    def view(request):
        request.session.get(SESSION_KEY)  # some code reads the session after all
        return HttpResponse("")

    for pfad, aufgefrischt in (("/oeffentlich/", False), ("/kommunen/", True)):
        request = RequestFactory().get(pfad)
        request.session = SessionStore()
        request.session[SESSION_KEY] = str(welt.users["kreis"].pk)
        request.session.save()
        request.session = SessionStore(request.session.session_key)
        SitzungsAblaufMiddleware(view)(request)
        assert request.session.modified is aufgefrischt, pfad

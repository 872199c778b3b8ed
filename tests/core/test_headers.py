"""Security headers, cookies and the idle timeout, read off real responses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BASE_DIR = Path(django_settings.BASE_DIR)


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("rolle", ["anonym", "kreis"])
def test_pages_carry_a_strict_content_security_policy(welt, login, rolle):
    response = login(welt.users[rolle]).get("/")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_other_security_headers(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_error_pages_and_json_carry_the_headers_too(client):
    for response in (client.get("/gibt-es-nicht/"), client.get("/healthz")):
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


KOMMENTAR = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def test_templates_have_no_inline_script_style_or_event_handler():
    """What the CSP would block: inline <script>, <style>, style="…" and on…= attributes."""
    verboten = [
        (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"), "<script>"),
        (re.compile(r"<style[\s>]"), "<style>"),
        (re.compile(r"\sstyle=\""), 'style="…"'),
        (re.compile(r"\son[a-z]+=\""), "on…="),
    ]
    funde = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        text = KOMMENTAR.sub("", path.read_text(encoding="utf-8"))
        # Templates rendered only into PDFs (WeasyPrint) or into e-mails never reach a
        # browser under the portal's CSP; mail programs need the inline styles.
        if "pdf" in path.parts or path.name.endswith("_pdf.html") or "mail" in path.parts:
            continue
        for pattern, name in verboten:
            if pattern.search(text):
                funde.append(f"{path.relative_to(BASE_DIR)}: {name}")
    assert not funde, "\n".join(funde)


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    html = client.get("/").content.decode()
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html)
    assert meta and json.loads(meta.group(1))["includeIndicatorStyles"] is False


def test_production_cookies_are_secure_httponly_samesite(client, welt, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.post(
        "/accounts/login/",
        {"login": "cdo.detmold@example.invalid", "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # Without "angemeldet bleiben" the cookie ends with the browser; the server-side
    # session ends after SESSION_COOKIE_AGE without activity either way.
    assert cookie["max-age"] == ""
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def _production_env() -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lippe_portal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-check-only-" + "y" * 30,
        "DJANGO_ALLOWED_HOSTS": "portal.kreis-lippe.example",
        # As in .env.example: the shared cache of every web and worker process.
        "CACHE_URL": "redis://redis:6379/1",
    }
    for name in (
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "PORTAL_MFA_PFLICHT_ROLLEN",
    ):
        env.pop(name, None)
    return env


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_of_a_cache_per_process():
    """Without CACHE_URL every gunicorn worker has a cache of its own: a write in one would
    leave the figures cached in the others stale (core.cachestand)."""
    env = _production_env()
    del env["CACHE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "core.W001" in result.stdout + result.stderr


def test_production_settings_harden_cookies_logs_and_second_factor():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'SESSION_COOKIE_SAMESITE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_AGE', 'PORTAL_MFA_PFLICHT_ROLLEN', 'X_FRAME_OPTIONS']} | "
        "{'formatter': s.LOGGING['formatters']['portal'].get('()')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    werte = json.loads(result.stdout.strip().splitlines()[-1])
    assert werte["SESSION_COOKIE_SECURE"] and werte["CSRF_COOKIE_SECURE"]
    assert werte["SESSION_COOKIE_HTTPONLY"] and werte["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert werte["SECURE_HSTS_SECONDS"] >= 31536000 and werte["SECURE_SSL_REDIRECT"]
    assert werte["SESSION_COOKIE_AGE"] <= 60 * 60
    assert {"kreis", "region"} <= set(werte["PORTAL_MFA_PFLICHT_ROLLEN"])
    assert werte["X_FRAME_OPTIONS"] == "DENY"
    assert werte["formatter"] == "core.logging.PortalJsonFormatter"


# --- idle timeout ------------------------------------------------------------------------


def _session(client) -> Session:
    return Session.objects.get(
        session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value
    )


def test_activity_pushes_the_session_expiry_forward(client, welt, monkeypatch):
    client.post("/accounts/login/", {"login": "kreis.lippe@example.invalid", "password": PASSWORD})
    ablauf_vorher = _session(client).expire_date
    # Within the refresh interval: no write, the expiry stays.
    client.get("/kommunen/")
    assert _session(client).expire_date == ablauf_vorher
    # Twenty minutes later: the next request moves the end of the session forward.
    spaeter = time.time() + 20 * 60
    monkeypatch.setattr("core.middleware.time.time", lambda: spaeter)
    response = client.get("/kommunen/")
    assert response.status_code == 200
    assert _session(client).expire_date > ablauf_vorher


def test_idle_session_ends(client, welt):
    from datetime import timedelta

    from django.utils import timezone

    client.post("/accounts/login/", {"login": "kreis.lippe@example.invalid", "password": PASSWORD})
    assert client.get("/kommunen/").status_code == 200
    # An hour without a request: the stored session has expired.
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/kommunen/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

"""The login limits and X-Forwarded-For, as the README's operations part describes them.

Behind the one reverse proxy (ALLAUTH_TRUSTED_PROXY_COUNT = 1 in production) the client
address is the last entry of X-Forwarded-For, the one the proxy appended. What a browser
sends itself stands in front of it and is not believed: a forged, new first entry per try
does not escape the limit per IP address. These tests hold the README's promise to the code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory

from tests.core.test_headers import _production_env
from zugang.services import client_ip

LOGIN = "/accounts/login/"
PROXY_SIEHT = "203.0.113.9"  # the browser's address as the proxy appends it
ZU_VIELE = "Zu viele fehlgeschlagene Anmeldeversuche"


@pytest.fixture
def hinter_dem_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    cache.clear()
    yield
    cache.clear()


def _fehlversuch(client, xff: str, nummer: int):
    # Another account each time: only the limit per IP address can stop this.
    return client.post(
        LOGIN,
        {"login": f"niemand{nummer}@example.invalid", "password": "falsch"},
        HTTP_X_FORWARDED_FOR=xff,
    )


@pytest.mark.django_db
def test_a_forged_first_forwarded_entry_per_try_does_not_escape_the_ip_limit(
    client, hinter_dem_proxy
):
    for nummer in range(3):
        _fehlversuch(client, f"198.51.100.{nummer}, {PROXY_SIEHT}", nummer)
    antwort = _fehlversuch(client, f"198.51.100.77, {PROXY_SIEHT}", 3)
    assert ZU_VIELE in antwort.content.decode()
    # Another browser (another address appended by the proxy) may still log in.
    andere = _fehlversuch(client, f"198.51.100.77, {PROXY_SIEHT[:-1]}8", 4)
    assert ZU_VIELE not in andere.content.decode()


def test_the_access_log_records_the_address_the_proxy_appended(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    anfrage = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {PROXY_SIEHT}")
    assert client_ip(anfrage) == PROXY_SIEHT
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0  # without a proxy: REMOTE_ADDR
    assert client_ip(anfrage) == "127.0.0.1"


def test_production_trusts_exactly_one_proxy_and_binds_8000_to_localhost():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.ALLAUTH_TRUSTED_PROXY_COUNT))"
    )
    env = _production_env()
    env.pop("ALLAUTH_TRUSTED_PROXY_COUNT", None)
    ergebnis = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(ergebnis.stdout.strip().splitlines()[-1]) == 1
    basis = Path(django_settings.BASE_DIR)
    assert '"127.0.0.1:8000:8000"' in (basis / "docker-compose.yml").read_text()
    readme = (basis / "README.md").read_text()
    abschnitt = readme[readme.index("#### Client-Adresse: `X-Forwarded-For`") :][:3000]
    for punkt in ("**Welcher Proxy:**", "**Wie viele Hops:**", "**Was bricht, wenn Port 8000"):
        assert punkt in abschnitt, punkt

"""Every URL of the project × every role → the expected HTTP status.

When a new URL is added, `test_every_project_url_is_in_the_matrix` fails until the URL
gets a row here. Objects in URLs belong to Detmold (Kreis Lippe) unless named otherwise.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import ROLLEN

OK, LOGIN, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404

ALLE_OK = dict.fromkeys(ROLLEN, OK)
NUR_ANGEMELDET = {**dict.fromkeys(ROLLEN, OK), "anonym": LOGIN}

# url name → (path with placeholders filled from the Welt fixture, expected status per role)
MATRIX: dict[str, tuple[str, dict[str, int]]] = {
    "home": ("/", ALLE_OK),
    "healthz": ("/healthz", ALLE_OK),
    "core:impressum": ("/impressum/", ALLE_OK),
    "core:datenschutz": ("/datenschutz/", ALLE_OK),
    "core:barrierefreiheit": ("/barrierefreiheit/", ALLE_OK),
    "kommunen:liste": ("/kommunen/", NUR_ANGEMELDET),
    "kommunen:detail": (
        "/kommunen/detmold/",
        {**NUR_ANGEMELDET, "kreis_fremd": NOT_FOUND},
    ),
    "kommunen:bearbeiten": (
        "/kommunen/detmold/bearbeiten/",
        {
            "anonym": LOGIN,
            "cdo_eigen": OK,
            "cdo_andere": FORBIDDEN,
            "kreis_fremd": NOT_FOUND,
            "kreis": OK,
            "region": FORBIDDEN,
            "admin": OK,
        },
    ),
    "kommunen:detail (anderer Kreis)": (
        "/kommunen/herford/",
        {**NUR_ANGEMELDET, "cdo_eigen": NOT_FOUND, "cdo_andere": NOT_FOUND, "kreis": NOT_FOUND},
    ),
}

# Namespaces that belong to libraries and are tested there (login pages have their own tests).
FREMDE_NAMESPACES = {"admin"}
FREMDE_PREFIXES = ("account_", "mfa_", "socialaccount_")


def _project_url_names(resolver=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in FREMDE_NAMESPACES:
                continue
            sub = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _project_url_names(entry, sub)
        elif isinstance(entry, URLPattern) and entry.name:
            if entry.name.startswith(FREMDE_PREFIXES):
                continue
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_project_url_is_in_the_matrix():
    covered = {key.split(" (")[0] for key in MATRIX}
    missing = _project_url_names() - covered
    assert not missing, f"URLs ohne Zeile in der Berechtigungsmatrix: {sorted(missing)}"


CASES = [
    pytest.param(path, rolle, expected[rolle], id=f"{name}-{rolle}")
    for name, (path, expected) in MATRIX.items()
    for rolle in ROLLEN
]


@pytest.mark.parametrize(("path", "rolle", "expected"), CASES)
def test_status_per_role(welt, login, path, rolle, expected):
    client = login(welt.users[rolle])
    response = client.get(path)
    assert response.status_code == expected, (
        f"{rolle} auf {path}: {response.status_code}, erwartet {expected}"
    )
    if expected == LOGIN:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rolle", [r for r in ROLLEN if r != "admin"])
def test_admin_only_for_superusers(welt, login, rolle):
    response = login(welt.users[rolle]).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_for_superuser(welt, login):
    assert login(welt.users["admin"]).get("/admin/").status_code == 200

"""Every URL of the project × every role → the expected HTTP status.

Each app keeps its rows in tests/<app>/matrix.py (see tests/matrix.py). When a URL is
added without a row, `test_every_project_url_is_in_the_matrix` fails.

The world and the matrix objects are built once per module and process (`matrix_welt`), not
once per case: every case is one GET in a savepoint of its own (pytest-django's `db`), so
whatever the request writes (session, audit log, last login) is rolled back before the next
case, and each case still sees exactly the world it saw when it built its own.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import ROLLEN, welt_anlegen
from tests.matrix import LOGIN

# As production serves the pages: whole pages from the cache included (core.seitencache).
pytestmark = pytest.mark.usefixtures("seitencache")


def _modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        try:
            modules.append(importlib.import_module(f"tests.{config.label}.matrix"))
        except ModuleNotFoundError as error:
            if error.name not in {f"tests.{config.label}", f"tests.{config.label}.matrix"}:
                raise
    return modules


MODULES = _modules()
MATRIX = {name: row for module in MODULES for name, row in module.MATRIX.items()}

# Library URLs, tested where they are used (login pages in tests/core/test_accounts.py).
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


def welt_ids(welt) -> dict:
    """Placeholders usable in matrix paths, e.g. "/massnahmen/{massnahme}/".

    A matrix module may define `objekte(welt) -> dict` to create the objects its paths
    need (owned by Detmold / Kreis Lippe) and name their ids.
    """
    ids = {"massnahme": welt.massnahme.pk}
    for module in MODULES:
        if hasattr(module, "objekte"):
            ids.update(module.objekte(welt))
    return ids


CASES = [
    pytest.param(path, rolle, expected[rolle], id=f"{name}-{rolle}")
    for name, (path, expected) in MATRIX.items()
    for rolle in ROLLEN
]


@pytest.fixture(scope="module")
def matrix_welt(django_db_setup, django_db_blocker):
    """`welt` and its `welt_ids`, built once in a transaction that stays open for the
    module's tests and is rolled back after them; each test's `db` is a savepoint in it."""
    with django_db_blocker.unblock():
        aussen = transaction.atomic()
        aussen.__enter__()
        try:
            welt = welt_anlegen()
            ids = welt_ids(welt)
        except BaseException:
            transaction.set_rollback(True)
            aussen.__exit__(None, None, None)
            raise
    yield welt, ids
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        aussen.__exit__(None, None, None)


@pytest.fixture
def welt(matrix_welt, db):
    return matrix_welt[0]


@pytest.mark.parametrize(("path", "rolle", "expected"), CASES)
def test_status_per_role(matrix_welt, welt, login, path, rolle, expected):
    client = login(welt.users[rolle])
    url = path.format(**matrix_welt[1])
    response = client.get(url)
    assert response.status_code == expected, (
        f"{rolle} auf {url}: {response.status_code}, erwartet {expected}"
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

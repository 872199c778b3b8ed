"""Root fixtures: a small two-Kreis world and one user for each role.

The roles of the permission matrix:
- ``anonym``            not logged in
- ``cdo_eigen``         CDO of Detmold, the Kommune that owns the test objects
- ``cdo_andere``        CDO of Lemgo, another Kommune of the same Kreis
- ``kreis_fremd``       Kreis staff of Herford, another Kreis
- ``kreis``             Kreis staff of Lippe
- ``region``            DigitalBüro OWL (region role)
- ``admin``             superuser
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from kommunen.models import Rolle
from tests.factories import (
    HandlungsfeldFactory,
    KommuneFactory,
    KreisFactory,
    MassnahmeFactory,
    MitgliedschaftFactory,
    RegionFactory,
    UserFactory,
)

# The browser harness (Playwright + axe-core) as a plugin: its session-wide browser is then
# one instance for every test module that uses `page`. `--timeline=FILE` (tests/timeline.py)
# records where a run's time goes.
pytest_plugins = ["tests.browser.harness", "tests.timeline"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

ROLLEN = ["anonym", "cdo_eigen", "cdo_andere", "kreis_fremd", "kreis", "region", "admin"]


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip locally when a service/browser is missing; under CI=true fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true, aber nicht verfügbar: {reason}")
    pytest.skip(reason)


@dataclass
class Welt:
    region: object
    lippe: object
    herford: object
    detmold: object
    lemgo: object
    blomberg: object
    herford_stadt: object
    handlungsfeld: object
    massnahme: object
    users: dict


@pytest.fixture(autouse=True)
def _leerer_cache():
    """Every test starts with an empty cache: cached figures (e.g. of the public pages) must
    not carry one test's database into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_bleibt_eager():
    """Tasks run in-process in every test (settings.test). A test that talks to a real
    broker switches that off only through a fixture that switches it back
    (tests/core/test_celery_worker.py `echter_broker`); one that leaves it off would send
    the next tests' tasks to a broker nobody reads, so it fails here, by name."""
    from lippe_portal.celery import app

    yield
    if not app.conf.task_always_eager:
        app.conf.task_always_eager = True
        pytest.fail("Der Test hat Celerys task_always_eager ausgeschaltet gelassen.")


@pytest.fixture
def seitencache(settings):
    """The caches of the logged-in frame as in production: whole pages (core.seitencache),
    the session's person and Scope, cached_db sessions (off in the test settings so that
    query pins measure the rendering; lippe_portal/settings/test.py)."""
    settings.PORTAL_SEITENCACHE = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def welt(db) -> Welt:
    return welt_anlegen()


def welt_anlegen() -> Welt:
    """The objects of `welt`, for fixtures of a wider scope that build it once (see
    tests/test_permission_matrix.py)."""
    region = RegionFactory()
    lippe = KreisFactory(ags="05766", name="Lippe", slug="lippe", region=region)
    herford = KreisFactory(ags="05758", name="Herford", slug="herford", region=region)
    detmold = KommuneFactory(
        kreis=lippe, ags="05766020", name="Detmold", slug="detmold", einwohner=74835
    )
    lemgo = KommuneFactory(kreis=lippe, ags="05766044", name="Lemgo", slug="lemgo", einwohner=40531)
    blomberg = KommuneFactory(
        kreis=lippe, ags="05766016", name="Blomberg", slug="blomberg", einwohner=15417
    )
    herford_stadt = KommuneFactory(
        kreis=herford, ags="05758012", name="Herford", slug="herford", einwohner=66000
    )
    handlungsfeld = HandlungsfeldFactory(
        nummer=1, kurzname="IKZ & Beteiligung", slug="ikz-beteiligung"
    )
    massnahme = MassnahmeFactory(
        kreis=lippe,
        federfuehrend=detmold,
        handlungsfeld=handlungsfeld,
        titel="Digitale Akte in Detmold",
        beteiligte=[blomberg],
    )

    def member(email, **kwargs):
        user = UserFactory(email=email)
        MitgliedschaftFactory(user=user, **kwargs)
        return user

    users = {
        "anonym": None,
        "cdo_eigen": member("cdo.detmold@example.invalid", rolle=Rolle.CDO, kommune=detmold),
        "cdo_andere": member("cdo.lemgo@example.invalid", rolle=Rolle.CDO, kommune=lemgo),
        "kreis_fremd": member(
            "kreis.herford@example.invalid", rolle=Rolle.KREIS, kommune=None, kreis=herford
        ),
        "kreis": member(
            "kreis.lippe@example.invalid", rolle=Rolle.KREIS, kommune=None, kreis=lippe
        ),
        "region": member("owl@example.invalid", rolle=Rolle.REGION, kommune=None, region=region),
        "admin": UserFactory(email="admin@example.invalid", is_superuser=True, is_staff=True),
    }
    return Welt(
        region,
        lippe,
        herford,
        detmold,
        lemgo,
        blomberg,
        herford_stadt,
        handlungsfeld,
        massnahme,
        users,
    )


@pytest.fixture
def login(client):
    """`login(user)` logs the test client in (or stays anonymous for None)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


# --- pytest-xdist groups ------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` (`make test`) runs the tests of one `xdist_group` in one process.
    pytest-xdist 3.8 marks them by appending "@<group>" to the node id through
    `item._nodeid`, but pytest 9 keeps the id in `item._id`: the suffix never arrived and
    every test was scheduled on its own (seen: the 500-Maßnahmen report of the group
    "berichte-pdf", a session fixture, rendered in both processes). Done here as xdist
    means it, once per xdist worker (only they set `config.option.loadgroup`)."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        gruppen = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if not gruppen:
            continue
        endung = f"@{'_'.join(gruppen)}"
        if not item.nodeid.endswith(endung):
            item._id = NodeId.parse(f"{item.nodeid}{endung}")
        if not item.nodeid.endswith(endung):  # pytest keeps the id elsewhere again
            raise pytest.UsageError(f"xdist_group wirkt nicht: {item.nodeid}")


# --- the attack suite's probe count (tests/security/proben.py) ---------------------------
# Here and not in tests/security/conftest.py: the xdist controller of a whole-suite run
# loads only this conftest, and it is the one that prints the summary.


def pytest_sessionfinish(session):
    from tests.security import proben

    proben.sitzung_beendet(session)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.security import proben

    proben.knoten_beendet(node)


def pytest_terminal_summary(terminalreporter, config):
    from tests.security import proben

    proben.zusammenfassung(terminalreporter, config)

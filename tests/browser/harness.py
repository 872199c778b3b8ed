"""Browser harness: Playwright for Python driving Debian's Chromium against the live server,
with axe-core (vendored in static/vendor/axe-core) for WCAG 2.2 A/AA checks, and the Nu Html
Checker on the HTML of every page the browser tests visit.

HTML check: each `page` writes the document of every page it loads (and the page as it is
when axe runs and when the test ends, e.g. after an htmx swap) to test-results/html/. A
session fixture per pytest process feeds the files that process wrote to vnu in one batch
when the session ends and fails there, listing the errors with their page. Why a session
fixture's teardown and not `pytest_sessionfinish`: under pytest-xdist (`make test`) a
worker's exit status is not passed on to the controller (xdist 3.8 only looks at it for a
keyboard interrupt), so a worker setting `session.exitstatus` would not fail the run; a
fixture teardown that fails is reported as an error of that process's last test, which
xdist does pass on. One xdist group for all browser tests would serialise them in one
process instead; the per-process check keeps them spread over every core.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tests import htmlcheck
from tests.conftest import IN_CI, require_or_skip

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures in that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO_PASSWORT = "lippe-demo-2026"


@pytest.fixture(scope="session")
def browser():
    require_or_skip(
        Path(CHROMIUM).exists() or bool(shutil.which("chromium")), f"Chromium fehlt ({CHROMIUM})"
    )
    require_or_skip(AXE_JS.exists(), f"axe-core fehlt ({AXE_JS})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_configure(config):
    # The controller (or a run without xdist) starts with an empty folder; xdist workers
    # only add their files to it.
    if not hasattr(config, "workerinput"):
        shutil.rmtree(htmlcheck.HTML_RESULTS, ignore_errors=True)


class HtmlAufnahme:
    """The HTML of the pages this pytest process's browser tests visited, checked at the end."""

    def __init__(self) -> None:
        self.quellen: dict[Path, str] = {}  # file -> URL of the page
        self._gesehen: set[str] = set()

    def aufnehmen(self, page, test: str) -> None:
        try:
            if page.evaluate("document.contentType") != "text/html":
                return
            html = page.content()
        except Exception:  # noqa: BLE001 - the page navigated on meanwhile; its next load counts
            return
        digest = hashlib.sha256(html.encode()).hexdigest()
        if digest in self._gesehen:
            return
        self._gesehen.add(digest)
        htmlcheck.HTML_RESULTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test).strip("_")[-120:]
        datei = htmlcheck.HTML_RESULTS / f"{name}-{len(self.quellen) + 1:03d}.html"
        datei.write_text(html, encoding="utf-8")
        self.quellen[datei.resolve()] = page.url

    def pruefen(self) -> None:
        befunde = htmlcheck.validate(self.quellen)
        if befunde:
            pytest.fail(htmlcheck.report(befunde, self.quellen), pytrace=False)


_AUFNAHMEN: dict[int, tuple[HtmlAufnahme, str]] = {}


@pytest.fixture(scope="session")
def html_aufnahme():
    """vnu on every page this process's browser tests loaded, in one batch at the end."""
    grund = htmlcheck.missing_reason()
    if grund:
        if IN_CI:
            pytest.fail(f"CI=true, aber nicht verfügbar: {grund}")
        warnings.warn(f"HTML-Prüfung der Browser-Seiten übersprungen: {grund}", stacklevel=1)
        yield None
        return
    aufnahme = HtmlAufnahme()
    yield aufnahme
    aufnahme.pruefen()


def _aufnehmen(page) -> None:
    eintrag = _AUFNAHMEN.get(id(page))
    if eintrag:
        eintrag[0].aufnehmen(page, eintrag[1])


@pytest.fixture
def page(browser, live_server, html_aufnahme, request, seitencache):
    """A page under the portal's real Content-Security-Policy: any violation fails the test.
    The HTML of every page it loads goes to the Nu Html Checker (see `html_aufnahme`). Whole
    pages come from the cache as in production (`seitencache`)."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    verstoesse = []
    page.on(
        "console",
        lambda msg: verstoesse.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    if html_aufnahme is not None:
        _AUFNAHMEN[id(page)] = (html_aufnahme, request.node.nodeid.removeprefix("tests/browser/"))
        page.on("load", _aufnehmen)
    yield page
    _aufnehmen(page)  # as the test leaves it, e.g. after an htmx swap
    _AUFNAHMEN.pop(id(page), None)
    context.close()
    assert not verstoesse, "CSP-Verstöße:\n" + "\n".join(verstoesse)


@dataclass
class _DemoAbzug:
    """The tables right after `seed_demo`, as PostgreSQL's binary COPY, and the sequences."""

    tag: dt.date
    tabellen: dict[str, bytes]
    sequenzen: list[tuple[str, int, bool]]


_DEMO_ABZUG: list[_DemoAbzug] = []  # at most one per process


def _demo_abziehen() -> _DemoAbzug:
    tabellen = {}
    with connection.cursor() as cursor:
        for tabelle in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        ):
            name = connection.ops.quote_name(tabelle)
            with cursor.copy(f"COPY {name} TO STDOUT (FORMAT binary)") as copy:
                tabellen[tabelle] = b"".join(bytes(block) for block in copy)
        cursor.execute(
            "SELECT format('%I.%I', schemaname, sequencename), COALESCE(last_value, start_value),"
            " last_value IS NOT NULL FROM pg_sequences WHERE schemaname = current_schema()"
        )
        sequenzen = cursor.fetchall()
    return _DemoAbzug(dt.date.today(), tabellen, sequenzen)


def _demo_einspielen(abzug: _DemoAbzug) -> None:
    """Empty every table and copy the rows of `abzug` back, triggers and foreign-key checks
    off meanwhile (the rows are the consistent state `seed_demo` left), sequences as then."""
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        namen = [connection.ops.quote_name(t) for t in abzug.tabellen]
        cursor.execute(f"TRUNCATE {', '.join(namen)}")
        for name, daten in zip(namen, abzug.tabellen.values(), strict=True):
            with cursor.copy(f"COPY {name} FROM STDIN (FORMAT binary)") as copy:
                copy.write(daten)
        for sequenz, wert, aufgerufen in abzug.sequenzen:
            cursor.execute("SELECT setval(%s, %s, %s)", [sequenz, wert, aufgerufen])
    # The flush after the previous test made the content types afresh, with other ids.
    ContentType.objects.clear_cache()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo data of `make run` (reference data, accounts, Maßnahmen …).

    `seed_demo` takes about six CPU seconds; on PostgreSQL it runs once per process and
    day, and later tests get its rows copied back (binary COPY, a fraction of a second)
    into the tables that the previous test's flush emptied."""
    from core.stichtag import past_changed

    settings.DEBUG = False
    if connection.vendor != "postgresql":
        call_command("seed_demo", "--force", verbosity=0, stdout=open(os.devnull, "w"))
        return
    if _DEMO_ABZUG and _DEMO_ABZUG[0].tag == dt.date.today():
        try:
            _demo_einspielen(_DEMO_ABZUG[0])
        except DatabaseError:  # e.g. a database user who may not switch triggers off
            _DEMO_ABZUG.clear()
        else:
            past_changed()  # as seed_demo does
            return
    call_command("seed_demo", "--force", verbosity=0, stdout=open(os.devnull, "w"))
    _DEMO_ABZUG[:] = [_demo_abziehen()]


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page; returns the WCAG 2.2 A/AA violations."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (an
    # injected <script> tag would be refused: no inline scripts).
    _aufnehmen(page)
    page.evaluate(_axe_source())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe auf {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def login_via_form(page, email: str, password: str = DEMO_PASSWORT) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()

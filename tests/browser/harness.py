"""Browser harness: Playwright for Python driving Debian's Chromium against the live server,
with axe-core (vendored in static/vendor/axe-core) for WCAG 2.1 A/AA checks."""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import require_or_skip

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
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
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


@pytest.fixture
def page(browser, live_server):
    """A page under the portal's real Content-Security-Policy: any violation fails the test."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    verstoesse = []
    page.on(
        "console",
        lambda msg: verstoesse.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    context.close()
    assert not verstoesse, "CSP-Verstöße:\n" + "\n".join(verstoesse)


@pytest.fixture
def demo(transactional_db, settings):
    """The demo data of `make run` (reference data, accounts, Maßnahmen …)."""
    settings.DEBUG = False
    call_command("seed_demo", "--force", verbosity=0, stdout=open(os.devnull, "w"))


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page; returns the WCAG 2.1 A/AA violations."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (an
    # injected <script> tag would be refused: no inline scripts).
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

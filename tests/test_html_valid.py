"""Valid HTML on the server-rendered pages, as every role (issue 18, point 1).

Every page of the permission matrix that a role gets to see (200) or is refused (403/404
pages are pages too) is rendered through the Django test client and checked by the Nu Html
Checker in one batch. The browser tests check the pages they visit in the same way
(tests/browser/harness.py); this test also covers pages no browser test opens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.utils import timezone

from tests import htmlcheck
from tests.conftest import ROLLEN, require_or_skip
from tests.matrix import LOGIN, NOT_ALLOWED
from tests.test_permission_matrix import MATRIX, welt_ids
from zugang.models import Protokolleintrag


def _seiten_speichern(welt, login, ordner) -> dict:
    """Render every matrix page as every role; returns file -> "role path"."""
    # An entry with microseconds in the log (the time of a real event has them).
    eintrag = Protokolleintrag.objects.create(
        ereignis=Protokolleintrag.Ereignis.ANMELDUNG,
        person=welt.users["cdo_eigen"],
        zeitpunkt=timezone.make_aware(dt.datetime(2026, 11, 3, 9, 14, 5, 123456)),
        pfad="/accounts/login/",
    )
    eintrag.kreise.add(welt.lippe)
    ids = welt_ids(welt)
    quellen, gesehen = {}, set()
    for rolle in ROLLEN:
        client = login(welt.users[rolle])
        for name, (path, expected) in MATRIX.items():
            if expected[rolle] in {LOGIN, NOT_ALLOWED}:
                continue
            url = path.format(**ids)
            response = client.get(url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            html = htmlcheck.als_dokument(response.content.decode())
            digest = hashlib.sha256(html.encode()).hexdigest()
            if digest in gesehen:
                continue
            gesehen.add(digest)
            slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
            datei = ordner / f"{rolle}-{slug}.html"
            datei.write_text(html, encoding="utf-8")
            quellen[datei.resolve()] = f"{rolle} {url} ({response.status_code})"
    return quellen


def test_every_page_is_valid_html_for_every_role(welt, login, tmp_path):
    require_or_skip(htmlcheck.missing_reason() is None, htmlcheck.missing_reason() or "")
    quellen = _seiten_speichern(welt, login, tmp_path)
    gerendert = {quelle.split()[0] for quelle in quellen.values()}
    # Guard against a silently empty check: every role has pages, and the log page with the
    # entry above is among them.
    assert gerendert == set(ROLLEN), gerendert
    assert any(" /protokoll/ (200)" in quelle for quelle in quellen.values())
    befunde = htmlcheck.validate(quellen)
    assert not befunde, htmlcheck.report(befunde, quellen)


FEHLERHAFT = {
    "hx.html": ('<div hx-get="/">x</div>', "hx-get"),
    "datetime.html": ('<time datetime="2026-11-03T09:14:05.123456+01:00">x</time>', "datetime"),
    "action.html": ('<form action=""></form>', "action"),
}


def test_the_checker_reports_what_the_issue_names(tmp_path):
    """The check fails on the kinds of error issue 18 found, so a passing run means something."""
    require_or_skip(htmlcheck.missing_reason() is None, htmlcheck.missing_reason() or "")
    for name, (html, _) in FEHLERHAFT.items():
        (tmp_path / name).write_text(
            '<!DOCTYPE html><html lang="de"><head><title>T</title></head>'
            f"<body>{html}</body></html>",
            encoding="utf-8",
        )
    befunde = htmlcheck.validate(tmp_path.iterdir())
    gefunden = {
        (b.datei.name, fehler in b.meldung)
        for b in befunde
        for fehler in [FEHLERHAFT[b.datei.name][1]]
    }
    assert gefunden == {(name, True) for name in FEHLERHAFT}, befunde

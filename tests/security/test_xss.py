"""Stored XSS: hostile text in every text field of every row renders as text everywhere.

Every free-text field (CharField/TextField) of every row of the project's models gets one of
two payloads, then every page of the permission matrix is requested by Kreis staff (also
as an htmx request, which answers with the partial) and by an anonymous visitor. No page may
contain the markup, and the pages that list the Maßnahme show it escaped. The exports, the
calendar, the invitation mail and the PDF report get their own checks below.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from core.quartal import Quartal
from massnahmen.models import Massnahme, Statusmeldung
from tests.matrix import OK
from workshops.models import Workshop

from .conftest import matrix_zeilen

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# What must never appear in a page: the markup as markup.
ROH = ("<script>alert(1)", "<img src=x onerror")
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
PROJEKT_APPS = {
    "core",
    "kommunen",
    "handlungsfelder",
    "massnahmen",
    "foerderung",
    "workshops",
    "ozg",
    "berichte",
}


def _textfelder(model) -> list[str]:
    """Plain free-text fields a user could fill (no slugs, e-mails, URLs, choices, keys)."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if type(f) in (models.CharField, models.TextField)
        and not f.choices
        and not f.unique
        and not f.primary_key
        and (f.max_length is None or f.max_length >= len(IMG) + 8)
        and f.name not in {"content_type", "dateiname", "password"}
    ]


def vergiften() -> int:
    """Write the payloads into every free-text field of every row; returns the fields."""
    anzahl = 0
    for config in apps.get_app_configs():
        if config.label not in PROJEKT_APPS:
            continue
        for model in config.get_models():
            if model._meta.label.startswith(tuple(f"{a}.Historical" for a in PROJEKT_APPS)):
                continue
            felder = _textfelder(model)
            for i, name in enumerate(felder):
                wert = SCRIPT if i % 2 == 0 else IMG
                # The row id keeps values apart that must be unique together with others.
                model._base_manager.update(
                    **{name: Concat(models.Value(f"{wert} "), Cast("pk", models.CharField()))}
                )
                anzahl += 1
    return anzahl


@pytest.fixture
def vergiftet(lage):
    welt = lage.welt
    Massnahme.objects.filter(pk=welt.massnahme.pk).update(sichtbarkeit="oeffentlich")
    Statusmeldung.objects.create(
        massnahme=welt.massnahme,
        quartal=str(Quartal.current()),
        fortschritt=40,
        ampel="gelb",
        erreicht="x",
        autor=welt.users["cdo_eigen"],
    )
    beginn = timezone.now() + dt.timedelta(days=3)
    Workshop.objects.create(
        kreis=welt.lippe,
        titel="x",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=1),
        format=Workshop.Format.PRAESENZ,
        ort="x",
        veroeffentlicht_am=timezone.now(),
    )
    assert vergiften() > 30
    welt.massnahme.refresh_from_db()
    assert welt.massnahme.titel.startswith(SCRIPT)
    return lage


def _roh(text: str) -> list[str]:
    return [r for r in ROH if r in text]


def test_pages_and_htmx_partials_escape_stored_markup(vergiftet):
    lage = vergiftet
    befunde, html_seiten, escaped = [], 0, set()
    for rolle, header in (("kreis", {}), ("kreis", {"HTTP_HX_REQUEST": "true"}), ("anonym", {})):
        client = lage.client(rolle)
        for name, template, expected in matrix_zeilen():
            if expected.get(rolle) != OK:
                continue
            path = lage.path(template)
            response = client.get(path, **header)
            if response.status_code >= 500:
                befunde.append(f"{path} als {rolle} {header}: {response.status_code}")
                continue
            typ = response.get("Content-Type", "").split(";")[0]
            # JSON carries the text as data; a browser never renders application/json.
            if "html" not in typ and not typ.endswith("xml"):
                continue
            inhalt = b"".join(response) if response.streaming else response.content
            try:
                text = inhalt.decode()
            except UnicodeDecodeError:
                befunde.append(f"{path} ({name}): {typ} ist kein UTF-8: {inhalt[:40]!r}")
                continue
            html_seiten += 1
            if typ.endswith("xml"):
                # rdflib writes text with markup as CDATA: inert character data in XML.
                ohne_cdata = re.sub(r"<!\[CDATA\[.*?\]\]>", "", text, flags=re.S)
                if ohne_cdata != text and "<![CDATA[<script>alert(1)" in text:
                    escaped.add(name)
                text = ohne_cdata
            if ESCAPED_SCRIPT in text:
                escaped.add(name)
            for roh in _roh(text):
                befunde.append(f"{path} ({name}) als {rolle} {header}: enthält {roh!r}")
    assert not befunde, "\n".join(befunde)
    assert html_seiten > 60
    # The pages that show the Maßnahme show its title, escaped.
    assert {"massnahmen:liste", "massnahmen:detail", "home"} <= escaped, escaped


def test_exports_are_downloads_with_the_text_verbatim(vergiftet):
    client = vergiftet.client("kreis")
    csv = client.get("/massnahmen/export.csv")
    assert csv.status_code == OK, csv.content[:300]
    assert csv["Content-Type"].startswith("text/csv")
    assert csv["Content-Disposition"].startswith("attachment")
    text = b"".join(csv).decode("utf-8-sig")
    assert SCRIPT in text  # data, not markup: kept as typed, never HTML-escaped

    from openpyxl import load_workbook

    xlsx = client.get("/massnahmen/export.xlsx")
    assert xlsx["Content-Disposition"].startswith("attachment")
    blatt = load_workbook(io.BytesIO(b"".join(xlsx))).active
    werte = {str(c.value) for row in blatt.iter_rows() for c in row if c.value is not None}
    assert any(SCRIPT in w for w in werte)


def test_ical_feed_keeps_hostile_titles_inside_one_property(lage):
    """A title with a line break must not start a new iCalendar line (CRLF injection)."""
    welt = lage.welt
    beginn = timezone.now() + dt.timedelta(days=3)
    workshop = Workshop.objects.create(
        kreis=welt.lippe,
        titel=f"{SCRIPT}\r\nATTENDEE:mailto:boese@example.invalid",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=1),
        format=Workshop.Format.PRAESENZ,
        ort=IMG,
        veroeffentlicht_am=timezone.now(),
    )
    response = lage.client("cdo_eigen").get(f"/workshops/{workshop.pk}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    ics = response.content.decode()
    zeilen = ics.replace("\r\n ", "").split("\r\n")  # unfold continuation lines
    assert not any(z.startswith("ATTENDEE") for z in zeilen), ics
    summary = next(z for z in zeilen if z.startswith("SUMMARY"))
    assert SCRIPT in summary and "ATTENDEE" in summary


def test_invitation_mail_escapes_markup_and_allows_no_header_injection(
    lage, django_capture_on_commit_callbacks
):
    from benachrichtigungen.workshops import send_einladungen

    welt = lage.welt
    beginn = timezone.now() + dt.timedelta(days=3)
    workshop = Workshop.objects.create(
        kreis=welt.lippe,
        titel=f"{SCRIPT}\nBcc: boese@example.invalid",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=1),
        format=Workshop.Format.PRAESENZ,
        ort=IMG,
        veroeffentlicht_am=timezone.now(),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_einladungen(workshop.pk)
    assert mail.outbox, "keine Einladung verschickt"
    for nachricht in mail.outbox:
        assert "\n" not in nachricht.subject and "\r" not in nachricht.subject
        assert nachricht.bcc == []
        assert "boese@example.invalid" not in nachricht.recipients()
        # The text part carries the title as text; the HTML part escapes it.
        assert "<img src=x onerror" in nachricht.body
        [(html, _)] = nachricht.alternatives
        assert "<script" not in html and "<img src=x" not in html
        assert "&lt;img src=x" in html


def test_pdf_report_prints_markup_as_text(vergiftet):
    from pypdf import PdfReader

    from berichte.services import bericht_as_html, bericht_pdf

    welt = vergiftet.welt
    quartal = Quartal.current()
    html = bericht_as_html(kreis=welt.lippe, quartal=quartal, stand=timezone.now())
    assert not _roh(html), _roh(html)
    assert ESCAPED_SCRIPT in html
    pdf = bericht_pdf(kreis=welt.lippe, quartal=quartal)
    inhalt = getattr(pdf, "inhalt", None) or getattr(pdf, "daten", None) or bytes(pdf)
    assert b"/JavaScript" not in inhalt and b"/JS " not in inhalt
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(inhalt)).pages)
    assert "<script>alert(1)</script>" in text.replace("\n", "")

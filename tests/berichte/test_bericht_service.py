"""The quarterly report service: figures in the PDF text, PDF variants and metadata, the
local-only URL fetcher, versions and freezing, idempotent rendering, the sweeper, the
schedule with its mail, and the command."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import os
import threading
import time
from decimal import Decimal

import pypdf
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from berichte import services
from berichte.abschnitte import ABSCHNITTE, Abschnitt
from berichte.models import Quartalsbericht
from berichte.pdf import _local_file
from core.quartal import Quartal
from massnahmen.models import Massnahme, Quartalsabschluss
from tests.conftest import require_or_skip
from tests.core.test_celery_worker import verbindungen_vergessen
from tests.factories import (
    FoerderbescheidFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    MittelabrufFactory,
    StatusmeldungFactory,
)
from tests.stichtag import zurueckdatieren

Q3 = Quartal(2026, 3)
STAND = timezone.make_aware(dt.datetime(2026, 10, 10, 6, 0))


def pdf_text(inhalt: bytes) -> str:
    return "\n".join(seite.extract_text() for seite in pypdf.PdfReader(io.BytesIO(inhalt)).pages)


def einfach(text: str) -> str:
    """Text extraction breaks lines; compare with single spaces."""
    return " ".join(text.split())


@pytest.fixture
def daten(welt):
    """Lippe: three Maßnahmen (one without Statusmeldung in Q3), a Bescheid of 245.000 €
    with a drawdown, a milestone in Q4."""
    mit = welt.massnahme  # "Digitale Akte in Detmold"
    StatusmeldungFactory(
        massnahme=mit,
        quartal="2026-Q3",
        fortschritt=60,
        ampel="gelb",
        erreicht="Pilot in zwei Ämtern gestartet.",
        naechste_schritte="Rollout in alle Fachbereiche.",
        risiken="Personalengpass in der IT.",
    )
    StatusmeldungFactory(massnahme=mit, quartal="2026-Q2", fortschritt=40, ampel="gruen")
    ohne = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Gemeinsames Bürgerportal Lemgo",
    )
    fertig = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.blomberg,
        handlungsfeld=welt.handlungsfeld,
        titel="WLAN an Schulen in Blomberg",
        status=Massnahme.Status.ABGESCHLOSSEN,
        fortschritt=100,
        ende_tatsaechlich=dt.date(2026, 5, 1),
    )
    bescheid = FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.detmold,
        bewilligter_betrag=Decimal("245000.00"),
        verwendungsnachweis_faellig=dt.date(2027, 2, 15),
    )
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("50000.00"))
    MeilensteinFactory(massnahme=mit, titel="Abnahme der E-Akte", faellig_am=dt.date(2026, 11, 30))
    zurueckdatieren(dt.date(2026, 6, 15))  # all of it was entered in the 2nd quarter
    return {"mit": mit, "ohne": ohne, "fertig": fertig}


def test_pdf_text_shows_what_the_data_says(welt, daten):
    pdf = services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND)
    text = einfach(pdf_text(pdf.inhalt))
    for titel in [
        "Digitale Akte in Detmold",
        "Gemeinsames Bürgerportal Lemgo",
        "WLAN an Schulen in Blomberg",
    ]:
        assert titel in text
    assert "245.000,00 €" in text
    assert "50.000,00 €" in text and "195.000,00 €" in text  # abgerufen, verbleibend
    assert "Pilot in zwei Ämtern gestartet." in text
    assert "Personalengpass in der IT." in text
    assert "Abnahme der E-Akte" in text and "30.11.2026" in text
    assert "Verwendungsnachweis fällig" in text and "15.02.2027" in text
    # Only the open Maßnahme without a Statusmeldung is missing (the finished one owes none).
    # The section itself, not its line in the table of contents before it.
    fehlend = text.split("Fehlende Statusmeldungen")[2].split("Meilensteine im nächsten Quartal")[0]
    assert "Gemeinsames Bürgerportal Lemgo" in fehlend
    assert "Für 1 Maßnahme fehlt die Statusmeldung für das 3. Quartal 2026" in fehlend
    assert "Digitale Akte in Detmold" not in fehlend
    assert "WLAN an Schulen in Blomberg" not in fehlend
    assert f"Seite 1 von {pdf.seiten}" in text
    assert f"Seite {pdf.seiten} von {pdf.seiten}" in text
    assert "Kreis Lippe · 3. Quartal 2026" in text
    assert "Erstellt am 10.10.2026" in text


def test_report_leaves_out_massnahmen_that_did_not_exist_by_the_quarter_end(welt, daten):
    """The report shows the data as they stood at the quarter's end: a Maßnahme entered
    afterwards is not in it, whatever start date it carries (its figures did not exist
    then); the running quarter has all of them."""
    neu = {"kreis": welt.lippe, "federfuehrend": welt.lemgo, "handlungsfeld": welt.handlungsfeld}
    MassnahmeFactory(**neu, titel="Neu im vierten Quartal", beginn=dt.date(2026, 10, 5))
    MassnahmeFactory(**neu, titel="Nachgetragen aus dem September", beginn=dt.date(2026, 9, 1))
    html = services.bericht_as_html(kreis=welt.lippe, quartal=Q3, stand=STAND)
    assert "Neu im vierten Quartal" not in html
    assert "Nachgetragen aus dem September" not in html
    assert "Im Bericht stehen 3 Maßnahmen" in html
    jetzt = services.bericht_as_html(kreis=welt.lippe, quartal=Q3.next(), stand=STAND)
    assert "Im Bericht stehen 5 Maßnahmen" in jetzt


def test_a_massnahme_starting_after_the_quarter_owes_no_statusmeldung_for_it(welt, daten):
    """Entered in Q3 with its start in Q4: listed, but not among the missing reports."""
    spaeter = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Startet erst im Oktober",
        beginn=dt.date(2026, 10, 1),
    )
    zurueckdatieren(dt.date(2026, 9, 1))
    html = services.bericht_as_html(kreis=welt.lippe, quartal=Q3, stand=STAND)
    assert spaeter.titel in html
    fehlend = html.split('id="abschnitt-fehlende"', 1)[1].split('id="abschnitt-meilensteine"')[0]
    assert spaeter.titel not in fehlend
    assert "Gemeinsames Bürgerportal Lemgo" in fehlend


def test_same_data_renders_the_same_text(welt, daten):
    erster = services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND)
    zweiter = services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND)
    assert pdf_text(erster.inhalt) == pdf_text(zweiter.inhalt)
    assert erster.seiten == zweiter.seiten


def test_change_against_previous_quarter(welt, daten):
    """The Maßnahmen stood at 40, 40 and 100 % at the end of Q2; in Q3 Detmold's went to
    70 %: the average rises from 60,0 to 70,0 %, by 10 Prozentpunkte (not "%")."""
    mit = daten["mit"]
    mit.fortschritt = 70
    mit.save()
    zurueckdatieren(dt.date(2026, 8, 20))
    html = services.bericht_as_html(kreis=welt.lippe, quartal=Q3, stand=STAND)
    text = einfach(pdf_text(services.html_to_pdf(html).inhalt))
    assert "durchschnittlicher Fortschritt 60,0 % 70,0 % +10,0 Prozentpunkte" in text
    assert "Statusmeldungen 1 von 2 1 von 2 ±0" in text
    # One decimal style on the page: the table per Handlungsfeld (which replaced the chart)
    # says 70,0 %, not 70 %.
    assert "IKZ & Beteiligung 3 60,0 % 70,0 % +10,0 Prozentpunkte" in text


def test_pdf_ua_metadata_language_tags_and_embedded_fonts(welt, daten):
    pdf = services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND)
    reader = pypdf.PdfReader(io.BytesIO(pdf.inhalt))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == "Quartalsbericht 3. Quartal 2026 – Kreis Lippe"
    assert reader.metadata.author == "Kreis Lippe"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp
    schriften = {}
    for seite in reader.pages:
        for font in seite["/Resources"]["/Font"].values():
            font = font.get_object()
            beschreibung = (
                font.get("/FontDescriptor")
                or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            beschreibung = beschreibung.get_object()
            schriften[str(font["/BaseFont"])] = any(
                k in beschreibung for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert schriften and all(schriften.values()), schriften
    assert all("DejaVu" in name for name in schriften), schriften


def test_pdf_a_3b_on_request(welt, daten):
    pdf = services.bericht_pdf(kreis=welt.lippe, quartal=Q3, variante="pdf/a-3b", stand=STAND)
    root = pypdf.PdfReader(io.BytesIO(pdf.inhalt)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in root


class _Zaehler(http.server.BaseHTTPRequestHandler):
    aufrufe: list = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        _Zaehler.aufrufe.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_hostile_markup_in_texts_fetches_nothing_and_shows_as_text(welt, daten):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Zaehler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Zaehler.aufrufe = []
    try:
        port = server.server_address[1]
        meldung = daten["mit"].statusmeldungen.get(quartal="2026-Q3")
        meldung.erreicht = f'Bild <img src="http://127.0.0.1:{port}/spion.png"> ende'
        meldung.risiken = (
            '<img src="file:///etc/passwd"> <link rel="stylesheet" href="file:///etc/passwd">'
        )
        meldung.save()
        zurueckdatieren(dt.date(2026, 9, 1))
        pdf = services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND)
    finally:
        server.shutdown()
    assert _Zaehler.aufrufe == []
    text = einfach(pdf_text(pdf.inhalt))
    assert f'<img src="http://127.0.0.1:{port}/spion.png">' in text
    assert '<img src="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/static/fonts/dejavu/DejaVuSans.ttf",
        "file:///etc/passwd",
        "https://bericht.invalid/static/../../etc/passwd",
        "https://bericht.invalid/etc/passwd",
        "https://example.org/static/fonts/dejavu/DejaVuSans.ttf",
        "data:text/plain,hallo",
    ],
)
def test_url_fetcher_refuses_everything_not_local(url):
    from berichte.pdf import ForbiddenAddress, url_fetcher

    assert _local_file(url) is None
    with pytest.raises(ForbiddenAddress):
        url_fetcher().fetch(url)


def test_url_fetcher_serves_the_shipped_font():
    from berichte.pdf import url_fetcher

    antwort = url_fetcher().fetch("https://bericht.invalid/static/fonts/dejavu/DejaVuSans.ttf")
    assert antwort.read(4) == b"\x00\x01\x00\x00"  # a TrueType font


def test_report_data_takes_the_same_queries_for_more_massnahmen(welt, daten):
    def anzahl_abfragen() -> int:
        with CaptureQueriesContext(connection) as abfragen:
            services.bericht_context(kreis=welt.lippe, quartal=Q3, stand=STAND)
        return len(abfragen)

    wenige = anzahl_abfragen()
    for nummer in range(25):
        m = MassnahmeFactory(
            kreis=welt.lippe, federfuehrend=welt.lemgo, handlungsfeld=welt.handlungsfeld
        )
        StatusmeldungFactory(massnahme=m, quartal="2026-Q3")
        MeilensteinFactory(massnahme=m, faellig_am=dt.date(2026, 10, 1 + nummer))
    zurueckdatieren(dt.date(2026, 9, 1))
    assert anzahl_abfragen() == wenige
    # Two per quarter compared (figures and their Statusmeldungen), the rest one a section;
    # the summary and the Steckbriefe add three (last quarter's Maßnahmen and OZG ratings,
    # the Kommunen taking part in each Maßnahme), the cover one (the logo).
    assert wenige <= 16


def test_a_section_is_one_list_entry(welt, daten, tmp_path, settings):
    """The extension point: one function and one template, added to the list."""
    vorlage = tmp_path / "berichte" / "pdf" / "abschnitt_test.html"
    vorlage.parent.mkdir(parents=True)
    vorlage.write_text("<h2>{{ titel }}</h2><p>Anzahl: {{ daten.anzahl }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    extra = Abschnitt("test", "Zusatzabschnitt", lambda d: {"anzahl": len(d.massnahmen)})
    kontext = services.bericht_context(
        kreis=welt.lippe, quartal=Q3, stand=STAND, abschnitte=[*ABSCHNITTE, extra]
    )
    from berichte.pdf import bericht_html

    assert "<h2>Zusatzabschnitt</h2><p>Anzahl: 3</p>" in bericht_html(kontext=kontext)


# --- Requests, versions, freezing -----------------------------------------------------------


def test_request_freezes_the_quarter_and_counts_versions_per_kreis_and_quarter(
    welt, daten, django_capture_on_commit_callbacks
):
    kreis_user = welt.users["kreis"]
    with django_capture_on_commit_callbacks(execute=True):
        erster = services.request_bericht(kreis=welt.lippe, quartal=Q3, user=kreis_user)
    with django_capture_on_commit_callbacks(execute=True):
        zweiter = services.request_bericht(kreis=welt.lippe, quartal=Q3, user=kreis_user)
    with django_capture_on_commit_callbacks(execute=True):
        anderes = services.request_bericht(kreis=welt.lippe, quartal=Q3.previous(), user=kreis_user)
    with django_capture_on_commit_callbacks(execute=True):
        herford = services.request_bericht(kreis=welt.herford, quartal=Q3, user=None)
    assert [erster.version, zweiter.version, anderes.version, herford.version] == [1, 2, 1, 1]
    assert Quartalsabschluss.is_locked("05766", Q3)
    assert (
        Quartalsabschluss.objects.active().filter(kreis=welt.lippe, quartal="2026-Q3").count() == 1
    )
    zweiter.refresh_from_db()
    # Eager Celery (no broker): rendered in-process once the transaction committed.
    assert zweiter.status == "fertig"
    assert zweiter.datei.name == "berichte/05766/Quartalsbericht_Lippe_2026-Q3_v2.pdf"
    assert zweiter.seiten >= 3  # cover, then the chapters that start a page
    assert zweiter.angefordert_von == kreis_user
    assert zweiter.datei.read(5) == b"%PDF-"


@pytest.mark.parametrize("quartal", [Quartal.current(), Quartal.current().next()])
def test_running_or_future_quarter_is_refused(welt, quartal):
    with pytest.raises(services.BerichtNotPossible, match="noch nicht abgeschlossen"):
        services.request_bericht(kreis=welt.lippe, quartal=quartal, user=None)
    assert not Quartalsbericht.objects.exists()
    assert not Quartalsabschluss.is_locked("05766", quartal)
    # A failed report of the running quarter from before is not retried into a freeze either.
    alt = Quartalsbericht.objects.create(
        kreis=welt.lippe, quartal=str(quartal), status="fehlgeschlagen", fehler="kaputt"
    )
    with pytest.raises(services.BerichtNotPossible, match="noch nicht abgeschlossen"):
        services.rerequest_bericht(bericht=alt)
    assert not Quartalsabschluss.is_locked("05766", quartal)


def _wartet_auf_sperre(sekunden: float = 20) -> bool:
    """True once another session of this database waits for a lock."""
    ende = time.monotonic() + sekunden
    while time.monotonic() < ende:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_retry_while_another_request_freezes_the_quarter_is_no_error(welt, monkeypatch):
    """A retry and a new request of the same Kreis and quarter at the same moment, with no
    freeze yet (it was lifted): the retry waits for the Kreis lock, then finds the freeze
    the other one made, instead of failing on the unique constraint (a 500)."""
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    monkeypatch.setattr(services, "_enqueue", lambda pk: True)
    gescheitert = Quartalsbericht.objects.create(
        kreis=welt.lippe, quartal="2026-Q3", status="fehlgeschlagen", fehler="kaputt"
    )
    angefordert, weiter, fehler = threading.Event(), threading.Event(), []

    def neuer_bericht():
        try:
            with transaction.atomic():
                services.request_bericht(kreis=welt.lippe, quartal=Q3, user=None)
                angefordert.set()
                weiter.wait(30)  # still uncommitted: its freeze is not visible yet
        except Exception as error:
            fehler.append(error)
        finally:
            angefordert.set()
            connection.close()

    def erneut():
        try:
            services.rerequest_bericht(bericht=gescheitert)
        except Exception as error:
            fehler.append(error)
        finally:
            connection.close()

    erster = threading.Thread(target=neuer_bericht)
    erster.start()
    assert angefordert.wait(30)
    zweiter = threading.Thread(target=erneut)
    zweiter.start()
    try:
        assert _wartet_auf_sperre()
    finally:
        weiter.set()
        erster.join(30)
        zweiter.join(30)
    assert fehler == []
    assert (
        Quartalsabschluss.objects.active().filter(kreis=welt.lippe, quartal="2026-Q3").count() == 1
    )
    gescheitert.refresh_from_db()
    assert (gescheitert.status, gescheitert.fehler) == ("angefordert", "")
    assert Quartalsbericht.objects.filter(kreis=welt.lippe, quartal="2026-Q3").count() == 2


def test_lifting_the_freeze_needs_a_reason_and_is_recorded(welt):
    abschluss = services.close_quartal(kreis=welt.lippe, quartal=Q3, user=None)
    with pytest.raises(Exception, match="Grund"):
        services.reopen_quartal(abschluss=abschluss, user=welt.users["kreis"], grund="  ")
    services.reopen_quartal(
        abschluss=abschluss, user=welt.users["kreis"], grund="Nachmeldung Lemgo"
    )
    abschluss.refresh_from_db()
    assert abschluss.aufgehoben_von == welt.users["kreis"]
    assert abschluss.aufhebungsgrund == "Nachmeldung Lemgo"
    assert not Quartalsabschluss.is_locked("05766", Q3)


# --- Rendering: idempotent, failures, broker down, sweeper ----------------------------------


def test_rendering_twice_is_harmless(welt, daten):
    bericht = Quartalsbericht.objects.create(kreis=welt.lippe, quartal="2026-Q3")
    services.create_bericht(bericht_id=bericht.pk)
    bericht.refresh_from_db()
    fertig_am, name = bericht.fertig_am, bericht.datei.name
    assert services.create_bericht(bericht_id=bericht.pk).fertig_am == fertig_am
    # A redelivery after a lost worker (status still in Arbeit) renders to the same name.
    Quartalsbericht.objects.filter(pk=bericht.pk).update(status="in_arbeit", datei="")
    wieder = services.create_bericht(bericht_id=bericht.pk)
    assert wieder.status == "fertig" and wieder.datei.name == name


def test_rendering_error_fails_with_a_german_reason(welt, daten, monkeypatch):
    def kaputt(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "html_to_pdf", kaputt)
    bericht = Quartalsbericht.objects.create(kreis=welt.lippe, quartal="2026-Q3")
    ergebnis = services.create_bericht(bericht_id=bericht.pk)
    assert ergebnis.status == "fehlgeschlagen"
    assert ergebnis.fehler == services.MELDUNG_FEHLER
    assert not ergebnis.datei
    # A failed report stays failed until someone retries it.
    assert services.create_bericht(bericht_id=bericht.pk).status == "fehlgeschlagen"


@pytest.fixture
def broker_weg(monkeypatch):
    """A broker that refuses connections (nothing listens on port 1). Celery reads the
    environment variable before its own setting, so both change."""
    from lippe_portal.celery import app

    tot = "redis://127.0.0.1:1/0"
    alte_url, alte_umgebung = app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    monkeypatch.setenv("CELERY_BROKER_URL", tot)
    app.conf.task_always_eager = False
    verbindungen_vergessen(app)
    app.conf.broker_url = tot

    def zurueck():
        if alte_umgebung is None:
            monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
        else:
            monkeypatch.setenv("CELERY_BROKER_URL", alte_umgebung)
        app.conf.task_always_eager = True
        app.conf.broker_url = alte_url
        verbindungen_vergessen(app)

    yield zurueck
    zurueck()


def test_broker_down_keeps_the_request_with_a_german_reason(
    welt, daten, broker_weg, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bericht = services.request_bericht(kreis=welt.lippe, quartal=Q3, user=welt.users["kreis"])
    broker_weg()  # back: eager, as without a broker
    bericht.refresh_from_db()
    assert bericht.status == "fehlgeschlagen"
    assert bericht.fehler == services.MELDUNG_BROKER
    # Retry once the broker is back (eager here): the same version is rendered.
    with django_capture_on_commit_callbacks(execute=True):
        services.rerequest_bericht(bericht=bericht)
    bericht.refresh_from_db()
    assert (bericht.status, bericht.version, bericht.fehler) == ("fertig", 1, "")


def test_sweeper_requeues_a_stuck_report_once(welt, daten, django_capture_on_commit_callbacks):
    alt = timezone.now() - services.HAENGT_NACH - dt.timedelta(seconds=1)
    frisch = timezone.now() - dt.timedelta(seconds=30)
    haengt = Quartalsbericht.objects.create(
        kreis=welt.lippe, quartal="2026-Q3", status="in_arbeit", gestartet_am=alt
    )
    laeuft = Quartalsbericht.objects.create(
        kreis=welt.lippe, quartal="2026-Q3", version=2, status="in_arbeit", gestartet_am=frisch
    )
    nochmal = Quartalsbericht.objects.create(
        kreis=welt.lippe,
        quartal="2026-Q3",
        version=3,
        status="in_arbeit",
        gestartet_am=alt,
        versuche=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.clean_up_stuck_berichte() == 2
    for b in (haengt, laeuft, nochmal):
        b.refresh_from_db()
    assert (haengt.status, haengt.versuche) == ("fertig", 1)
    assert laeuft.status == "in_arbeit"
    assert (nochmal.status, nochmal.fehler) == ("fehlgeschlagen", services.MELDUNG_ZEIT)


def test_sweeper_leaves_a_report_that_changed_after_it_looked(welt, daten, monkeypatch):
    """Between the sweeper's read and its update a worker finished one report and started
    the other again: neither is marked failed, nothing is queued."""
    alt = timezone.now() - services.HAENGT_NACH - dt.timedelta(seconds=1)
    neu_gestartet = Quartalsbericht.objects.create(
        kreis=welt.lippe, quartal="2026-Q3", status="in_arbeit", gestartet_am=alt
    )
    fertig = Quartalsbericht.objects.create(
        kreis=welt.lippe, quartal="2026-Q3", version=2, status="in_arbeit", gestartet_am=alt
    )
    lesen = services._stuck

    def lesen_dann_arbeitet_ein_worker(grenze):
        gelesen = lesen(grenze)
        Quartalsbericht.objects.filter(pk=neu_gestartet.pk).update(gestartet_am=timezone.now())
        Quartalsbericht.objects.filter(pk=fertig.pk).update(
            status="fertig", datei="berichte/05766/x.pdf", seiten=3
        )
        return gelesen

    eingereiht = []
    monkeypatch.setattr(services, "_stuck", lesen_dann_arbeitet_ein_worker)
    monkeypatch.setattr(services, "_enqueue", eingereiht.append)
    assert services.clean_up_stuck_berichte() == 0
    neu_gestartet.refresh_from_db()
    fertig.refresh_from_db()
    assert (neu_gestartet.status, neu_gestartet.versuche, neu_gestartet.fehler) == (
        "in_arbeit",
        0,
        "",
    )
    assert fertig.status == "fertig"
    assert eingereiht == []


@pytest.mark.parametrize("danach", ["angefordert", "in_arbeit"])
def test_a_late_failure_does_not_overwrite_a_requeued_report(welt, daten, monkeypatch, danach):
    """The worker was only slow: while it rendered, the sweeper requeued the report (and
    perhaps another worker started it). Its failure afterwards changes nothing."""
    bericht = Quartalsbericht.objects.create(kreis=welt.lippe, quartal="2026-Q3")

    def langsam_und_kaputt(*args, **kwargs):
        spaeter = timezone.now() + services.HAENGT_NACH + dt.timedelta(seconds=1)
        monkeypatch.setattr(services, "_enqueue", lambda pk: None)
        assert services.clean_up_stuck_berichte(jetzt=spaeter) == 1
        if danach == "in_arbeit":
            Quartalsbericht.objects.filter(pk=bericht.pk).update(
                status="in_arbeit", gestartet_am=spaeter
            )
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "html_to_pdf", langsam_und_kaputt)
    ergebnis = services.create_bericht(bericht_id=bericht.pk)
    assert (ergebnis.status, ergebnis.fehler, ergebnis.versuche) == (danach, "", 1)


# --- Schedule -------------------------------------------------------------------------------


def test_beat_schedule_runs_on_the_tenth_day_after_quarter_end_berlin_time():
    from celery.schedules import crontab

    eintrag = settings.CELERY_BEAT_SCHEDULE["berichte-quartalsberichte"]
    assert eintrag["task"] == "berichte.planmaessige_berichte"
    assert eintrag["schedule"] == crontab(
        minute=0, hour=6, day_of_month=10, month_of_year="1,4,7,10"
    )
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"
    assert "berichte.haengende_berichte_aufraeumen" in {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_scheduled_reports_once_per_kreis_and_a_link_by_mail(
    welt, daten, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ergebnis = services.request_scheduled_berichte(quartal=Q3)
    # Herford keeps no Maßnahmen in the portal.
    assert [b.kreis_id for b in ergebnis.angefordert] == ["05766"]
    bericht = Quartalsbericht.objects.get()
    assert bericht.automatisch and bericht.status == "fertig" and bericht.angefordert_von is None
    assert [m.to for m in mail.outbox] == [["kreis.lippe@example.invalid"]]
    nachricht = mail.outbox[0]
    assert f"{settings.PORTAL_BASE_URL}/berichte/{bericht.pk}/" in nachricht.body
    assert nachricht.attachments == []
    # The one mail path: German text and HTML, signed by the Kreis, one-click unsubscribe.
    assert nachricht.subject == (
        "[Lippe Digitalportal] Quartalsbericht 3. Quartal 2026 für den Kreis Lippe liegt vor"
    )
    assert "Mit freundlichen Grüßen\nIhr Kreis Lippe" in nachricht.body
    [(html, typ)] = nachricht.alternatives
    assert typ == "text/html" and f"/berichte/{bericht.pk}/" in html
    assert nachricht.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_scheduled_berichte(quartal=Q3).angefordert == []
    assert services.notify_kreis(bericht=bericht) == 0
    assert len(mail.outbox) == 1


def test_the_report_mail_follows_the_preference(welt, daten, django_capture_on_commit_callbacks):
    from benachrichtigungen.models import Mailpraeferenz

    Mailpraeferenz.objects.create(person=welt.users["kreis"], art="bericht", haeufigkeit="aus")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_scheduled_berichte(quartal=Q3)
    assert Quartalsbericht.objects.get().status == "fertig"
    assert mail.outbox == []


# --- Command --------------------------------------------------------------------------------


def test_generate_report_command(welt, daten, tmp_path):
    ziel = tmp_path / "bericht.pdf"
    ausgabe = io.StringIO()
    call_command(
        "generate_report",
        "--kreis",
        "05766",
        "--quartal",
        "2026-Q3",
        "--output",
        str(ziel),
        "--variant",
        "pdf/a-3b",
        stdout=ausgabe,
    )
    seiten = len(pypdf.PdfReader(ziel).pages)
    assert ausgabe.getvalue().strip() == f"{ziel.resolve()}: {seiten} Seiten (pdf/a-3b)"
    assert "Digitale Akte in Detmold" in pdf_text(ziel.read_bytes())
    # Synchronous and side-effect free: no record, no freeze.
    assert not Quartalsbericht.objects.exists()
    assert not Quartalsabschluss.objects.exists()


@pytest.mark.parametrize(
    ("argumente", "meldung"),
    [
        (["--kreis", "99999", "--quartal", "2026-Q3"], "nicht gefunden"),
        (["--kreis", "05766", "--quartal", "2026-Q5"], "Format"),
    ],
)
def test_generate_report_command_refuses_bad_input(welt, tmp_path, argumente, meldung):
    with pytest.raises(CommandError, match=meldung):
        call_command("generate_report", *argumente, "--output", str(tmp_path / "x.pdf"))


def test_a_quarter_generated_again_after_changes_gives_the_same_figures(welt, daten):
    """The report of an ended quarter is the data as they stood at its end: changing,
    adding and deleting afterwards leaves a regenerated report word for word the same –
    no Bescheid dated in November, no drawdown dated 2027 or 2030, no OZG rating of today.
    Run on PostgreSQL in CI (DATABASE_URL)."""
    from foerderung.models import Foerderbescheid, Mittelabruf
    from tests.factories import UmsetzungsstandFactory

    bescheid = Foerderbescheid.objects.get()
    UmsetzungsstandFactory(kommune=welt.detmold, reifegrad=4, online_seit=dt.date(2026, 3, 1))
    zurueckdatieren(dt.date(2026, 6, 15))
    services.close_quartal(kreis=welt.lippe, quartal=Q3, user=welt.users["kreis"])
    vorher = pdf_text(services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND).inhalt)

    # Everything changes after the quarter (today, in December 2026).
    mit = daten["mit"]
    mit.fortschritt, mit.ampel, mit.titel = 95, "rot", "Umbenannt im Dezember"
    mit.save()
    daten["ohne"].delete()
    fertig = daten["fertig"]
    fertig.status, fertig.ende_tatsaechlich = Massnahme.Status.ABGEBROCHEN, None
    fertig.save()
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Nachgetragen im Dezember",
        beginn=dt.date(2026, 8, 1),
    )
    FoerderbescheidFactory(
        kreis=welt.lippe,
        zuwendungsempfaenger=welt.lemgo,
        aktenzeichen="NOV-2026",
        bescheiddatum=dt.date(2026, 11, 5),
    )
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("1000.00"), datum=dt.date(2027, 1, 4))
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("2000.00"), datum=dt.date(2030, 1, 4))
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("3000.00"), datum=dt.date(2026, 9, 3))
    abruf = Mittelabruf.objects.order_by("pk").first()
    abruf.betrag = Decimal("7777.00")
    abruf.save()
    bescheid.bewilligter_betrag = Decimal("300000.00")
    bescheid.save()
    stand = welt.detmold.umsetzungsstaende.get()
    stand.reifegrad = 1
    stand.save()
    UmsetzungsstandFactory(kommune=welt.lemgo, reifegrad=5, online_seit=dt.date(2026, 12, 1))

    nachher = pdf_text(services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND).inhalt)
    assert nachher == vorher
    text = einfach(nachher)
    assert "NOV-2026" not in text and "Nachgetragen im Dezember" not in text
    assert "Umbenannt im Dezember" not in text and "Digitale Akte in Detmold" in text
    assert "245.000,00 €" in text and "50.000,00 €" in text and "7.777,00 €" not in text

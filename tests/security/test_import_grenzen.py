"""Denial of service through the import: absurd sheets are refused before anything walks them.

A 1.5 kB XLSX whose sheet declares `A1:XFD1048576` (one cell at `XFD1048576`) made the check
in the request walk about a million rows of 16,384 cells; the gunicorn worker was killed after
30 s and the portal stalled. Each hostile file below must get a German message at the upload
field within two seconds; a watchdog ends the request after that, so a regression fails fast
instead of hanging the suite.
"""

from __future__ import annotations

import io
import signal
import time
import zipfile
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from massnahmen.models import Importlauf

IMPORT = "/massnahmen/import/"
HOECHSTENS_SEKUNDEN = 2.0


class _ZuLangsam(BaseException):
    """Raised by the watchdog; a BaseException, so no `except Exception` can swallow it."""


@contextmanager
def watchdog(sekunden: float):
    """Stops the request after `sekunden` of this process's CPU time: the attack walks a
    million rows in Python, and CPU time counts that whatever else the machine is doing
    (wall time failed under load on a refused 1.5 kB file)."""

    def abbrechen(signum, frame):
        raise _ZuLangsam(f"Die Anfrage rechnete länger als {sekunden} s")

    vorher = signal.signal(signal.SIGPROF, abbrechen)
    signal.setitimer(signal.ITIMER_PROF, sekunden)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, vorher)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/{blatt}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Massnahmen" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/{blatt}"/>'
    "</Relationships>"
)


def xlsx(sheet_data: str, *, dimension: str | None = None, blatt="xl/worksheets/sheet1.xml"):
    """A minimal workbook, written by hand (zipfile): one sheet with `sheet_data` as its
    `<sheetData>` content and, if given, a declared `<dimension>`."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED) as mappe:
        mappe.writestr("[Content_Types].xml", _CONTENT_TYPES.format(blatt=blatt))
        mappe.writestr("_rels/.rels", _RELS)
        mappe.writestr("xl/workbook.xml", _WORKBOOK)
        mappe.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(blatt=blatt))
        mappe.writestr(blatt, sheet)
    return puffer.getvalue()


def _zelle(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


KOPF = '<row r="1">' + _zelle("A1", "Titel") + _zelle("B1", "Handlungsfeld") + "</row>"

# The file of the issue: the whole sheet declared, one cell in its last corner.
ANGRIFF = xlsx(
    '<row r="1048576">' + _zelle("XFD1048576", "x") + "</row>", dimension="A1:XFD1048576"
)


def _zip_bombe() -> bytes:
    """70 MB of nothing in a sheet: a few kB compressed."""
    puffer = io.BytesIO()
    leer = " " * (70 * 1024 * 1024)
    with zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED) as mappe:
        mappe.writestr("[Content_Types].xml", _CONTENT_TYPES.format(blatt="xl/worksheets/s.xml"))
        mappe.writestr(
            "xl/worksheets/s.xml", f"<worksheet><sheetData>{leer}</sheetData></worksheet>"
        )
    return puffer.getvalue()


FEINDLICHE_DATEIEN = {
    "A1:XFD1048576 mit einer Zelle (aus dem Angriff)": ("angriff.xlsx", ANGRIFF, "Zeilen"),
    "Zelle in XFD1048576 ohne Dimension": (
        "ecke.xlsx",
        xlsx(KOPF + '<row r="1048576">' + _zelle("XFD1048576", "x") + "</row>"),
        "Zeilen",
    ),
    "eine Zeile, 16.384 Spalten breit": (
        "breit.xlsx",
        xlsx(KOPF + '<row r="2">' + _zelle("XFD2", "x") + "</row>"),
        "Spalten",
    ),
    "Dimension lügt (A1:B2), Zelle in A1048576": (
        "luege.xlsx",
        xlsx(KOPF + '<row r="1048576">' + _zelle("A1048576", "x") + "</row>", dimension="A1:B2"),
        "Zeilen",
    ),
    "leere Zeile 1.048.576": (
        "leerzeile.xlsx",
        xlsx(KOPF + '<row r="1048576" customFormat="1"/>'),
        "Zeilen",
    ),
    "Blatt an ungewöhnlichem Ort": (
        "versteckt.xlsx",
        xlsx(KOPF, dimension="A1:XFD1048576", blatt="xl/anders/blatt.xml"),
        "Zeilen",
    ),
    "Zip-Bombe (70 MB entpackt)": ("bombe.xlsx", _zip_bombe(), "entpackt zu groß"),
    "CSV: eine Million leerer Zeilen": (
        "leer.csv",
        b"Titel;Handlungsfeld\r\n" + b"\r\n" * 1_000_000,
        "mehr als 20.000 Zeilen",
    ),
    "CSV: eine Zeile mit fünf Millionen Spalten": (
        "breit.csv",
        b"Titel;Handlungsfeld\r\nA;1" + b";" * 5_000_000 + b"\r\n",
        "Zellen",
    ),
    "CSV: ein Wert in Spalte 100": (
        "spalte100.csv",
        b"Titel;Handlungsfeld\r\nA;1" + b";" * 98 + b"x\r\n",
        "mehr als 40 Spalten",
    ),
}


def test_the_attack_file_is_as_small_as_in_the_report():
    assert len(ANGRIFF) < 2000, len(ANGRIFF)


@pytest.mark.parametrize(
    ("name", "inhalt", "meldung"), FEINDLICHE_DATEIEN.values(), ids=FEINDLICHE_DATEIEN.keys()
)
def test_absurd_sheets_are_refused_in_under_two_seconds(welt, login, name, inhalt, meldung):
    client = login(welt.users["kreis"])
    start = time.process_time()
    with watchdog(HOECHSTENS_SEKUNDEN):
        response = client.post(IMPORT, {"datei": SimpleUploadedFile(name, inhalt)})
    dauer = time.process_time() - start
    assert response.status_code == 200
    seite = response.content.decode()
    assert 'id="id_datei_error"' in seite
    assert meldung in seite
    assert dauer < HOECHSTENS_SEKUNDEN, dauer
    # refused before anything was stored or queued
    assert not Importlauf.objects.exists()


def test_a_refused_sheet_says_why_in_german(welt, login):
    client = login(welt.users["kreis"])
    response = client.post(IMPORT, {"datei": SimpleUploadedFile("angriff.xlsx", ANGRIFF)})
    assert (
        "Das Tabellenblatt reicht über mehr als 20.000 Zeilen (leere Zeilen zählen mit)."
        in response.content.decode()
    )


def test_a_normal_workbook_passes_the_bounds(welt, login):
    """The guard must not refuse what the export writes (a real openpyxl workbook)."""
    from openpyxl import Workbook

    mappe = Workbook()
    blatt = mappe.active
    blatt.append(["Titel", "Handlungsfeld"])
    blatt.append(["Bürgerportal", 1])
    puffer = io.BytesIO()
    mappe.save(puffer)
    client = login(welt.users["kreis"])
    response = client.post(IMPORT, {"datei": SimpleUploadedFile("gut.xlsx", puffer.getvalue())})
    assert response.status_code == 302
    assert Importlauf.objects.get().status == Importlauf.Status.GEPRUEFT


def test_a_file_above_the_threshold_is_checked_by_the_celery_task_not_in_the_request(
    welt, login, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """Only the bounds are checked in the request; reading the rows of a larger file is the
    task's job (with progress on the status page), so no upload can hold a worker."""
    settings.MASSNAHMEN_IMPORT_PRUEFUNG_SYNC_BYTES = 100
    zeilen = ["Titel;Handlungsfeld"] + [f"Maßnahme {i};1" for i in range(40)]
    inhalt = "\r\n".join(zeilen).encode()
    assert len(inhalt) > 100

    def nicht_in_der_anfrage(*args, **kwargs):
        raise AssertionError("Zeilen in der Anfrage gelesen")

    client = login(welt.users["kreis"])
    with monkeypatch.context() as m:
        m.setattr("massnahmen.views_io.read_tabelle", nicht_in_der_anfrage)
        with django_capture_on_commit_callbacks(execute=False) as aufgaben:
            response = client.post(IMPORT, {"datei": SimpleUploadedFile("gross.csv", inhalt)})
    assert response.status_code == 302
    lauf = Importlauf.objects.get()
    assert lauf.status == Importlauf.Status.PRUEFUNG
    assert aufgaben  # the task waits for the commit (beside it the caches' data stand)
    assert (
        "Die Datei wird im Hintergrund geprüft" in client.get(response["Location"]).content.decode()
    )

    for aufgabe in aufgaben:  # the commit: the worker runs the task (eager in the tests)
        aufgabe()
    lauf.refresh_from_db()
    assert lauf.status == Importlauf.Status.GEPRUEFT
    assert lauf.zeilen_gesamt == 40


def test_a_workbook_within_rows_and_columns_but_beyond_the_cell_budget_is_refused(
    welt, login, settings
):
    """The cell budget on its own: every row within the row limit, every column within the
    column limit, but more cells than (rows + 1) × the export's columns."""
    from massnahmen.exports import SPALTEN
    from massnahmen.imports import MAX_SPALTEN, max_zellen

    settings.MASSNAHMEN_IMPORT_MAX_ZEILEN = 20
    spalten = MAX_SPALTEN
    budget = max_zellen()
    zeilen_noetig = budget // spalten + 1
    assert zeilen_noetig <= 21 and spalten * zeilen_noetig > budget, (spalten, budget)

    def ref(spalte, zeile):
        buchstaben = ""
        while spalte:
            spalte, rest = divmod(spalte - 1, 26)
            buchstaben = chr(65 + rest) + buchstaben
        return f"{buchstaben}{zeile}"

    blatt = "".join(
        f'<row r="{z}">' + "".join(_zelle(ref(s, z), "x") for s in range(1, spalten + 1)) + "</row>"
        for z in range(1, zeilen_noetig + 1)
    )
    client = login(welt.users["kreis"])
    with watchdog(HOECHSTENS_SEKUNDEN):
        response = client.post(IMPORT, {"datei": SimpleUploadedFile("voll.xlsx", xlsx(blatt))})
    seite = response.content.decode()
    assert f"mehr als {budget} Zellen" in seite.replace(".", ""), len(SPALTEN)
    assert not Importlauf.objects.exists()

"""Uploads with a hostile name, type or size are refused on every upload form; the public
pages and open-data files show nothing unpublished and no personal data."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from core.files import MAX_UPLOAD_BYTES
from massnahmen.models import Massnahme, Sichtbarkeit
from tests.bueroformate import hochgeladen, odf, ooxml, zip_mit_programmen
from tests.factories import MassnahmeFactory, UserFactory
from tests.matrix import OK

from .conftest import (
    ABGELEHNT,
    als_daten,
    fehler_am_feld,
    fingerabdruck,
    formular_zu,
    formulare_im_kontext,
    geaenderte_tabellen,
    isoliert,
    matrix_zeilen,
    nimmt_post,
    url_namen,
)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def boese_dateien():
    return {
        "HTML als PDF": SimpleUploadedFile(
            "bericht.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
        ),
        "PDF als text/html": SimpleUploadedFile("bericht.pdf", PDF, "text/html"),
        "doppelte Endung .pdf.exe": SimpleUploadedFile(
            "bericht.pdf.exe", b"MZ\x90\x00" + b"\x00" * 60, "application/octet-stream"
        ),
        "x.php.pdf": SimpleUploadedFile(
            "x.php.pdf", b"<?php system($_GET['c']); ?>", "application/pdf"
        ),
        "Pfad im Namen": SimpleUploadedFile("../../etc/passwd", b"root:x:0:0:root", "text/plain"),
        "Pfad mit PDF": SimpleUploadedFile("..\\..\\bericht.pdf", PDF, "application/pdf"),
        "zu groß": SimpleUploadedFile(
            "gross.pdf", PDF + b"\x00" * (MAX_UPLOAD_BYTES + 1), "application/pdf"
        ),
        # Office files are ZIP containers: their structure is checked, not just the ZIP head.
        "ZIP mit evil.exe und run.js als .docx": hochgeladen("bericht.docx", zip_mit_programmen()),
        "ZIP mit evil.exe und run.js als .xlsx": hochgeladen("tabelle.xlsx", zip_mit_programmen()),
        "ZIP mit evil.exe und run.js als .odt": hochgeladen("bericht.odt", zip_mit_programmen()),
        "DOCX mit Programm darin": hochgeladen(
            "bericht.docx", ooxml(".docx", extra=[("word/media/setup.exe", b"MZ\x90\x00")])
        ),
        "XLSX mit Makros (vbaProject.bin)": hochgeladen(
            "tabelle.xlsx", ooxml(".xlsx", extra=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")])
        ),
        "XLSX mit Excel-4.0-Makroblatt": hochgeladen(
            "tabelle.xlsx", ooxml(".xlsx", extra=[("xl/macrosheets/sheet1.xml", b"<xm/>")])
        ),
        "PPTX ohne [Content_Types].xml": hochgeladen(
            "folien.pptx", ooxml(".pptx", ohne=["[Content_Types].xml"])
        ),
        "ODT mit Basic-Makro": hochgeladen(
            "bericht.odt", odf(".odt", extra=[("Basic/Standard/Module1.xml", b"<x/>")])
        ),
        "ODS mit mimetype nicht am Anfang": hochgeladen(
            "tabelle.ods", odf(".ods", mimetype_zuerst=False)
        ),
    }


def _gespeicherte_pfade() -> list[str]:
    """Stored file names or original names that climb out of their folder."""
    gefunden = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) or f.name == "dateiname":
                for wert in model._base_manager.values_list(f.attname, flat=True):
                    if wert and (".." in wert or "\\" in wert or wert.startswith("/")):
                        gefunden.append(wert)
    return gefunden


def test_every_upload_form_refuses_hostile_files(lage):
    client = lage.client("kreis")
    befunde, formulare = [], set()
    for name, template, expected in matrix_zeilen():
        path = lage.path(template)
        if expected.get("kreis") != OK or not nimmt_post(path):
            continue
        response = client.get(path)
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for form in formulare_im_kontext(response):
            dateifelder = [
                form.add_prefix(n) for n, f in form.fields.items() if isinstance(f, forms.FileField)
            ]
            formular = formular_zu(html, form) if dateifelder else None
            if formular is None:
                continue
            formulare.add(name)
            basis = als_daten(formular["felder"])
            for feld in dateifelder:
                for art, datei in boese_dateien().items():
                    with isoliert():
                        vorher = fingerabdruck()
                        antwort = client.post(path, {**basis, "titel": "Test", feld: datei})
                        geaendert = geaenderte_tabellen(vorher, fingerabdruck())
                        pfade = _gespeicherte_pfade()
                    wo = f"{path} ({name}) {feld}: {art}"
                    if antwort.status_code in ABGELEHNT:
                        continue
                    if art == "Pfad mit PDF":
                        # Django's upload parser cuts the path off before any code of the
                        # project sees the name: a real PDF may be stored, without a path.
                        if pfade:
                            befunde.append(f"{wo}: gespeichert mit Pfad {pfade}")
                        continue
                    if antwort.status_code in {301, 302, 303}:
                        befunde.append(f"{wo}: angenommen")
                    elif not fehler_am_feld(antwort, type(form), feld, auch_allgemein=True):
                        befunde.append(f"{wo}: keine Fehlermeldung ({antwort.status_code})")
                    if geaendert:
                        befunde.append(f"{wo}: änderte {geaendert}")
    # Maßnahme documents, Bescheid documents, workshop minutes, the Maßnahmen import.
    assert len(formulare) >= 4, formulare
    assert not befunde, "\n".join(befunde)


def test_public_pages_show_nothing_unpublished_and_no_personal_data(lage):
    welt = lage.welt
    person = UserFactory(
        email="ansprech.person@kommune.invalid", first_name="Henrietta", last_name="Geheimrath"
    )
    Massnahme.objects.filter(pk=welt.massnahme.pk).update(
        sichtbarkeit=Sichtbarkeit.OEFFENTLICH, ansprechperson=person
    )
    MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="ENTWURF-NICHT-OEFFENTLICH",
        beschreibung="ENTWURF-BESCHREIBUNG",
        veroeffentlicht=False,
        ansprechperson=person,
    )
    oeffentlich = {n for n in url_namen() if n.startswith("oeffentlich:")}
    assert oeffentlich, "keine öffentlichen Seiten gefunden"
    verboten = ["ENTWURF-", "Geheimrath", "Henrietta", "@kommune.invalid", "@example.invalid"]
    verboten += [u.last_name for u in lage.users.values() if u is not None and u.last_name]
    befunde, gesehen = [], set()
    for rolle in ("anonym", "kreis"):
        client = lage.client(rolle)
        for name, template, _expected in matrix_zeilen():
            if name.split(" (")[0] not in oeffentlich:
                continue
            path = lage.path(template)
            response = client.get(path)
            gesehen.add(name.split(" (")[0])
            inhalt = b"".join(response) if response.streaming else response.content
            text = inhalt.decode(errors="replace")
            for wort in verboten:
                if wort in text:
                    befunde.append(f"{path} als {rolle}: enthält {wort!r}")
    assert gesehen == oeffentlich, oeffentlich - gesehen
    assert not befunde, "\n".join(befunde)

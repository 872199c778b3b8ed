"""Office uploads are checked for their real structure, and files leave with their records.

- An OOXML file (.docx/.xlsx/.pptx) needs `[Content_Types].xml` naming its format's main
  part; an ODF file (.odt/.ods) a first, uncompressed `mimetype` entry naming its format.
  Programs, scripts and macros inside are refused with a German message at the field.
- A stored file is deleted when its record is deleted (also by cascade) or the file is
  replaced; an import file after MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE, by an idempotent task
  that Celery beat runs daily. The privacy page says so.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.utils import timezone

from foerderung.models import BescheidDokument
from massnahmen.models import Anhang, Importlauf
from massnahmen.tasks import delete_importdateien
from tests.bueroformate import (
    arbeitsmappe,
    hochgeladen,
    mit_eintrag,
    odf,
    ooxml,
    zip_mit_programmen,
)
from tests.factories import FoerderbescheidFactory, MassnahmeFactory, WorkshopFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _eigene_ablage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _anhang_hochladen(client, massnahme, datei):
    return client.post(
        f"/massnahmen/{massnahme.pk}/anhaenge/neu/",
        {"titel": "Bericht", "art": "sonstiges", "datei": datei},
    )


def test_zip_with_evil_exe_and_run_js_renamed_docx_is_refused_at_the_field(welt, login):
    client = login(welt.users["cdo_eigen"])
    antwort = _anhang_hochladen(
        client, welt.massnahme, hochgeladen("Bericht.docx", zip_mit_programmen())
    )
    assert antwort.status_code == 422
    html = antwort.content.decode()
    fehler = html[html.index('id="id_datei_error"') :][:400]
    assert "ausführbare Programme oder Skripte (evil.exe, run.js)" in fehler
    assert not Anhang.objects.exists()


@pytest.mark.parametrize(
    ("name", "inhalt", "meldung"),
    [
        ("Bericht.docx", ooxml(".docx", extra=[("word/embeddings/run.js", b"x")]), "Skripte"),
        (
            "Bericht.docx",
            ooxml(
                ".docx",
                haupttyp="application/vnd.ms-word.document.macroEnabled.main+xml",
                extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")],
            ),
            "enthält Makros",
        ),
        ("Tabelle.xlsx", ooxml(".xlsx", extra=[("xl/vbaProject.bin", b"x")]), "enthält Makros"),
        ("Tabelle.xlsx", ooxml(".xlsx", extra=[("xl/activeX/activeX1.xml", b"x")]), "Makros"),
        ("Folien.pptx", ooxml(".pptx", ohne=["[Content_Types].xml"]), "[Content_Types].xml"),
        ("Folien.pptx", ooxml(".pptx", ohne=["ppt/presentation.xml"]), "Hauptteil"),
        # A workbook renamed .docx: a valid OOXML package, but not of this format.
        ("Bericht.docx", ooxml(".xlsx"), "passt nicht"),
        ("Bericht.odt", odf(".odt", mimetype_zuerst=False), "nicht am Anfang"),
        ("Bericht.odt", odf(".odt", extra=[("Scripts/python/x.py", b"x")]), "Programme"),
        ("Bericht.odt", odf(".odt", extra=[("Basic/Standard/M.xml", b"x")]), "enthält Makros"),
        ("Tabelle.ods", odf(".ods", mimetype="application/vnd.oasis.opendocument.text"), "passt"),
    ],
)
def test_office_files_without_their_structure_or_with_code_are_refused(
    welt, login, name, inhalt, meldung
):
    antwort = _anhang_hochladen(
        login(welt.users["cdo_eigen"]), welt.massnahme, hochgeladen(name, inhalt)
    )
    assert antwort.status_code == 422
    assert meldung in " ".join(antwort.context["form"].errors["datei"])
    assert not Anhang.objects.exists()


@pytest.mark.parametrize(
    ("name", "inhalt"),
    [
        ("Bericht.docx", ooxml(".docx")),
        ("Tabelle.xlsx", ooxml(".xlsx")),
        ("Folien.pptx", ooxml(".pptx")),
        ("Bericht.odt", odf(".odt")),
        ("Tabelle.ods", odf(".ods")),
    ],
)
def test_well_formed_office_files_are_accepted(welt, login, name, inhalt):
    antwort = _anhang_hochladen(
        login(welt.users["cdo_eigen"]), welt.massnahme, hochgeladen(name, inhalt)
    )
    assert antwort.status_code == 302
    assert Anhang.objects.get().dateiname == name


def test_import_refuses_a_workbook_with_macros(welt, login):
    antwort = login(welt.users["kreis"]).post(
        "/massnahmen/import/",
        {
            "datei": hochgeladen(
                "massnahmen.xlsx",
                mit_eintrag(arbeitsmappe([["titel"], ["A"]]), "xl/vbaProject.bin", b"x"),
            )
        },
    )
    assert antwort.status_code in (200, 422)
    assert "enthält Makros" in " ".join(antwort.context["form"].errors["datei"])
    assert not Importlauf.objects.exists()


# --- files leave with their records ---------------------------------------------------------


def _pfad(feld) -> str:
    return os.path.join(django_settings.MEDIA_ROOT, feld.name)


def test_deleting_a_massnahme_deletes_its_documents(
    welt, login, django_capture_on_commit_callbacks
):
    client = login(welt.users["kreis"])
    massnahme = MassnahmeFactory(
        kreis=welt.lippe, federfuehrend=welt.detmold, handlungsfeld=welt.handlungsfeld
    )
    assert (
        _anhang_hochladen(
            client, massnahme, hochgeladen("K.pdf", PDF, "application/pdf")
        ).status_code
        == 302
    )
    pfad = _pfad(Anhang.objects.get().datei)
    assert os.path.exists(pfad)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/massnahmen/{massnahme.pk}/loeschen/").status_code == 302
    assert not Anhang.objects.exists()
    assert not os.path.exists(pfad)


def test_deleting_a_bescheid_deletes_its_documents(welt, login, django_capture_on_commit_callbacks):
    client = login(welt.users["kreis"])
    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    dokument = BescheidDokument(bescheid=bescheid, titel="Bescheid")
    dokument.datei.save("bescheid.pdf", ContentFile(PDF))
    pfad = _pfad(dokument.datei)
    assert os.path.exists(pfad)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/foerderung/{bescheid.pk}/loeschen/").status_code == 302
    assert not BescheidDokument.objects.exists()
    assert not os.path.exists(pfad)


def test_replacing_and_deleting_workshop_minutes_deletes_the_old_file(
    welt, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(kreis=welt.lippe)
    with django_capture_on_commit_callbacks(execute=True):
        workshop.protokoll_datei.save("alt.pdf", ContentFile(PDF))
    alt = _pfad(workshop.protokoll_datei)
    with django_capture_on_commit_callbacks(execute=True):
        workshop.protokoll_datei = ContentFile(PDF, name="neu.pdf")
        workshop.save()
    neu = _pfad(workshop.protokoll_datei)
    assert not os.path.exists(alt) and os.path.exists(neu)
    with django_capture_on_commit_callbacks(execute=True):
        workshop.delete()
    assert not os.path.exists(neu)


def test_a_rolled_back_delete_keeps_the_file(welt, django_capture_on_commit_callbacks):
    from django.db import transaction

    workshop = WorkshopFactory(kreis=welt.lippe)
    workshop.protokoll_datei.save("p.pdf", ContentFile(PDF))
    pfad = _pfad(workshop.protokoll_datei)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            workshop.delete()
            transaction.set_rollback(True)
    assert os.path.exists(pfad)


def _importlauf(welt, *, alter_tage: int, status=Importlauf.Status.FERTIG) -> Importlauf:
    lauf = Importlauf(kreis=welt.lippe, dateiname="massnahmen.csv", status=status)
    lauf.datei.save("massnahmen.csv", ContentFile(b"titel\nA\n"), save=False)
    lauf.save()
    Importlauf.objects.filter(pk=lauf.pk).update(
        erstellt_am=timezone.now() - dt.timedelta(days=alter_tage)
    )
    return lauf


def test_import_files_are_deleted_after_the_retention_period(
    welt, settings, django_capture_on_commit_callbacks
):
    settings.MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE = 30
    alt = _importlauf(welt, alter_tage=31)
    offen = _importlauf(welt, alter_tage=40, status=Importlauf.Status.GEPRUEFT)
    laeuft = _importlauf(welt, alter_tage=40, status=Importlauf.Status.LAEUFT)
    jung = _importlauf(welt, alter_tage=29)
    pfade = {lauf.pk: _pfad(lauf.datei) for lauf in (alt, offen, laeuft, jung)}

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_importdateien.delay().get() == 2
    for lauf in (alt, offen, laeuft, jung):
        lauf.refresh_from_db()
    assert not os.path.exists(pfade[alt.pk]) and not alt.datei
    assert not os.path.exists(pfade[offen.pk]) and not offen.datei
    # The record stays; an import never confirmed says why it cannot run any more.
    assert offen.status == Importlauf.Status.FEHLGESCHLAGEN
    assert "nach 30 Tagen gelöscht" in offen.fehler[0]["meldung"]
    assert os.path.exists(pfade[laeuft.pk]) and os.path.exists(pfade[jung.pk])
    # Idempotent: nothing left to do on the next day.
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_importdateien.delay().get() == 0


def test_deleting_an_import_run_deletes_its_file(welt, django_capture_on_commit_callbacks):
    lauf = _importlauf(welt, alter_tage=1)
    pfad = _pfad(lauf.datei)
    with django_capture_on_commit_callbacks(execute=True):
        lauf.delete()
    assert not os.path.exists(pfad)


def test_celery_beat_runs_the_retention_task_daily():
    eintraege = [
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "massnahmen.importdateien_loeschen"
    ]
    assert len(eintraege) == 1


def test_privacy_page_names_deletion_and_the_retention_period(db, client, settings):
    settings.MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE = 45
    html = client.get("/datenschutz/").content.decode()
    assert "Hochgeladene Dateien löscht das Portal zusammen mit dem Eintrag" in html
    assert "45 Tage nach dem Hochladen" in html


def test_replacing_and_removing_the_report_logo_deletes_the_old_file(
    welt, login, django_capture_on_commit_callbacks
):
    from berichte.models import Deckblatt
    from tests.berichte.test_bericht_logo import png

    client = login(welt.users["kreis"])
    url = "/berichte/logo/lippe/"

    def hochladen(name):
        with django_capture_on_commit_callbacks(execute=True):
            antwort = client.post(url, {"logo": hochgeladen(name, png(), "image/png")})
        assert antwort.status_code == 302
        return _pfad(Deckblatt.objects.get(kreis=welt.lippe).logo)

    alt = hochladen("alt.png")
    neu = hochladen("neu.png")
    assert alt != neu and not os.path.exists(alt) and os.path.exists(neu)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"entfernen": "on"}).status_code == 302
    assert not Deckblatt.objects.exists() and not os.path.exists(neu)


def test_every_model_with_a_file_leaves_its_files_to_django_cleanup():
    """A model with a FileField that django-cleanup skipped (cleanup.ignore, or an app
    loaded before it) would leave files on disk when its rows go."""
    from django.apps import apps
    from django.db import models
    from django_cleanup import cache

    mit_dateien = {
        m._meta.label_lower
        for m in apps.get_models()
        if any(isinstance(f, models.FileField) for f in m._meta.get_fields())
    }
    assert len(mit_dateien) >= 6, mit_dateien
    assert mit_dateien <= set(cache.FIELDS_FIELDS), mit_dateien - set(cache.FIELDS_FIELDS)

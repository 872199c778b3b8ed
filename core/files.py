"""Upload checks shared by every model that stores documents."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Extension → the content types a browser may legitimately send for it.
ERLAUBTE_DATEITYPEN: dict[str, set[str]] = {
    ".pdf": {"application/pdf"},
    ".odt": {"application/vnd.oasis.opendocument.text"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    ".ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
}
# Browsers send this when they do not know the type; the content check below decides then.
UNBESTIMMT = "application/octet-stream"


def check_filename(name: str) -> None:
    """Refuse a name with a path or with a double extension ("rechnung.pdf.exe")."""
    base = os.path.basename(name.replace("\\", "/"))
    if base != name or name.startswith("."):
        raise ValidationError("Der Dateiname darf keinen Pfad enthalten.", code="path")
    if "." in os.path.splitext(base)[0]:
        raise ValidationError(
            "Dateinamen mit doppelter Endung sind nicht erlaubt.", code="double_extension"
        )


def validate_upload(upload) -> None:
    """Refuse names with paths or double extensions, unknown types and oversize files.

    Files already stored (their name includes the upload folder) were checked on upload.
    """
    if getattr(upload, "_committed", False):
        return
    name = upload.name or ""
    ext = os.path.splitext(name.replace("\\", "/").lower())[1]
    if ext not in ERLAUBTE_DATEITYPEN:
        erlaubt = ", ".join(sorted(e.lstrip(".").upper() for e in ERLAUBTE_DATEITYPEN))
        raise ValidationError(
            f"Dieser Dateityp ist nicht erlaubt. Erlaubt: {erlaubt}.", code="type"
        )
    check_filename(name)
    content_type = getattr(upload, "content_type", None)
    if content_type and content_type != UNBESTIMMT and content_type not in ERLAUBTE_DATEITYPEN[ext]:
        raise ValidationError("Der Inhalt passt nicht zur Dateiendung.", code="content_type")
    if not content_matches(upload):
        raise ValidationError("Der Inhalt der Datei passt nicht zu ihrer Endung.", code="content")
    if ext in BUEROFORMATE:
        check_container(upload, ext)
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"Die Datei ist zu groß (höchstens {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).",
            code="size",
        )


class UploadCheckMixin:
    """For forms with file fields: check every new upload itself with `validate_upload`.

    A model field's validator only sees the stored FieldFile, which no longer carries the
    content type the browser declared, so a PDF sent as `text/html` would pass there.
    """

    def _clean_fields(self):
        super()._clean_fields()
        from django import forms

        for name, field in self.fields.items():
            datei = self.cleaned_data.get(name)
            if isinstance(field, forms.FileField) and datei:
                try:
                    validate_upload(datei)
                except ValidationError as error:
                    self.add_error(name, error)


def zufaelliger_pfad(instance, filename: str) -> str:
    """Store uploads under a random name; the original name is kept in `titel`/`dateiname`.

    Nobody can guess a stored path, and no user-chosen name reaches the file system.
    """
    ext = os.path.splitext(filename)[1].lower()
    return f"dokumente/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{ext}"


# What the content must look like (detected from its first bytes by `filetype`). Office
# files are ZIP containers; filetype names the concrete format where it can tell.
ERWARTETER_INHALT: dict[str, set[str]] = {
    ext: types
    | ({"application/zip"} if ext in {".odt", ".ods", ".docx", ".xlsx", ".pptx"} else set())
    for ext, types in ERLAUBTE_DATEITYPEN.items()
}


def content_matches(upload) -> bool:
    """True when the first bytes match the extension."""
    import filetype

    ext = os.path.splitext(upload.name or "")[1].lower()
    expected = ERWARTETER_INHALT.get(ext, set())
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(position)
    kind = filetype.guess(head)
    return kind is not None and kind.mime in expected


class Dokument(models.Model):
    """Abstract base of an uploaded document with its checked type and size."""

    titel = models.CharField("Titel", max_length=250)
    datei = models.FileField("Datei", upload_to=zufaelliger_pfad, validators=[validate_upload])
    dateiname = models.CharField(
        "ursprünglicher Dateiname", max_length=255, editable=False, default=""
    )
    content_type = models.CharField("Inhaltstyp", max_length=120, editable=False)
    groesse = models.PositiveBigIntegerField("Größe in Bytes", editable=False, default=0)
    hochgeladen_am = models.DateTimeField("hochgeladen am", auto_now_add=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.datei and not self.datei._committed:  # a new or replaced file
            self.dateiname = os.path.basename(self.datei.name)[:255]
            self.groesse = self.datei.size
            # The type served on download follows the checked extension, never what the
            # uploading browser declared.
            ext = os.path.splitext(self.datei.name)[1].lower()
            self.content_type = sorted(ERLAUBTE_DATEITYPEN.get(ext, {UNBESTIMMT}))[0]
        super().save(*args, **kwargs)


# --- Office documents: ZIP containers checked for their real structure ---------------------


@dataclass(frozen=True)
class Bueroformat:
    """What the container of an office format must hold.

    OOXML: `[Content_Types].xml` naming the main part of this format (which must exist).
    ODF: a first entry `mimetype`, stored uncompressed, holding this format's type.
    `makros_erlaubt` is for a format whose purpose is macros (none of the accepted ones).
    """

    name: str
    ooxml_hauptteil: str = ""
    odf_mimetype: str = ""
    makros_erlaubt: bool = False


BUEROFORMATE: dict[str, Bueroformat] = {
    ".docx": Bueroformat(
        "Word-Dokument",
        ooxml_hauptteil="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    ".xlsx": Bueroformat(
        "Excel-Arbeitsmappe",
        ooxml_hauptteil="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    ".pptx": Bueroformat(
        "PowerPoint-Präsentation",
        ooxml_hauptteil="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
    ".odt": Bueroformat(
        "OpenDocument-Text", odf_mimetype="application/vnd.oasis.opendocument.text"
    ),
    ".ods": Bueroformat(
        "OpenDocument-Tabelle", odf_mimetype="application/vnd.oasis.opendocument.spreadsheet"
    ),
}

# Entries that run code when opened or double-clicked: never part of a plain document.
AUSFUEHRBARE_ENDUNGEN = frozenset(
    ".exe .dll .com .scr .pif .cpl .msi .msp .bat .cmd .ps1 .psm1 .vbs .vbe .js .jse .wsf "
    ".wsh .hta .jar .sh .bash .py .pl .rb .php .lnk .reg .inf .app .apk .elf .so .dylib "
    ".docm .dotm .xlsm .xltm .xlam .pptm .potm .ppam .ppsm".split()
)
# Macros (VBA, Excel 4.0 macro sheets, ActiveX controls, StarBasic and scripts in ODF).
MAKRO_TEILE = (
    "/vbaproject.bin",
    "/vbadata.xml",
    "/macrosheets/",
    "/activex/",
    "/basic/",
    "/scripts/",
)
MAKRO_INHALTSTYPEN = ("macroenabled", "vbaproject", "ms-excel.intl.macrosheet", "activex")
# Limits against ZIP bombs: real documents stay far below them.
MAX_EINTRAEGE = 5000
MAX_ENTPACKT_BYTES = 200 * 1024 * 1024
MAX_XML_BYTES = 2 * 1024 * 1024  # [Content_Types].xml, mimetype


def _errors(format_: Bueroformat, grund: str, code: str) -> ValidationError:
    return ValidationError(f"Die Datei ist nicht als {format_.name} lesbar: {grund}", code=code)


def check_container(upload, ext: str) -> None:
    """Refuse an OOXML or ODF file whose container does not have the structure of its
    format, or that carries executables, scripts or macros (unless the format allows
    macros). Raises ValidationError with a German reason."""
    import zipfile

    format_ = BUEROFORMATE[ext]
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archiv:
            eintraege = archiv.infolist()
            _check_entries(format_, eintraege)
            if format_.odf_mimetype:
                _check_odf(format_, archiv, eintraege)
            else:
                _check_ooxml(format_, archiv)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError):
        raise _errors(format_, "Die Datei ist beschädigt.", "container") from None
    finally:
        upload.seek(position)


def _check_entries(format_: Bueroformat, eintraege) -> None:
    if len(eintraege) > MAX_EINTRAEGE or sum(e.file_size for e in eintraege) > MAX_ENTPACKT_BYTES:
        raise _errors(format_, "Sie ist entpackt unplausibel groß.", "container")
    ausfuehrbar, makros = [], []
    for eintrag in eintraege:
        name = eintrag.filename.replace("\\", "/")
        klein = name.lower()
        if name.startswith("/") or ".." in name.split("/"):
            raise _errors(format_, "Sie enthält unzulässige Pfade.", "container")
        if os.path.splitext(klein)[1] in AUSFUEHRBARE_ENDUNGEN:
            ausfuehrbar.append(os.path.basename(name))
        elif any(teil in f"/{klein}" for teil in MAKRO_TEILE):
            makros.append(name)
    if ausfuehrbar:
        raise ValidationError(
            "Die Datei enthält ausführbare Programme oder Skripte ("
            + ", ".join(sorted(ausfuehrbar)[:5])
            + ") und wird aus Sicherheitsgründen nicht angenommen.",
            code="executable",
        )
    if makros and not format_.makros_erlaubt:
        raise _macro_error(format_)


def _macro_error(format_: Bueroformat) -> ValidationError:
    return ValidationError(
        f"Die Datei ({format_.name}) enthält Makros. Dokumente mit Makros werden aus "
        "Sicherheitsgründen nicht angenommen; bitte speichern Sie die Datei ohne Makros.",
        code="macro",
    )


def _read(archiv, name: str) -> bytes | None:
    try:
        info = archiv.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_XML_BYTES:
        return None
    with archiv.open(info) as datei:
        return datei.read(MAX_XML_BYTES + 1)


def _check_ooxml(format_: Bueroformat, archiv) -> None:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    inhalt = _read(archiv, "[Content_Types].xml")
    if inhalt is None:
        raise _errors(format_, "Es fehlt das Inhaltsverzeichnis [Content_Types].xml.", "structure")
    try:
        wurzel = ElementTree.fromstring(inhalt)
    except (ElementTree.ParseError, DefusedXmlException):
        raise _errors(format_, "Das Inhaltsverzeichnis ist nicht lesbar.", "structure") from None
    teile = {}
    for element in wurzel:
        if element.tag.rsplit("}", 1)[-1] == "Override":
            teile[(element.get("PartName") or "").lstrip("/")] = (
                element.get("ContentType") or ""
            ).lower()
    typen = {element.get("ContentType", "").lower() for element in wurzel} | set(teile.values())
    if any(marke in typ for typ in typen for marke in MAKRO_INHALTSTYPEN):
        if not format_.makros_erlaubt:
            raise _macro_error(format_)
    hauptteile = [name for name, typ in teile.items() if typ == format_.ooxml_hauptteil]
    if not hauptteile or not all(_vorhanden(archiv, name) for name in hauptteile):
        raise _errors(format_, "Der Hauptteil dieses Formats fehlt (falsche Endung?).", "structure")
    if not _vorhanden(archiv, "_rels/.rels"):
        raise _errors(format_, "Es fehlen die Verknüpfungen (_rels/.rels).", "structure")


def _vorhanden(archiv, name: str) -> bool:
    try:
        archiv.getinfo(name)
    except KeyError:
        return False
    return True


def _check_odf(format_: Bueroformat, archiv, eintraege) -> None:
    erster = eintraege[0] if eintraege else None
    if erster is None or erster.filename != "mimetype":
        raise _errors(format_, "Der Eintrag „mimetype“ steht nicht am Anfang.", "structure")
    inhalt = _read(archiv, "mimetype") or b""
    if inhalt.strip() != format_.odf_mimetype.encode():
        raise _errors(format_, "Der Eintrag „mimetype“ passt nicht zur Endung.", "structure")
    if not _vorhanden(archiv, "META-INF/manifest.xml"):
        raise _errors(format_, "Es fehlt das Manifest (META-INF/manifest.xml).", "structure")

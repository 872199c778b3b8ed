"""Upload checks shared by every model that stores documents."""

from __future__ import annotations

import os
import uuid

from django.core.exceptions import ValidationError
from django.db import models

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Extension → the content types a browser may legitimately send for it.
ERLAUBTE_DATEITYPEN: dict[str, set[str]] = {
    ".pdf": {"application/pdf"},
    ".odt": {"application/vnd.oasis.opendocument.text"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
}
# Browsers send this when they do not know the type; the content check below decides then.
UNBESTIMMT = "application/octet-stream"


def validate_upload(upload) -> None:
    """Refuse names with paths or double extensions, unknown types and oversize files.

    Files already stored (their name includes the upload folder) were checked on upload.
    """
    if getattr(upload, "_committed", False):
        return
    name = upload.name or ""
    base = os.path.basename(name.replace("\\", "/"))
    if base != name or name.startswith("."):
        raise ValidationError("Der Dateiname darf keinen Pfad enthalten.", code="path")
    stem, ext = os.path.splitext(base.lower())
    if ext not in ERLAUBTE_DATEITYPEN:
        erlaubt = ", ".join(sorted(e.lstrip(".").upper() for e in ERLAUBTE_DATEITYPEN))
        raise ValidationError(
            f"Dieser Dateityp ist nicht erlaubt. Erlaubt: {erlaubt}.", code="type"
        )
    if "." in stem:
        raise ValidationError(
            "Dateinamen mit doppelter Endung sind nicht erlaubt.", code="double_extension"
        )
    content_type = getattr(upload, "content_type", None)
    if content_type and content_type != UNBESTIMMT and content_type not in ERLAUBTE_DATEITYPEN[ext]:
        raise ValidationError("Der Inhalt passt nicht zur Dateiendung.", code="content_type")
    if not inhalt_passt(upload):
        raise ValidationError("Der Inhalt der Datei passt nicht zu ihrer Endung.", code="content")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"Die Datei ist zu groß (höchstens {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).",
            code="size",
        )


class UploadsPruefenMixin:
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
    ext: types | ({"application/zip"} if ext in {".odt", ".docx", ".xlsx"} else set())
    for ext, types in ERLAUBTE_DATEITYPEN.items()
}


def inhalt_passt(upload) -> bool:
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

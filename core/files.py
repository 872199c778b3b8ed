"""Upload checks shared by every model that stores documents."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.db import models

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Extension → the content types a browser may legitimately send for it.
ERLAUBTE_DATEITYPEN: dict[str, set[str]] = {
    ".pdf": {"application/pdf"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ".odt": {"application/vnd.oasis.opendocument.text"},
    ".ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    ".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".csv": {"text/csv", "application/vnd.ms-excel"},
    ".txt": {"text/plain"},
}


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
    if content_type and content_type not in ERLAUBTE_DATEITYPEN[ext]:
        raise ValidationError("Der Inhalt passt nicht zur Dateiendung.", code="content_type")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"Die Datei ist zu groß (höchstens {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).",
            code="size",
        )


class Dokument(models.Model):
    """Abstract base of an uploaded document with its checked type and size."""

    titel = models.CharField("Titel", max_length=250)
    datei = models.FileField("Datei", upload_to="dokumente/%Y/%m/", validators=[validate_upload])
    content_type = models.CharField("Inhaltstyp", max_length=120, editable=False)
    groesse = models.PositiveBigIntegerField("Größe in Bytes", editable=False, default=0)
    hochgeladen_am = models.DateTimeField("hochgeladen am", auto_now_add=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.datei and not self.datei._committed:  # a new or replaced file
            self.groesse = self.datei.size
            self.content_type = getattr(self.datei.file, "content_type", "") or ""
        super().save(*args, **kwargs)

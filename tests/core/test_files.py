"""Upload checks: type, content type, double extension, path in the name, size."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import files
from core.files import validate_upload


def upload(name, content_type="application/pdf", size=10):
    return SimpleUploadedFile(name, b"%PDF-1.7" + b"x" * size, content_type=content_type)


class Raw:
    """A file whose name was not cleaned by Django's UploadedFile (which drops folders)."""

    _committed = False
    content_type = "application/pdf"
    size = 10

    def __init__(self, name):
        self.name = name


def test_plain_pdf_is_accepted():
    validate_upload(upload("Bescheid.pdf"))


@pytest.mark.parametrize(
    ("datei", "code"),
    [
        (upload("bescheid.exe", "application/octet-stream"), "type"),
        (upload("bescheid.pdf.exe", "application/octet-stream"), "type"),
        (upload("rechnung.exe.pdf"), "double_extension"),
        (upload("bescheid.pdf", "text/html"), "content_type"),
        (Raw("../../etc/passwd.pdf"), "path"),
        (Raw("ordner\\bescheid.pdf"), "path"),
    ],
)
def test_bad_uploads_are_refused(datei, code):
    with pytest.raises(ValidationError) as error:
        validate_upload(datei)
    assert error.value.code == code


def test_oversize_upload_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("gross.pdf", size=200))
    assert "zu groß" in error.value.messages[0]


def test_stored_file_with_folder_in_its_name_is_not_checked_again():
    class Stored:
        _committed = True
        name = "dokumente/2026/11/bescheid.pdf"

    validate_upload(Stored())

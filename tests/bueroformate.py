"""Office files built in memory for upload tests: valid OOXML and ODF containers, and the
hostile ones an attacker sends (a ZIP renamed .docx, macros, programs inside)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

OOXML = {
    ".docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ".pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
ODF = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def _zip(eintraege: list[tuple[str, bytes]], *, erster_unkomprimiert: bool = False) -> bytes:
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED) as archiv:
        for i, (name, inhalt) in enumerate(eintraege):
            art = zipfile.ZIP_STORED if (i == 0 and erster_unkomprimiert) else zipfile.ZIP_DEFLATED
            archiv.writestr(name, inhalt, compress_type=art)
    return puffer.getvalue()


def ooxml(ext: str = ".docx", *, haupttyp: str | None = None, extra=(), ohne=()) -> bytes:
    """A minimal but well-formed OOXML package of `ext`; `extra` entries are added,
    entries named in `ohne` left out, `haupttyp` replaces the main part's content type."""
    teil, typ = OOXML[ext]
    haupttyp = haupttyp or f"{typ}.main+xml"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{teil}" ContentType="{haupttyp}"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{teil}"/></Relationships>'
    )
    eintraege = [
        ("[Content_Types].xml", content_types.encode()),
        ("_rels/.rels", rels.encode()),
        (teil, b'<?xml version="1.0"?><document/>'),
        *extra,
    ]
    return _zip([(n, i) for n, i in eintraege if n not in ohne])


def odf(ext: str = ".odt", *, mimetype: str | None = None, mimetype_zuerst=True, extra=()):
    """A minimal ODF package of `ext` (the `mimetype` entry first and stored)."""
    eintraege = [
        ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
        ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest/>'),
        *extra,
    ]
    kopf = ("mimetype", (mimetype or ODF[ext]).encode())
    eintraege = [kopf, *eintraege] if mimetype_zuerst else [*eintraege, kopf]
    return _zip(eintraege, erster_unkomprimiert=mimetype_zuerst)


def mit_eintrag(paket: bytes, name: str, inhalt: bytes) -> bytes:
    """`paket` (a ZIP container) with one more entry, e.g. macros in a real workbook."""
    puffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(paket)) as quelle, zipfile.ZipFile(puffer, "w") as ziel:
        for eintrag in quelle.infolist():
            ziel.writestr(eintrag, quelle.read(eintrag))
        ziel.writestr(name, inhalt)
    return puffer.getvalue()


def arbeitsmappe(zeilen: list[list]) -> bytes:
    """A real XLSX workbook (openpyxl) with these rows."""
    import openpyxl

    mappe = openpyxl.Workbook()
    for zeile in zeilen:
        mappe.active.append(zeile)
    puffer = io.BytesIO()
    mappe.save(puffer)
    return puffer.getvalue()


def zip_mit_programmen() -> bytes:
    """The attack of the issue: a plain ZIP holding evil.exe and run.js."""
    return _zip([("evil.exe", b"MZ\x90\x00" + b"\x00" * 60), ("run.js", b"WScript.Echo(1)")])


def hochgeladen(name: str, inhalt: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, inhalt, content_type)

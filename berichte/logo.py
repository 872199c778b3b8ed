"""The Kreis's logo on the report's cover: checks of an uploaded PNG or SVG.

A PNG goes through the project's upload check (`core.files.validate_upload`: name, type,
first bytes, size) and must open as an image. An SVG is XML that a renderer executes in
part, so it is refused, not cleaned, when it could do more than draw: scripts, event
handlers, embedded HTML, animations (they can rewrite links), links to anything outside
the file, style sheets that load URLs, and DTDs or entities (parsed with defusedxml).
"""

from __future__ import annotations

import os
import re

from django.core.exceptions import ValidationError

from core.files import UNBESTIMMT, check_filename, validate_upload

MAX_LOGO_BYTES = 2 * 1024 * 1024
SVG_NS = "{http://www.w3.org/2000/svg}"
# Elements that run code, embed other documents or change the drawing over time.
VERBOTENE_ELEMENTE = {
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "audio",
    "video",
    "animate",
    "animatemotion",
    "animatetransform",
    "set",
    "handler",
    "listener",
}
# CSS that loads something or runs code; `url(#id)` (a gradient in the file) is allowed.
VERBOTENES_CSS = re.compile(r"@import|expression\s*\(|url\s*\(\s*['\"]?\s*[^#'\"\s)]", re.I)

MELDUNG_TYP = "Bitte laden Sie das Logo als PNG- oder SVG-Datei hoch."
MELDUNG_SVG_UNGUELTIG = "Die SVG-Datei ist kein gültiges SVG-Bild."
MELDUNG_SVG_AKTIV = (
    "Die SVG-Datei enthält Skripte, Ereignis-Attribute, Animationen oder Verweise auf andere "
    "Dateien und wird deshalb nicht angenommen. Bitte speichern Sie das Logo als einfaches "
    "SVG (nur Formen und Text) oder als PNG."
)


def _local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def is_svg_harmless(inhalt: bytes) -> bool:
    """True when the SVG only draws (see module doc); raises ValidationError when it is
    no SVG at all."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        wurzel = fromstring(inhalt, forbid_dtd=True)
    except DefusedXmlException:
        return False
    except (ParseError, ValueError) as error:
        raise ValidationError(MELDUNG_SVG_UNGUELTIG, code="svg") from error
    if wurzel.tag != f"{SVG_NS}svg":
        raise ValidationError(MELDUNG_SVG_UNGUELTIG, code="svg")
    for element in wurzel.iter():
        if not isinstance(element.tag, str) or _local_name(element.tag) in VERBOTENE_ELEMENTE:
            return False
        if _local_name(element.tag) == "style" and VERBOTENES_CSS.search(element.text or ""):
            return False
        for attribut, wert in element.attrib.items():
            name = _local_name(attribut)
            if name.startswith("on"):
                return False
            if name == "href" and not wert.strip().startswith("#"):
                return False
            if name == "style" and VERBOTENES_CSS.search(wert):
                return False
    return True


def check_logo(upload) -> None:
    """Refuse anything but a plain PNG or a drawing-only SVG of at most 2 MB."""
    name = upload.name or ""
    ext = os.path.splitext(name.lower())[1]
    if ext not in {".png", ".svg"}:
        raise ValidationError(MELDUNG_TYP, code="type")
    if upload.size > MAX_LOGO_BYTES:
        raise ValidationError(
            f"Das Logo ist zu groß (höchstens {MAX_LOGO_BYTES // (1024 * 1024)} MB).",
            code="size",
        )
    if ext == ".png":
        validate_upload(upload)
        _open_png(upload)
        return
    check_filename(name)  # the name rules of every upload
    typ = getattr(upload, "content_type", None)
    if typ and typ not in {"image/svg+xml", UNBESTIMMT}:
        raise ValidationError("Der Inhalt passt nicht zur Dateiendung.", code="content_type")
    upload.seek(0)
    inhalt = upload.read()
    upload.seek(0)
    if not is_svg_harmless(inhalt):
        raise ValidationError(MELDUNG_SVG_AKTIV, code="svg_aktiv")


def _open_png(upload) -> None:
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as bild:
            bild.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(
            "Die PNG-Datei lässt sich nicht als Bild öffnen.", code="content"
        ) from error
    finally:
        upload.seek(0)

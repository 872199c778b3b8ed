"""Serving stored documents through access-checked views only (no public media URL)."""

from __future__ import annotations

import os

from django.http import FileResponse, Http404

from .files import ERLAUBTE_DATEITYPEN, UNBESTIMMT


def file_response(datei, *, dateiname: str) -> FileResponse:
    """An attachment download of a stored file. The type follows from the checked
    extension of the stored file, never from what a browser once declared."""
    try:
        handle = datei.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("Die Datei ist nicht mehr vorhanden.") from error
    ext = os.path.splitext(datei.name)[1].lower()
    content_type = sorted(ERLAUBTE_DATEITYPEN.get(ext, {UNBESTIMMT}))[0]
    response = FileResponse(
        handle, as_attachment=True, filename=dateiname, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def dokument_response(dokument) -> FileResponse:
    """A core.files.Dokument under its original name."""
    return file_response(
        dokument.datei, dateiname=dokument.dateiname or dokument.datei.name.rsplit("/", 1)[-1]
    )

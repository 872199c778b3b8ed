"""Serving stored documents through access-checked views only (no public media URL)."""

from __future__ import annotations

from django.http import FileResponse, Http404


def dokument_response(dokument) -> FileResponse:
    """An attachment download of a core.files.Dokument, under its original name."""
    try:
        handle = dokument.datei.open("rb")
    except FileNotFoundError as error:
        raise Http404("Die Datei ist nicht mehr vorhanden.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=dokument.dateiname or dokument.datei.name.rsplit("/", 1)[-1],
        content_type=dokument.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

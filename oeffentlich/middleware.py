"""Last-Modified on the public responses (issue 17, point 4)."""

from __future__ import annotations

from django.utils.http import http_date

from core.middleware import oeffentliche_antwort, oeffentlicher_pfad

from .datenstand import datenstand


class DatenstandMiddleware:
    """A public 200 to GET/HEAD without its own Last-Modified gets the newest change of the
    public data (oeffentlich.datenstand), so ConditionalGetMiddleware (above this one) answers
    a harvester's `If-Modified-Since` with 304. Only responses marked `public`: a private
    one (an API token's answer) may hold data the date does not cover.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("Last-Modified")
            and oeffentlicher_pfad(request.path)
            and not request.path.startswith(_static())
            and oeffentliche_antwort(response)
        ):
            stand = datenstand(request)
            if stand is not None:
                response["Last-Modified"] = http_date(stand.timestamp())
        return response


def _static() -> str:
    from django.conf import settings

    return settings.STATIC_URL

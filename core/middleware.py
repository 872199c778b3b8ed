"""Request plumbing that knows no domain: request id, Permissions-Policy, idle timeout."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

from .logging import neue_request_id, request_id

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Give every request an id: from the proxy's X-Request-ID if well-formed, else new.

    The id is on every log record of the request (core.logging.RequestIdFilter), goes with
    the Celery tasks it queues, and is sent back in the response header, so a user's error
    report can be matched with the log lines.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = neue_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response


class PermissionsPolicyMiddleware:
    """Switch off browser features the portal never uses (camera, microphone, location …)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PORTAL_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.value)
        return response


# Key in the session: when the expiry was last pushed forward (seconds since the epoch).
SITZUNG_AKTIV_KEY = "_portal_aktiv"


def sitzung_auffrischen(session) -> None:
    """Mark the session as active now (also called on login)."""
    session[SITZUNG_AKTIV_KEY] = int(time.time())


class SitzungsAblaufMiddleware:
    """Idle timeout: a session ends SESSION_COOKIE_AGE seconds after the last request.

    Instead of saving the session on every request (SESSION_SAVE_EVERY_REQUEST, one write
    per page), the expiry is pushed forward at most once per PORTAL_SITZUNG_AUFFRISCHEN
    seconds; the idle limit is therefore exact to within that interval.
    Must come after SessionMiddleware and AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A request that never looked at the session (health check, static file) leaves it
        # alone; so does one without a logged-in user.
        if session is not None and session.accessed and SESSION_KEY in session:
            zuletzt = session.get(SITZUNG_AKTIV_KEY, 0)
            if time.time() - zuletzt >= settings.PORTAL_SITZUNG_AUFFRISCHEN:
                # Modifying the session makes SessionMiddleware save it with a new expiry
                # and send the cookie again with a fresh max-age.
                sitzung_auffrischen(session)
        return response

"""Request plumbing without domain: request id, Permissions-Policy, idle timeout, cache guard."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control

from .logging import new_request_id, request_id

REQUEST_ID_HEADER = "X-Request-ID"

logger = logging.getLogger(__name__)


def oeffentlicher_pfad(path: str) -> bool:
    """A path served the same to everyone, without session (PORTAL_OEFFENTLICHE_PFADE).

    Middleware must not touch `request.user` or the session there: reading them makes
    SessionMiddleware add `Vary: Cookie`, writing them adds `Set-Cookie` — both wrong on a
    response a shared cache may keep (`Cache-Control: public`).
    """
    return path.startswith((*settings.PORTAL_OEFFENTLICHE_PFADE, settings.STATIC_URL))


def _cache_control(response) -> set[str]:
    return {
        teil.strip().split("=")[0].lower()
        for teil in response.get("Cache-Control", "").split(",")
        if teil.strip()
    }


def oeffentliche_antwort(response) -> bool:
    """The same for everyone: `Cache-Control: public`, no cookie set, not varying by one."""
    vary = {teil.strip().lower() for teil in response.get("Vary", "").split(",")}
    cache_control = _cache_control(response)
    return (
        "public" in cache_control
        and not {"private", "no-store"} & cache_control
        and not response.cookies
        and "cookie" not in vary
    )


class OeffentlichGZipMiddleware(GZipMiddleware):
    """Gzip for public responses only (BREACH).

    BREACH reads a secret (CSRF token, session data) out of the compressed size of a page
    that also reflects attacker-chosen input. So only what carries no secret is compressed:
    a response on a public path (PORTAL_OEFFENTLICHE_PFADE), marked `public`, without a
    cookie, to a request that sends no session cookie. Every page of a logged-in user, every
    private download and anything with a session goes out uncompressed.
    """

    def process_response(self, request, response):
        if (
            oeffentlicher_pfad(request.path)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and oeffentliche_antwort(response)
        ):
            return super().process_response(request, response)
        return response


class RequestIdMiddleware:
    """Give every request an id: from the proxy's X-Request-ID if well-formed, else new.

    The id is on every log record of the request (core.logging.RequestIdFilter), goes with
    the Celery tasks it queues, and is sent back in the response header, so a user's error
    report can be matched with the log lines.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = new_request_id(request.headers.get(REQUEST_ID_HEADER))
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
        if oeffentlicher_pfad(request.path):
            # Publicly cacheable: never refresh (and so re-send) the session cookie here.
            return response
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


class OeffentlichCacheSchutzMiddleware:
    """Defence in depth: a response a shared cache may keep never carries a session.

    If a response is `Cache-Control: public` and yet sets a cookie or varies by one (some
    code read or wrote the session after all), a proxy could store one visitor's cookie or
    personal page and hand it to others. Such a response is downgraded to `private` (and
    logged), so the cookie still reaches its owner but no shared cache keeps it.
    Must come before SessionMiddleware and CsrfViewMiddleware, so that it sees their cookies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cache_control = response.get("Cache-Control", "").lower()
        if "public" not in {teil.strip().split("=")[0] for teil in cache_control.split(",")}:
            return response
        vary = {teil.strip().lower() for teil in response.get("Vary", "").split(",")}
        if response.cookies or "cookie" in vary:
            logger.warning(
                "Public response for %s carried a cookie; sent as private instead", request.path
            )
            # patch_cache_control drops "public" when "private" is set.
            patch_cache_control(response, private=True)
        return response


class PrivatNichtSpeichernMiddleware:
    """Every response to a logged-in user: `Cache-Control: private, no-store`.

    A page with a user's data (contacts, participants, drafts) must not stay in a shared
    cache, nor in the browser after logout on a shared PC. The public paths are left alone:
    they are the same for everyone and stay `public` and cookie-free (reading `request.user`
    there would add `Vary: Cookie`). Must come after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if oeffentlicher_pfad(request.path):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # patch_cache_control drops "public" when "private" is set.
            patch_cache_control(response, private=True, no_store=True)
        return response

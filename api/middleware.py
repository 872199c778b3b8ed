"""Everything the API's responses share, in front of django-ninja (issue 17, point 1):

- the personal token (`Authorization: Bearer <token>`): a valid one makes the request read
  as its owner (`request.api_user`); a wrong, revoked or foreign-scheme one is a 401, never a
  silent fall-back to the anonymous view. Browser sessions are not read here: the API answers
  the same to a logged-in browser as to anyone without a token, so an anonymous response is
  the same for everyone and may be kept by shared caches;
- a rate limit per token (or per client address without one), counted in the cache: 429
  with a German message and `Retry-After`;
- caching: without a token `Cache-Control: public, max-age=60`, with a token `private,
  no-store` (internal data); `Vary: Authorization` on both; an ETag on every 200, and 304 for
  a matching `If-None-Match`. The site-wide ConditionalGetMiddleware (and Last-Modified from
  oeffentlich.middleware) covers public GETs as well; this one adds the ETag to token answers,
  which that middleware skips for being no-store, and serves HEAD (django-ninja routes GET
  only). Both compute the same content ETag.

`/api/` is among PORTAL_OEFFENTLICHE_PFADE, so the session and login middleware leave these
requests alone (no session cookie, no `Vary: Cookie`).
"""

from __future__ import annotations

import datetime as dt
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .models import ApiToken, token_hash

API_PFAD = "/api/"
LESEND = ("GET", "HEAD")
CACHE_SEKUNDEN = 60
# `zuletzt_benutzt_am` is written at most this often per token (not one write per request).
BENUTZT_INTERVALL = dt.timedelta(minutes=5)

UNGUELTIG = (
    "Das API-Token ist ungültig oder wurde widerrufen. Ein neues Token erstellen Sie in "
    "Ihrem Konto unter „API-Zugang“."
)
FALSCHES_SCHEMA = "Bitte das Token als „Authorization: Bearer <Token>“ senden."


def _error(status: int, meldung: str, **header) -> JsonResponse:
    response = JsonResponse(
        {"detail": meldung}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    for name, wert in header.items():
        response[name.replace("_", "-")] = wert
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Authorization"])
    return response


def token_from_request(request) -> tuple[bool, ApiToken | None]:
    """(a token was sent, the valid token or None)."""
    kopf = request.headers.get("Authorization", "")
    if not kopf:
        return False, None
    schema, _, wert = kopf.partition(" ")
    wert = wert.strip()
    if schema.lower() != "bearer" or not wert or len(wert) > 200:
        return True, None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(schluessel_hash=token_hash(wert), user__is_active=True)
        .first()
    )
    return True, token


def _client_address(request) -> str:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or "unbekannt"
    except Exception:  # a malformed X-Forwarded-For must not break the API
        return request.META.get("REMOTE_ADDR", "unbekannt")


def _too_many(request, token: ApiToken | None) -> JsonResponse | None:
    """A fixed window of one minute; the counter lives in the cache (shared by all web
    processes when the cache is Redis)."""
    if token is not None:
        grenze, wer = settings.API_RATE_LIMIT_TOKEN, f"t{token.pk}"
    else:
        grenze, wer = settings.API_RATE_LIMIT_ANONYM, f"a{_client_address(request)}"
    if not grenze:
        return None
    fenster = int(time.time() // 60)
    schluessel = f"api:rate:{wer}:{fenster}"
    cache.add(schluessel, 0, 120)
    try:
        anzahl = cache.incr(schluessel)
    except ValueError:  # expired between add and incr
        cache.set(schluessel, 1, 120)
        anzahl = 1
    if anzahl <= grenze:
        return None
    warten = max(1, math.ceil((fenster + 1) * 60 - time.time()))
    return _error(
        429,
        f"Zu viele Anfragen: höchstens {grenze} je Minute"
        f"{' mit diesem Token' if token else ' ohne Token'}. "
        f"Bitte warten Sie {warten} Sekunden und versuchen Sie es dann erneut.",
        Retry_After=str(warten),
    )


class ApiAccessMiddleware:
    """Token, rate limit and HTTP caching for every request under /api/ (module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PFAD):
            return self.get_response(request)
        if request.method not in LESEND:
            # Read-only by design: no view under /api/ ever sees a write method, so none
            # needs a CSRF check (django-ninja's views are csrf_exempt).
            response = _error(
                405, "Die API ist nur lesend: erlaubt sind GET und HEAD.", Allow="GET, HEAD"
            )
            return response
        gesendet, token = token_from_request(request)
        if gesendet and token is None:
            kopf = request.headers.get("Authorization", "")
            meldung = UNGUELTIG if kopf.lower().startswith("bearer ") else FALSCHES_SCHEMA
            return _error(
                401, meldung, WWW_Authenticate='Bearer realm="api", error="invalid_token"'
            )
        request.api_token = token
        request.api_user = token.user if token else None
        zu_viele = _too_many(request, token)
        if zu_viele is not None:
            return zu_viele
        if token is not None and (
            token.zuletzt_benutzt_am is None
            or timezone.now() - token.zuletzt_benutzt_am > BENUTZT_INTERVALL
        ):
            ApiToken.objects.filter(pk=token.pk).update(zuletzt_benutzt_am=timezone.now())

        # django-ninja routes GET only; HEAD (harvesters ask it first) is the GET without body.
        kopf_anfrage = request.method == "HEAD"
        if kopf_anfrage:
            request.method = "GET"
        response = self.get_response(request)
        if kopf_anfrage:
            request.method = "HEAD"

        patch_vary_headers(response, ["Authorization"])
        if token is not None or response.status_code >= 400:
            patch_cache_control(response, private=True, no_store=True)
        elif "Cache-Control" not in response:
            patch_cache_control(response, public=True, max_age=CACHE_SEKUNDEN)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.streaming
        ):
            if not response.has_header("ETag"):
                from django.utils.cache import set_response_etag

                set_response_etag(response)
            if not response.has_header("Date"):
                response["Date"] = http_date()
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        if kopf_anfrage and not response.streaming:
            laenge = len(response.content)
            response.content = b""
            if response.status_code == 200:
                response["Content-Length"] = str(laenge)
        return response

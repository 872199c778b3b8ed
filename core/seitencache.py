"""Whole logged-in pages from the cache while the data stand is the same (issue 19, point 1).

A list or a dashboard shown to the same person, in the same session, at the same address is
the same page until the data change: its rows, figures, filter choices and the layout around
them (name, navigation, unread count) are all decided by the data, the person and the query.
`cached_page` keeps such a page's HTML under a `core.cachestand.daten_key` made of exactly
that, so any write voids it at once and a hit costs the middleware, the view's permission
check (which runs before) and one cache read instead of the queries and the templates.

Never from the cache, never into it:
- anything but a GET or HEAD of a logged-in person with a session and a CSRF cookie (the
  cached page carries a CSRF token masked from that cookie's secret, valid while the cookie
  is; a new login rotates both, and with them the key);
- a request with messages waiting (the page would show them once, the cache for ever);
- a response that is not a 200 or that sets a cookie;
- anything while `PORTAL_SEITENCACHE` is off (settings; the test settings switch it off).

What else shows on every page and is not counted in the data stand (the unread
notifications) comes into the key through `PORTAL_SEITENCACHE_TEILE` (settings): dotted
paths of callables taking the request, so that `core` imports no app above it.
"""

from __future__ import annotations

from functools import cache as memoize

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from core.cachestand import daten_key

# What depends on the time of day besides the date is bounded by this (none of the cached
# pages shows a time; a write voids the entry at once anyway).
SEITEN_SEKUNDEN = 5 * 60
# Headers of the view's response that htmx reads (the list's pushed address) or that
# describe the body; everything else is added by the middleware on every response.
_HEADER = ("Content-Type", "HX-Push-Url", "Vary", "Content-Language")


@memoize
def _zusatzteile() -> tuple:
    return tuple(import_string(pfad) for pfad in getattr(settings, "PORTAL_SEITENCACHE_TEILE", ()))


def page_key(request, name: str) -> str | None:
    """The cache key of this request's page, or None where it must not be cached."""
    if not settings.PORTAL_SEITENCACHE or request.method not in ("GET", "HEAD"):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = getattr(request, "session", None)
    sitzung = session.session_key if session is not None else None
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not sitzung or not csrf:
        return None
    if len(messages.get_messages(request)):  # counts without marking them as shown
        return None
    htmx = tuple(request.headers.get(h, "") for h in ("HX-Request", "HX-Boosted", "HX-Target"))
    return daten_key(
        f"seite:{name}",
        user.pk,
        sitzung,
        csrf,
        request.get_full_path(),
        htmx,
        timezone.localdate().isoformat(),
        *(teil(request) for teil in _zusatzteile()),
    )


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


def cached_page(request, name: str, build):
    """The page `build()` makes for this request, from the cache where it may be.

    `build` is the view's own work after its permission check; `name` tells the views apart."""
    key = page_key(request, name)
    if key is None:
        return build()
    frozen = cache.get(key)
    if frozen is not None:
        content, headers = frozen
        # As rendering the page's `{% csrf_token %}` would: the cookie's expiry is renewed.
        get_token(request)
        return HttpResponse(content, headers=headers)
    response = build()

    def store(rendered):
        if _storable(rendered):
            headers = {h: rendered[h] for h in _HEADER if rendered.has_header(h)}
            cache.set(key, (rendered.content, headers), SEITEN_SEKUNDEN)

    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(store)
    else:
        store(response)
    return response

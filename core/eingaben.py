"""Input checked before it reaches the database: URL converters and query-parameter checks.

PostgreSQL refuses a NUL byte in any text parameter ("cannot contain NUL"), which surfaced
as a 500 with a traceback; a wrong-length code would simply find nothing, one query later.
So identifiers from a URL or a query string are checked for their exact shape first, and a
value of the wrong shape is a 404 like an unknown one.
"""

from __future__ import annotations

import re

from django.http import Http404

KREIS_AGS = re.compile(r"[0-9]{5}")


def kreis_ags(wert: str | None) -> str | None:
    """The AGS of a Kreis from `?kreis=`: None when empty, Http404 when not five digits."""
    if not wert:
        return None
    wert = wert.strip()
    if not KREIS_AGS.fullmatch(wert):
        raise Http404("Kreis nicht gefunden.")
    return wert


class TokenConverter:
    """A token of `secrets.token_urlsafe(32)`: 43 characters of the URL-safe alphabet."""

    regex = "[A-Za-z0-9_-]{43}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# One DNS label: letters, digits and inner hyphens (IDN hosts in their xn-- form).
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HTTPS_ORIGIN = re.compile(
    rf"https://(?P<host>{_LABEL}(?:\.{_LABEL})+)(?::(?P<port>[0-9]{{1,5}}))?/?"
)
MAX_ORIGINS = 20


def https_origins(text: str) -> list[str]:
    """The https origins in `text`, one per line (blank lines ignored), normalised to
    `https://host[:port]` in lower case without duplicates. They go verbatim into a
    `Content-Security-Policy: frame-ancestors` header, so nothing but scheme, host name and
    port may pass: no path, query, user, wildcard, IP address, space or `;`. Raises a
    ValidationError with a German message naming the first bad line."""
    from django.core.exceptions import ValidationError

    origins: list[str] = []
    for zeile in (text or "").splitlines():
        eintrag = zeile.strip()
        if not eintrag:
            continue
        treffer = HTTPS_ORIGIN.fullmatch(eintrag.lower())
        port = treffer and treffer["port"]
        if (
            treffer is None
            or treffer["host"].rsplit(".", 1)[-1].isdigit()
            or (port and not 0 < int(port) < 65536)
        ):
            raise ValidationError(
                f"„{eintrag[:100]}“ ist keine gültige Adresse. Bitte je Zeile eine "
                "https-Adresse ohne Pfad angeben, z. B. https://www.detmold.de.",
                code="https_origin",
            )
        origin = f"https://{treffer['host']}" + (f":{port}" if port and port != "443" else "")
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(
            f"Höchstens {MAX_ORIGINS} Adressen, bitte kürzen.", code="https_origin_anzahl"
        )
    return origins


def https_origins_validator(text: str) -> None:
    """Model-field validator form of `https_origins`."""
    https_origins(text)

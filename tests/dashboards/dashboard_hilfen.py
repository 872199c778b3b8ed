"""Helpers shared by the tests of /dashboard/ and /region/."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cachestand import DATEN_SCHLUESSEL, advance


def seitentext(response) -> str:
    """The page as a reader gets it: tags stripped, whitespace collapsed."""
    return seitentext_von(response.content.decode())


def seitentext_von(html: str) -> str:
    """`html` as a reader gets it: tags stripped, whitespace (also narrow no-break spaces)
    collapsed to single spaces."""
    ohne_tags = re.sub(r"<[^>]+>", " ", html)
    return " ".join(unescape(ohne_tags).split())


def abfragen_wachsen_nicht(client, url: str, mehr_daten: Callable[[], None], maximum: int) -> int:
    """Asserts the page costs the same number of queries (at most `maximum`) before and
    after `mehr_daten()` adds rows; returns that number. Computed afresh both times: the
    data stand moves on before each (cached figures cost fewer, test_dashboard_cache.py)."""
    client.get(url)  # the first request after login rewrites the session
    advance(DATEN_SCHLUESSEL)
    with CaptureQueriesContext(connection) as klein:
        assert client.get(url).status_code == 200
    mehr_daten()
    advance(DATEN_SCHLUESSEL)
    with CaptureQueriesContext(connection) as gross:
        assert client.get(url).status_code == 200
    assert len(gross) == len(klein), [q["sql"][:80] for q in gross.captured_queries]
    assert len(gross) <= maximum, [q["sql"][:80] for q in gross.captured_queries]
    return len(gross)


def zweimal_gleich(client, url: str) -> str:
    """The page's text, asked for twice (the second time from the cache): both must say the
    same."""
    erst = seitentext(client.get(url))
    assert seitentext(client.get(url)) == erst
    return erst


def abfragen_beim_zweiten_mal(client, url: str) -> list[str]:
    """The queries of the page's second request (its figures from the cache)."""
    client.get(url)
    with CaptureQueriesContext(connection) as abfragen:
        assert client.get(url).status_code == 200
    return [q["sql"][:80] for q in abfragen.captured_queries]

"""Generation counters for cache keys: a cached value carries its counter's `stand` in its
key, and `weiterzaehlen` makes every value cached under the old one unreachable at once (no
need to know the keys to delete them).

A counter that is missing – never set, or evicted – starts at the current time in
milliseconds, above any value it can have had before, so a key of an older generation is
never met again.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def _neu() -> int:
    return int(time.time() * 1000)


def stand(schluessel: str) -> int:
    """The counter's current value (part of the cache keys it guards)."""
    return cache.get_or_set(schluessel, _neu, None)


def weiterzaehlen(schluessel: str) -> None:
    """Move the counter on: everything cached under its old value is void."""
    try:
        cache.incr(schluessel)
    except ValueError:  # not in the cache (yet, or evicted)
        cache.set(schluessel, _neu(), None)

"""Generation counters for cache keys: a cached value carries its counter's `stand` in its
key, and `advance` makes every value cached under the old one unreachable at once (no
need to know the keys to delete them).

A counter that is missing – never set, or evicted – starts at the current time in
milliseconds, above any value it can have had before, so a key of an older generation is
never met again.

`daten_stand` is the counter of the portal's data as a whole: every save, delete and m2m
change of a portal model moves it on (`core.apps` connects `model_changed` to every
model; the apps whose rows no figure reads are left out), and so does every write that
sends no model signal but one of its own (the import's bulk writes,
`massnahmen.signals.im_bulk_geschrieben`; history written dated in the past,
`core.stichtag.past_changed`). A figure cached under `daten_key` is
therefore never older than the last write. The counters live in the cache itself, so every
process must share it (Redis in production, a file cache for `make run`; settings).
"""

from __future__ import annotations

import hashlib
import time
from functools import partial

from django.core.cache import cache
from django.db import transaction

DATEN_SCHLUESSEL = "cachestand:daten"
# The counter of who may do what: the users, their groups and permissions and the tenancy
# (memberships, Kommunen, Kreise, regions). What is cached under it (a person's Scope, the
# session's person) survives the writes of the data itself.
RECHTE_SCHLUESSEL = "cachestand:rechte"
RECHTE_APPS = frozenset({"auth", "kommunen"})
# Apps whose rows no cached figure reads and which are written on every login or request:
# counting them would void the caches all the time.
OHNE_APPS = frozenset(
    {"sessions", "admin", "contenttypes", "account", "mfa", "benachrichtigungen", "zugang", "api"}
)
# Single models of that kind (the beat's heartbeat, every minute).
OHNE_MODELLE = frozenset({"core.workerheartbeat"})


def _new() -> int:
    return int(time.time() * 1000)


def stand(schluessel: str) -> int:
    """The counter's current value (part of the cache keys it guards)."""
    return cache.get_or_set(schluessel, _new, None)


def advance(schluessel: str) -> None:
    """Move the counter on: everything cached under its old value is void."""
    try:
        cache.incr(schluessel)
    except ValueError:  # not in the cache (yet, or evicted)
        cache.set(schluessel, _new(), None)


def daten_stand() -> int:
    """The portal data's counter."""
    return stand(DATEN_SCHLUESSEL)


def daten_changed(**_kwargs) -> None:
    """The portal's data changed: every figure cached under `daten_key` is void.
    Now, and once more after the commit: a request that read between the write and the
    commit may have cached the old state under the new key."""
    advance(DATEN_SCHLUESSEL)
    transaction.on_commit(partial(advance, DATEN_SCHLUESSEL), robust=True)


def erfasst(model) -> bool:
    """Whether writes of `model` move the data stand on (what is cached under it may be
    read from its rows)."""
    meta = model._meta
    return meta.app_label not in OHNE_APPS and meta.label_lower not in OHNE_MODELLE


def decides_rights(model) -> bool:
    """Whether writes of `model` may change who sees or does what (the user model and its
    m2m tables, auth's groups and permissions, the tenancy)."""
    meta = model._meta
    return meta.app_label in RECHTE_APPS or meta.label_lower.startswith("core.user")


def rechte_changed() -> None:
    """Now and after the commit, as `daten_changed`."""
    advance(RECHTE_SCHLUESSEL)
    transaction.on_commit(partial(advance, RECHTE_SCHLUESSEL), robust=True)


def model_changed(sender, update_fields=None, **kwargs) -> None:
    """Receiver of post_save, post_delete and m2m_changed for every model."""
    if not erfasst(sender):
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login, no data
    daten_changed()
    if decides_rights(sender):
        rechte_changed()


def _key(name: str, wert: int, teile: tuple) -> str:
    digest = hashlib.sha256(repr(teile).encode()).hexdigest()[:24]
    return f"{name}:{wert}:{digest}"


def daten_key(name: str, *teile) -> str:
    """The cache key of a figure `name` computed from the portal's data and `teile` (whatever
    else decides it: the viewer's rights, the Kreis, the date, the query): a new key after
    every write."""
    return _key(name, daten_stand(), teile)


def rechte_key(name: str, *teile) -> str:
    """As `daten_key`, under the rights' counter: a new key after every write that may change
    who sees or does what, the same key across the other writes."""
    return _key(name, stand(RECHTE_SCHLUESSEL), teile)


def daten_cache(name: str, teile: tuple, berechnen, sekunden: int, *, key=None):
    """`compute()`, cached under `daten_key(name, *teile)` (or `key(name, *teile)`) for at
    most `sekunden` (what depends on the time of day besides the date); a write voids it at
    once."""
    schluessel = (key or daten_key)(name, *teile)
    wert = cache.get(schluessel)
    if wert is None:
        wert = berechnen()
        cache.set(schluessel, wert, sekunden)
    return wert

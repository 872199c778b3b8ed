"""`ungelesen`: the number of unread notifications for the badge in the navigation."""

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

# The count is cached per person, so the badge costs no query on most pages. Every write
# that changes it (new notifications, marked read) drops the entry at once; the timeout
# only bounds how long a lost membership may still be counted (the inbox itself always
# filters afresh), and how long another process's local cache may lag.
ZAEHLER_SEKUNDEN = 60


def counter_key(user_id) -> str:
    return f"benachrichtigungen:ungelesen:{user_id}"


def forget_counter(user_ids) -> None:
    cache.delete_many([counter_key(pk) for pk in user_ids])


def count_unread(user) -> int:
    from .models import Benachrichtigung

    schluessel = counter_key(user.pk)
    anzahl = cache.get(schluessel)
    if anzahl is None:
        anzahl = Benachrichtigung.objects.for_recipient(user).unread().count()
        cache.set(schluessel, anzahl, ZAEHLER_SEKUNDEN)
    return anzahl


def ungelesen(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"ungelesen": 0}
    # Evaluated only when a template shows it.
    return {"ungelesen": SimpleLazyObject(lambda: count_unread(user))}


def unread_for_request(request) -> int:
    """The badge's count as part of a cached page's key (core.seitencache): notifications
    do not move the data stand, the page with the badge must change with them."""
    return count_unread(request.user)

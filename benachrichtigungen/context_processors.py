"""`ungelesen`: the number of unread notifications for the badge in the navigation."""

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

# The count is cached per person, so the badge costs no query on most pages. Every write
# that changes it (new notifications, marked read) drops the entry at once; the timeout
# only bounds how long a lost membership may still be counted (the inbox itself always
# filters afresh), and how long another process's local cache may lag.
ZAEHLER_SEKUNDEN = 60


def zaehler_schluessel(user_id) -> str:
    return f"benachrichtigungen:ungelesen:{user_id}"


def zaehler_vergessen(user_ids) -> None:
    cache.delete_many([zaehler_schluessel(pk) for pk in user_ids])


def ungelesen_anzahl(user) -> int:
    from .models import Benachrichtigung

    schluessel = zaehler_schluessel(user.pk)
    anzahl = cache.get(schluessel)
    if anzahl is None:
        anzahl = Benachrichtigung.objects.fuer(user).ungelesen().count()
        cache.set(schluessel, anzahl, ZAEHLER_SEKUNDEN)
    return anzahl


def ungelesen(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"ungelesen": 0}
    # Evaluated only when a template shows it.
    return {"ungelesen": SimpleLazyObject(lambda: ungelesen_anzahl(user))}

"""Django's model permissions (admin groups and user permissions), read from the cache.

Every `perms.…` in a template and every `has_perm` that the rules backend (django-rules,
the portal's own permissions) answers with no asks this backend next, and Django's
ModelBackend loads the user's permissions and those of their groups anew on every
request: two queries on every page that shows an action button (issue 19). The sets change
only when a user, a group or a permission is written, and each of those writes moves the
data stand on (core.cachestand), which is part of the key. The same holds for the user
object itself, which Django loads anew for every request of a session.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from .cachestand import daten_key, rechte_key

CACHE_SEKUNDEN = 10 * 60
# The session's person: every save of a user moves the rights' counter on (a deactivation, a
# new password or name show at once); this bounds what changes without a model signal.
PERSON_SEKUNDEN = 60


class GecachteRechteBackend(ModelBackend):
    """ModelBackend whose permission sets and session person come from the cache (per user
    and data stand)."""

    def get_user(self, user_id):
        """The person of a session (every logged-in request asks): from the cache while the
        rights' counter is the same (core.cachestand), the last query of a page that comes
        from the cache itself (core.seitencache; issue 19, point 1)."""
        if not settings.PORTAL_SEITENCACHE:
            return super().get_user(user_id)
        schluessel = rechte_key("sitzungsperson", user_id)
        user = cache.get(schluessel)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(schluessel, user, PERSON_SEKUNDEN)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            schluessel = daten_key("modellrechte", user_obj.pk, user_obj.is_superuser)
            rechte = cache.get(schluessel)
            if rechte is None:
                rechte = super().get_all_permissions(user_obj)
                cache.set(schluessel, rechte, CACHE_SEKUNDEN)
            user_obj._perm_cache = rechte
        return user_obj._perm_cache

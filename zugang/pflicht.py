"""Who must use a second factor (PORTAL_MFA_PFLICHT_ROLLEN) and whether they have one."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings

from kommunen.scope import scope_for


def mfa_required(user) -> bool:
    """The user holds a role for which the second factor is required.

    Role codes: "kreis", "region", "cdo" (as in kommunen.Rolle) and "admin" (superusers).
    """
    rollen = set(settings.PORTAL_MFA_PFLICHT_ROLLEN)
    if not rollen or user is None or not user.is_authenticated:
        return False
    scope = scope_for(user)
    return bool(
        ("kreis" in rollen and scope.kreis_ids)
        or ("region" in rollen and scope.region_ids)
        or ("cdo" in rollen and scope.cdo_kommune_ids)
        or ("admin" in rollen and scope.is_superuser)
    )


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

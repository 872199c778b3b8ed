"""Second-factor duty for staff roles, and the audit entry for every refused access."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from core.middleware import oeffentlicher_pfad

from .models import Protokolleintrag
from .pflicht import has_totp, mfa_required
from .services import log_protokolleintrag

HINWEIS_MFA = (
    "Für Ihre Rolle ist ein zweiter Faktor vorgeschrieben. Bitte richten Sie jetzt eine "
    "Authenticator-App ein; erst danach können Sie das Portal nutzen."
)


class MfaRequiredMiddleware:
    """Members of a role in PORTAL_MFA_PFLICHT_ROLLEN without TOTP go to the TOTP set-up.

    Only the set-up itself (allauth's 2FA and re-authentication pages), logout, the legal
    pages, the public pages, static files and the health check stay reachable until then.
    The path is checked before `request.user`: reading the user loads the session, and a
    publicly cacheable page (/oeffentlich/) must not vary by the session cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _exempt(self, path: str) -> bool:
        if oeffentlicher_pfad(path):
            return True
        frei = (
            reverse("mfa_index"),
            reverse("account_logout"),
            reverse("account_reauthenticate"),
            reverse("account_login"),
            reverse("core:datenschutz"),
            reverse("core:impressum"),
            reverse("core:barrierefreiheit"),
        )
        return path.startswith(frei)

    def __call__(self, request):
        if (
            settings.PORTAL_MFA_PFLICHT_ROLLEN
            and not self._exempt(request.path)
            and request.user.is_authenticated
            and mfa_required(request.user)
            and not has_totp(request.user)
        ):
            ziel = reverse("mfa_activate_totp")
            messages.warning(request, HINWEIS_MFA)
            # Read the header itself: django-htmx's middleware comes later in the chain.
            if request.headers.get("HX-Request") == "true":
                return HttpResponseClientRedirect(ziel)
            return redirect(ziel)
        return self.get_response(request)


class AccessDeniedMiddleware:
    """Every 403 answer (permission, CSRF) becomes an audit entry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            person = user if user is not None and user.is_authenticated else None
            log_protokolleintrag(
                ereignis=Protokolleintrag.Ereignis.ZUGRIFF_VERWEIGERT,
                request=request,
                person=person,
                details=request.method,
            )
        return response

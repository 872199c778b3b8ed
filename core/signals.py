"""Keep allauth's EmailAddress in step with the user's own e-mail field.

Accounts are created by the Kreis (admin, seed, import), never by sign-up, so the address
is known and counts as verified; allauth needs that before it allows TOTP.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="core.sync_email_address")
def sync_email_address(sender, instance, raw=False, **kwargs):
    if raw or not instance.email:
        return
    EmailAddress.objects.filter(user=instance).exclude(email__iexact=instance.email).delete()
    EmailAddress.objects.update_or_create(
        user=instance, email=instance.email, defaults={"verified": True, "primary": True}
    )


@receiver(user_logged_in, dispatch_uid="core.sitzung_beginnt")
def session_started(sender, request, user, **kwargs):
    """Start the idle clock at login (core.middleware.SitzungsAblaufMiddleware)."""
    from .middleware import sitzung_auffrischen

    if request is not None and hasattr(request, "session"):
        sitzung_auffrischen(request.session)

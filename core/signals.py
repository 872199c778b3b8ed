"""Keep allauth's EmailAddress in step with the user's own e-mail field.

Accounts are created by the Kreis (admin, seed, import), never by sign-up, so the address
is known and counts as verified; allauth needs that before it allows TOTP.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
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

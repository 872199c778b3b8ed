"""Personal read-only API tokens (issue 17, point 1).

A token is shown once, when it is created; the database keeps only its SHA-256 hash, so a
copy of the database (a backup, an admin's screen) cannot be used to read through the API.
A token reads what its owner may read in the portal at the moment of each request (the
owner's Mitgliedschaften, `kommunen.scope`), no more: a role taken away or an account
deactivated takes effect on the next request.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import TimeStampedModel

# Recognisable in a leaked config file or a secret scanner ("lpt" = Lippe Portal Token).
PRAEFIX = "lpt_"


def token_hash(klartext: str) -> str:
    """The stored form of a token: SHA-256, hex. The token has 256 bits of entropy, so a
    fast hash is enough (no password stretching needed)."""
    return hashlib.sha256(klartext.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(widerrufen_am__isnull=True)

    def for_user(self, user) -> ApiTokenQuerySet:
        """A person sees and revokes only their own tokens."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ApiToken(TimeStampedModel):
    """A personal read-only token for the API (`Authorization: Bearer <token>`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="Person",
    )
    bezeichnung = models.CharField(
        "Bezeichnung",
        max_length=100,
        help_text="Wofür Sie das Token verwenden, z. B. „Auswertung Kreistag“.",
    )
    schluessel_hash = models.CharField("SHA-256 des Tokens", max_length=64, unique=True)
    # The first characters, so the owner can tell two tokens apart without the secret.
    anfang = models.CharField("Anfang des Tokens", max_length=12)
    zuletzt_benutzt_am = models.DateTimeField("zuletzt benutzt am", null=True, blank=True)
    widerrufen_am = models.DateTimeField("widerrufen am", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API-Token"
        verbose_name_plural = "API-Tokens"
        ordering = ["-erstellt_am"]

    def __str__(self) -> str:
        return f"{self.bezeichnung} ({self.anfang}…)"

    @property
    def is_active(self) -> bool:
        return self.widerrufen_am is None

    @classmethod
    def issue(cls, *, user, bezeichnung: str) -> tuple[ApiToken, str]:
        """A new token for `user`: the stored record and the plain token (shown once)."""
        klartext = PRAEFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            bezeichnung=bezeichnung,
            schluessel_hash=token_hash(klartext),
            anfang=klartext[: len(PRAEFIX) + 4],
        )
        return token, klartext

    def revoke(self) -> None:
        if self.widerrufen_am is None:
            self.widerrufen_am = timezone.now()
            self.save(update_fields=["widerrufen_am", "geaendert_am"])

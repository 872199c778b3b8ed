"""Shared building blocks without domain knowledge: the user model and timestamps."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower


class PortalUserManager(UserManager):
    """Users are identified by their e-mail address; there is no user name."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Eine E-Mail-Adresse ist erforderlich.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person who logs in to the portal with their e-mail address.

    What they may see and do follows from their Mitgliedschaften (see `kommunen`).
    """

    username = None
    email = models.EmailField("E-Mail-Adresse", unique=True)
    funktion = models.CharField(
        "Funktion", max_length=200, blank=True, help_text="z. B. Digitalisierungsbeauftragte"
    )
    telefon = models.CharField("Telefon", max_length=50, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = PortalUserManager()

    class Meta:
        verbose_name = "Person"
        verbose_name_plural = "Personen"
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message="Diese E-Mail-Adresse ist bereits vergeben.",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


def unique(*fields: str, name: str, message: str, condition=None) -> models.UniqueConstraint:
    """A unique constraint over `fields` whose violation the form shows as `message` (German,
    at the fields), optionally only for the rows that match `condition`."""
    return models.UniqueConstraint(
        fields=list(fields), condition=condition, name=name, violation_error_message=message
    )


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    erstellt_am = models.DateTimeField("erstellt am", auto_now_add=True)
    geaendert_am = models.DateTimeField("geändert am", auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last sign of life of each Celery worker, written by a periodic task.

    `/healthz` reports how old the newest one is, so operations see a dead worker
    before the quarterly report silently stays "angefordert".
    """

    hostname = models.CharField("Worker", max_length=255, unique=True)
    zuletzt = models.DateTimeField("zuletzt gesehen")
    anzahl = models.PositiveBigIntegerField("Anzahl Lebenszeichen", default=0)

    class Meta:
        verbose_name = "Worker-Lebenszeichen"
        verbose_name_plural = "Worker-Lebenszeichen"
        ordering = ["-zuletzt"]

    def __str__(self) -> str:
        return f"{self.hostname} ({self.zuletzt:%d.%m.%Y %H:%M})"

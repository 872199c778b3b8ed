"""Joint workshops of the CDOs: who came, and what came out of it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.fields import optional_fk
from core.files import validate_upload, zufaelliger_pfad
from core.locking import Versioned
from core.models import TimeStampedModel, unique
from handlungsfelder.models import Handlungsfeld
from kommunen.models import Kommune, kreis_or_region
from kommunen.scope import ScopedQuerySet
from massnahmen.models import Massnahme


class WorkshopQuerySet(ScopedQuerySet):
    def readable_q(self, scope) -> Q:
        """Workshops of every Kreis the user may read, and the region workshops of every
        region they belong to (issue 15, point 2), drafts included."""
        return super().readable_q(scope) | Q(
            kreis__isnull=True, region_id__in=scope.mitglied_region_ids
        )

    def visible_to(self, user) -> WorkshopQuerySet:
        """What the user may see: published workshops of readable Kreise and of their
        region, and the drafts of those they run (Kreis staff, the region's DigitalBüro; the
        Kommunen see a workshop once it is published and the invitations are out)."""
        from kommunen.scope import scope_for

        scope = scope_for(user)
        queryset = self.for_user(user)
        if scope.is_superuser:
            return queryset
        return queryset.filter(
            Q(veroeffentlicht_am__isnull=False)
            | Q(kreis_id__in=scope.kreis_ids)
            | Q(kreis__isnull=True, region_id__in=scope.region_ids)
        )

    def veroeffentlicht(self) -> WorkshopQuerySet:
        return self.filter(veroeffentlicht_am__isnull=False)

    def upcoming(self, jetzt=None) -> WorkshopQuerySet:
        """Not over yet (a workshop running right now still counts as upcoming)."""
        return self.filter(ende__gte=jetzt or timezone.now())

    def past(self, jetzt=None) -> WorkshopQuerySet:
        return self.filter(ende__lt=jetzt or timezone.now())


class Workshop(Versioned, TimeStampedModel):
    """A meeting of the CDOs (video conference, in person or hybrid) run by the Kreis."""

    class Format(models.TextChoices):
        VIDEO = "video", "Videokonferenz"
        PRAESENZ = "praesenz", "Präsenz"
        HYBRID = "hybrid", "hybrid"

    # A workshop of the region (issue 15, point 2): run by its DigitalBüro, open to every
    # CDO of the region.
    kreis, region = kreis_or_region(
        related_name="workshops", region_related_name="workshops", was="Workshop"
    )
    titel = models.CharField("Titel", max_length=250)
    beginn = models.DateTimeField("Beginn")
    ende = models.DateTimeField("Ende")
    format = models.CharField("Format", max_length=10, choices=Format.choices, default=Format.VIDEO)
    ort = models.CharField("Ort", max_length=250, blank=True)
    online_link = models.URLField("Link zur Videokonferenz", blank=True)
    handlungsfeld = optional_fk(
        Handlungsfeld, related_name="workshops", verbose_name="Handlungsfeld"
    )
    organisiert_von = optional_fk(
        Kommune,
        related_name="workshops",
        verbose_name="ausrichtende Kommune",
        help_text="Leer lassen, wenn der Kreis ausrichtet.",
    )
    agenda = models.TextField("Tagesordnung", blank=True)
    protokoll = models.TextField("Protokoll", blank=True)
    protokoll_datei = models.FileField(
        "Protokoll als Dokument",
        upload_to=zufaelliger_pfad,
        blank=True,
        validators=[validate_upload],
    )
    max_teilnehmende = models.PositiveIntegerField("höchstens Teilnehmende", null=True, blank=True)
    veroeffentlicht_am = models.DateTimeField(
        "veröffentlicht am",
        null=True,
        blank=True,
        help_text="Erst veröffentlichte Workshops sehen die Kommunen; dabei gehen Einladungen raus.",
    )
    abgesagt = models.BooleanField("abgesagt", default=False)
    # Incremented on every change so calendar apps replace their copy (iCalendar SEQUENCE).
    sequenz = models.PositiveIntegerField("Änderungszähler", default=0, editable=False)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = "Workshop"
        verbose_name_plural = "Workshops"
        ordering = ["-beginn"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kreis__isnull=False, region__isnull=True)
                | Q(kreis__isnull=True, region__isnull=False),
                name="workshop_kreis_oder_region",
                violation_error_message="Ein Workshop gehört entweder zu einem Kreis oder "
                "zur Region.",
            ),
            models.CheckConstraint(
                condition=Q(ende__gt=F("beginn")),
                name="workshop_ende_after_beginn",
                violation_error_message="Das Ende muss nach dem Beginn liegen.",
            ),
        ]

    def __str__(self) -> str:
        return self.titel

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", kwargs={"pk": self.pk})

    @property
    def traeger(self):
        """Who runs it: the Kreis, or the region (both named by BenanntMixin)."""
        return self.region if self.region_id else self.kreis

    def kommunen_q(self, prefix: str = "") -> Q:
        """The Kommunen whose CDOs it is open to: those of its Kreis, or of its region."""
        if self.region_id:
            return Q(**{f"{prefix}kreis__region_id": self.region_id})
        return Q(**{f"{prefix}kreis_id": self.kreis_id})

    def clean(self) -> None:
        errors = {}
        if self.beginn and self.ende and self.ende <= self.beginn:
            errors["ende"] = "Das Ende muss nach dem Beginn liegen."
        if self.format in (self.Format.PRAESENZ, self.Format.HYBRID) and not self.ort:
            errors["ort"] = "Bitte den Ort angeben."
        if errors:
            raise ValidationError(errors)


def own_teilnahmen_q(user, prefix: str = "") -> Q:
    """Teilnahmen that are "mine": my own, or those for a Kommune I am CDO of."""
    from kommunen.scope import scope_for

    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}person_id": user.pk}) | Q(
        **{f"{prefix}kommune_id__in": scope_for(user).cdo_kommune_ids}
    )


class Teilnahme(TimeStampedModel):
    """A person's registration for (and attendance at) a workshop, for their Kommune."""

    class Status(models.TextChoices):
        ANGEMELDET = "angemeldet", "angemeldet"
        TEILGENOMMEN = "teilgenommen", "teilgenommen"
        ABGESAGT = "abgesagt", "abgesagt"

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="teilnahmen", verbose_name="Workshop"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="teilnahmen",
        verbose_name="Person",
    )
    kommune = optional_fk(Kommune, related_name="teilnahmen", verbose_name="für Kommune")
    # Registrations that count (for the list of Kommunen and the seat limit).
    AKTIV = (Status.ANGEMELDET, Status.TEILGENOMMEN)

    status = models.CharField(
        "Status", max_length=15, choices=Status.choices, default=Status.ANGEMELDET
    )

    class Meta:
        verbose_name = "Teilnahme"
        verbose_name_plural = "Teilnahmen"
        ordering = ["workshop", "kommune__name"]
        constraints = [
            unique(
                "workshop",
                "person",
                name="teilnahme_unique",
                message="Diese Person ist bereits angemeldet.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.workshop}"


class Ergebnis(Versioned, TimeStampedModel):
    """An action item from a workshop, with the responsible Kommune and a due date;
    it can be turned into a Maßnahme."""

    class Status(models.TextChoices):
        OFFEN = "offen", "offen"
        IN_ARBEIT = "in_arbeit", "in Arbeit"
        ERLEDIGT = "erledigt", "erledigt"

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="ergebnisse", verbose_name="Workshop"
    )
    beschreibung = models.TextField("Ergebnis / Aufgabe")
    verantwortlich = optional_fk(
        Kommune, related_name="workshop_ergebnisse", verbose_name="verantwortliche Kommune"
    )
    faellig_am = models.DateField("fällig am", null=True, blank=True)
    status = models.CharField("Status", max_length=10, choices=Status.choices, default=Status.OFFEN)
    massnahme = optional_fk(
        Massnahme, related_name="workshop_ergebnisse", verbose_name="daraus entstandene Maßnahme"
    )

    class Meta:
        verbose_name = "Ergebnis"
        verbose_name_plural = "Ergebnisse"
        ordering = ["workshop", "faellig_am"]

    def __str__(self) -> str:
        return self.beschreibung[:80]


class KalenderToken(TimeStampedModel):
    """A personal secret for the calendar subscription URL, which calendar apps poll
    without a session. Renewing it makes the old URL stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="kalender_token",
        verbose_name="Person",
    )
    token = models.CharField("Token", max_length=64, unique=True)

    class Meta:
        verbose_name = "Kalender-Abo"
        verbose_name_plural = "Kalender-Abos"

    def __str__(self) -> str:
        return f"Kalender-Abo von {self.user}"

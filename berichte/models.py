"""The quarterly progress report for the Bürgermeisterkonferenz."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.fields import person_fk
from core.files import zufaelliger_pfad
from core.models import TimeStampedModel
from core.quartal import QuartalField, quartal_text
from core.text import slugify_de
from kommunen.models import Kreis
from kommunen.scope import ScopedQuerySet


class QuartalsberichtQuerySet(ScopedQuerySet):
    def open(self) -> QuartalsberichtQuerySet:
        """Still to be rendered: requested or being rendered right now."""
        return self.filter(status__in=Quartalsbericht.OFFEN)


class Quartalsbericht(TimeStampedModel):
    """One version of a Kreis's quarterly report, rendered to PDF by a Celery task."""

    class Status(models.TextChoices):
        ANGEFORDERT = "angefordert", "angefordert"
        IN_ARBEIT = "in_arbeit", "in Arbeit"
        FERTIG = "fertig", "fertig"
        FEHLGESCHLAGEN = "fehlgeschlagen", "fehlgeschlagen"

    class Variante(models.TextChoices):
        PDF_UA = "pdf/ua-1", "barrierefrei (PDF/UA-1)"
        PDF_A = "pdf/a-3b", "zur Archivierung in der E-Akte (PDF/A-3b)"

    kreis = models.ForeignKey(
        Kreis, on_delete=models.PROTECT, related_name="quartalsberichte", verbose_name="Kreis"
    )
    quartal = QuartalField()
    version = models.PositiveIntegerField("Version", default=1)
    variante = models.CharField(
        "PDF-Variante", max_length=10, choices=Variante.choices, default=Variante.PDF_UA
    )
    mit_steckbriefen = models.BooleanField(
        "mit Steckbriefen der Kommunen",
        default=True,
        help_text="Anhang mit einer Seite je Kommune.",
    )
    status = models.CharField(
        "Status", max_length=15, choices=Status.choices, default=Status.ANGEFORDERT
    )
    datei = models.FileField("PDF-Datei", upload_to="berichte/%Y/", blank=True)
    angefordert_von = person_fk("angefordert von")
    fertig_am = models.DateTimeField("fertig am", null=True, blank=True)
    fehler = models.TextField("Fehlermeldung", blank=True)
    # When the current rendering started: the sweeper finds renderings stuck longer than
    # the task's time limit by it.
    gestartet_am = models.DateTimeField("Erstellung begonnen am", null=True, blank=True)
    versuche = models.PositiveSmallIntegerField("Neustarts nach Abbruch", default=0)
    seiten = models.PositiveIntegerField("Seiten", null=True, blank=True)
    # Requested by the quarterly schedule (Celery beat), not by a person; the Kreis staff
    # are mailed a link once it is ready.
    automatisch = models.BooleanField("planmäßig erstellt", default=False)
    benachrichtigt_am = models.DateTimeField("Benachrichtigung versandt am", null=True, blank=True)

    objects = QuartalsberichtQuerySet.as_manager()

    class Meta:
        verbose_name = "Quartalsbericht"
        verbose_name_plural = "Quartalsberichte"
        ordering = ["kreis", "-quartal", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kreis", "quartal", "version"],
                name="quartalsbericht_version_unique",
                violation_error_message="Diese Version gibt es schon.",
            ),
            models.CheckConstraint(
                condition=~Q(status="fertig") | ~Q(datei=""),
                name="quartalsbericht_fertig_has_file",
                violation_error_message="Ein fertiger Bericht braucht eine PDF-Datei.",
            ),
        ]

    OFFEN = (Status.ANGEFORDERT, Status.IN_ARBEIT)

    def __str__(self) -> str:
        return f"Quartalsbericht {self.kreis} {quartal_text(self.quartal)} (Version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("berichte:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in self.OFFEN

    @property
    def dateiname(self) -> str:
        """The download name, e.g. `Quartalsbericht_Lippe_2026-Q3_v2.pdf`."""
        kreis = "_".join(t.capitalize() for t in slugify_de(self.kreis.name).split("-"))
        return f"Quartalsbericht_{kreis}_{self.quartal}_v{self.version}.pdf"


class Deckblatt(TimeStampedModel):
    """The cover of a Kreis's quarterly reports: the logo Kreis staff uploaded (PNG or an
    SVG that only draws, checked by `berichte.logo.check_logo`)."""

    kreis = models.OneToOneField(
        Kreis,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="berichtsdeckblatt",
        verbose_name="Kreis",
    )
    logo = models.FileField("Logo", upload_to=zufaelliger_pfad)
    hochgeladen_von = person_fk("hochgeladen von")

    class Meta:
        verbose_name = "Deckblatt der Quartalsberichte"
        verbose_name_plural = "Deckblätter der Quartalsberichte"

    def __str__(self) -> str:
        return f"Deckblatt {self.kreis}"

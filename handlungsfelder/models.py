"""The strategy: Handlungsfelder, Lebensbereiche, Ziele and their Kennzahlen."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from core.fields import optional_fk
from core.formatting import zahl
from core.locking import Versioned
from core.models import TimeStampedModel, unique
from core.quartal import QuartalField, quartal_text
from kommunen.models import Kommune, Kreis
from kommunen.scope import ScopedQuerySet


class Handlungsfeld(models.Model):
    """One of the four fields of action of the Rahmenstrategie "Lippe lebt Digitalisierung"."""

    nummer = models.PositiveSmallIntegerField("Nummer", unique=True)
    kurzname = models.CharField("Kurzname", max_length=100)
    name = models.CharField("Name", max_length=200)
    slug = models.SlugField("Kürzel in Adressen", unique=True)
    beschreibung = models.TextField("Beschreibung", blank=True)

    class Meta:
        verbose_name = "Handlungsfeld"
        verbose_name_plural = "Handlungsfelder"
        ordering = ["nummer"]

    def __str__(self) -> str:
        return self.kurzname


class Lebensbereich(models.Model):
    """One of the eight smart-region areas of life (Verwaltung, Mobilität, …)."""

    schluessel = models.SlugField("Schlüssel", unique=True)
    name = models.CharField("Name", max_length=100)
    reihenfolge = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    class Meta:
        verbose_name = "Lebensbereich"
        verbose_name_plural = "Lebensbereiche"
        ordering = ["reihenfolge", "name"]

    def __str__(self) -> str:
        return self.name


class ZielQuerySet(ScopedQuerySet):
    """`for_user`: the Ziele of every Kreis the user can see."""


class Ziel(Versioned, TimeStampedModel):
    """A strategic goal of a Kreis under one Handlungsfeld; its Kennzahlen measure it."""

    kreis = models.ForeignKey(
        Kreis, on_delete=models.CASCADE, related_name="ziele", verbose_name="Kreis"
    )
    handlungsfeld = models.ForeignKey(
        Handlungsfeld, on_delete=models.PROTECT, related_name="ziele", verbose_name="Handlungsfeld"
    )
    titel = models.CharField("Titel", max_length=250)
    beschreibung = models.TextField("Beschreibung", blank=True)
    veroeffentlicht = models.BooleanField("veröffentlicht", default=False)

    objects = ZielQuerySet.as_manager()

    class Meta:
        verbose_name = "Ziel"
        verbose_name_plural = "Ziele"
        ordering = ["handlungsfeld__nummer", "titel"]

    def __str__(self) -> str:
        return self.titel


def _stellen(wert) -> int:
    """Decimals a value carries, at most two: 12 → 0, 12.50 → 1, 0.125 → 2."""
    if wert is None:
        return 0
    return min(2, max(0, -Decimal(wert).normalize().as_tuple().exponent))


class KennzahlQuerySet(ScopedQuerySet):
    """`for_user`: the Kennzahlen of the Ziele of every Kreis the user can see."""

    kreis_lookup = "ziel__kreis_id"


class Kennzahl(Versioned, TimeStampedModel):
    """An indicator of a Ziel: baseline and target, measured per quarter (and per Kommune
    where `ebene` says so), or derived from data already in the portal."""

    class Richtung(models.TextChoices):
        HOEHER = "hoeher", "höher ist besser"
        NIEDRIGER = "niedriger", "niedriger ist besser"

    class Ebene(models.TextChoices):
        KREIS = "kreis", "auf Kreisebene gemessen"
        KOMMUNE = "kommune", "je Kommune gemessen"

    class Einheit(models.TextChoices):
        ANZAHL = "Anzahl", "Anzahl"
        PROZENT = "%", "Prozent (%)"
        EURO = "€", "Euro (€)"
        TAGE = "Tage", "Tage"
        STUNDEN = "Stunden", "Stunden"
        FREI = "frei", "andere (Freitext)"

    class Quelle(models.TextChoices):
        MANUELL = "manuell", "manuell erfasst"
        OZG_REIFEGRAD = "ozg_reifegrad", "abgeleitet: OZG-Leistungen online (Reifegrad)"
        MASSNAHMEN_ABGESCHLOSSEN = (
            "massnahmen_abgeschlossen",
            ("abgeleitet: Anteil abgeschlossener Maßnahmen"),
        )
        FOERDERMITTEL_ABGERUFEN = (
            "foerdermittel_abgerufen",
            ("abgeleitet: abgerufene Fördermittel in %"),
        )

    ziel = models.ForeignKey(
        Ziel, on_delete=models.CASCADE, related_name="kennzahlen", verbose_name="Ziel"
    )
    name = models.CharField("Name", max_length=250)
    einheit = models.CharField(
        "Einheit", max_length=10, choices=Einheit.choices, default=Einheit.ANZAHL
    )
    einheit_freitext = models.CharField("Einheit (Freitext)", max_length=50, blank=True)
    richtung = models.CharField(
        "Richtung", max_length=10, choices=Richtung.choices, default=Richtung.HOEHER
    )
    ebene = models.CharField("Messebene", max_length=10, choices=Ebene.choices, default=Ebene.KREIS)
    quelle = models.CharField(
        "Quelle der Werte", max_length=30, choices=Quelle.choices, default=Quelle.MANUELL
    )
    basiswert = models.DecimalField("Ausgangswert", max_digits=14, decimal_places=2)
    basisdatum = models.DateField("Stand des Ausgangswerts")
    zielwert = models.DecimalField("Zielwert", max_digits=14, decimal_places=2)
    zieldatum = models.DateField("Zieldatum")

    objects = KennzahlQuerySet.as_manager()

    class Meta:
        verbose_name = "Kennzahl"
        verbose_name_plural = "Kennzahlen"
        ordering = ["ziel", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(zieldatum__gt=F("basisdatum")),
                name="kennzahl_zieldatum_after_basisdatum",
                violation_error_message="Das Zieldatum muss nach dem Stand des Ausgangswerts liegen.",
            ),
            models.CheckConstraint(
                condition=~Q(einheit="frei") | ~Q(einheit_freitext=""),
                name="kennzahl_freie_einheit_named",
                violation_error_message="Bitte die Einheit im Freitext angeben.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def einheit_display(self) -> str:
        return self.einheit_freitext if self.einheit == self.Einheit.FREI else self.einheit

    @property
    def is_derived(self) -> bool:
        """Derived from portal data: computed per quarter, never typed."""
        return self.quelle != self.Quelle.MANUELL

    @property
    def stellen(self) -> int:
        """The Kennzahl's precision: as many decimals as its baseline and target carry, at
        most two (10 → 30 %: none; 12,5 → 20 %: one). Target-path values are rounded to it."""
        return max(_stellen(self.basiswert), _stellen(self.zielwert))

    def format(self, wert) -> str:
        """A value German style with the unit: `12,5 %`, `1.234 Anzahl` → `1.234`."""
        if wert is None:
            return "–"
        text = zahl(Decimal(wert), _stellen(wert))
        einheit = self.einheit_display
        if not einheit or einheit == self.Einheit.ANZAHL:
            return text
        return f"{text}\u00a0{einheit}"

    def clean(self) -> None:
        from .quellen import QUELLEN

        errors = {}
        quelle = QUELLEN.get(self.quelle)
        if quelle and self.einheit != quelle.einheit:
            errors["einheit"] = (
                f"Diese Quelle liefert Werte in der Einheit „{quelle.einheit}“; "
                "bitte wählen Sie diese Einheit."
            )
        if self.basisdatum and self.zieldatum and self.zieldatum <= self.basisdatum:
            errors["zieldatum"] = "Das Zieldatum muss nach dem Stand des Ausgangswerts liegen."
        if self.einheit == self.Einheit.FREI and not self.einheit_freitext.strip():
            errors["einheit_freitext"] = "Bitte die Einheit im Freitext angeben."
        if errors:
            raise ValidationError(errors)


class KennzahlWert(Versioned, TimeStampedModel):
    """A measured value of a Kennzahl for one quarter (and one Kommune, if measured there)."""

    kennzahl = models.ForeignKey(
        Kennzahl, on_delete=models.CASCADE, related_name="werte", verbose_name="Kennzahl"
    )
    quartal = QuartalField()
    kommune = optional_fk(
        Kommune, on_delete=models.CASCADE, verbose_name="Kommune", related_name="kennzahlwerte"
    )
    wert = models.DecimalField("Wert", max_digits=14, decimal_places=2)
    erfasst_von = optional_fk(settings.AUTH_USER_MODEL, verbose_name="erfasst von")

    class Meta:
        verbose_name = "Kennzahl-Wert"
        verbose_name_plural = "Kennzahl-Werte"
        ordering = ["kennzahl", "quartal", "kommune"]
        constraints = [
            unique(
                "kennzahl",
                "quartal",
                "kommune",
                condition=Q(kommune__isnull=False),
                name="kennzahlwert_unique_per_kommune",
                message="Für dieses Quartal und diese Kommune gibt es schon einen Wert.",
            ),
            unique(
                "kennzahl",
                "quartal",
                condition=Q(kommune__isnull=True),
                name="kennzahlwert_unique_per_kreis",
                message="Für dieses Quartal gibt es schon einen Wert.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kennzahl} {quartal_text(self.quartal)}: {self.wert}"

    @property
    def version_author(self):
        """Who saved the value last (named when a form would replace it, core.locking)."""
        return self.erfasst_von

    def clean(self) -> None:
        if not self.kennzahl_id:
            return
        if self.kennzahl.is_derived:
            raise ValidationError(
                "Diese Kennzahl wird aus den Daten des Portals berechnet; "
                "Werte können nicht eingegeben werden."
            )
        if self.kommune_id and self.kommune.kreis_id != self.kennzahl.ziel.kreis_id:
            raise ValidationError({"kommune": "Die Kommune gehört zu einem anderen Kreis."})
        if self.kennzahl.ebene == Kennzahl.Ebene.KOMMUNE and not self.kommune_id:
            raise ValidationError({"kommune": "Diese Kennzahl wird je Kommune gemessen."})
        if self.kennzahl.ebene == Kennzahl.Ebene.KREIS and self.kommune_id:
            raise ValidationError({"kommune": "Diese Kennzahl wird auf Kreisebene gemessen."})

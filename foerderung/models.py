"""Funding: programmes, grant decisions (Förderbescheide) and their drawdowns."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.fields import person_fk
from core.files import Dokument
from core.formatting import euro
from core.locking import Versioned
from core.models import TimeStampedModel
from kommunen.models import Kommune, Kreis
from kommunen.scope import ScopedQuerySet
from massnahmen.models import Massnahme

CENT = Decimal("0.01")


class Foerderprogramm(TimeStampedModel):
    """A funding programme (Fördergeber, Richtlinie, maximum rate) and its amount rule."""

    class Regel(models.TextChoices):
        KEINE = "", "keine feste Betragsregel"
        IKZ_NRW_2021 = (
            "ikz_nrw_2021",
            ("IKZ NRW 2021: 175.000 € für zwei Partner, je weiterer NRW-Partner 35.000 €"),
        )

    kurzname = models.CharField("Kurzname", max_length=50, unique=True)
    name = models.CharField("Name", max_length=250)
    foerdergeber = models.CharField("Fördergeber", max_length=300)
    richtlinie = models.TextField("Richtlinie")
    max_foerderquote = models.DecimalField(
        "maximale Förderquote in %",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    betragsregel = models.CharField(
        "Betragsregel", max_length=20, choices=Regel.choices, blank=True, default=Regel.KEINE
    )
    quelle = models.TextField("Quellen", blank=True)

    class Meta:
        verbose_name = "Förderprogramm"
        verbose_name_plural = "Förderprogramme"
        ordering = ["kurzname"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_foerderquote__gte=0) & Q(max_foerderquote__lte=100),
                name="foerderprogramm_quote_0_100",
                violation_error_message="Die Förderquote liegt zwischen 0 und 100 %.",
            )
        ]

    def __str__(self) -> str:
        return self.kurzname

    @property
    def mindest_nrw_partner(self) -> int:
        """How many NRW Kommunen (recipient and partners) the programme needs at least.

        IKZ NRW funds cooperation: two NRW partners (the cross-border exception with one
        NRW partner is not a case of a Kreis portal, whose partners are all in NRW).
        """
        return 2 if self.betragsregel == self.Regel.IKZ_NRW_2021 else 0

    def hoechstbetrag(
        self,
        *,
        nrw_partner: int,
        zuwendungsfaehige_ausgaben: Decimal | None = None,
        grenzueberschreitend: bool = False,
    ) -> Decimal | None:
        """The maximum grant under the programme's amount rule, or None without a rule.

        IKZ NRW (Richtlinie vom 31.08.2021): 175.000 € for two NRW partners plus 35.000 € for
        each further one; a cross-border project with one NRW partner gets 75.000 €; never
        more than the maximum rate (90 %) of the eligible expenses.
        """
        if self.betragsregel != self.Regel.IKZ_NRW_2021:
            return None
        if nrw_partner >= 2:
            betrag = Decimal("175000") + Decimal("35000") * (nrw_partner - 2)
        elif nrw_partner == 1 and grenzueberschreitend:
            betrag = Decimal("75000")
        else:
            return Decimal("0")
        if zuwendungsfaehige_ausgaben is not None:
            quote_cap = (zuwendungsfaehige_ausgaben * self.max_foerderquote / 100).quantize(
                CENT, ROUND_HALF_UP
            )
            betrag = min(betrag, quote_cap)
        return betrag


class FoerderbescheidQuerySet(ScopedQuerySet):
    def with_summen(self) -> FoerderbescheidQuerySet:
        return self.annotate(
            abgerufen_summe=models.functions.Coalesce(
                Sum("mittelabrufe__betrag"),
                Decimal("0"),
                output_field=models.DecimalField(max_digits=12, decimal_places=2),
            )
        )


class Foerderbescheid(Versioned, TimeStampedModel):
    """A grant decision: who receives how much under which programme, for which Maßnahmen.

    The Eigenanteil and the total eligible expenses are derived from amount and rate,
    never stored a second time.
    """

    class Status(models.TextChoices):
        BEWILLIGT = "bewilligt", "bewilligt"
        IN_DURCHFUEHRUNG = "in_durchfuehrung", "in Durchführung"
        VERWENDUNGSNACHWEIS = "verwendungsnachweis", "Verwendungsnachweis eingereicht"
        ABGESCHLOSSEN = "abgeschlossen", "abgeschlossen"
        WIDERRUFEN = "widerrufen", "widerrufen"

    kreis = models.ForeignKey(
        Kreis, on_delete=models.PROTECT, related_name="foerderbescheide", verbose_name="Kreis"
    )
    programm = models.ForeignKey(
        Foerderprogramm,
        on_delete=models.PROTECT,
        related_name="bescheide",
        verbose_name="Förderprogramm",
    )
    aktenzeichen = models.CharField("Aktenzeichen", max_length=100)
    bescheiddatum = models.DateField("Bescheiddatum")
    zuwendungsempfaenger = models.ForeignKey(
        Kommune,
        on_delete=models.PROTECT,
        related_name="foerderbescheide_empfangen",
        verbose_name="Zuwendungsempfänger (federführende Kommune)",
    )
    partner = models.ManyToManyField(
        Kommune, blank=True, related_name="foerderbescheide_partner", verbose_name="Partnerkommunen"
    )
    bewilligter_betrag = models.DecimalField(
        "bewilligter Betrag (EUR)", max_digits=12, decimal_places=2
    )
    foerderquote = models.DecimalField(
        "Förderquote in %",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    bewilligungszeitraum_beginn = models.DateField("Bewilligungszeitraum von")
    bewilligungszeitraum_ende = models.DateField("Bewilligungszeitraum bis")
    zweck = models.TextField("Zuwendungszweck")
    massnahmen = models.ManyToManyField(
        Massnahme, blank=True, related_name="foerderbescheide", verbose_name="geförderte Maßnahmen"
    )
    verwendungsnachweis_faellig = models.DateField(
        "Verwendungsnachweis fällig am", null=True, blank=True
    )
    status = models.CharField(
        "Status", max_length=20, choices=Status.choices, default=Status.BEWILLIGT
    )

    history = HistoricalRecords(
        m2m_fields=[partner, massnahmen], verbose_name="Änderungsverlauf Förderbescheid"
    )
    objects = FoerderbescheidQuerySet.as_manager()

    class Meta:
        verbose_name = "Förderbescheid"
        verbose_name_plural = "Förderbescheide"
        ordering = ["-bescheiddatum"]
        constraints = [
            models.UniqueConstraint(
                fields=["programm", "aktenzeichen"],
                name="foerderbescheid_aktenzeichen_unique",
                violation_error_message="Dieses Aktenzeichen gibt es bereits.",
            ),
            models.CheckConstraint(
                condition=Q(bewilligter_betrag__gt=0),
                name="foerderbescheid_betrag_positive",
                violation_error_message="Der bewilligte Betrag muss größer als 0 sein.",
            ),
            models.CheckConstraint(
                condition=Q(foerderquote__gt=0) & Q(foerderquote__lte=100),
                name="foerderbescheid_quote_0_100",
                violation_error_message="Die Förderquote liegt über 0 und höchstens bei 100 %.",
            ),
            models.CheckConstraint(
                condition=Q(bewilligungszeitraum_ende__gte=F("bewilligungszeitraum_beginn")),
                name="foerderbescheid_zeitraum_order",
                violation_error_message="Der Bewilligungszeitraum endet nicht vor seinem Beginn.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aktenzeichen} ({self.programm})"

    def get_absolute_url(self) -> str:
        return reverse("foerderung:detail", kwargs={"pk": self.pk})

    @property
    def zuwendungsfaehige_ausgaben(self) -> Decimal | None:
        """Total eligible expenses implied by amount and rate (None while incomplete)."""
        if not self.bewilligter_betrag or not self.foerderquote:
            return None
        return (self.bewilligter_betrag * 100 / self.foerderquote).quantize(CENT, ROUND_HALF_UP)

    @property
    def eigenanteil(self) -> Decimal | None:
        gesamt = self.zuwendungsfaehige_ausgaben
        return None if gesamt is None else gesamt - self.bewilligter_betrag

    def abgerufen(self) -> Decimal:
        if hasattr(self, "abgerufen_summe"):
            return self.abgerufen_summe
        return self.mittelabrufe.aggregate(s=Sum("betrag"))["s"] or Decimal("0")

    def verbleibend(self) -> Decimal:
        return self.bewilligter_betrag - self.abgerufen()

    def clean(self) -> None:
        errors = {}
        if (
            self.bewilligungszeitraum_beginn
            and self.bewilligungszeitraum_ende
            and self.bewilligungszeitraum_ende < self.bewilligungszeitraum_beginn
        ):
            errors["bewilligungszeitraum_ende"] = (
                "Der Bewilligungszeitraum darf nicht vor seinem Beginn enden."
            )
        if (
            self.programm_id
            and self.foerderquote
            and self.foerderquote > self.programm.max_foerderquote
        ):
            errors["foerderquote"] = (
                f"Das Programm erlaubt höchstens {self.programm.max_foerderquote:n} %."
            )
        if (
            self.zuwendungsempfaenger_id
            and self.kreis_id
            and self.zuwendungsempfaenger.kreis_id != self.kreis_id
        ):
            errors["zuwendungsempfaenger"] = (
                "Der Zuwendungsempfänger gehört zu einem anderen Kreis."
            )
        if self.pk and self.bewilligter_betrag is not None:
            bereits = self.mittelabrufe.aggregate(s=Sum("betrag"))["s"] or Decimal("0")
            if bereits > self.bewilligter_betrag:
                errors["bewilligter_betrag"] = (
                    "Es wurden bereits mehr Mittel abgerufen, als dieser Betrag zulässt."
                )
        if errors:
            raise ValidationError(errors)


class Mittelabruf(Versioned, TimeStampedModel):
    """A drawdown of granted money. The sum of all drawdowns of a Bescheid never exceeds
    the granted amount (checked in clean(), in the service under a row lock, and on
    PostgreSQL by a trigger)."""

    class Status(models.TextChoices):
        BEANTRAGT = "beantragt", "beantragt"
        AUSGEZAHLT = "ausgezahlt", "ausgezahlt"

    bescheid = models.ForeignKey(
        Foerderbescheid,
        on_delete=models.CASCADE,
        related_name="mittelabrufe",
        verbose_name="Förderbescheid",
    )
    datum = models.DateField("Datum")
    betrag = models.DecimalField("Betrag (EUR)", max_digits=12, decimal_places=2)
    status = models.CharField(
        "Status", max_length=10, choices=Status.choices, default=Status.BEANTRAGT
    )
    ausgezahlt_am = models.DateField("ausgezahlt am", null=True, blank=True)
    bemerkung = models.CharField("Bemerkung", max_length=250, blank=True)
    # An edit, delete or payout must carry the version it was shown (core.locking).
    # The key of the form that created the drawdown: a second post of the same form
    # (double click, reload) is recognised instead of recording the money twice.
    erfassungsschluessel = models.UUIDField(
        "Erfassungsschlüssel", null=True, blank=True, unique=True, editable=False
    )

    history = HistoricalRecords(verbose_name="Änderungsverlauf Mittelabruf")

    class Meta:
        verbose_name = "Mittelabruf"
        verbose_name_plural = "Mittelabrufe"
        ordering = ["bescheid", "datum", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(betrag__gt=0),
                name="mittelabruf_betrag_positive",
                violation_error_message="Der Betrag muss größer als 0 sein.",
            ),
            models.CheckConstraint(
                condition=Q(status="beantragt", ausgezahlt_am__isnull=True)
                | Q(status="ausgezahlt", ausgezahlt_am__isnull=False),
                name="mittelabruf_ausgezahlt_mit_datum",
                violation_error_message=(
                    "Ein ausgezahlter Mittelabruf braucht das Datum der Auszahlung."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bescheid.aktenzeichen}: {euro(self.betrag)} am {self.datum:%d.%m.%Y}"

    @property
    def bezeichnung(self) -> str:
        """How people name a drawdown in messages: "Mittelabruf vom 01.06.2022 über …"."""
        return f"Mittelabruf vom {self.datum:%d.%m.%Y} über {euro(self.betrag)}"

    def hinweise(self) -> list[str]:
        """Warnings about the date that a person must confirm before saving.

        A drawdown outside the Bewilligungszeitraum or after the Verwendungsnachweis
        deadline is possible (a late payout of costs incurred in time), but unusual.
        """
        bescheid = self.bescheid
        if self.datum is None:
            return []
        hinweise = []
        beginn, ende = bescheid.bewilligungszeitraum_beginn, bescheid.bewilligungszeitraum_ende
        if not beginn <= self.datum <= ende:
            hinweise.append(
                f"Das Datum des Abrufs ({self.datum:%d.%m.%Y}) liegt außerhalb des "
                f"Bewilligungszeitraums ({beginn:%d.%m.%Y} bis {ende:%d.%m.%Y})."
            )
        frist = bescheid.verwendungsnachweis_faellig
        if frist and self.datum > frist:
            hinweise.append(
                f"Das Datum des Abrufs ({self.datum:%d.%m.%Y}) liegt nach der Frist für den "
                f"Verwendungsnachweis ({frist:%d.%m.%Y})."
            )
        return hinweise

    def clean(self) -> None:
        errors = {}
        if self.status == self.Status.AUSGEZAHLT and self.ausgezahlt_am is None:
            errors["ausgezahlt_am"] = "Bitte geben Sie an, wann die Mittel ausgezahlt wurden."
        elif self.status == self.Status.BEANTRAGT and self.ausgezahlt_am is not None:
            errors["ausgezahlt_am"] = (
                "Nur ein ausgezahlter Mittelabruf hat ein Auszahlungsdatum: Lassen Sie das "
                "Feld leer oder wählen Sie den Status „ausgezahlt“."
            )
        elif self.ausgezahlt_am and self.datum and self.ausgezahlt_am < self.datum:
            errors["ausgezahlt_am"] = (
                f"Die Auszahlung kann nicht vor dem Abruf ({self.datum:%d.%m.%Y}) liegen."
            )
        elif self.ausgezahlt_am and self.ausgezahlt_am > timezone.localdate():
            errors["ausgezahlt_am"] = "Die Auszahlung kann nicht in der Zukunft liegen."
        if self.bescheid_id and self.betrag is not None:
            andere = self.bescheid.mittelabrufe.exclude(pk=self.pk).aggregate(s=Sum("betrag"))[
                "s"
            ] or Decimal("0")
            verbleibend = self.bescheid.bewilligter_betrag - andere
            if self.betrag > verbleibend:
                errors["betrag"] = (
                    f"Der Abruf übersteigt die verbleibenden Mittel ({euro(verbleibend)})."
                )
        if errors:
            raise ValidationError(errors)


class BescheidDokument(Dokument):
    """A document of a Förderbescheid, first of all the Bescheid itself as PDF."""

    bescheid = models.ForeignKey(
        Foerderbescheid,
        on_delete=models.CASCADE,
        related_name="dokumente",
        verbose_name="Förderbescheid",
    )
    hochgeladen_von = person_fk("hochgeladen von")

    class Meta:
        verbose_name = "Dokument zum Förderbescheid"
        verbose_name_plural = "Dokumente zum Förderbescheid"
        ordering = ["-hochgeladen_am"]

    def __str__(self) -> str:
        return self.titel


class Erinnerung(TimeStampedModel):
    """A deadline reminder that went out; the unique key makes the daily task idempotent."""

    class Art(models.TextChoices):
        VERWENDUNGSNACHWEIS = "verwendungsnachweis", "Verwendungsnachweis"
        FOERDERENDE = "foerderende", "Ende des Bewilligungszeitraums"

    bescheid = models.ForeignKey(
        Foerderbescheid,
        on_delete=models.CASCADE,
        related_name="erinnerungen",
        verbose_name="Förderbescheid",
    )
    art = models.CharField("Frist", max_length=20, choices=Art.choices)
    frist = models.DateField("Frist am")
    tage_vorher = models.PositiveSmallIntegerField("Tage vorher")
    empfaenger = models.TextField("Empfänger", blank=True)

    class Meta:
        verbose_name = "Fristerinnerung"
        verbose_name_plural = "Fristerinnerungen"
        ordering = ["-erstellt_am"]
        constraints = [
            models.UniqueConstraint(
                fields=["bescheid", "art", "frist", "tage_vorher"],
                name="erinnerung_once",
                violation_error_message="Diese Erinnerung wurde bereits verschickt.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.bescheid.aktenzeichen}: {self.get_art_display()} ({self.tage_vorher} Tage)"


# --- The state at a quarter's end (core.stichtag) -------------------------------------------


def bescheide_at_quartalsende(quartal):
    """The Förderbescheide that counted at the end of `quartal`: issued (Bescheiddatum) by
    its last day and not revoked at that moment. Live rows while the quarter runs, history
    rows valid at its end afterwards (same field names; correlate on "id")."""
    from core.quartal import Quartal
    from core.stichtag import at_quartalsende

    quartal = Quartal.parse(quartal)
    return (
        at_quartalsende(Foerderbescheid, quartal)
        .filter(bescheiddatum__lte=quartal.ende)
        .exclude(status=Foerderbescheid.Status.WIDERRUFEN)
    )


def mittelabrufe_at_quartalsende(quartal):
    """The Mittelabrufe of `bescheide_at_quartalsende` dated by the quarter's last day, with
    amount and status as they stood at its end."""
    from core.quartal import Quartal
    from core.stichtag import at_quartalsende

    quartal = Quartal.parse(quartal)
    return at_quartalsende(Mittelabruf, quartal).filter(
        datum__lte=quartal.ende,
        bescheid_id__in=bescheide_at_quartalsende(quartal).values("id"),
    )

"""OZG online services and how far each Kommune has implemented them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.fields import optional_fk, person_fk
from core.locking import Versioned
from core.models import TimeStampedModel, unique
from kommunen.models import Kommune
from kommunen.scope import ScopedQuerySet


class Reifegradmodell(models.TextChoices):
    """The maturity model a rating was made under; the scale differs between them."""

    V2_0 = "2.0", "OZG-Reifegradmodell 2.0 (Stufen 0–7, seit Juli 2025)"
    V1_1 = "1.1", "OZG-Reifegradmodell 1.1 (Stufen 0–4, bis Juni 2025)"


MAX_STUFE = {Reifegradmodell.V2_0: 7, Reifegradmodell.V1_1: 4}
# From this level on a service counts as "online": under 1.1 level 3 is the OZG-compliant
# online service incl. evidence; under 2.0 levels 0–3 describe the front end, so 3 is
# the complete online application service there as well.
ONLINE_AB = {Reifegradmodell.V2_0: 3, Reifegradmodell.V1_1: 3}


ONLINE_Q = Q(
    reifegradmodell=Reifegradmodell.V2_0, reifegrad__gte=ONLINE_AB[Reifegradmodell.V2_0]
) | Q(reifegradmodell=Reifegradmodell.V1_1, reifegrad__gte=ONLINE_AB[Reifegradmodell.V1_1])


class OzgLeistung(models.Model):
    """A service of the OZG catalogue with its OZG id, LeiKa key and Themenfeld."""

    ozg_id = models.CharField("OZG-ID", max_length=20, unique=True)
    leika_schluessel = models.CharField("LeiKa-Schlüssel", max_length=20, blank=True)
    name = models.CharField("Name", max_length=250)
    themenfeld = models.CharField("Themenfeld", max_length=100, db_index=True)
    efa = models.BooleanField(
        "Einer-für-Alle-Lösung belegt",
        default=False,
        help_text="Nur gesetzt, wo eine Quelle einen EfA-Onlinedienst nennt.",
    )

    class Meta:
        verbose_name = "OZG-Leistung"
        verbose_name_plural = "OZG-Leistungen"
        ordering = ["themenfeld", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ozg_id})"


class UmsetzungsstandQuerySet(ScopedQuerySet):
    kreis_lookup = "kommune__kreis_id"

    def online(self) -> UmsetzungsstandQuerySet:
        return self.filter(online=True)


class Umsetzungsstand(Versioned, TimeStampedModel):
    """How far one Kommune offers one OZG service: the Reifegrad with the model it was
    rated under, since when it is online, where, and whose solution is reused."""

    leistung = models.ForeignKey(
        OzgLeistung,
        on_delete=models.CASCADE,
        related_name="umsetzungsstaende",
        verbose_name="OZG-Leistung",
    )
    kommune = models.ForeignKey(
        Kommune, on_delete=models.CASCADE, related_name="umsetzungsstaende", verbose_name="Kommune"
    )
    reifegradmodell = models.CharField(
        "Reifegradmodell",
        max_length=3,
        choices=Reifegradmodell.choices,
        default=Reifegradmodell.V2_0,
    )
    reifegrad = models.PositiveSmallIntegerField("Reifegrad", default=0)
    bewertet_am = models.DateField("bewertet am", null=True, blank=True)
    online_seit = models.DateField("online seit", null=True, blank=True)
    link = models.URLField("Link zum Onlinedienst", blank=True)
    nachgenutzt_von = optional_fk(
        Kommune,
        related_name="+",
        verbose_name="Lösung nachgenutzt von",
        help_text="Kommune, deren Lösung übernommen wurde (Einer für Alle).",
    )
    bewertet_von = person_fk("bewertet von")
    # Stored by the database from model and level, so counts of online services are a
    # plain filter for every app (the threshold lives only in ONLINE_AB above).
    online = models.GeneratedField(
        expression=models.Case(
            models.When(ONLINE_Q, then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name="online",
    )

    history = HistoricalRecords(verbose_name="Änderungsverlauf Umsetzungsstand")
    objects = UmsetzungsstandQuerySet.as_manager()

    class Meta:
        verbose_name = "Umsetzungsstand"
        verbose_name_plural = "Umsetzungsstände"
        ordering = ["kommune__name", "leistung__name"]
        constraints = [
            unique(
                "leistung",
                "kommune",
                name="umsetzungsstand_unique",
                message="Für diese Leistung und Kommune gibt es schon einen Stand.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(reifegradmodell="2.0", reifegrad__gte=0, reifegrad__lte=7)
                    | Q(reifegradmodell="1.1", reifegrad__gte=0, reifegrad__lte=4)
                ),
                name="umsetzungsstand_reifegrad_fits_model",
                violation_error_message=(
                    "Der Reifegrad passt nicht zum Modell: 2.0 kennt die Stufen 0–7, 1.1 die Stufen 0–4."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kommune}: {self.leistung.name} – Stufe {self.reifegrad} (Modell {self.reifegradmodell})"

    @property
    def max_stufe(self) -> int:
        return MAX_STUFE[Reifegradmodell(self.reifegradmodell)]

    @property
    def altes_modell(self) -> bool:
        """Rated under a model older than 2.0 (shown as such, not as a 2.0 level)."""
        return self.reifegradmodell != Reifegradmodell.V2_0

    @property
    def stufe_display(self) -> str:
        """`5`, or `3 (1.1)` for a rating under the older model."""
        if self.altes_modell:
            return f"{self.reifegrad} ({self.reifegradmodell})"
        return str(self.reifegrad)

    @property
    def is_online(self) -> bool:
        """Like the stored `online`, but also right before the row is saved."""
        return self.reifegrad >= ONLINE_AB[Reifegradmodell(self.reifegradmodell)]

    def clean(self) -> None:
        errors = {}
        if self.reifegradmodell in MAX_STUFE and self.reifegrad is not None:
            hoechste = MAX_STUFE[Reifegradmodell(self.reifegradmodell)]
            if not 0 <= self.reifegrad <= hoechste:
                errors["reifegrad"] = (
                    f"Im Reifegradmodell {self.reifegradmodell} gibt es nur die Stufen 0 bis {hoechste}."
                )
        if self.nachgenutzt_von_id and self.nachgenutzt_von_id == self.kommune_id:
            errors["nachgenutzt_von"] = "Eine Kommune kann nicht ihre eigene Lösung nachnutzen."
        if errors:
            raise ValidationError(errors)


def stand_at_quartalsende(quartal):
    """The Umsetzungsstände as they stood at the end of `quartal` (core.stichtag): the live
    rows while it runs, the history rows valid at its end once it has ended (same field
    names, `online` included; correlate on "id")."""
    from core.stichtag import at_quartalsende

    return at_quartalsende(Umsetzungsstand, quartal)

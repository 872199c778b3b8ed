"""Tenancy: Region → Kreis → Kommune, and who belongs where in which role."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.eingaben import https_origins, https_origins_validator
from core.fields import optional_fk
from core.locking import Versioned
from core.models import TimeStampedModel

from .scope import ScopedQuerySet


@dataclass(frozen=True)
class Benennung:
    """How German names a Gebietskörperschaft of one type in a sentence.

    `nomen` is the type word ("Kreis", "Stadt", "Gemeinde"), `genitiv_nomen` its genitive
    ("Kreises"), `feminin` its gender, `adjektiv` an attribute that belongs to the full form
    ("kreisfrei"). The place name itself never changes ("des Kreises Lippe").
    """

    nomen: str
    genitiv_nomen: str
    feminin: bool
    adjektiv: str = ""


BENENNUNGEN = {
    "Kreis": Benennung("Kreis", "Kreises", feminin=False),
    "kreisfreie Stadt": Benennung("Stadt", "Stadt", feminin=True, adjektiv="kreisfrei"),
    "Stadt": Benennung("Stadt", "Stadt", feminin=True),
    "Gemeinde": Benennung("Gemeinde", "Gemeinde", feminin=True),
    "Region": Benennung("Region", "Region", feminin=True),
}

# Preposition + dative article as German writes them ("in dem" → "im", "zu der" → "zur").
_ZUSAMMENGEZOGEN = {
    ("in", "dem"): "im",
    ("zu", "dem"): "zum",
    ("zu", "der"): "zur",
    ("von", "dem"): "vom",
    ("an", "dem"): "am",
    ("bei", "dem"): "beim",
}


class BenanntMixin:
    """Article, case and preposition for a Kreis or a Kommune, from its `typ` and `name`.

    `bezeichnung` "Kreis Lippe" · `nominativ` "der Kreis Lippe" · `genitiv` "des Kreises
    Lippe" / "der Stadt Bielefeld" · `dativ` "dem Kreis Lippe" · `akkusativ` "den Kreis
    Lippe" · `lokativ` "im Kreis Lippe" / "in der kreisfreien Stadt Bielefeld" ·
    `mit("zu")` "zum Kreis Lippe" / "zur Stadt Detmold".
    """

    @property
    def benennung(self) -> Benennung:
        return BENENNUNGEN.get(self.typ, BENENNUNGEN["Gemeinde"])

    @property
    def bezeichnung(self) -> str:
        return f"{self.benennung.nomen} {self.name}"

    @property
    def nominativ(self) -> str:
        return f"{'die' if self.benennung.feminin else 'der'} {self.bezeichnung}"

    @property
    def genitiv(self) -> str:
        b = self.benennung
        return f"{'der' if b.feminin else 'des'} {b.genitiv_nomen} {self.name}"

    @property
    def dativ(self) -> str:
        return f"{self._dativ_artikel} {self.bezeichnung}"

    @property
    def akkusativ(self) -> str:
        return f"{'die' if self.benennung.feminin else 'den'} {self.bezeichnung}"

    @property
    def lokativ(self) -> str:
        """Where something happens, in the full form: "in der kreisfreien Stadt Bielefeld"."""
        return self.mit("in", voll=True)

    @property
    def ihr(self) -> str:
        """The possessive for a letter's closing: "Ihr Kreis Lippe", "Ihre Stadt Bielefeld"."""
        return f"{'Ihre' if self.benennung.feminin else 'Ihr'} {self.bezeichnung}"

    def mit(self, praeposition: str, *, voll: bool = False) -> str:
        """A dative preposition with the article, contracted where German contracts it."""
        b = self.benennung
        artikel = self._dativ_artikel
        anfang = _ZUSAMMENGEZOGEN.get((praeposition, artikel), f"{praeposition} {artikel}")
        adjektiv = f"{b.adjektiv}en " if voll and b.adjektiv else ""
        return f"{anfang} {adjektiv}{b.nomen} {self.name}"

    @property
    def _dativ_artikel(self) -> str:
        return "der" if self.benennung.feminin else "dem"


class Region(BenanntMixin, TimeStampedModel):
    """A region of several Kreise coordinated together, e.g. Ostwestfalen-Lippe (OWL).

    Named like a Kreis ("die Region Ostwestfalen-Lippe", "der Region …") where it leads a
    region project (issue 15, point 2)."""

    typ = "Region"

    kurzname = models.CharField("Kurzname", max_length=20, unique=True)
    name = models.CharField("Name", max_length=200)
    slug = models.SlugField("Kürzel in Adressen", unique=True)

    class Meta:
        verbose_name = "Region"
        verbose_name_plural = "Regionen"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KreisQuerySet(ScopedQuerySet):
    """`for_user`: the Kreise whose data the user may read."""

    kreis_lookup = "ags"


class Kreis(BenanntMixin, TimeStampedModel):
    """A Kreis or a kreisfreie Stadt (which is a Kreis with a single Kommune).

    Its primary key is the official 5-digit AGS, so `kreis_id` anywhere is e.g. "05766".
    """

    class Typ(models.TextChoices):
        KREIS = "Kreis", "Kreis"
        KREISFREIE_STADT = "kreisfreie Stadt", "kreisfreie Stadt"

    ags = models.CharField(
        "Amtlicher Gemeindeschlüssel (Kreis)",
        max_length=5,
        primary_key=True,
        help_text="Fünf Ziffern: Land, Regierungsbezirk und Kreis, z. B. 05766 für Lippe.",
    )
    name = models.CharField("Name", max_length=200)
    slug = models.SlugField("Kürzel in Adressen", unique=True)
    typ = models.CharField("Typ", max_length=20, choices=Typ.choices, default=Typ.KREIS)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="kreise", verbose_name="Region"
    )

    objects = KreisQuerySet.as_manager()

    class Meta:
        verbose_name = "Kreis"
        verbose_name_plural = "Kreise"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ags__regex=r"^[0-9]{5}$"),
                name="kreis_ags_5_digits",
                violation_error_message="Der AGS eines Kreises hat genau fünf Ziffern.",
            )
        ]

    def __str__(self) -> str:
        return f"Kreis {self.name}" if self.typ == self.Typ.KREIS else self.name

    def clean(self) -> None:
        if self.ags and not (len(self.ags) == 5 and self.ags.isdigit()):
            raise ValidationError({"ags": "Der AGS eines Kreises hat genau fünf Ziffern."})


class KommuneQuerySet(ScopedQuerySet):
    """`for_user`: all Kommunen of every Kreis the user can see."""

    def with_counts(self) -> KommuneQuerySet:
        """Maßnahmen led and joined and OZG services online, in the same query.

        The upper apps are reached through their reverse relations (no import upwards).
        """
        from django.db.models import Count, OuterRef, Subquery
        from django.db.models.functions import Coalesce

        def count_of(relation: str, **filters):
            model = self.model._meta.get_field(relation).related_model
            field = self.model._meta.get_field(relation).field.name
            sub = (
                model.objects.filter(**{field: OuterRef("pk")}, **filters)
                .order_by()
                .values(field)
                .annotate(n=Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(sub), 0)

        return self.annotate(
            anzahl_federfuehrend=count_of("massnahmen_lead", archiviert=False),
            anzahl_beteiligt=Count(
                "massnahmen_beteiligt",
                filter=Q(massnahmen_beteiligt__archiviert=False),
                distinct=True,
            ),
            anzahl_ozg_online=count_of("umsetzungsstaende", online=True),
        )


class Kommune(BenanntMixin, Versioned, TimeStampedModel):
    """A Stadt or Gemeinde, keyed by its 8-digit AGS, which begins with its Kreis's AGS."""

    class Typ(models.TextChoices):
        STADT = "Stadt", "Stadt"
        GEMEINDE = "Gemeinde", "Gemeinde"
        KREISFREIE_STADT = "kreisfreie Stadt", "kreisfreie Stadt"

    ags = models.CharField(
        "Amtlicher Gemeindeschlüssel",
        max_length=8,
        unique=True,
        help_text="Acht Ziffern; die ersten fünf sind der AGS des Kreises.",
    )
    name = models.CharField("Name", max_length=200)
    slug = models.SlugField("Kürzel in Adressen", unique=True)
    typ = models.CharField("Typ", max_length=20, choices=Typ.choices)
    kreis = models.ForeignKey(
        Kreis,
        on_delete=models.PROTECT,
        related_name="kommunen",
        verbose_name="Kreis",
    )
    einwohner = models.PositiveIntegerField("Einwohnerzahl", null=True, blank=True)
    einwohner_stand = models.DateField("Stand der Einwohnerzahl", null=True, blank=True)
    website = models.URLField("Website", blank=True)
    beschreibung = models.TextField("Profil", blank=True)
    # Issue 17, point 5: the Kommune's own websites that may frame its widget
    # (/oeffentlich/einbetten/<slug>/); set by Kreis staff, read into `frame-ancestors`.
    einbettende_websites = models.TextField(
        "Websites, die das Widget einbetten dürfen",
        blank=True,
        validators=[https_origins_validator],
        help_text="Je Zeile eine https-Adresse ohne Pfad, z. B. https://www.detmold.de. Nur "
        "diese Seiten dürfen die Übersicht der Kommune in einem iframe zeigen.",
    )

    objects = KommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "Kommune"
        verbose_name_plural = "Kommunen"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ags__regex=r"^[0-9]{8}$") & Q(ags__startswith=F("kreis_id")),
                name="kommune_ags_8_digits_in_kreis",
                violation_error_message=(
                    "Der AGS einer Kommune hat acht Ziffern und beginnt mit dem AGS ihres Kreises."
                ),
            ),
            models.CheckConstraint(
                condition=Q(einwohner_stand__isnull=True) | Q(einwohner__isnull=False),
                name="kommune_einwohner_stand_needs_value",
                violation_error_message="Ein Stand ohne Einwohnerzahl ergibt keinen Sinn.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("kommunen:detail", kwargs={"slug": self.slug})

    @property
    def embedding_origins(self) -> list[str]:
        """The origins of `einbettende_websites`, normalised (core.eingaben.https_origins);
        a stored value that no longer passes (edited in the database) frames nowhere."""
        try:
            return https_origins(self.einbettende_websites)
        except ValidationError:
            return []

    def clean(self) -> None:
        errors = {}
        if self.ags and not (len(self.ags) == 8 and self.ags.isdigit()):
            errors["ags"] = "Der AGS einer Kommune hat genau acht Ziffern."
        elif self.ags and self.kreis_id and not self.ags.startswith(self.kreis_id):
            errors["ags"] = f"Der AGS muss mit dem AGS des Kreises ({self.kreis_id}) beginnen."
        if self.einwohner_stand and self.einwohner is None:
            errors["einwohner"] = "Bitte die Einwohnerzahl zum angegebenen Stand eintragen."
        if errors:
            raise ValidationError(errors)


class Rolle(models.TextChoices):
    CDO = "cdo", "Digitalisierungsbeauftragte(r) einer Kommune"
    KREIS = "kreis", "Kreisverwaltung"
    REGION = "region", "Regionale Koordination (DigitalBüro)"


def kreis_or_region(
    *, related_name: str, region_related_name: str, was: str
) -> tuple[models.ForeignKey, models.ForeignKey]:
    """The owner of something that belongs to a Kreis or, as the region's own (issue 15,
    point 2), to a Region: two optional foreign keys, exactly one of which the model's check
    constraint requires. `was` names the thing in the labels ("Projekt", "Workshop")."""
    return (
        optional_fk(
            Kreis,
            on_delete=models.PROTECT,
            related_name=related_name,
            verbose_name="Kreis",
            help_text=f"Leer nur bei einem {was} der Region selbst.",
        ),
        optional_fk(
            Region,
            on_delete=models.PROTECT,
            related_name=region_related_name,
            verbose_name=f"Region ({was} der Region)",
        ),
    )


class Mitgliedschaft(TimeStampedModel):
    """A user's role in exactly one Kommune (cdo), Kreis (kreis) or Region (region).

    A person may hold several, e.g. CDO of one Kommune and staff of the Kreis.
    Deleting the row removes the access at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mitgliedschaften",
        verbose_name="Person",
    )
    rolle = models.CharField("Rolle", max_length=10, choices=Rolle.choices)
    kommune = optional_fk(
        Kommune, on_delete=models.CASCADE, verbose_name="Kommune", related_name="mitgliedschaften"
    )
    kreis = optional_fk(
        Kreis, on_delete=models.CASCADE, verbose_name="Kreis", related_name="mitgliedschaften"
    )
    region = optional_fk(
        Region, on_delete=models.CASCADE, verbose_name="Region", related_name="mitgliedschaften"
    )

    class Meta:
        verbose_name = "Mitgliedschaft"
        verbose_name_plural = "Mitgliedschaften"
        ordering = ["user", "rolle"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(rolle="cdo", kommune__isnull=False, kreis__isnull=True, region__isnull=True)
                    | Q(
                        rolle="kreis",
                        kommune__isnull=True,
                        kreis__isnull=False,
                        region__isnull=True,
                    )
                    | Q(
                        rolle="region",
                        kommune__isnull=True,
                        kreis__isnull=True,
                        region__isnull=False,
                    )
                ),
                name="mitgliedschaft_scope_matches_role",
                violation_error_message=(
                    "Eine CDO-Rolle gehört zu genau einer Kommune, die Kreisrolle zu einem Kreis, "
                    "die Regionsrolle zu einer Region."
                ),
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"mitgliedschaft_unique_{field}",
                    violation_error_message="Diese Mitgliedschaft besteht bereits.",
                )
                for field in ("kommune", "kreis", "region")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_rolle_display()}: {self.bereich}"

    @property
    def bereich(self):
        return self.kommune or self.kreis or self.region

    def clean(self) -> None:
        required = {Rolle.CDO: "kommune", Rolle.KREIS: "kreis", Rolle.REGION: "region"}
        wanted = required.get(self.rolle)
        errors = {}
        for field in ("kommune", "kreis", "region"):
            has_value = getattr(self, f"{field}_id") is not None
            if field == wanted and not has_value:
                errors[field] = "Für diese Rolle bitte auswählen."
            elif field != wanted and has_value:
                errors[field] = "Passt nicht zur gewählten Rolle; bitte leer lassen."
        if errors:
            raise ValidationError(errors)

"""Maßnahmen, the heart of the cooperation, with their milestones, quarterly
Statusmeldungen, documents and reuse by other Kommunen."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.fields import optional_fk, person_fk
from core.files import Dokument, zufaelliger_pfad
from core.locking import Versioned
from core.models import TimeStampedModel, unique
from core.quartal import QuartalField, quartal_text
from handlungsfelder.models import Handlungsfeld, Lebensbereich, Ziel
from kommunen.models import Kommune, Kreis, kreis_or_region
from kommunen.scope import ScopedQuerySet

PROZENT = [MinValueValidator(0, "Mindestens 0 %%."), MaxValueValidator(100, "Höchstens 100 %%.")]


class Ampel(models.TextChoices):
    GRUEN = "gruen", "grün – im Plan"
    GELB = "gelb", "gelb – Verzug oder Risiken"
    ROT = "rot", "rot – gefährdet"


class Sichtbarkeit(models.TextChoices):
    """Who reads a Maßnahme besides the Kreis that owns it (and the region's DigitalBüro,
    which reads everything of its region)."""

    KREIS = "kreis", "Kreis – nur der eigene Kreis"
    REGION = "region", "Region – alle angemeldeten Nutzenden der Region"
    OEFFENTLICH = "oeffentlich", "öffentlich – auch auf der Transparenzseite"


# Visible to every logged-in user of the Maßnahme's region.
REGIONSWEIT = (Sichtbarkeit.REGION, Sichtbarkeit.OEFFENTLICH)


def lesbar_q(scope) -> Q:
    """The Maßnahmen a user may read (docs/ARCHITECTURE.md, "Users and what they do"), as one filter:
    those of the Kreise they read (their own; the region role: all of its region), the
    Region-visible or public ones of every region they belong to, and those of other Kreise
    a Kommune of theirs takes part in (`partner_q`)."""
    if scope.is_superuser:
        return Q()
    q = Q(kreis_id__in=scope.readable_kreis_ids)
    if scope.mitglied_region_ids:
        region_kreise = Kreis.objects.filter(region_id__in=scope.mitglied_region_ids)
        q |= Q(sichtbarkeit__in=REGIONSWEIT, kreis_id__in=region_kreise.values("ags"))
    if scope.mitglied_region_ids:
        # Region projects (issue 15, point 2) are open to every member of their region.
        q |= Q(kreis__isnull=True, region_id__in=scope.mitglied_region_ids)
    if scope.cdo_kommune_ids or scope.kreis_ids:
        # Partners from other Kreise (issue 15, point 1): a Maßnahme one of the user's
        # Kommunen takes part in, whatever its visibility. A subquery, not a join: no
        # duplicate rows, no DISTINCT on the lists.
        q |= Q(
            pk__in=Massnahme.beteiligte.through.objects.filter(partner_q(scope)).values(
                "massnahme_id"
            )
        )
    return q


def partner_q(scope, lookup: str = "kommune") -> Q:
    """The partner Kommunen (through `lookup`) that open a Maßnahme to the user: their own
    as CDO, every Kommune of their Kreis as Kreis staff."""
    return Q(**{f"{lookup}_id__in": scope.cdo_kommune_ids}) | Q(
        **{f"{lookup}__kreis_id__in": scope.kreis_ids}
    )


class MassnahmeQuerySet(ScopedQuerySet):
    def readable_q(self, scope) -> Q:
        """Maßnahmen the user may read (`lesbar_q`)."""
        return lesbar_q(scope)

    def active(self) -> MassnahmeQuerySet:
        return self.filter(archiviert=False)

    def veroeffentlicht(self) -> MassnahmeQuerySet:
        """Shown on the transparency pages: public and not archived, of a Kreis or a
        project of the region itself (issue 15, point 2)."""
        return self.filter(sichtbarkeit=Sichtbarkeit.OEFFENTLICH, archiviert=False)

    def with_kommune(self, kommune) -> MassnahmeQuerySet:
        """Led by or taking part: the Kommune is involved."""
        return self.filter(Q(federfuehrend=kommune) | Q(beteiligte=kommune)).distinct()

    def meldepflichtig(self, quartal=None) -> MassnahmeQuerySet:
        """Active Maßnahmen that owe a Statusmeldung for `quartal` (default: the running
        one): all but the finished, the stopped and those starting after the quarter (the
        one definition for the report, the dashboards, the start page and the list filter
        "fehlt Statusmeldung")."""
        return self.active().filter(meldepflichtig_q(quartal))

    def without_statusmeldung(self, quartal) -> MassnahmeQuerySet:
        return self.exclude(statusmeldungen__quartal=str(quartal))


def meldepflichtig_q(quartal=None) -> Q:
    """`MassnahmeQuerySet.meldepflichtig` as a condition, for filtered aggregates (also on
    the rows of `stand_at_quartalsende`). A Maßnahme that starts after the quarter owes
    nothing for it."""
    from core.quartal import Quartal

    ende = Quartal.parse(quartal).ende if quartal else Quartal.current().ende
    return ~Q(status__in=Massnahme.OHNE_MELDEPFLICHT) & (
        Q(beginn__isnull=True) | Q(beginn__lte=ende)
    )


# --- Average progress: the one definition --------------------------------------------------

FORTSCHRITT_ERKLAERUNG = (
    "Durchschnittlicher Fortschritt: ungewichteter Mittelwert der Maßnahmen, die geplant, in "
    "Umsetzung, pausiert oder abgeschlossen sind; Ideen und abgebrochene Maßnahmen zählen "
    "nicht mit."
)


def fortschritt_counts_q() -> Q:
    """The Maßnahmen whose progress enters the average (`FORTSCHRITT_ERKLAERUNG`): an idea
    has no progress yet, and a stopped Maßnahme never will reach 100 %."""
    return ~Q(status__in=Massnahme.OHNE_FORTSCHRITT)


def average(summe, anzahl) -> float | None:
    """Average progress in percent, one decimal; None when nothing counts."""
    return round(summe / anzahl, 1) if anzahl else None


def stand_at_quartalsende(quartal):
    """The active Maßnahmen as they stood at the end of `quartal` (core.stichtag): for a
    running quarter the live rows, for an ended one the history rows valid at its end. Both
    have the model's field names (`id`, `kreis_id`, `status`, `fortschritt`, …), so the same
    aggregates run on either; correlate on "id", never on "pk"."""
    from core.stichtag import at_quartalsende

    return at_quartalsende(Massnahme, quartal).filter(archiviert=False)


def beteiligungen_at_quartalsende(quartal):
    """The partner links (`massnahme_id`, `kommune_id`) of the active Maßnahmen as they stood
    at the end of `quartal`: the live links while it runs, afterwards the many-to-many
    snapshot of the history rows valid at its end."""
    from django.apps import apps

    from core.quartal import Quartal
    from core.stichtag import is_expired

    stand = stand_at_quartalsende(quartal)
    if not is_expired(Quartal.parse(quartal)):
        return Massnahme.beteiligte.through.objects.filter(massnahme__in=stand)
    snapshot = apps.get_model("massnahmen", "HistoricalMassnahme_beteiligte")
    return snapshot.objects.filter(history_id__in=stand.values("history_id"))


class Massnahme(Versioned, TimeStampedModel):
    """A measure of the joint digitalisation strategy, led by one Kommune or by the Kreis."""

    class Status(models.TextChoices):
        IDEE = "idee", "Idee"
        GEPLANT = "geplant", "geplant"
        IN_UMSETZUNG = "in_umsetzung", "in Umsetzung"
        ABGESCHLOSSEN = "abgeschlossen", "abgeschlossen"
        PAUSIERT = "pausiert", "pausiert"
        ABGEBROCHEN = "abgebrochen", "abgebrochen"

    # Finished or stopped Maßnahmen owe no Statusmeldung.
    OHNE_MELDEPFLICHT = (Status.ABGESCHLOSSEN, Status.ABGEBROCHEN)
    # Left out of the average progress (FORTSCHRITT_ERKLAERUNG).
    OHNE_FORTSCHRITT = (Status.IDEE, Status.ABGEBROCHEN)

    # A region project (issue 15, point 2): led and run by the region's DigitalBüro, no
    # Kreis's data; open to every member of the region.
    kreis, region = kreis_or_region(
        related_name="massnahmen", region_related_name="projekte", was="Projekt"
    )
    titel = models.CharField("Titel", max_length=250)
    beschreibung = models.TextField("Beschreibung", blank=True)
    handlungsfeld = models.ForeignKey(
        Handlungsfeld,
        on_delete=models.PROTECT,
        related_name="massnahmen",
        verbose_name="Handlungsfeld",
    )
    lebensbereiche = models.ManyToManyField(
        Lebensbereich, blank=True, related_name="massnahmen", verbose_name="Lebensbereiche"
    )
    ziel = optional_fk(Ziel, related_name="massnahmen", verbose_name="Ziel")
    federfuehrend = optional_fk(
        Kommune,
        on_delete=models.PROTECT,
        related_name="massnahmen_lead",
        verbose_name="federführende Kommune",
        help_text="Leer lassen, wenn der Kreis selbst federführend ist.",
    )
    beteiligte = models.ManyToManyField(
        Kommune, blank=True, related_name="massnahmen_beteiligt", verbose_name="beteiligte Kommunen"
    )
    status = models.CharField(
        "Status", max_length=20, choices=Status.choices, default=Status.GEPLANT
    )
    fortschritt = models.PositiveSmallIntegerField(
        "Fortschritt in %", default=0, validators=PROZENT
    )
    ampel = models.CharField("Ampel", max_length=5, choices=Ampel.choices, default=Ampel.GRUEN)
    beginn = models.DateField("Beginn", null=True, blank=True)
    ende_geplant = models.DateField("geplantes Ende", null=True, blank=True)
    ende_tatsaechlich = models.DateField("tatsächliches Ende", null=True, blank=True)
    budget = models.DecimalField(
        "Budget (EUR)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    ansprechperson = person_fk("Ansprechperson")
    sichtbarkeit = models.CharField(
        "Sichtbarkeit",
        max_length=12,
        choices=Sichtbarkeit.choices,
        default=Sichtbarkeit.KREIS,
        help_text="Wer die Maßnahme außer dem eigenen Kreis lesen darf.",
    )
    archiviert = models.BooleanField("archiviert", default=False)
    nachnutzung_von = optional_fk(
        "self",
        related_name="uebernahmen",
        verbose_name="übernommen von",
        help_text="Die Maßnahme, deren Lösung diese Maßnahme nachnutzt (Einer für Alle).",
    )
    # A form save must carry the version it was loaded with (core.locking.Versioned).
    # Title (weight A) and description (B) as a German tsvector, kept up to date by a
    # PostgreSQL trigger (migration 0006) and searched through a GIN index; NULL and unused
    # on SQLite, where core.search falls back to substring matching.
    suchvektor = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(
        m2m_fields=[beteiligte, lebensbereiche],
        excluded_fields=["suchvektor"],
        verbose_name="Änderungsverlauf Maßnahme",
    )
    objects = MassnahmeQuerySet.as_manager()

    class Meta:
        verbose_name = "Maßnahme"
        verbose_name_plural = "Maßnahmen"
        ordering = ["handlungsfeld__nummer", "titel"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kreis__isnull=False, region__isnull=True)
                | Q(kreis__isnull=True, region__isnull=False, federfuehrend__isnull=True),
                name="massnahme_kreis_oder_region",
                violation_error_message="Eine Maßnahme gehört entweder zu einem Kreis oder ist "
                "ein Projekt der Region, das die Region selbst führt.",
            ),
            models.CheckConstraint(
                condition=Q(fortschritt__gte=0) & Q(fortschritt__lte=100),
                name="massnahme_fortschritt_0_100",
                violation_error_message="Der Fortschritt liegt zwischen 0 und 100 %.",
            ),
            models.CheckConstraint(
                condition=Q(beginn__isnull=True)
                | Q(ende_geplant__isnull=True)
                | Q(ende_geplant__gte=F("beginn")),
                name="massnahme_ende_not_before_beginn",
                violation_error_message="Das geplante Ende darf nicht vor dem Beginn liegen.",
            ),
            models.CheckConstraint(
                condition=~Q(status="abgeschlossen") | Q(ende_tatsaechlich__isnull=False),
                name="massnahme_abgeschlossen_needs_ende",
                violation_error_message="Eine abgeschlossene Maßnahme braucht ein tatsächliches Ende.",
            ),
        ]
        indexes = [
            models.Index(fields=["kreis", "status"]),
            # The first Maßnahmen by title among many (/region/'s shared Maßnahmen of a
            # national region): read in order until enough are found, no sort of all.
            models.Index(fields=["titel", "id"], name="massnahme_titel"),
        ]

    def __str__(self) -> str:
        return self.titel

    def get_absolute_url(self) -> str:
        return reverse("massnahmen:detail", kwargs={"pk": self.pk})

    @property
    def veroeffentlicht(self) -> bool:
        """On the transparency pages (`sichtbarkeit` öffentlich). Kept as a yes/no alias for
        the import/export column "veröffentlicht" and for code that sets it."""
        return self.sichtbarkeit == Sichtbarkeit.OEFFENTLICH

    @veroeffentlicht.setter
    def veroeffentlicht(self, wert: bool) -> None:
        if wert:
            self.sichtbarkeit = Sichtbarkeit.OEFFENTLICH
        elif self.sichtbarkeit == Sichtbarkeit.OEFFENTLICH:
            self.sichtbarkeit = Sichtbarkeit.KREIS

    def is_readable_for(self, scope) -> bool:
        """`lesbar_q` for one loaded Maßnahme (its Kreis with select_related, if possible)."""
        if scope.is_superuser or self.kreis_id in scope.readable_kreis_ids:
            return True
        if self.region_id:
            return scope.is_region_member(self.region_id)
        if self.sichtbarkeit in REGIONSWEIT and scope.is_region_member(self.kreis.region_id):
            return True
        return self.has_partner_of(scope)

    def has_partner_of(self, scope) -> bool:
        """A Kommune of the user takes part (`partner_q`); reads the prefetched partners
        when there are any."""
        if not (scope.cdo_kommune_ids or scope.kreis_ids):
            return False
        beteiligte = self.__dict__.get("_prefetched_objects_cache", {}).get("beteiligte")
        if beteiligte is not None:
            return any(
                k.pk in scope.cdo_kommune_ids or k.kreis_id in scope.kreis_ids for k in beteiligte
            )
        return self.beteiligte.filter(
            Q(pk__in=scope.cdo_kommune_ids) | Q(kreis_id__in=scope.kreis_ids)
        ).exists()

    @property
    def gebiet_region_id(self) -> int:
        """The region the Maßnahme lives in: its own as a region project, else its Kreis's."""
        return self.region_id or self.kreis.region_id

    @property
    def traeger(self):
        """Who owns it: the Kreis, or the region for a region project (BenanntMixin)."""
        return self.region if self.region_id else self.kreis

    @property
    def federfuehrung_display(self) -> str:
        if self.federfuehrend_id:
            return str(self.federfuehrend)
        return self.region.bezeichnung if self.region_id else str(self.kreis)

    @property
    def federfuehrung_benannt(self):
        """The leading Kommune, else the Kreis (or the region), with its article and cases
        (kommunen.models.BenanntMixin: "der Stadt Detmold", "des Kreises Lippe")."""
        return self.federfuehrend if self.federfuehrend_id else self.traeger

    @property
    def federfuehrung_with_kreis(self) -> str:
        """The lead with its Kreis, for readers of other Kreise: "Stadt Herford (Kreis
        Herford)", "Kreis Herford"; a kreisfreie Stadt needs no Kreis beside it."""
        if not self.federfuehrend_id:
            return self.traeger.bezeichnung
        kommune = self.federfuehrend.bezeichnung
        if self.kreis.typ != Kreis.Typ.KREIS:
            return kommune
        return f"{kommune} ({self.kreis})"

    def clean(self) -> None:
        errors = {}
        if self.beginn and self.ende_geplant and self.ende_geplant < self.beginn:
            errors["ende_geplant"] = "Das geplante Ende darf nicht vor dem Beginn liegen."
        if self.beginn and self.ende_tatsaechlich and self.ende_tatsaechlich < self.beginn:
            errors["ende_tatsaechlich"] = "Das tatsächliche Ende darf nicht vor dem Beginn liegen."
        if self.status == self.Status.ABGESCHLOSSEN and not self.ende_tatsaechlich:
            errors["ende_tatsaechlich"] = (
                "Bitte das tatsächliche Ende angeben, wenn die Maßnahme abgeschlossen ist."
            )
        if self.fortschritt is not None and not 0 <= self.fortschritt <= 100:
            errors["fortschritt"] = "Der Fortschritt liegt zwischen 0 und 100 %."
        if self.region_id and self.federfuehrend_id:
            errors["federfuehrend"] = "Ein Projekt der Region führt die Region selbst."
        if self.federfuehrend_id and self.kreis_id and self.federfuehrend.kreis_id != self.kreis_id:
            errors["federfuehrend"] = (
                "Die federführende Kommune muss zum Kreis der Maßnahme gehören."
            )
        if (
            self.ziel_id
            and (self.kreis_id or self.region_id)
            and self.ziel.kreis_id != self.kreis_id
        ):
            errors["ziel"] = "Das Ziel gehört zu einem anderen Kreis."
        if (
            self.ziel_id
            and self.handlungsfeld_id
            and self.ziel.handlungsfeld_id != self.handlungsfeld_id
        ):
            errors["ziel"] = "Das Ziel gehört zu einem anderen Handlungsfeld."
        if errors:
            raise ValidationError(errors)


class QuartalsabschlussQuerySet(ScopedQuerySet):
    def active(self) -> QuartalsabschlussQuerySet:
        return self.filter(aufgehoben_am__isnull=True)


class Quartalsabschluss(TimeStampedModel):
    """A quarter of a Kreis frozen for reporting: its Statusmeldungen can no longer be changed.

    Set when the quarterly report is requested; Kreis staff can lift it with a reason,
    which stays on record (the row is kept, `aufgehoben_*` filled).
    """

    kreis = models.ForeignKey(
        Kreis, on_delete=models.CASCADE, related_name="quartalsabschluesse", verbose_name="Kreis"
    )
    quartal = QuartalField()
    gesperrt_von = person_fk("gesperrt von")
    aufgehoben_am = models.DateTimeField("aufgehoben am", null=True, blank=True)
    aufgehoben_von = person_fk("aufgehoben von")
    aufhebungsgrund = models.TextField("Grund der Aufhebung", blank=True)

    objects = QuartalsabschlussQuerySet.as_manager()

    class Meta:
        verbose_name = "Quartalsabschluss"
        verbose_name_plural = "Quartalsabschlüsse"
        ordering = ["kreis", "-quartal", "-erstellt_am"]
        constraints = [
            unique(
                "kreis",
                "quartal",
                condition=Q(aufgehoben_am__isnull=True),
                name="quartalsabschluss_one_active",
                message="Dieses Quartal ist bereits abgeschlossen.",
            ),
            models.CheckConstraint(
                condition=Q(aufgehoben_am__isnull=True) | ~Q(aufhebungsgrund=""),
                name="quartalsabschluss_aufhebung_needs_reason",
                violation_error_message="Bitte einen Grund für die Aufhebung angeben.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kreis} {quartal_text(self.quartal)}"

    @staticmethod
    def is_locked(kreis_id: str, quartal) -> bool:
        return (
            Quartalsabschluss.objects.active()
            .filter(kreis_id=kreis_id, quartal=str(quartal))
            .exists()
        )


class Meilenstein(TimeStampedModel):
    """A milestone of a Maßnahme: due on a date, reached (or not) on another."""

    massnahme = models.ForeignKey(
        Massnahme, on_delete=models.CASCADE, related_name="meilensteine", verbose_name="Maßnahme"
    )
    titel = models.CharField("Titel", max_length=250)
    faellig_am = models.DateField("fällig am")
    erreicht_am = models.DateField("erreicht am", null=True, blank=True)

    history = HistoricalRecords(verbose_name="Änderungsverlauf Meilenstein")

    class Meta:
        verbose_name = "Meilenstein"
        verbose_name_plural = "Meilensteine"
        ordering = ["faellig_am", "titel"]

    def __str__(self) -> str:
        return self.titel

    @property
    def ueberfaellig(self) -> bool:
        return self.erreicht_am is None and self.faellig_am < timezone.localdate()


class StatusmeldungQuerySet(models.QuerySet):
    def oeffentlich(self) -> StatusmeldungQuerySet:
        """The public updates (issue 17, point 6): Statusmeldungen of a public, not archived
        Maßnahme that carry a public summary. The only Statusmeldungen the public side, the
        anonymous API and the feeds ever read, and of them only the summary, quarter and
        date (`oeffentliche_zusammenfassung`, `quartal`, `zusammenfassung_am`)."""
        return self.filter(
            massnahme__sichtbarkeit=Sichtbarkeit.OEFFENTLICH, massnahme__archiviert=False
        ).exclude(oeffentliche_zusammenfassung="")


class Statusmeldung(TimeStampedModel):
    """The quarterly update on a Maßnahme; one per Maßnahme and quarter. The raw material
    of the quarterly report to the Bürgermeisterkonferenz.

    Its texts are internal. Only `oeffentliche_zusammenfassung`, written for the public by
    Kreis staff or the lead Kommune's CDO (`massnahmen.publish_statusmeldung`), appears on
    the transparency pages, in the anonymous API and in the Atom feeds, and only while the
    Maßnahme is public."""

    massnahme = models.ForeignKey(
        Massnahme, on_delete=models.CASCADE, related_name="statusmeldungen", verbose_name="Maßnahme"
    )
    quartal = QuartalField()
    fortschritt = models.PositiveSmallIntegerField("Fortschritt in %", validators=PROZENT)
    ampel = models.CharField("Ampel", max_length=5, choices=Ampel.choices)
    erreicht = models.TextField("Was wurde erreicht?")
    naechste_schritte = models.TextField("Nächste Schritte", blank=True)
    risiken = models.TextField("Risiken und Hindernisse", blank=True)
    autor = optional_fk(
        settings.AUTH_USER_MODEL, related_name="statusmeldungen", verbose_name="verfasst von"
    )
    oeffentliche_zusammenfassung = models.TextField(
        "Öffentliche Zusammenfassung",
        blank=True,
        max_length=2000,
        help_text="Erscheint auf der Transparenzseite, wenn die Maßnahme öffentlich ist. "
        "Leer lassen: die Statusmeldung bleibt intern. Bitte ohne interne Angaben und ohne "
        "Namen von Personen.",
    )
    # When the public summary was last written (set by the service, not by the form): the
    # date of the public update in the timeline and the feeds' <updated>.
    zusammenfassung_am = models.DateTimeField(
        "Zusammenfassung veröffentlicht am", null=True, blank=True, editable=False
    )

    history = HistoricalRecords(verbose_name="Änderungsverlauf Statusmeldung")
    objects = StatusmeldungQuerySet.as_manager()

    class Meta:
        verbose_name = "Statusmeldung"
        verbose_name_plural = "Statusmeldungen"
        ordering = ["massnahme", "-quartal"]
        # The Statusmeldungen of a quarter (who has reported for it, how many per quarter):
        # the unique constraint's index starts with the Maßnahme and does not help there.
        indexes = [models.Index(fields=["quartal", "massnahme"], name="statusmeldung_quartal")]
        constraints = [
            unique(
                "massnahme",
                "quartal",
                name="statusmeldung_one_per_quartal",
                message="Für diese Maßnahme gibt es in diesem Quartal schon eine Statusmeldung.",
            ),
            models.CheckConstraint(
                condition=Q(fortschritt__gte=0) & Q(fortschritt__lte=100),
                name="statusmeldung_fortschritt_0_100",
                violation_error_message="Der Fortschritt liegt zwischen 0 und 100 %.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.massnahme} – {quartal_text(self.quartal)}"

    @property
    def public_since(self) -> dt.datetime:
        """When the public summary was published: the date of the public update. Rows
        written before the field existed (imports, demo data) count from their quarter's
        last day, noon local time."""
        if self.zusammenfassung_am:
            return self.zusammenfassung_am
        from core.quartal import Quartal

        ende = Quartal.parse(self.quartal).ende
        return timezone.make_aware(dt.datetime.combine(ende, dt.time(12)))


class Anhang(Dokument):
    """A document attached to a Maßnahme (concept, minutes, contract …)."""

    class Art(models.TextChoices):
        KONZEPT = "konzept", "Konzept"
        PROTOKOLL = "protokoll", "Protokoll"
        VERTRAG = "vertrag", "Vertrag/Vereinbarung"
        PRAESENTATION = "praesentation", "Präsentation"
        SONSTIGES = "sonstiges", "Sonstiges"

    massnahme = models.ForeignKey(
        Massnahme, on_delete=models.CASCADE, related_name="anhaenge", verbose_name="Maßnahme"
    )
    art = models.CharField("Art", max_length=20, choices=Art.choices, default=Art.SONSTIGES)
    hochgeladen_von = person_fk("hochgeladen von")

    class Meta:
        verbose_name = "Anhang"
        verbose_name_plural = "Anhänge"
        ordering = ["-hochgeladen_am"]

    def __str__(self) -> str:
        return self.titel


class Nachnutzung(TimeStampedModel):
    """A Kommune reusing the solution a Maßnahme built ("Einer für Alle")."""

    massnahme = models.ForeignKey(
        Massnahme, on_delete=models.CASCADE, related_name="nachnutzungen", verbose_name="Maßnahme"
    )
    kommune = models.ForeignKey(
        Kommune,
        on_delete=models.CASCADE,
        related_name="nachnutzungen",
        verbose_name="nachnutzende Kommune",
    )
    seit = models.DateField("nachgenutzt seit", null=True, blank=True)
    bemerkung = models.TextField("Bemerkung", blank=True)

    class Meta:
        verbose_name = "Nachnutzung"
        verbose_name_plural = "Nachnutzungen"
        ordering = ["massnahme", "kommune__name"]
        constraints = [
            unique(
                "massnahme",
                "kommune",
                name="nachnutzung_unique",
                message="Diese Kommune ist bereits als Nachnutzerin eingetragen.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kommune} nutzt {self.massnahme}"

    def clean(self) -> None:
        if (
            self.kommune_id
            and self.massnahme_id
            and self.massnahme.federfuehrend_id == self.kommune_id
        ):
            raise ValidationError(
                {"kommune": "Die federführende Kommune kann ihre eigene Lösung nicht nachnutzen."}
            )


class Importlauf(TimeStampedModel):
    """One upload of a CSV/XLSX file of Maßnahmen by Kreis staff: checked row by row in a dry
    run, then imported all-or-nothing (large files by a Celery task with visible progress)."""

    class Status(models.TextChoices):
        PRUEFUNG = "pruefung", "wird geprüft"
        GEPRUEFT = "geprueft", "geprüft – bereit zum Import"
        FEHLERHAFT = "fehlerhaft", "fehlerhaft – nichts importiert"
        WARTET = "wartet", "wartet auf Verarbeitung"
        LAEUFT = "laeuft", "Import läuft"
        FERTIG = "fertig", "importiert"
        FEHLGESCHLAGEN = "fehlgeschlagen", "fehlgeschlagen – nichts importiert"

    kreis = models.ForeignKey(
        Kreis, on_delete=models.CASCADE, related_name="importlaeufe", verbose_name="Kreis"
    )
    datei = models.FileField("Datei", upload_to=zufaelliger_pfad)
    dateiname = models.CharField("ursprünglicher Dateiname", max_length=255)
    status = models.CharField(
        "Status", max_length=15, choices=Status.choices, default=Status.WARTET
    )
    zeilen_gesamt = models.PositiveIntegerField("Zeilen gesamt", default=0)
    zeilen_verarbeitet = models.PositiveIntegerField("Zeilen verarbeitet", default=0)
    neu = models.PositiveIntegerField("neu angelegt", default=0)
    aktualisiert = models.PositiveIntegerField("aktualisiert", default=0)
    fehler = models.JSONField(
        "Fehler je Zeile",
        default=list,
        blank=True,
        help_text='Liste von {"zeile": n, "spalte": "…", "meldung": "…"}',
    )
    hochgeladen_von = person_fk("hochgeladen von")

    class Meta:
        verbose_name = "Import von Maßnahmen"
        verbose_name_plural = "Importe von Maßnahmen"
        ordering = ["-erstellt_am"]

    def __str__(self) -> str:
        return f"Import {self.dateiname} ({self.get_status_display()})"

    @property
    def fortschritt_prozent(self) -> int:
        if not self.zeilen_gesamt:
            return 0
        return round(100 * self.zeilen_verarbeitet / self.zeilen_gesamt)


def meldeschluss(quartal):
    """The moment a quarter's Statusmeldungen are due: midnight after its last day plus
    `STATUSMELDUNG_MELDESCHLUSS_TAGE` days. A Statusmeldung reports the state at the
    quarter's end and is written in the days after it; one written later is late."""
    import datetime as dt

    from core.quartal import Quartal
    from core.stichtag import stichtag

    return stichtag(Quartal.parse(quartal)) + dt.timedelta(
        days=settings.STATUSMELDUNG_MELDESCHLUSS_TAGE
    )


def statusmeldungen_at_quartalsende(quartal):
    """The Statusmeldungen as they stood at the Meldeschluss of `quartal` (`meldeschluss`):
    the live rows until then, afterwards the history rows valid at that moment (a
    Statusmeldung deleted later still counts, a late one does not). Correlate on "id"."""
    from core.stichtag import stand_on

    schluss = meldeschluss(quartal)
    if schluss > timezone.now():
        return Statusmeldung.objects.all()
    return stand_on(Statusmeldung.history, schluss)

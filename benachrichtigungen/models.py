"""Following things (Abo) and what followers are told about them (Benachrichtigung).

The followed thing is one of four kinds. It is stored as one nullable foreign key per kind
with a check constraint "exactly one is set", not as a GenericForeignKey: the database keeps
the references sound (a deleted Maßnahme takes its Abos and Benachrichtigungen with it
instead of leaving dangling ids), the per-kind unique constraints stop duplicate Abos, and
the visibility check is a plain join on each kind's own `for_user()` in one query.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import optional_fk
from core.models import TimeStampedModel, unique
from foerderung.models import Foerderbescheid
from handlungsfelder.models import Handlungsfeld
from kommunen.models import Kommune, Kreis
from massnahmen.models import Massnahme

# The kinds a person can follow: field name → model.
ARTEN = {
    "massnahme": Massnahme,
    "kommune": Kommune,
    "handlungsfeld": Handlungsfeld,
    "foerderbescheid": Foerderbescheid,
}


def _exactly_one() -> Q:
    """Exactly one of the ARTEN foreign keys is set."""
    bedingung = Q()
    for art in ARTEN:
        eines = Q(**{f"{art}__isnull": False})
        for andere in ARTEN:
            if andere != art:
                eines &= Q(**{f"{andere}__isnull": True})
        bedingung |= eines
    return bedingung


def visible_q(user) -> Q:
    """Rows whose followed thing `user` may read, by each kind's own `for_user()`."""
    return (
        Q(massnahme__in=Massnahme.objects.for_user(user).values("pk"))
        | Q(kommune__in=Kommune.objects.for_user(user).values("pk"))
        | Q(foerderbescheid__in=Foerderbescheid.objects.for_user(user).values("pk"))
        # The four Handlungsfelder of the strategy are the same for every Kreis.
        | Q(handlungsfeld__isnull=False)
    )


class Gegenstand(models.Model):
    """Abstract base: the thing a row is about, one of ARTEN."""

    massnahme = optional_fk(
        Massnahme, on_delete=models.CASCADE, related_name="+", verbose_name="Maßnahme"
    )
    kommune = optional_fk(
        Kommune, on_delete=models.CASCADE, related_name="+", verbose_name="Kommune"
    )
    handlungsfeld = optional_fk(
        Handlungsfeld, on_delete=models.CASCADE, related_name="+", verbose_name="Handlungsfeld"
    )
    foerderbescheid = optional_fk(
        Foerderbescheid, on_delete=models.CASCADE, related_name="+", verbose_name="Förderbescheid"
    )

    class Meta:
        abstract = True

    @property
    def gegenstand_art(self) -> str:
        return next(art for art in ARTEN if getattr(self, f"{art}_id"))

    @property
    def gegenstand(self):
        return getattr(self, self.gegenstand_art)


class AboQuerySet(models.QuerySet):
    def active(self) -> AboQuerySet:
        return self.filter(beendet_am__isnull=True)


class Abo(Gegenstand, TimeStampedModel):
    """A person follows a Maßnahme, a Kommune, a Handlungsfeld or a Förderbescheid.

    "Nicht mehr folgen" keeps the row with `beendet_am` set, so the automatic follow of
    lead and partners (services.follow_automatically) never overrides a person's decision.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="abos",
        verbose_name="Person",
    )
    automatisch = models.BooleanField(
        "automatisch",
        default=False,
        help_text="Angelegt, weil die Kommune der Person federführend oder beteiligt ist.",
    )
    beendet_am = models.DateTimeField("nicht mehr gefolgt seit", null=True, blank=True)

    objects = AboQuerySet.as_manager()

    class Meta:
        verbose_name = "Abo"
        verbose_name_plural = "Abos"
        ordering = ["person", "-erstellt_am"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(),
                name="abo_genau_ein_gegenstand",
                violation_error_message=(
                    "Ein Abo gilt genau einer Maßnahme, Kommune, einem Handlungsfeld oder "
                    "einem Förderbescheid."
                ),
            ),
            *[
                unique(
                    "person",
                    art,
                    condition=Q(**{f"{art}__isnull": False}),
                    name=f"abo_einmal_je_{art}",
                    message="Diese Person folgt dem bereits.",
                )
                for art in ARTEN
            ],
        ]

    def __str__(self) -> str:
        return f"{self.person} folgt {self.gegenstand}"


class BenachrichtigungQuerySet(models.QuerySet):
    def for_recipient(self, user) -> BenachrichtigungQuerySet:
        """The user's own notifications about things they may (still) read."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(visible_q(user), empfaenger=user)

    def unread(self) -> BenachrichtigungQuerySet:
        return self.filter(gelesen_am__isnull=True)

    def newest_first(self) -> BenachrichtigungQuerySet:
        """Unread first, then by time, newest first."""
        return self.order_by(models.F("gelesen_am").asc(nulls_first=True), "-erstellt_am", "-pk")


class Benachrichtigung(Gegenstand, TimeStampedModel):
    """Something happened to a thing the recipient follows (one row per recipient)."""

    class Art(models.TextChoices):
        STATUSMELDUNG = "statusmeldung", "neue Statusmeldung"
        AMPEL_ROT = "ampel_rot", "Ampel auf Rot"
        DOKUMENT = "dokument", "neues Dokument"
        NACHNUTZUNG = "nachnutzung", "Nachnutzung"
        MEILENSTEIN = "meilenstein", "Meilenstein überfällig"
        FRIST = "frist", "Frist naht"

    empfaenger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="benachrichtigungen",
        verbose_name="Empfänger/in",
    )
    art = models.CharField("Art", max_length=20, choices=Art.choices)
    text = models.CharField("Text", max_length=500)
    link = models.CharField("Link", max_length=500, help_text="Pfad innerhalb des Portals")
    # One event reaches a person once, however often the signal fires ("statusmeldung:17").
    ereignis = models.CharField("Ereignis", max_length=80)
    gelesen_am = models.DateTimeField("gelesen am", null=True, blank=True)

    objects = BenachrichtigungQuerySet.as_manager()

    class Meta:
        verbose_name = "Benachrichtigung"
        verbose_name_plural = "Benachrichtigungen"
        ordering = ["-erstellt_am"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(),
                name="benachrichtigung_genau_ein_gegenstand",
                violation_error_message=(
                    "Eine Benachrichtigung gilt genau einer Maßnahme, Kommune, einem "
                    "Handlungsfeld oder einem Förderbescheid."
                ),
            ),
            unique(
                "empfaenger",
                "ereignis",
                name="benachrichtigung_einmal_je_ereignis",
                message="Diese Person wurde über das Ereignis schon benachrichtigt.",
            ),
        ]
        indexes = [models.Index(fields=["empfaenger", "gelesen_am"])]

    def __str__(self) -> str:
        return self.text

    def mark_read(self) -> None:
        from .context_processors import forget_counter

        if self.gelesen_am is None:
            self.gelesen_am = timezone.now()
            self.save(update_fields=["gelesen_am", "geaendert_am"])
            forget_counter([self.empfaenger_id])


# --- E-mail ---------------------------------------------------------------------------------


class Haeufigkeit(models.TextChoices):
    """How often a person is mailed about one kind of event."""

    SOFORT = "sofort", "sofort"
    TAEGLICH = "taeglich", "im täglichen Überblick"
    WOECHENTLICH = "woechentlich", "im wöchentlichen Überblick"
    AUS = "aus", "keine E-Mail"


class Mailart(models.TextChoices):
    """What a person can set a Haeufigkeit for: the kinds of Benachrichtigung, the reminders
    of Statusmeldungen owed, and the open duties and deadlines of the weekly overview."""

    STATUSMELDUNG = Benachrichtigung.Art.STATUSMELDUNG.value, "Neue Statusmeldungen"
    AMPEL_ROT = Benachrichtigung.Art.AMPEL_ROT.value, "Ampel auf Rot"
    DOKUMENT = Benachrichtigung.Art.DOKUMENT.value, "Neue Dokumente"
    NACHNUTZUNG = Benachrichtigung.Art.NACHNUTZUNG.value, "Nachnutzungen"
    MEILENSTEIN = Benachrichtigung.Art.MEILENSTEIN.value, "Überfällige Meilensteine"
    FRIST = Benachrichtigung.Art.FRIST.value, "Nahende Fristen von Förderbescheiden"
    ERINNERUNG = "erinnerung", "Erinnerungen an fällige Statusmeldungen"
    AUFGABEN = "aufgaben", "Offene Aufgaben und Fristen"
    WORKSHOP = "workshop", "Einladungen und Absagen von Workshops"
    BERICHT = "bericht", "Fertige Quartalsberichte"
    LOESUNGEN = "loesungen", "Neue Lösungen für die Lücken Ihrer Kommune"


# Which frequencies each kind offers, the first is the default. Reminders go out when due
# (or not at all); duties and deadlines are the weekly overview's own content.
MAILART_HAEUFIGKEITEN: dict[str, tuple[str, ...]] = {
    Mailart.STATUSMELDUNG: ("taeglich", "sofort", "woechentlich", "aus"),
    Mailart.AMPEL_ROT: ("sofort", "taeglich", "woechentlich", "aus"),
    Mailart.DOKUMENT: ("woechentlich", "sofort", "taeglich", "aus"),
    Mailart.NACHNUTZUNG: ("woechentlich", "sofort", "taeglich", "aus"),
    Mailart.MEILENSTEIN: ("sofort", "taeglich", "woechentlich", "aus"),
    Mailart.FRIST: ("sofort", "taeglich", "woechentlich", "aus"),
    Mailart.ERINNERUNG: ("sofort", "aus"),
    Mailart.AUFGABEN: ("woechentlich", "aus"),
    Mailart.WORKSHOP: ("sofort", "aus"),
    Mailart.BERICHT: ("sofort", "aus"),
    Mailart.LOESUNGEN: ("woechentlich", "aus"),
}


class MailpraeferenzQuerySet(models.QuerySet):
    def for_person(self, person) -> dict[str, str]:
        """{Mailart: Haeufigkeit} of `person`, defaults filled in."""
        gesetzt = dict(self.filter(person=person).values_list("art", "haeufigkeit"))
        return {art: gesetzt.get(art, wahl[0]) for art, wahl in MAILART_HAEUFIGKEITEN.items()}


class Mailpraeferenz(TimeStampedModel):
    """How often `person` wants e-mail about one kind of event (no row: the default)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mailpraeferenzen",
        verbose_name="Person",
    )
    art = models.CharField("Art", max_length=20, choices=Mailart.choices)
    haeufigkeit = models.CharField("Häufigkeit", max_length=20, choices=Haeufigkeit.choices)

    objects = MailpraeferenzQuerySet.as_manager()

    class Meta:
        verbose_name = "E-Mail-Einstellung"
        verbose_name_plural = "E-Mail-Einstellungen"
        ordering = ["person", "art"]
        constraints = [
            unique(
                "person",
                "art",
                name="mailpraeferenz_einmal_je_art",
                message="Für diese Art gibt es schon eine Einstellung.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_art_display()} {self.get_haeufigkeit_display()}"


class Mail(TimeStampedModel):
    """One e-mail to one person: the outbox and the sent-log in one.

    `schluessel` names what the mail is for ("sofort:17", "erinnerung:2026-Q3:vorher:5");
    it is unique, so a task that runs twice, or a retried one, never queues a mail twice.
    The content is rendered when the mail is queued (what the recipient may read then) and
    kept until it is sent, so a mail server that is down loses nothing: the task retries
    with back-off, and `flush_postausgang` queues again what is still unsent.
    """

    class Status(models.TextChoices):
        OFFEN = "offen", "noch nicht versendet"
        GESENDET = "gesendet", "versendet"
        FEHLGESCHLAGEN = "fehlgeschlagen", "Versand fehlgeschlagen, wird wiederholt"
        ABGEWIESEN = "abgewiesen", "vom Mailserver abgewiesen"

    schluessel = models.CharField("Schlüssel", max_length=200, unique=True)
    empfaenger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mails",
        verbose_name="Empfänger/in",
    )
    adresse = models.EmailField("Adresse")
    betreff = models.CharField("Betreff", max_length=250)
    text = models.TextField("Text", blank=True)
    html = models.TextField("HTML", blank=True)
    kopfzeilen = models.JSONField("weitere Kopfzeilen", default=dict, blank=True)
    # [{"name": "einladung.ics", "inhalt": "BEGIN:VCALENDAR…", "typ": "text/calendar"}]
    anhaenge = models.JSONField("Anhänge", default=list, blank=True)
    status = models.CharField("Status", max_length=20, choices=Status.choices, default=Status.OFFEN)
    versuche = models.PositiveSmallIntegerField("Zustellversuche", default=0)
    letzter_fehler = models.TextField("letzter Fehler", blank=True)
    gesendet_am = models.DateTimeField("versendet am", null=True, blank=True)

    class Meta:
        verbose_name = "E-Mail"
        verbose_name_plural = "E-Mails"
        ordering = ["-erstellt_am"]
        indexes = [models.Index(fields=["status", "erstellt_am"])]

    def __str__(self) -> str:
        return f"{self.betreff} an {self.adresse}"


class Erinnerungsregel(TimeStampedModel):
    """When the reminders of a Kreis's Statusmeldungen go out (no row: the defaults)."""

    kreis = models.OneToOneField(
        Kreis,
        on_delete=models.CASCADE,
        related_name="erinnerungsregel",
        verbose_name="Kreis",
        primary_key=True,
    )
    tage_vor_quartalsende = models.PositiveSmallIntegerField(
        "Erinnerung vor Quartalsende (Tage)",
        default=14,
        validators=[MaxValueValidator(60)],
        help_text="So viele Tage vor dem Quartalsende wird die oder der Digitalisierungsbeauftragte "
        "an eine fehlende Statusmeldung erinnert.",
    )
    tage_nach_quartalsende = models.PositiveSmallIntegerField(
        "zweite Erinnerung nach Quartalsende (Tage)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="So viele Tage nach dem Quartalsende folgt die zweite Erinnerung.",
    )
    tage_bis_eskalation = models.PositiveSmallIntegerField(
        "Liste an den Kreis nach Quartalsende (Tage)",
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(80)],
        help_text="So viele Tage nach dem Quartalsende erhalten die Mitarbeitenden des Kreises "
        "die Liste der noch fehlenden Statusmeldungen.",
    )

    class Meta:
        verbose_name = "Erinnerungsregel"
        verbose_name_plural = "Erinnerungsregeln"
        constraints = [
            models.CheckConstraint(
                condition=Q(tage_bis_eskalation__gt=models.F("tage_nach_quartalsende")),
                name="erinnerungsregel_eskalation_nach_erinnerung",
                violation_error_message="Die Liste an den Kreis geht erst nach der zweiten "
                "Erinnerung hinaus.",
            )
        ]

    def __str__(self) -> str:
        return f"Erinnerungen {self.kreis}"

    def clean(self) -> None:
        if (
            self.tage_bis_eskalation is not None
            and self.tage_nach_quartalsende is not None
            and self.tage_bis_eskalation <= self.tage_nach_quartalsende
        ):
            raise ValidationError(
                {
                    "tage_bis_eskalation": "Die Liste an den Kreis geht erst nach der zweiten "
                    "Erinnerung hinaus: bitte mehr Tage als für die zweite Erinnerung angeben."
                }
            )

    @classmethod
    def for_kreis(cls, kreis) -> Erinnerungsregel:
        """The Kreis's rule, or an unsaved one with the defaults."""
        return cls.objects.filter(kreis=kreis).first() or cls(kreis=kreis)

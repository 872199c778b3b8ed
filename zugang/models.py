"""The audit log: logins, failed logins, logouts, role changes and refused accesses."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import person_fk
from kommunen.models import Kreis
from kommunen.scope import ScopedQuerySet


class ProtokolleintragQuerySet(ScopedQuerySet):
    def readable_q(self, scope) -> Q:
        """Admins read everything; Kreis staff the entries of their Kreis; others nothing."""
        if not scope.kreis_ids:
            return Q(pk__in=[])
        # A subquery rather than a join: an entry about several Kreise appears once.
        ids = Protokolleintrag.kreise.through.objects.filter(kreis_id__in=scope.kreis_ids)
        return Q(pk__in=ids.values("protokolleintrag_id"))


class Protokolleintrag(models.Model):
    """One security-relevant event: who, when, from where, about which Kreis.

    Written by zugang.signals and zugang.middleware, never edited. The IP address is kept
    in full for PORTAL_PROTOKOLL_IP_TAGE days (to follow up an attack), then shortened;
    entries are deleted after PORTAL_PROTOKOLL_AUFBEWAHRUNG_TAGE (zugang.tasks).
    """

    class Ereignis(models.TextChoices):
        ANMELDUNG = "anmeldung", "Anmeldung"
        ANMELDUNG_FEHLGESCHLAGEN = "anmeldung_fehlgeschlagen", "Anmeldung fehlgeschlagen"
        ABMELDUNG = "abmeldung", "Abmeldung"
        ROLLE_VERGEBEN = "rolle_vergeben", "Rolle vergeben"
        ROLLE_GEAENDERT = "rolle_geaendert", "Rolle geändert"
        ROLLE_ENTZOGEN = "rolle_entzogen", "Rolle entzogen"
        ZUGRIFF_VERWEIGERT = "zugriff_verweigert", "Zugriff verweigert"

    zeitpunkt = models.DateTimeField("Zeitpunkt", default=timezone.now, db_index=True)
    ereignis = models.CharField("Ereignis", max_length=30, choices=Ereignis.choices)
    person = person_fk(
        "Person", help_text="Um wen es geht; leer bei einer unbekannten Anmeldeadresse."
    )
    ausgeloest_von = person_fk(
        "ausgelöst von", help_text="Wer eine Rolle vergeben, geändert oder entzogen hat."
    )
    kreise = models.ManyToManyField(Kreis, blank=True, related_name="+", verbose_name="Kreise")
    ip = models.GenericIPAddressField("IP-Adresse", null=True, blank=True)
    ip_gekuerzt = models.BooleanField("IP-Adresse gekürzt", default=False)
    pfad = models.CharField("Adresse", max_length=300, blank=True)
    details = models.CharField("Details", max_length=300, blank=True)
    request_id = models.CharField("Anfrage-ID", max_length=64, blank=True)

    objects = ProtokolleintragQuerySet.as_manager()

    class Meta:
        verbose_name = "Protokolleintrag"
        verbose_name_plural = "Zugriffsprotokoll"
        ordering = ["-zeitpunkt", "-pk"]
        indexes = [models.Index(fields=["ereignis", "-zeitpunkt"])]

    def __str__(self) -> str:
        return f"{self.zeitpunkt:%d.%m.%Y %H:%M} {self.get_ereignis_display()}"

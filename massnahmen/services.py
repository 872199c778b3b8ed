"""Workflows around Maßnahmen that touch several models or need locking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.history import Aenderung, unterschiede
from core.quartal import Quartal
from kommunen.models import Kommune

from .models import Ampel, Massnahme, Nachnutzung, Quartalsabschluss, Statusmeldung

# --- Saving with optimistic locking -------------------------------------------------------


@dataclass
class Konflikt(Exception):
    """Someone else saved the Maßnahme after the form was loaded."""

    aktuelle_version: int
    aenderungen: list[Aenderung]
    von: str
    am: object


def _konflikt(massnahme: Massnahme, geladene_version: int) -> Konflikt:
    records = massnahme.history.order_by("-history_id")
    neu = records.first()
    alt = records.filter(version=geladene_version).order_by("-history_id").first()
    aenderungen = unterschiede(alt, neu) if alt and neu else []
    return Konflikt(
        aktuelle_version=neu.version if neu else massnahme.version,
        aenderungen=aenderungen,
        von=str(neu.history_user) if neu and neu.history_user_id else "jemand anderes",
        am=neu.history_date if neu else None,
    )


def massnahme_speichern(*, form, meilensteine=None, geladene_version: int | None) -> Massnahme:
    """Save a Maßnahme form (and its Meilenstein formset) unless someone else saved first.

    Raises Konflikt, with what the other person changed; nothing is written then.
    """
    with transaction.atomic():
        massnahme = form.instance
        if massnahme.pk:
            bumped = Massnahme.objects.filter(pk=massnahme.pk, version=geladene_version).update(
                version=F("version") + 1
            )
            if not bumped:
                aktuell = Massnahme.objects.get(pk=massnahme.pk)
                raise _konflikt(aktuell, geladene_version or 0)
            massnahme.version = (geladene_version or 0) + 1
        massnahme = form.save()
        if meilensteine is not None:
            meilensteine.instance = massnahme
            meilensteine.save()
        return massnahme


# --- Statusmeldungen -----------------------------------------------------------------------


def quartal_gesperrt(massnahme: Massnahme, quartal: Quartal) -> bool:
    return Quartalsabschluss.ist_gesperrt(massnahme.kreis_id, quartal)


def statusmeldung_vorlage(*, massnahme: Massnahme, quartal: Quartal) -> dict:
    """Initial values for this quarter's Statusmeldung: the previous quarter's, else the
    Maßnahme's current state."""
    vorherige = (
        massnahme.statusmeldungen.filter(quartal__lt=str(quartal)).order_by("-quartal").first()
    )
    if vorherige:
        return {
            "fortschritt": vorherige.fortschritt,
            "ampel": vorherige.ampel,
            "erreicht": vorherige.erreicht,
            "naechste_schritte": vorherige.naechste_schritte,
            "risiken": vorherige.risiken,
        }
    return {"fortschritt": massnahme.fortschritt, "ampel": massnahme.ampel}


def statusmeldung_speichern(*, form, massnahme: Massnahme, quartal: Quartal, user) -> Statusmeldung:
    """Save the quarter's Statusmeldung and carry progress and traffic light over to the
    Maßnahme (its version is bumped, so a concurrent edit of the Maßnahme notices)."""
    with transaction.atomic():
        meldung = form.save(commit=False)
        meldung.massnahme = massnahme
        meldung.quartal = str(quartal)
        meldung.autor = user
        meldung.save()
        _aendern(massnahme, fortschritt=meldung.fortschritt, ampel=meldung.ampel)
        return meldung


def _aendern(massnahme: Massnahme, **werte) -> Massnahme:
    """Change a few fields server-side: under a row lock, with a new version (so an open
    edit form notices) and one history record."""
    aktuell = Massnahme.objects.select_for_update().get(pk=massnahme.pk)
    for name, wert in werte.items():
        setattr(aktuell, name, wert)
    aktuell.version += 1
    aktuell.save(update_fields=[*werte, "version", "geaendert_am"])
    for name in [*werte, "version"]:
        setattr(massnahme, name, getattr(aktuell, name))
    return aktuell


def offene_statusmeldungen(user, quartal: Quartal | None = None):
    """The Maßnahmen the user is responsible for that lack this quarter's Statusmeldung."""
    from django.db.models import Q

    from kommunen.scope import scope_for

    quartal = quartal or Quartal.current()
    scope = scope_for(user)
    if not (scope.cdo_kommune_ids or scope.kreis_ids):
        return Massnahme.objects.none()
    zustaendig = (
        Q(kreis_id__in=scope.kreis_ids)
        | Q(federfuehrend_id__in=scope.cdo_kommune_ids)
        | Q(beteiligte__in=scope.cdo_kommune_ids)
    )
    return (
        Massnahme.objects.aktiv()
        .filter(zustaendig)
        .exclude(status__in=[Massnahme.Status.ABGESCHLOSSEN, Massnahme.Status.ABGEBROCHEN])
        .ohne_statusmeldung(quartal)
        .select_related("federfuehrend", "kreis", "handlungsfeld")
        .distinct()
        .order_by("handlungsfeld__nummer", "titel", "pk")
    )


# --- Nachnutzung ("Einer für Alle") --------------------------------------------------------


def nachnutzen(*, massnahme: Massnahme, kommune: Kommune, user) -> Massnahme:
    """Kommune adopts the solution of `massnahme`: a new Maßnahme for the Kommune, prefilled
    and linked to its origin, and the origin records the Nachnutzung."""
    with transaction.atomic():
        neu = Massnahme.objects.create(
            kreis=kommune.kreis,
            titel=massnahme.titel,
            beschreibung=(
                f"Nachnutzung der Lösung „{massnahme.titel}“ "
                f"({massnahme.federfuehrung_anzeige}).\n\n{massnahme.beschreibung}"
            ).strip(),
            handlungsfeld=massnahme.handlungsfeld,
            ziel=massnahme.ziel
            if massnahme.ziel and massnahme.ziel.kreis_id == kommune.kreis_id
            else None,
            federfuehrend=kommune,
            status=Massnahme.Status.GEPLANT,
            fortschritt=0,
            ampel=Ampel.GRUEN,
            nachnutzung_von=massnahme,
            ansprechperson=user,
        )
        neu.lebensbereiche.set(massnahme.lebensbereiche.all())
        Nachnutzung.objects.get_or_create(
            massnahme=massnahme, kommune=kommune, defaults={"seit": timezone.localdate()}
        )
        return neu


def archivieren(*, massnahme: Massnahme, archiviert: bool) -> None:
    """CDOs archive instead of deleting; archived Maßnahmen leave lists and reports."""
    with transaction.atomic():
        _aendern(massnahme, archiviert=archiviert)


# ---------------------------------------------------------------------------------------
# CSV/XLSX import (issue 4, point 10): dry run, all-or-nothing import, progress.
# The parsing and row checks live in massnahmen/imports.py.
# ---------------------------------------------------------------------------------------

# --- end of the import block ---

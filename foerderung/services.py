"""Förderung workflows: recording, changing and deleting drawdowns safely, and the deadline
reminder levels (sent as notifications by benachrichtigungen.faelligkeiten)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from core.formatting import euro
from core.history import Aenderung
from core.locking import since_version

from . import verlauf
from .models import Foerderbescheid, Mittelabruf

logger = logging.getLogger(__name__)

ABGESCHLOSSENE_STATUS = {
    Foerderbescheid.Status.VERWENDUNGSNACHWEIS,
    Foerderbescheid.Status.ABGESCHLOSSEN,
    Foerderbescheid.Status.WIDERRUFEN,
}


def _too_much(verbleibend: Decimal) -> ValidationError:
    return ValidationError(
        {"betrag": f"Der Abruf übersteigt die verbleibenden Mittel ({euro(verbleibend)})."}
    )


def _lock_bescheid(bescheid: Foerderbescheid) -> Foerderbescheid:
    """Lock the Bescheid row (`SELECT … FOR UPDATE`): every write to its drawdowns takes
    this lock first, so two requests at the same moment are serialised."""
    return Foerderbescheid.objects.select_for_update().get(pk=bescheid.pk)


def _check_and_save(gesperrt: Foerderbescheid, abruf: Mittelabruf, user) -> None:
    """Save a drawdown of the locked Bescheid unless the sum would exceed the grant."""
    andere = gesperrt.mittelabrufe.exclude(pk=abruf.pk).aggregate(s=Sum("betrag"))["s"]
    verbleibend = gesperrt.bewilligter_betrag - (andere or Decimal("0"))
    if abruf.betrag > verbleibend:
        raise _too_much(verbleibend)
    abruf.bescheid = gesperrt
    abruf.full_clean(validate_unique=False)
    abruf._history_user = user if getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            abruf.save()
    except IntegrityError as error:  # the database trigger; should not happen here
        raise _too_much(verbleibend) from error


@dataclass
class AlreadyRecorded(Exception):
    """The same drawdown form was posted a second time; the first post was saved."""

    abruf: Mittelabruf


def record_mittelabruf(
    *,
    bescheid: Foerderbescheid,
    datum: dt.date,
    betrag: Decimal,
    status: str,
    user,
    bemerkung: str = "",
    ausgezahlt_am: dt.date | None = None,
    erfassungsschluessel: uuid.UUID | None = None,
) -> Mittelabruf:
    """Record a drawdown; the sum of all drawdowns never exceeds the granted amount.

    The Bescheid row is locked before the sum is read, so of two requests at the same
    moment the second one sees the first drawdown and is refused with a field error. On
    PostgreSQL the trigger of migration 0002 guards the same rule for every other way into
    the table. A second post of the same form (same `erfassungsschluessel`) raises
    BereitsErfasst and records nothing.
    """
    with transaction.atomic():
        gesperrt = _lock_bescheid(bescheid)
        if erfassungsschluessel is not None:
            frueher = Mittelabruf.objects.filter(erfassungsschluessel=erfassungsschluessel)
            if frueher := frueher.first():
                raise AlreadyRecorded(frueher)
        abruf = Mittelabruf(
            datum=datum,
            betrag=betrag,
            status=status,
            ausgezahlt_am=ausgezahlt_am,
            bemerkung=bemerkung,
            erfassungsschluessel=erfassungsschluessel,
        )
        _check_and_save(gesperrt, abruf, user)
    return abruf


@dataclass
class AbrufConflict(Exception):
    """Someone else changed or deleted the drawdown after the form was shown.

    `abruf` is the drawdown as it is now, None when it was deleted; `aenderungen` what the
    other person changed since the version the form showed.
    """

    abruf: Mittelabruf | None
    aenderungen: list[Aenderung]
    von: str
    am: dt.datetime | None

    @property
    def geloescht(self) -> bool:
        return self.abruf is None


def _konflikt(abruf_pk: int, aktuell: Mittelabruf | None, geladene_version) -> AbrufConflict:
    seit = since_version(
        Mittelabruf.history.filter(id=abruf_pk),
        geladene_version,
        geld=verlauf.GELD,
        verborgen=verlauf.VERBORGEN,
    )
    return AbrufConflict(
        abruf=aktuell,
        aenderungen=seit.aenderungen if aktuell is not None else [],
        von=seit.von,
        am=seit.am,
    )


def _current_abruf(
    gesperrt: Foerderbescheid, abruf_pk: int, geladene_version: int | None
) -> Mittelabruf:
    """The drawdown as stored, if it is still the version the form showed."""
    aktuell = Mittelabruf.objects.select_for_update().filter(pk=abruf_pk, bescheid=gesperrt).first()
    if aktuell is None or aktuell.version != geladene_version:
        raise _konflikt(abruf_pk, aktuell, geladene_version)
    return aktuell


def change_mittelabruf(
    *,
    bescheid: Foerderbescheid,
    abruf_pk: int,
    geladene_version: int | None,
    werte: dict,
    user,
) -> Mittelabruf:
    """Change fields of a drawdown (amount, dates, status, remark) under the Bescheid lock.

    Raises AbrufKonflikt when someone else changed or deleted the drawdown since the form
    showed `geladene_version`, and ValidationError when the new amount does not fit into
    what remains; nothing is written then.
    """
    with transaction.atomic():
        gesperrt = _lock_bescheid(bescheid)
        abruf = _current_abruf(gesperrt, abruf_pk, geladene_version)
        for name, wert in werte.items():
            setattr(abruf, name, wert)
        _check_and_save(gesperrt, abruf, user)
    return abruf


def delete_mittelabruf(
    *, bescheid: Foerderbescheid, abruf_pk: int, geladene_version: int | None, user
) -> Mittelabruf:
    """Delete a drawdown recorded by mistake; the history keeps it (and who deleted it).

    Raises AbrufKonflikt when it was changed or deleted since the confirmation page.
    """
    with transaction.atomic():
        gesperrt = _lock_bescheid(bescheid)
        abruf = _current_abruf(gesperrt, abruf_pk, geladene_version)
        abruf._history_user = user if getattr(user, "is_authenticated", False) else None
        abruf.delete()
    return abruf


# --- Deadline reminders ---------------------------------------------------------------
# The reminders themselves are notifications ("Frist naht", benachrichtigungen.faelligkeiten):
# they go to the inbox and through the one mail path with the person's preferences.


def due_stufe(tage_bis_frist: int, stufen: list[int]) -> int | None:
    """The reminder level that applies `tage_bis_frist` days before a deadline.

    With levels 30 and 7: 30 applies from 30 down to 8 days before, 7 from 7 down to the
    day itself. A missed run catches up on the next day; a level that has passed is not
    sent any more once a closer one applies.
    """
    passend = [stufe for stufe in stufen if 0 <= tage_bis_frist <= stufe]
    return min(passend) if passend else None

"""Workflows of the workshops app: publishing, cancelling (their mails are sent by
benachrichtigungen.workshops), registration, attendance, calendar tokens and the link from
an Ergebnis to the Maßnahme made from it."""

from __future__ import annotations

import logging
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kommunen.models import Kommune, Mitgliedschaft, Rolle
from kommunen.scope import scope_for

from .models import Ergebnis, KalenderToken, Teilnahme, Workshop

logger = logging.getLogger(__name__)


def _bump(workshop: Workshop, **felder) -> Workshop:
    """Save `felder` and increment `sequenz` in the database (safe against a parallel edit)."""
    for name, value in felder.items():
        setattr(workshop, name, value)
    workshop.sequenz = F("sequenz") + 1
    workshop.save(update_fields=[*felder, "sequenz", "geaendert_am"])
    workshop.refresh_from_db(fields=["sequenz"])
    return workshop


# --- publishing and cancelling -------------------------------------------------------


def publish(*, workshop: Workshop) -> bool:
    """Publish a draft: the Kommunen see it from now on and their CDOs get an invitation
    (benachrichtigungen.workshops, once the transaction has committed). False if it was
    published before – no second round of invitations."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if locked.veroeffentlicht_am is not None:
            workshop.veroeffentlicht_am = locked.veroeffentlicht_am
            return False
        _bump(locked, veroeffentlicht_am=timezone.now())
        workshop.veroeffentlicht_am, workshop.sequenz = locked.veroeffentlicht_am, locked.sequenz
    return True


def cancel(*, workshop: Workshop) -> bool:
    """Cancel: the workshop stays visible as "abgesagt", calendars show it as cancelled
    (STATUS:CANCELLED with a higher SEQUENCE) and registered people get a mail
    (benachrichtigungen.workshops). False if it was cancelled before."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if locked.abgesagt:
            workshop.abgesagt = True
            return False
        _bump(locked, abgesagt=True)
        workshop.abgesagt, workshop.sequenz = True, locked.sequenz
    return True


def _in_gebiet(workshop: Workshop, massnahme) -> bool:
    """The Maßnahme belongs to the workshop's Kreis (to a Kreis of its region, for a region
    workshop)."""
    if workshop.region_id:
        return massnahme.kreis_id is not None and massnahme.kreis.region_id == workshop.region_id
    return workshop.kreis_id == massnahme.kreis_id


def personen_to_invite(workshop: Workshop):
    """The active CDOs of the workshop's Kreis (of its region, for a region workshop) with
    an address, each once."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=Mitgliedschaft.objects.filter(
                workshop.kommunen_q("kommune__"), rolle=Rolle.CDO
            ).values("user_id"),
        )
        .exclude(email="")
        .order_by("email")
    )


def invitees(workshop: Workshop) -> list[str]:
    """Their e-mail addresses (the confirmation page counts them)."""
    return sorted(set(personen_to_invite(workshop).values_list("email", flat=True)))


# --- registration and attendance -----------------------------------------------------


def register(*, workshop: Workshop, user, kommune: Kommune | None = None) -> Teilnahme:
    """Register `user` for their Kommune (or, as Kreis staff, for the Kreis).

    Raises ValidationError with a German message when the workshop is not open for
    registration, the Kommune is not the user's, or all places are taken.
    """
    scope = scope_for(user)
    if kommune is None:
        eigene = sorted(
            Kommune.objects.filter(workshop.kommunen_q(), pk__in=scope.cdo_kommune_ids).values_list(
                "pk", flat=True
            )
        )
        # Without a Kommune: the Kreis staff (of any Kreis of the region, for a region
        # workshop) and the DigitalBüro of a region workshop.
        veranstalter = (
            workshop.region_id in scope.region_ids
            or (bool(scope.kreis_ids) and scope.is_region_member(workshop.region_id))
            if workshop.region_id
            else scope.is_kreis_staff(workshop.kreis_id)
        )
        if eigene:
            kommune = Kommune.objects.get(pk=eigene[0])
        elif not veranstalter and not scope.is_superuser:
            raise ValidationError("Sie können sich nur für Ihre eigene Kommune anmelden.")
    elif (
        not scope.is_cdo_of(kommune.pk)
        or not Kommune.objects.filter(workshop.kommunen_q(), pk=kommune.pk).exists()
    ):
        raise ValidationError("Sie können sich nur für Ihre eigene Kommune anmelden.")

    with transaction.atomic():
        # The row lock serialises registrations, so the last free place is taken once.
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        _anmeldung_open(locked)
        teilnahme = Teilnahme.objects.filter(workshop=locked, person=user).first()
        if teilnahme and teilnahme.status in Teilnahme.AKTIV:
            return teilnahme
        if locked.max_teilnehmende is not None:
            belegt = locked.teilnahmen.filter(status__in=Teilnahme.AKTIV).count()
            if belegt >= locked.max_teilnehmende:
                raise ValidationError(
                    "Der Workshop ist ausgebucht. Bitte wenden Sie sich an den Kreis."
                )
        if teilnahme is None:
            teilnahme = Teilnahme(workshop=locked, person=user)
        teilnahme.kommune = kommune
        teilnahme.status = Teilnahme.Status.ANGEMELDET
        teilnahme.save()
    return teilnahme


def deregister(*, workshop: Workshop, user) -> Teilnahme | None:
    """Withdraw the user's registration (kept as "abgesagt" so the Kreis sees it)."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if locked.ende < timezone.now():
            raise ValidationError("Der Workshop ist bereits vorbei.")
        teilnahme = Teilnahme.objects.filter(
            workshop=locked, person=user, status=Teilnahme.Status.ANGEMELDET
        ).first()
        if teilnahme is None:
            return None
        teilnahme.status = Teilnahme.Status.ABGESAGT
        teilnahme.save(update_fields=["status", "geaendert_am"])
    return teilnahme


def _anmeldung_open(workshop: Workshop) -> None:
    if workshop.veroeffentlicht_am is None:
        raise ValidationError("Der Workshop ist noch nicht veröffentlicht.")
    if workshop.abgesagt:
        raise ValidationError("Der Workshop ist abgesagt.")
    if workshop.ende < timezone.now():
        raise ValidationError("Der Workshop ist bereits vorbei.")


@transaction.atomic
def record_teilnahme(
    *,
    workshop: Workshop,
    status_je_teilnahme: dict[int, str],
    nachtragen: list[Mitgliedschaft] = (),
) -> int:
    """Record attendance: set the status of existing registrations and add people who
    came without one (as "teilgenommen"). Returns the number of changed rows."""
    geaendert = 0
    erlaubt = set(Teilnahme.Status.values)
    for teilnahme in workshop.teilnahmen.filter(pk__in=status_je_teilnahme):
        neu = status_je_teilnahme[teilnahme.pk]
        if neu in erlaubt and neu != teilnahme.status:
            teilnahme.status = neu
            teilnahme.save(update_fields=["status", "geaendert_am"])
            geaendert += 1
    for mitgliedschaft in nachtragen:
        _, created = Teilnahme.objects.get_or_create(
            workshop=workshop,
            person_id=mitgliedschaft.user_id,
            defaults={
                "kommune_id": mitgliedschaft.kommune_id,
                "status": Teilnahme.Status.TEILGENOMMEN,
            },
        )
        geaendert += int(created)
    return geaendert


# --- calendar subscription -----------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


def kalender_token(*, user) -> KalenderToken:
    """The user's calendar token, created on first use."""
    token, _ = KalenderToken.objects.get_or_create(user=user, defaults={"token": new_token()})
    return token


def renew_kalender_token(*, user) -> KalenderToken:
    """Replace the token: the old subscription URL stops working at once."""
    token, created = KalenderToken.objects.get_or_create(user=user, defaults={"token": new_token()})
    if not created:
        token.token = new_token()
        token.save(update_fields=["token", "geaendert_am"])
    return token


# --- Ergebnis → Maßnahme -------------------------------------------------------------


def massnahme_initial(ergebnis: Ergebnis) -> dict[str, str]:
    """GET parameters that prefill the Maßnahme form (`massnahmen:neu`) from an Ergebnis."""
    workshop = ergebnis.workshop
    erste_zeile = ergebnis.beschreibung.strip().splitlines()[0] if ergebnis.beschreibung else ""
    titel = erste_zeile if len(erste_zeile) <= 250 else erste_zeile[:249].rstrip() + "…"
    datum = timezone.localtime(workshop.beginn).strftime("%d.%m.%Y")
    params = {
        "titel": titel,
        "beschreibung": (
            f"{ergebnis.beschreibung.strip()}\n\n"
            f"Hervorgegangen aus dem Workshop „{workshop.titel}“ vom {datum}."
        ),
        "ergebnis": str(ergebnis.pk),
    }
    if workshop.handlungsfeld_id:
        params["handlungsfeld"] = str(workshop.handlungsfeld_id)
    if ergebnis.verantwortlich_id:
        params["federfuehrend"] = str(ergebnis.verantwortlich_id)
    return params


def link_ergebnis(*, ergebnis_id, massnahme, user=None) -> Ergebnis | None:
    """Link the Ergebnis to the Maßnahme that was just created from it.

    Call it after the new Maßnahme is saved, with the `ergebnis` GET/POST parameter as
    `ergebnis_id` (any value is safe: unknown or malformed ids are ignored). With `user`
    the link is only made if that user may change the Ergebnis. Only an Ergebnis of the
    same Kreis that is not yet linked to another Maßnahme is linked; an open Ergebnis
    moves to "in Arbeit". Returns the linked Ergebnis or None.
    """
    try:
        pk = int(str(ergebnis_id).strip())
    except (TypeError, ValueError):
        return None
    if pk <= 0 or massnahme is None or massnahme.pk is None:
        return None
    with transaction.atomic():
        ergebnis = (
            Ergebnis.objects.select_for_update(of=("self",))
            .select_related("workshop")
            .filter(pk=pk)
            .first()
        )
        if ergebnis is None or not _in_gebiet(ergebnis.workshop, massnahme):
            return None
        if ergebnis.massnahme_id not in (None, massnahme.pk):
            return None
        if user is not None and not user.has_perm("workshops.change_ergebnis", ergebnis):
            return None
        ergebnis.massnahme = massnahme
        felder = ["massnahme", "geaendert_am"]
        if ergebnis.status == Ergebnis.Status.OFFEN:
            ergebnis.status = Ergebnis.Status.IN_ARBEIT
            felder.append("status")
        ergebnis.save(update_fields=felder)
    return ergebnis

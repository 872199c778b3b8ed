"""What goes into the audit log: logins, failed logins, logouts and role changes.

Refused accesses (403) are written by zugang.middleware.AccessDeniedMiddleware.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from kommunen.models import Kreis, Mitgliedschaft

from .models import Protokolleintrag
from .services import log_protokolleintrag

E = Protokolleintrag.Ereignis


@receiver(user_logged_in, dispatch_uid="zugang.anmeldung")
def on_login(sender, request, user, **kwargs):
    log_protokolleintrag(ereignis=E.ANMELDUNG, request=request, person=user)


@receiver(user_logged_out, dispatch_uid="zugang.abmeldung")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        log_protokolleintrag(ereignis=E.ABMELDUNG, request=request, person=user)


@receiver(user_login_failed, dispatch_uid="zugang.anmeldung_fehlgeschlagen")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The address someone typed is stored only as a link to an existing account: an
    # unknown address (a typo, or someone probing) is personal data we have no need for.
    adresse = credentials.get("email") or credentials.get("username") or ""
    person = get_user_model().objects.filter(email__iexact=adresse).first() if adresse else None
    log_protokolleintrag(
        ereignis=E.ANMELDUNG_FEHLGESCHLAGEN,
        request=request,
        person=person,
        details="" if person else "unbekannte Anmeldeadresse",
    )


def _current_request():
    """The request being served (set by simple_history's HistoryRequestMiddleware)."""
    return getattr(HistoricalRecords.context, "request", None)


def _acting_person(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _kreis_of_mitgliedschaft(m: Mitgliedschaft) -> set[str]:
    if m.kreis_id:
        return {m.kreis_id}
    if m.kommune_id:
        return {m.kommune.kreis_id}
    return set()


def _description(m: Mitgliedschaft) -> str:
    return f"{m.get_rolle_display()}: {m.bereich}"


@receiver(pre_save, sender=Mitgliedschaft, dispatch_uid="zugang.rolle_vorher")
def remember_rolle(sender, instance, raw=False, **kwargs):
    instance._zugang_vorher = None
    if raw or instance.pk is None:
        return
    alt = Mitgliedschaft.objects.filter(pk=instance.pk).select_related("kommune", "kreis", "region")
    instance._zugang_vorher = alt.first()


@receiver(post_save, sender=Mitgliedschaft, dispatch_uid="zugang.rolle_gespeichert")
def rolle_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    request = _current_request()
    vorher = getattr(instance, "_zugang_vorher", None)
    kreise = _kreis_of_mitgliedschaft(instance)
    if created or vorher is None:
        ereignis, details = E.ROLLE_VERGEBEN, _description(instance)
    else:
        if (vorher.rolle, vorher.kommune_id, vorher.kreis_id, vorher.region_id, vorher.user_id) == (
            instance.rolle,
            instance.kommune_id,
            instance.kreis_id,
            instance.region_id,
            instance.user_id,
        ):
            return  # saved without a change of role or scope
        kreise |= _kreis_of_mitgliedschaft(vorher)
        ereignis = E.ROLLE_GEAENDERT
        details = f"vorher {_description(vorher)}; jetzt {_description(instance)}"
    log_protokolleintrag(
        ereignis=ereignis,
        request=request,
        person=instance.user,
        ausgeloest_von=_acting_person(request),
        kreis_ids=kreise,
        details=details,
    )


def _being_deleted(origin, model, pk) -> bool:
    """Whether the deletion that reached us started at this object (a cascade from it)."""
    if isinstance(origin, model):
        return origin.pk == pk
    if isinstance(origin, QuerySet) and origin.model is model:
        return origin.filter(pk=pk).exists()
    return False


@receiver(post_delete, sender=Mitgliedschaft, dispatch_uid="zugang.rolle_entzogen")
def rolle_revoked(sender, instance, origin=None, **kwargs):
    request = _current_request()
    User = get_user_model()
    # When the person or the Kreis itself is being deleted, the entry must not point at it
    # (the row would be gone before the transaction ends).
    person = None if _being_deleted(origin, User, instance.user_id) else instance.user
    kreise = {
        kreis_id
        for kreis_id in _kreis_of_mitgliedschaft(instance)
        if not _being_deleted(origin, Kreis, kreis_id)
    }
    handelnd = _acting_person(request)
    if handelnd is not None and _being_deleted(origin, User, handelnd.pk):
        handelnd = None
    log_protokolleintrag(
        ereignis=E.ROLLE_ENTZOGEN,
        request=request,
        person=person,
        ausgeloest_von=handelnd,
        kreis_ids=kreise,
        details=_description(instance),
    )

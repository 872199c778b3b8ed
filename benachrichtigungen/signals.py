"""Listens to the apps below (no import points up): events become notifications, and a
Maßnahme's lead and partners follow it.

The work runs after the transaction commits (`robust`: a failing notification is logged and
never turns the user's save into an error page, and a rolled-back save notifies nobody).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_init, post_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from foerderung.models import BescheidDokument
from kommunen.models import Mitgliedschaft, Rolle
from massnahmen.models import Ampel, Anhang, Massnahme, Nachnutzung, Statusmeldung
from massnahmen.signals import im_bulk_geschrieben
from workshops.models import Workshop

from . import services


def _after(func, *args, **kwargs) -> None:
    transaction.on_commit(partial(func, *args, **kwargs), robust=True)


def _handelnde_person_id():
    """Who is saving, in a request (simple_history's middleware keeps the request)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


@receiver(post_init, sender=Massnahme)
def _remember_stand(sender, instance, **kwargs):
    # From __dict__, so a deferred field is not loaded row by row.
    instance._benachrichtigung_stand = (
        instance.__dict__.get("ampel"),
        instance.__dict__.get("federfuehrend_id"),
    )


@receiver(post_save, sender=Massnahme)
def _massnahme_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    ampel_vorher, lead_vorher = getattr(instance, "_benachrichtigung_stand", (None, None))
    if instance.ampel == Ampel.ROT and ampel_vorher not in (None, Ampel.ROT) and not created:
        _after(_ampel_turned_red, instance.pk, instance.version, _handelnde_person_id())
    if instance.federfuehrend_id != lead_vorher or created:
        _after(_follow, instance.pk, [instance.federfuehrend_id])
    instance._benachrichtigung_stand = (instance.ampel, instance.federfuehrend_id)


@receiver(im_bulk_geschrieben, sender=Massnahme)
def _massnahmen_imported(sender, neue, geaenderte, user=None, **kwargs):
    """The import's bulk writes as if each Maßnahme had been saved: a light turned red is
    news, and the lead and partners of a new Maßnahme (or its new lead) follow it. The
    partners of all new ones are read in one query."""
    person_id = user.pk if user is not None else None
    partner: dict[int, list[int]] = {}
    for massnahme_id, kommune_id in Massnahme.beteiligte.through.objects.filter(
        massnahme_id__in=[m.pk for m in neue]
    ).values_list("massnahme_id", "kommune_id"):
        partner.setdefault(massnahme_id, []).append(kommune_id)
    folgen = []
    for massnahme in geaenderte:
        ampel_vorher, lead_vorher = getattr(massnahme, "_benachrichtigung_stand", (None, None))
        if massnahme.ampel == Ampel.ROT and ampel_vorher not in (None, Ampel.ROT):
            _after(_ampel_turned_red, massnahme.pk, massnahme.version, person_id)
        if massnahme.federfuehrend_id != lead_vorher:
            folgen.append((massnahme.pk, [massnahme.federfuehrend_id]))
    folgen += [(m.pk, [m.federfuehrend_id, *partner.get(m.pk, [])]) for m in neue]
    for massnahme in [*neue, *geaenderte]:
        massnahme._benachrichtigung_stand = (massnahme.ampel, massnahme.federfuehrend_id)
    if folgen:
        _after(_all_follow, folgen)


def _all_follow(folgen) -> None:
    for pk, kommune_ids in folgen:
        _follow(pk, kommune_ids)


@receiver(m2m_changed, sender=Massnahme.beteiligte.through)
def _beteiligte_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "post_add" or not pk_set:
        return
    if reverse:  # kommune.massnahmen_beteiligt.add(...)
        for massnahme_id in pk_set:
            _after(_follow, massnahme_id, [instance.pk])
    else:
        _after(_follow, instance.pk, list(pk_set))


@receiver(post_save, sender=Mitgliedschaft)
def _mitgliedschaft_created(sender, instance, created, raw=False, **kwargs):
    """A new CDO follows the Maßnahmen their Kommune leads or takes part in."""
    if raw or not created or instance.rolle != Rolle.CDO or not instance.kommune_id:
        return
    ids = Massnahme.objects.active().with_kommune(instance.kommune_id).values_list("pk", flat=True)
    for massnahme_id in ids:
        _after(_follow, massnahme_id, [instance.kommune_id])


@receiver(post_save, sender=Statusmeldung)
def _statusmeldung(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _after(_mit, Statusmeldung, instance.pk, services.notify_statusmeldung)


@receiver(post_save, sender=Anhang)
def _anhang(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _after(_mit, Anhang, instance.pk, services.notify_dokument)


@receiver(post_save, sender=BescheidDokument)
def _bescheid_dokument(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _after(_mit, BescheidDokument, instance.pk, services.notify_bescheid_dokument)


@receiver(post_save, sender=Nachnutzung)
def _nachnutzung(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _after(_mit, Nachnutzung, instance.pk, services.notify_nachnutzung, _handelnde_person_id())


@receiver(post_init, sender=Workshop)
def _remember_workshop_stand(sender, instance, **kwargs):
    instance._benachrichtigung_stand = (
        instance.__dict__.get("veroeffentlicht_am"),
        instance.__dict__.get("abgesagt"),
    )


@receiver(post_save, sender=Workshop)
def _workshop_saved(sender, instance, created, raw=False, **kwargs):
    """Published: the invitations; cancelled after it was published: the cancellations.
    Queued after the commit, by the task (the workshops app sends nothing itself). Only a
    change of a saved workshop counts: one created as published (demo data) invites
    nobody, as workshops.services.publish is the way to publish."""
    if raw or created:
        return
    veroeffentlicht_vorher, abgesagt_vorher = getattr(
        instance, "_benachrichtigung_stand", (None, False)
    )
    if instance.veroeffentlicht_am is not None and not instance.abgesagt:
        if veroeffentlicht_vorher is None:
            _after(_workshop_mail, "einladung", instance.pk)
    if instance.abgesagt and not abgesagt_vorher and instance.veroeffentlicht_am is not None:
        _after(_workshop_mail, "absage", instance.pk)
    instance._benachrichtigung_stand = (instance.veroeffentlicht_am, instance.abgesagt)


def _workshop_mail(was: str, pk: int) -> None:
    from .tasks import workshop_absage, workshop_einladung

    (workshop_einladung if was == "einladung" else workshop_absage).delay(pk)


# After the commit the rows are read afresh: what counts is what was saved.


def _mit(model, pk, service, *args) -> None:
    objekt = model.objects.filter(pk=pk).first()
    if objekt is not None:
        service(objekt, *args)


def _ampel_turned_red(pk, version, ohne) -> None:
    massnahme = Massnahme.objects.filter(pk=pk, ampel=Ampel.ROT).first()
    if massnahme is not None:
        services.notify_ampel_red(massnahme, version=version, ohne=ohne)


def _follow(pk, kommune_ids) -> None:
    massnahme = Massnahme.objects.filter(pk=pk).first()
    if massnahme is not None:
        services.follow_automatically(massnahme=massnahme, kommune_ids=kommune_ids)

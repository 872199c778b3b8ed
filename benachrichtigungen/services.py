"""Following and notifying: who follows what, and who hears about an event.

Every recipient is checked against the rules (`view_…` permission of the thing the event is
about) when the notification is written; the inbox checks again with `for_user()` when it
is shown (models.visible_q), so a person who lost access no longer sees older entries.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.quartal import quartal_text
from foerderung.models import BescheidDokument, Foerderbescheid
from handlungsfelder.models import Handlungsfeld
from kommunen.models import Mitgliedschaft, Rolle
from massnahmen.models import Anhang, Massnahme, Nachnutzung, Statusmeldung

from . import mail
from .context_processors import forget_counter
from .models import ARTEN, Abo, Benachrichtigung

LESERECHT = {
    "massnahme": "massnahmen.view_massnahme",
    "kommune": "kommunen.view_kommune",
    "handlungsfeld": "handlungsfelder.view_handlungsfeld",
    "foerderbescheid": "foerderung.view_foerderbescheid",
}


def art_von(gegenstand) -> str:
    """The ARTEN key of a followable object."""
    for art, model in ARTEN.items():
        if isinstance(gegenstand, model):
            return art
    raise TypeError(f"not followable: {type(gegenstand).__name__}")


def can_read(user, gegenstand) -> bool:
    return user.is_active and user.has_perm(LESERECHT[art_von(gegenstand)], gegenstand)


def follows(*, person, gegenstand) -> bool:
    return Abo.objects.active().filter(person=person, **{art_von(gegenstand): gegenstand}).exists()


def follow(*, person, gegenstand, aktiv: bool) -> Abo:
    """Follow (`aktiv`) or stop following; repeating the same request changes nothing."""
    abo, _ = Abo.objects.get_or_create(
        person=person,
        **{art_von(gegenstand): gegenstand},
        defaults={"beendet_am": None if aktiv else timezone.now()},
    )
    if aktiv and abo.beendet_am is not None:
        abo.beendet_am = None
        abo.save(update_fields=["beendet_am", "geaendert_am"])
    elif not aktiv and abo.beendet_am is None:
        abo.beendet_am = timezone.now()
        abo.save(update_fields=["beendet_am", "geaendert_am"])
    return abo


def follow_automatically(*, massnahme: Massnahme, kommune_ids) -> int:
    """The CDOs of the given Kommunen follow `massnahme` (lead and partners); when the Kreis
    itself leads (no Kommune), its staff do. Idempotent: an existing Abo, also one a person
    ended on purpose, stays as it is. Only people who may read the Maßnahme. Returns the
    number of new Abos."""
    kommune_ids = {k for k in kommune_ids if k}
    bedingung = Q(rolle=Rolle.CDO, kommune_id__in=kommune_ids)
    if massnahme.federfuehrend_id is None:
        bedingung |= Q(rolle=Rolle.KREIS, kreis_id=massnahme.kreis_id)
    personen = get_user_model().objects.filter(
        is_active=True,
        pk__in=Mitgliedschaft.objects.filter(bedingung).values("user_id"),
    )
    neu = [
        Abo(person=person, massnahme=massnahme, automatisch=True)
        for person in personen
        if can_read(person, massnahme)
    ]
    vorher = Abo.objects.filter(massnahme=massnahme).count()
    Abo.objects.bulk_create(neu, ignore_conflicts=True)
    return Abo.objects.filter(massnahme=massnahme).count() - vorher


# --- Events --------------------------------------------------------------------------------


def _subscribers(abo_q: Q, *, ohne=None, zusaetzlich=None):
    auswahl = Q(pk__in=Abo.objects.active().filter(abo_q).values("person_id"))
    if zusaetzlich is not None:
        auswahl |= Q(pk__in=zusaetzlich)
    personen = get_user_model().objects.filter(auswahl, is_active=True)
    if ohne is not None:
        personen = personen.exclude(pk=ohne)
    return personen.order_by("pk")


def notify(
    *,
    gegenstand,
    abo_q: Q,
    art: str,
    text: str,
    link: str,
    ereignis: str,
    ohne=None,
    zusaetzlich=None,
    mail_inhalt=None,
) -> int:
    """Tell every follower matched by `abo_q` who may read `gegenstand` (except the person
    `ohne`, who caused the event), and the people `zusaetzlich` (a queryset of user ids:
    those responsible, who hear of it without following). One row per person and
    `ereignis`, however often this runs. `mail_inhalt(eintrag)` writes the mail of those
    who want it at once (default: the notification's one line). Returns the number of new
    notifications."""
    zeilen = [
        Benachrichtigung(
            empfaenger=person,
            art=art,
            text=text[:500],
            link=link,
            ereignis=ereignis,
            **{art_von(gegenstand): gegenstand},
        )
        for person in _subscribers(abo_q, ohne=ohne, zusaetzlich=zusaetzlich)
        if can_read(person, gegenstand)
    ]
    if not zeilen:
        return 0
    vorher = Benachrichtigung.objects.filter(ereignis=ereignis).count()
    Benachrichtigung.objects.bulk_create(zeilen, ignore_conflicts=True)
    forget_counter([zeile.empfaenger_id for zeile in zeilen])
    mail_now(
        ereignis=ereignis,
        art=art,
        personen_ids=[z.empfaenger_id for z in zeilen],
        mail_inhalt=mail_inhalt,
    )
    return Benachrichtigung.objects.filter(ereignis=ereignis).count() - vorher


def mail_now(*, ereignis: str, art: str, personen_ids, mail_inhalt=None) -> int:
    """Mail the notifications of one event to the recipients who want this kind at once.
    The mail carries the notification's own text (written only for people who may read the
    thing) and links to its entry in the inbox, which opens only for the recipient."""
    sofort = [pk for pk, h in mail.haeufigkeiten(personen_ids, art).items() if h == "sofort"]
    if not sofort:
        return 0
    anzahl = 0
    for eintrag in Benachrichtigung.objects.filter(
        ereignis=ereignis, empfaenger_id__in=sofort
    ).select_related("empfaenger"):
        inhalt = (
            mail_inhalt(eintrag, _inbox_link(eintrag))
            if mail_inhalt is not None
            else mail.Inhalt(
                betreff=eintrag.text,
                einleitung=f"im {settings.PORTAL_NAME} gibt es Neues zu etwas, dem Sie folgen:",
                abschnitte=[mail.Abschnitt("", [mail.Eintrag(eintrag.text, _inbox_link(eintrag))])],
            )
        )
        if mail.enqueue_mail(
            person=eintrag.empfaenger, schluessel=f"sofort:{eintrag.pk}", inhalt=inhalt, arten=[art]
        ):
            anzahl += 1
    return anzahl


def _inbox_link(eintrag: Benachrichtigung) -> str:
    return mail.absolute_url(reverse("benachrichtigungen:oeffnen", args=[eintrag.pk]))


def _follows_massnahme_q(massnahme: Massnahme) -> Q:
    """Followers of the Maßnahme, of its lead and partner Kommunen, of its Handlungsfeld
    and of the Förderbescheide that fund it."""
    kommunen = [massnahme.federfuehrend_id, *massnahme.beteiligte.values_list("pk", flat=True)]
    return (
        Q(massnahme=massnahme)
        | Q(kommune_id__in=[k for k in kommunen if k])
        | Q(handlungsfeld_id=massnahme.handlungsfeld_id)
        | Q(foerderbescheid__in=massnahme.foerderbescheide.values("pk"))
    )


def notify_statusmeldung(meldung: Statusmeldung) -> int:
    m = meldung.massnahme
    return notify(
        gegenstand=m,
        abo_q=_follows_massnahme_q(m),
        art=Benachrichtigung.Art.STATUSMELDUNG,
        text=f"Neue Statusmeldung für das {quartal_text(meldung.quartal)} zu „{m.titel}“",
        link=m.get_absolute_url(),
        ereignis=f"statusmeldung:{meldung.pk}",
        ohne=meldung.autor_id,
    )


def notify_ampel_red(massnahme: Massnahme, *, version: int, ohne=None) -> int:
    return notify(
        gegenstand=massnahme,
        abo_q=_follows_massnahme_q(massnahme),
        art=Benachrichtigung.Art.AMPEL_ROT,
        text=f"Die Ampel von „{massnahme.titel}“ steht jetzt auf Rot (gefährdet).",
        link=massnahme.get_absolute_url(),
        ereignis=f"ampel_rot:{massnahme.pk}:{version}",
        ohne=ohne,
    )


def notify_dokument(anhang: Anhang) -> int:
    m = anhang.massnahme
    return notify(
        gegenstand=m,
        abo_q=_follows_massnahme_q(m),
        art=Benachrichtigung.Art.DOKUMENT,
        text=f"Neues Dokument „{anhang.titel}“ zu „{m.titel}“",
        link=m.get_absolute_url(),
        ereignis=f"anhang:{anhang.pk}",
        ohne=anhang.hochgeladen_von_id,
    )


def notify_bescheid_dokument(dokument: BescheidDokument) -> int:
    bescheid: Foerderbescheid = dokument.bescheid
    return notify(
        gegenstand=bescheid,
        abo_q=Q(foerderbescheid=bescheid) | Q(kommune_id=bescheid.zuwendungsempfaenger_id),
        art=Benachrichtigung.Art.DOKUMENT,
        text=f"Neues Dokument „{dokument.titel}“ zum Förderbescheid {bescheid.aktenzeichen}",
        link=bescheid.get_absolute_url(),
        ereignis=f"bescheiddokument:{dokument.pk}",
        ohne=dokument.hochgeladen_von_id,
    )


def notify_nachnutzung(nachnutzung: Nachnutzung, ohne=None) -> int:
    m = nachnutzung.massnahme
    return notify(
        gegenstand=m,
        abo_q=_follows_massnahme_q(m),
        art=Benachrichtigung.Art.NACHNUTZUNG,
        text=f"{nachnutzung.kommune} nutzt die Lösung von „{m.titel}“ nach.",
        link=m.get_absolute_url(),
        ereignis=f"nachnutzung:{nachnutzung.pk}",
        ohne=ohne,
    )


def link_to(gegenstand) -> str:
    """Where a followed thing is shown (a Handlungsfeld: its section of the strategy)."""
    if isinstance(gegenstand, Handlungsfeld):
        return f"{reverse('handlungsfelder:strategie')}#hf-{gegenstand.nummer}"
    return gegenstand.get_absolute_url()

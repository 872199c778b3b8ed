"""E-mail to one person: German, text and HTML, with a one-click unsubscribe (RFC 8058).

Every mail the portal sends to a person goes through `enqueue_mail` – notifications,
overviews, reminders, Förder deadlines, workshop invitations, "Quartalsbericht liegt vor"
and the invitation of `kreis_einrichten`: it renders the content for the recipient now
(what they may read now), stores it in the outbox (`Mail`, unique `schluessel`) and queues
the Celery task `deliver_mail` after the commit. The task hands it to the SMTP server; a
failure is logged and retried with back-off, and what is still unsent after all retries
stays in the outbox for `flush_postausgang`. Nothing of this runs in a web request's
critical path: a failing mail server never turns a save into an error page.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import MAILART_HAEUFIGKEITEN, Mail, Mailpraeferenz

logger = logging.getLogger(__name__)

ABMELDE_SALT = "benachrichtigungen.abmelden"


# --- Content ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eintrag:
    """One line of a mail: a text, optionally with a link (absolute) and a note."""

    text: str
    link: str = ""
    hinweis: str = ""


@dataclass(frozen=True)
class Abschnitt:
    titel: str
    eintraege: list[Eintrag]


@dataclass(frozen=True)
class Inhalt:
    """What a mail says; rendered by one text and one HTML template."""

    betreff: str
    einleitung: str
    abschnitte: list[Abschnitt] = field(default_factory=list)
    schluss: str = ""
    # Who signs: by default the recipient's own Kreis (sender_for).
    absender: str = ""


@dataclass(frozen=True)
class Anhang:
    """A small text attachment (an .ics file), kept in the outbox with the mail."""

    name: str
    inhalt: str
    typ: str


def sender_for(person) -> str:
    """Who signs a mail to `person`: their own Kreis ("Ihr Kreis Herford") when they work
    in exactly one, their region when they work for one, else the portal. Never a fixed
    "Kreis Lippe": the portal serves every Kreis of the region."""
    from kommunen.models import Kreis, Region
    from kommunen.scope import scope_for

    scope = scope_for(person)
    if len(scope.own_kreis_ids) == 1:
        kreis = Kreis.objects.filter(pk=next(iter(scope.own_kreis_ids))).first()
        if kreis is not None:
            return kreis.ihr
    if not scope.own_kreis_ids and len(scope.region_ids) == 1:
        region = Region.objects.filter(pk=next(iter(scope.region_ids))).first()
        if region is not None:
            return region.ihr
    return f"Ihr Team des {settings.PORTAL_NAME}s"


def absolute_url(pfad: str) -> str:
    """An absolute link into the portal (no request to build it from in a task)."""
    return f"{settings.PORTAL_BASE_URL}{pfad}"


# --- Unsubscribe -----------------------------------------------------------------------------


def abmelde_token(person, arten) -> str:
    """A signed token that turns the mail kinds `arten` off for `person`, without login.

    It carries nothing secret (a user id and kinds) and can do one thing only, so it does
    not expire: RFC 8058 expects the link of an old mail to keep working."""
    return signing.dumps({"p": person.pk, "a": sorted(set(arten))}, salt=ABMELDE_SALT)


def read_abmelde_token(token: str) -> tuple[int, list[str]]:
    """(person id, kinds) of a token; raises signing.BadSignature when it is not ours."""
    daten = signing.loads(token, salt=ABMELDE_SALT)
    if not isinstance(daten, dict):
        raise signing.BadSignature("kein Abmelde-Token")
    person_id, arten = daten.get("p"), daten.get("a")
    if (
        not isinstance(person_id, int)
        or not isinstance(arten, list)
        or not arten
        or any(art not in MAILART_HAEUFIGKEITEN for art in arten)
    ):
        raise signing.BadSignature("kein Abmelde-Token")
    return person_id, arten


def unsubscribe(*, person, arten) -> list[str]:
    """Turn the mail kinds `arten` off for `person`; returns the kinds that were on."""
    vorher = Mailpraeferenz.objects.for_person(person)
    for art in arten:
        Mailpraeferenz.objects.update_or_create(
            person=person, art=art, defaults={"haeufigkeit": "aus"}
        )
    return [art for art in arten if vorher.get(art) != "aus"]


def haeufigkeiten(personen_ids, art: str) -> dict[int, str]:
    """{person id: Haeufigkeit} for one kind, defaults filled in (one query)."""
    standard = MAILART_HAEUFIGKEITEN[art][0]
    gesetzt = dict(
        Mailpraeferenz.objects.filter(person_id__in=personen_ids, art=art).values_list(
            "person_id", "haeufigkeit"
        )
    )
    return {pk: gesetzt.get(pk, standard) for pk in personen_ids}


def wants(personen, art: str) -> list:
    """Those of `personen` who have not turned mail of kind `art` off."""
    personen = list(personen)
    an = haeufigkeiten([p.pk for p in personen], art)
    return [p for p in personen if an[p.pk] != "aus"]


# --- Queue and send --------------------------------------------------------------------------


def enqueue_mail(
    *,
    person,
    schluessel: str,
    inhalt: Inhalt,
    arten,
    anhaenge: list[Anhang] | tuple = (),
    transaktional: bool = False,
) -> Mail | None:
    """Store a mail to `person` in the outbox and queue it after the commit.

    `arten` are the mail kinds it belongs to: its unsubscribe link (RFC 8058
    `List-Unsubscribe` / `List-Unsubscribe-Post`) turns them off. A `transaktional` mail
    (no `arten`) is one the person needs to use the portal at all – the invitation with the
    link that sets their password: it carries no unsubscribe. RFC 8058's one-click
    unsubscribe is for mail a person can do without; turning this one off would only lock
    them out, and it is sent once, on a Kreis's request, never as a series. Returns None when a mail with this `schluessel` exists (a task that runs
    twice sends once) or the person has no address."""
    if transaktional == bool(arten):
        raise ValueError("A mail either belongs to mail kinds or is transactional.")
    if not person.is_active or not person.email:
        return None
    if Mail.objects.filter(schluessel=schluessel).exists():
        return None
    kopfzeilen = {"Auto-Submitted": "auto-generated"}
    abmelde_link = ""
    if not transaktional:
        abmelde_link = absolute_url(reverse("konto:abmelden", args=[abmelde_token(person, arten)]))
        kopfzeilen = {
            "List-Unsubscribe": f"<{abmelde_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            **kopfzeilen,
        }
    kontext = {
        "inhalt": inhalt,
        "absender": inhalt.absender or sender_for(person),
        "abmelde_link": abmelde_link,
        "einstellungen_link": absolute_url(reverse("konto:benachrichtigungen")),
        "portal_name": settings.PORTAL_NAME,
        "portal_link": absolute_url("/"),
    }
    betreff = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{inhalt.betreff}"
    return _save(
        person=person,
        schluessel=schluessel,
        betreff=betreff,
        text=render_to_string("benachrichtigungen/mail/mail.txt", kontext),
        html=render_to_string("benachrichtigungen/mail/mail.html", kontext),
        kopfzeilen=kopfzeilen,
        anhaenge=[{"name": a.name, "inhalt": a.inhalt, "typ": a.typ} for a in anhaenge],
    )


def _save(*, person, schluessel, betreff, text, html, kopfzeilen, anhaenge=()) -> Mail | None:
    """Into the outbox, and queued after the commit; None when the key is taken."""
    try:
        with transaction.atomic():
            mail = Mail.objects.create(
                schluessel=schluessel,
                empfaenger=person,
                adresse=person.email,
                betreff=" ".join(betreff.split())[:250],
                text=text,
                html=html,
                kopfzeilen=kopfzeilen,
                anhaenge=list(anhaenge),
            )
    except IntegrityError:  # another run queued it in the meantime
        return None
    mail_id = mail.pk
    transaction.on_commit(lambda: _send_on_commit(mail_id), robust=True)
    return mail


def to_all(personen, *, art: str, schluessel, inhalt: Inhalt, anhaenge=()) -> int:
    """The same mail of kind `art` to each of `personen` who has not turned it off;
    `schluessel(person)` names each. Returns the number queued."""
    return sum(
        1
        for person in wants(personen, art)
        if enqueue_mail(
            person=person,
            schluessel=schluessel(person),
            inhalt=inhalt,
            arten=[art],
            anhaenge=anhaenge,
        )
    )


def is_unsubscribable(mail: Mail) -> bool:
    """False for a transactional mail (it carries no List-Unsubscribe)."""
    return "List-Unsubscribe" in mail.kopfzeilen


def enqueue_konto_mail(*, person, schluessel: str, betreff: str, text: str) -> Mail | None:
    """A transactional mail whose text is written elsewhere (allauth's password reset):
    into the outbox as it is, with an HTML part made from the text, no unsubscribe."""
    if not person.is_active or not person.email:
        return None
    html = render_to_string(
        "benachrichtigungen/mail/text.html",
        {"betreff": betreff, "text": text, "portal_name": settings.PORTAL_NAME},
    )
    return _save(
        person=person,
        schluessel=schluessel,
        betreff=betreff,
        text=text,
        html=html,
        kopfzeilen={"Auto-Submitted": "auto-generated"},
    )


def _send_on_commit(mail_id: int) -> None:
    from .tasks import deliver_mail

    deliver_mail.delay(mail_id)


def message(mail: Mail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.betreff, body=mail.text, to=[mail.adresse], headers=mail.kopfzeilen
    )
    message.attach_alternative(mail.html, "text/html")
    for anhang in mail.anhaenge:
        message.attach(anhang["name"], anhang["inhalt"], anhang["typ"])
    return message


def _rejected_for_good(fehler: Exception) -> bool:
    """The server refused the address for good (5xx): retrying will not help."""
    if isinstance(fehler, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in fehler.recipients.values())
    return False


def deliver(*, mail_id: int, letzter_versuch: bool = False) -> bool:
    """Hand one outbox mail to the mail server; True when it was sent now.

    A mail already sent (a task delivered twice) is left alone; the row lock keeps two
    workers from sending the same mail at once. An SMTP error is recorded on the mail,
    logged and raised again, so the Celery task retries it with back-off."""
    with transaction.atomic():
        mail = (
            Mail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status__in=[Mail.Status.OFFEN, Mail.Status.FEHLGESCHLAGEN])
            .first()
        )
        if mail is None:
            return False
        try:
            message(mail).send()
        except (smtplib.SMTPException, OSError) as error:
            fehler = error
        else:
            # A transactional mail carries a set-password link: once delivered, the outbox
            # keeps only the sent-log, not a link someone with database access could use.
            inhalt = {} if is_unsubscribable(mail) else {"text": "", "html": ""}
            Mail.objects.filter(pk=mail.pk).update(
                status=Mail.Status.GESENDET,
                gesendet_am=timezone.now(),
                versuche=F("versuche") + 1,
                letzter_fehler="",
                geaendert_am=timezone.now(),
                **inhalt,
            )
            return True
    endgueltig = _rejected_for_good(fehler)
    if endgueltig:
        status = Mail.Status.ABGEWIESEN
    else:
        status = Mail.Status.FEHLGESCHLAGEN if letzter_versuch else Mail.Status.OFFEN
    Mail.objects.filter(pk=mail_id).update(
        status=status,
        versuche=F("versuche") + 1,
        letzter_fehler=f"{type(fehler).__name__}: {fehler}"[:2000],
        geaendert_am=timezone.now(),
    )
    logger.warning(
        "Mail %s an %s nicht zugestellt (%s): %s",
        mail_id,
        mail.adresse,
        "endgültig abgewiesen" if endgueltig else "wird wiederholt",
        fehler,
    )
    if endgueltig:
        return False
    raise fehler


def requeue(mails) -> int:
    """Queue the unsent ones of `mails` again (an admin's decision, also for a refused
    address once it is corrected); returns how many."""
    ids = list(mails.exclude(status=Mail.Status.GESENDET).values_list("pk", flat=True))
    Mail.objects.filter(pk__in=ids, status=Mail.Status.ABGEWIESEN).update(status=Mail.Status.OFFEN)
    for mail_id in ids:
        try:
            _send_on_commit(mail_id)
        except Exception:  # eager mode raises what the retries did not fix; go on
            logger.exception("Mail %s: erneuter Versand fehlgeschlagen", mail_id)
    return len(ids)


# Outbox mails still unsent this long after their last attempt are queued again.
NACHHOLEN_NACH_MINUTEN = 30
# Sent mails keep their row (the sent-log) but lose their text after this many days.
TEXT_AUFBEWAHRUNG_TAGE = 30


def flush_postausgang() -> int:
    """Queue again what the retries did not deliver (and what was stored but never queued,
    e.g. when the broker was down); drop the text of mails sent long ago. Returns the
    number of mails queued."""
    jetzt = timezone.now()
    Mail.objects.filter(
        status=Mail.Status.GESENDET,
        gesendet_am__lt=jetzt - timezone.timedelta(days=TEXT_AUFBEWAHRUNG_TAGE),
    ).exclude(text="", html="").update(text="", html="")
    offen = Mail.objects.filter(
        status__in=[Mail.Status.OFFEN, Mail.Status.FEHLGESCHLAGEN],
        geaendert_am__lt=jetzt - timezone.timedelta(minutes=NACHHOLEN_NACH_MINUTEN),
    ).values_list("pk", flat=True)
    anzahl = 0
    for mail_id in list(offen[:500]):
        try:
            _send_on_commit(mail_id)
        except Exception:  # eager mode raises what the retries did not fix; go on
            logger.exception("Mail %s: erneuter Versand fehlgeschlagen", mail_id)
        anzahl += 1
    return anzahl

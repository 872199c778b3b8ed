"""Celery tasks of the notifications (thin: they call the services).

The registered names (`name=`) keep their German wording: queued messages and the beat
schedule carry them, so renaming one would strand the messages of a running deployment.
"""

from __future__ import annotations

import smtplib

from celery import shared_task

# About 30 s, 1, 2, 4 … minutes up to an hour between attempts: some 9 hours in all,
# then `flush_postausgang` takes over (every 15 minutes).
MAX_RETRIES = 12


@shared_task(
    bind=True,
    name="benachrichtigungen.mail_senden",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
)
def deliver_mail(self, mail_id: int) -> bool:
    """Send one outbox mail through SMTP; retried with back-off when the server fails."""
    from .mail import deliver

    return deliver(mail_id=mail_id, letzter_versuch=self.request.retries >= self.max_retries)


@shared_task(name="benachrichtigungen.postausgang_leeren")
def flush_postausgang() -> int:
    """Every 15 minutes: queue again the mails still unsent."""
    from .mail import flush_postausgang as leeren

    return leeren()


@shared_task(name="benachrichtigungen.statusmeldungen_erinnern")
def remind_statusmeldungen() -> int:
    """Daily (Celery beat): reminders of Statusmeldungen owed, the Kreis's list of the
    missing. Idempotent: a second run the same day sends nothing."""
    from .erinnerungen import remind_statusmeldungen as erinnern

    return erinnern()


@shared_task(name="benachrichtigungen.faelligkeiten_pruefen")
def check_faelligkeiten() -> dict:
    """Daily (Celery beat): overdue milestones and deadlines of Förderbescheide that come
    near become notifications. Idempotent: a second run tells nobody twice."""
    from .faelligkeiten import check_faelligkeiten as pruefen

    return pruefen()


@shared_task(name="benachrichtigungen.tagesueberblick")
def tagesueberblick() -> int:
    """Daily 07:00: yesterday's notifications for those who want a daily overview."""
    from .ueberblick import tagesueberblick as senden

    return senden()


@shared_task(name="benachrichtigungen.wochenueberblick")
def wochenueberblick() -> int:
    """Monday 07:00 (Europe/Berlin): last week's news, open duties and deadlines."""
    from .ueberblick import wochenueberblick as senden

    return senden()


@shared_task(name="benachrichtigungen.workshop_einladung")
def workshop_einladung(workshop_id: int) -> int:
    """The invitations of a workshop just published."""
    from .workshops import send_einladungen

    return send_einladungen(workshop_id)


@shared_task(name="benachrichtigungen.workshop_absage")
def workshop_absage(workshop_id: int) -> int:
    """Tell the registered people that a workshop is cancelled."""
    from .workshops import send_absage

    return send_absage(workshop_id)

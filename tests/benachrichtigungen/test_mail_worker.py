"""The production shape: a real Celery worker process takes the mail from the broker
(Redis in CI) and hands it to a real SMTP server through Django's SMTP backend."""

from __future__ import annotations

import time

import pytest
from aiosmtpd.controller import Controller

from benachrichtigungen import mail
from benachrichtigungen.models import Mail
from tests.benachrichtigungen.smtp import Postfach, freier_port, teile
from tests.core.test_celery_worker import worker_beenden, worker_starten
from tests.factories import UserFactory


@pytest.mark.celery_worker
def test_a_worker_sends_the_queued_mail_through_smtp(transactional_db, echter_broker):
    postfach = Postfach()
    port = freier_port()
    controller = Controller(postfach, hostname="127.0.0.1", port=port)
    controller.start()
    worker = worker_starten(
        PORTAL_TEST_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        PORTAL_BASE_URL="https://portal.example.de",
    )
    try:
        person = UserFactory(email="cdo.detmold@example.invalid")
        versand = mail.enqueue_mail(
            person=person,
            schluessel="test:worker",
            inhalt=mail.Inhalt(
                betreff="Neue Statusmeldung",
                einleitung="im Portal gibt es Neues:",
                abschnitte=[mail.Abschnitt("", [mail.Eintrag("Digitale Akte", "https://x/")])],
            ),
            arten=["statusmeldung"],
        )
        assert versand is not None  # queued through the broker (outside a transaction: now)
        frist = time.monotonic() + 60
        while time.monotonic() < frist and not postfach.eingang:
            if worker.poll() is not None:
                pytest.fail(worker.stdout.read().decode(errors="replace"))
            time.sleep(0.2)
        [(empfaenger, nachricht)] = postfach.eingang
        assert empfaenger == ["cdo.detmold@example.invalid"]
        assert nachricht["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text, html = teile(nachricht)
        assert "Digitale Akte" in text and "Digitale Akte" in html
        frist = time.monotonic() + 10
        while time.monotonic() < frist:
            versand.refresh_from_db()
            if versand.status == Mail.Status.GESENDET:
                break
            time.sleep(0.2)
        assert versand.status == Mail.Status.GESENDET and versand.versuche == 1
    finally:
        worker_beenden(worker)
        controller.stop()

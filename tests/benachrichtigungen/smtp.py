"""A real SMTP server for the tests (aiosmtpd), and how to read what reached it."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Postfach:
    """What the SMTP server received; `ablehnen` answers the next n DATA commands with a
    temporary error (451), as a mail server that is overloaded does."""

    eingang: list = field(default_factory=list)
    ablehnen: int = 0
    versuche: int = 0

    abweisen: set = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.abweisen:
            return "550 5.1.1 Empfaenger unbekannt"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.versuche += 1
        if self.ablehnen > 0:
            self.ablehnen -= 1
            return "451 4.3.0 Bitte spaeter erneut versuchen"
        self.eingang.append(
            (
                envelope.rcpt_tos,
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
        )
        return "250 OK"

    def an(self, adresse: str) -> list:
        return [nachricht for empfaenger, nachricht in self.eingang if adresse in empfaenger]


def freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def celery_wiederholt():
    """Eager tasks retry as a worker does (at once, without the back-off wait): with
    task_eager_propagates Celery would hand the first Retry to the caller instead."""
    from lippe_portal.celery import app

    vorher = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = vorher


@pytest.fixture
def smtp(settings, celery_wiederholt):
    """Mail goes through Django's SMTP backend to a real server on localhost."""
    # aiosmtpd logs every SMTP command at INFO.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    postfach = Postfach()
    port = freier_port()
    controller = Controller(postfach, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.PORTAL_BASE_URL = "https://portal.example.de"
    postfach.port = port
    yield postfach
    controller.stop()


@pytest.fixture
def smtp_aus(settings, celery_wiederholt):
    """A mail server that is down: nothing listens on the port."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = freier_port()
    settings.EMAIL_TIMEOUT = 2
    settings.PORTAL_BASE_URL = "https://portal.example.de"


def teile(nachricht) -> tuple[str, str]:
    """(text part, HTML part) of a received message."""
    return (
        nachricht.get_body(("plain",)).get_content(),
        nachricht.get_body(("html",)).get_content(),
    )

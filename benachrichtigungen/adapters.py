"""allauth's own mails (password reset) on the one mail path.

The adapter of core (no open sign-up) plus: a mail to a person with an account goes into
the outbox (text and HTML, retried when SMTP fails, never a 500 for the person asking) as
a transactional mail – it answers the person's own request and carries a one-time link, so
there is nothing to unsubscribe from. allauth's "unknown account" notice goes to an address
that belongs to nobody in the portal: the outbox is kept per person, and keeping a
stranger's address there would store data of someone who has no account, so that one
notice is handed to the mail server directly, as before.
"""

from __future__ import annotations

import uuid

from allauth.core import context as allauth_context
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site

from core.adapters import PortalAccountAdapter

from . import mail


class PostausgangAccountAdapter(PortalAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        person = context.get("user")
        if person is None or getattr(person, "email", "").lower() != email.lower():
            person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            super().send_mail(template_prefix, email, context)
            return
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        nachricht = self.render_mail(template_prefix, email, ctx)
        mail.enqueue_konto_mail(
            person=person,
            # Every request is its own mail (a second reset link is a new one).
            schluessel=f"konto:{template_prefix.rsplit('/', 1)[-1]}:{person.pk}:{uuid.uuid4().hex}",
            betreff=nachricht.subject,
            text=nachricht.body,
        )

"""E-mail settings (/konto/benachrichtigungen/), the one-click unsubscribe and a Kreis's
reminder days."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kommunen.models import Kreis
from kommunen.scope import scope_for

from . import mail
from .forms import ErinnerungsregelForm, MailpraeferenzForm
from .models import Erinnerungsregel, Mailart

logger = logging.getLogger(__name__)


@login_required
def preferences(request):
    """Per kind of event: sofort, täglicher or wöchentlicher Überblick, aus."""
    form = MailpraeferenzForm(request.POST or None, person=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Ihre E-Mail-Einstellungen sind gespeichert.")
        return redirect("konto:benachrichtigungen")
    scope = scope_for(request.user)
    kreise = Kreis.objects.filter(pk__in=scope.kreis_ids).order_by("name")
    if request.user.is_superuser:
        kreise = Kreis.objects.order_by("name")
    return render(
        request,
        "benachrichtigungen/einstellungen.html",
        {
            "form": form,
            "kreise": kreise,
            "breadcrumbs": [("E-Mail-Benachrichtigungen", None)],
        },
        status=400 if form.errors else 200,
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """Unsubscribe without login, by the signed token of the mail (RFC 8058).

    GET shows a confirmation page with a button (so a link scanner opening the URL turns
    nothing off); POST turns the mail kinds off, be it the button or the mail program's
    one-click request (body `List-Unsubscribe=One-Click`, no CSRF token, no cookies)."""
    try:
        person_id, arten = mail.read_abmelde_token(token)
    except signing.BadSignature:
        raise Http404("Dieser Abmeldelink ist ungültig.") from None
    person = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        raise Http404("Dieser Abmeldelink ist ungültig.")
    namen = [Mailart(art).label for art in arten]
    if request.method == "POST":
        mail.unsubscribe(person=person, arten=arten)
        logger.info("Person %s hat %s abbestellt", person.pk, ", ".join(arten))
        return render(
            request, "benachrichtigungen/abgemeldet.html", {"namen": namen, "fertig": True}
        )
    return render(request, "benachrichtigungen/abgemeldet.html", {"namen": namen, "token": token})


@login_required
def erinnerungsregel(request, kreis: str):
    """When the Kreis's Statusmeldung reminders go out: its staff and admins set the days."""
    kreis = get_object_or_404(Kreis, slug=kreis)
    scope = scope_for(request.user)
    if not scope.is_superuser and not scope.is_kreis_staff(kreis.pk):
        if not scope.can_read_kreis(kreis.pk):
            raise Http404
        raise PermissionDenied
    form = ErinnerungsregelForm(request.POST or None, instance=Erinnerungsregel.for_kreis(kreis))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Die Erinnerungsfristen für {kreis} sind gespeichert.")
        return redirect("konto:erinnerungsregel", kreis=kreis.slug)
    return render(
        request,
        "benachrichtigungen/erinnerungsregel.html",
        {
            "form": form,
            "kreis": kreis,
            "breadcrumbs": [
                ("E-Mail-Benachrichtigungen", reverse("konto:benachrichtigungen")),
                (f"Erinnerungsfristen {kreis}", None),
            ],
        },
        status=400 if form.errors else 200,
    )

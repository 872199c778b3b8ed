"""The inbox, opening a notification, and the Folgen / Nicht mehr folgen button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.listing import FilteredListView
from handlungsfelder.models import Handlungsfeld

from . import services
from .context_processors import forget_counter
from .models import ARTEN, Benachrichtigung

SEITENGROESSE = 50


class BenachrichtigungListView(FilteredListView):
    """What happened to the things I follow; unread first."""

    permission_required = ()  # everyone signed in has an inbox
    template_name = "benachrichtigungen/liste.html"
    context_object_name = "eintraege"
    paginate_by = SEITENGROESSE

    def get_base_queryset(self):
        return Benachrichtigung.objects.for_recipient(self.request.user).newest_first()

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range shows the nearest page, not a 404.
        paginator = self.get_paginator(queryset, page_size)
        seite = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, seite, seite.object_list, seite.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Benachrichtigungen", None)]
        return context


@login_required
def open_benachrichtigung(request, pk: int):
    """Mark the notification read and go to what it is about. Someone else's
    notification, or one about something the person may no longer read, is a 404."""
    eintrag = get_object_or_404(Benachrichtigung.objects.for_recipient(request.user), pk=pk)
    eintrag.mark_read()
    if not url_has_allowed_host_and_scheme(eintrag.link, allowed_hosts=None):
        return redirect("benachrichtigungen:liste")
    return redirect(eintrag.link)


@login_required
@require_POST
def mark_all_read(request):
    anzahl = (
        Benachrichtigung.objects.for_recipient(request.user)
        .unread()
        .update(gelesen_am=timezone.now(), geaendert_am=timezone.now())
    )
    forget_counter([request.user.pk])
    if anzahl:
        messages.success(request, "Alle Benachrichtigungen sind als gelesen markiert.")
    return redirect("benachrichtigungen:liste")


def _gegenstand(request, art: str, pk: int):
    model = ARTEN.get(art)
    if model is None:
        raise Http404
    if model is Handlungsfeld:
        gegenstand = get_object_or_404(Handlungsfeld, pk=pk)
    else:
        # Something of another Kreis is a 404, not a 403 confirming that it exists.
        gegenstand = get_object_or_404(model.objects.for_user(request.user), pk=pk)
    if not services.can_read(request.user, gegenstand):
        raise Http404
    return gegenstand


@login_required
@require_POST
def follow(request, art: str, pk: int):
    """Follow (folgen=1) or stop following (folgen=0). With htmx the button is swapped in
    place; without JavaScript the browser goes back to the page it came from."""
    gegenstand = _gegenstand(request, art, pk)
    aktiv = request.POST.get("folgen") != "0"
    services.follow(person=request.user, gegenstand=gegenstand, aktiv=aktiv)
    if request.htmx:
        return render(
            request,
            "benachrichtigungen/includes/folgen.html",
            follow_context(request, gegenstand, folgt=aktiv, gemeldet=True),
        )
    messages.success(
        request,
        f"Sie folgen jetzt „{gegenstand}“." if aktiv else f"Sie folgen „{gegenstand}“ nicht mehr.",
    )
    ziel = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        ziel, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        ziel = services.link_to(gegenstand)
    return redirect(ziel)


def follow_context(request, gegenstand, *, folgt: bool | None = None, gemeldet=False) -> dict:
    art = services.art_von(gegenstand)
    if folgt is None:
        folgt = services.follows(person=request.user, gegenstand=gegenstand)
    return {
        "folgen_url": reverse("benachrichtigungen:folgen", args=[art, gegenstand.pk]),
        "folgen_id": f"folgen-{art}-{gegenstand.pk}",
        "folgt": folgt,
        "gemeldet": gemeldet,
        "name": str(gegenstand),
        "next": request.get_full_path() if not request.htmx else services.link_to(gegenstand),
    }

"""The account page "API-Zugang": create, list and revoke personal read-only API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .forms import ApiTokenForm
from .models import ApiToken

# At most this many active tokens per person: enough for a few scripts, few enough to keep
# track of (every one reads all the person reads).
MAX_AKTIVE_TOKENS = 10
# The new token is handed from the POST to the following GET through the session and shown
# there once (no form re-submission creates a second token on reload).
SITZUNG_NEUES_TOKEN = "api_neues_token"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def zugang(request):
    """List the person's active tokens; POST creates one and shows it once."""
    tokens = ApiToken.objects.for_user(request.user).active()
    form = ApiTokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if tokens.count() >= MAX_AKTIVE_TOKENS:
            form.add_error(
                None,
                f"Sie haben bereits {MAX_AKTIVE_TOKENS} aktive Tokens. Bitte widerrufen Sie "
                "zuerst eines, das Sie nicht mehr brauchen.",
            )
        if form.is_valid():
            token, klartext = ApiToken.issue(
                user=request.user, bezeichnung=form.cleaned_data["bezeichnung"]
            )
            request.session[SITZUNG_NEUES_TOKEN] = {"id": token.pk, "klartext": klartext}
            return redirect("api:zugang")
        status = 422
    neu = request.session.pop(SITZUNG_NEUES_TOKEN, None)
    return render(
        request,
        "api/zugang.html",
        {
            "form": form,
            "tokens": list(tokens),
            "neues_token": neu,
            "max_tokens": MAX_AKTIVE_TOKENS,
            "api_basis": request.build_absolute_uri(reverse("api_v1:index")),
        },
        status=status,
    )


@login_required
@require_POST
def revoke(request, pk: int):
    """Revoke one of the person's own tokens (another person's is a 404)."""
    token = get_object_or_404(ApiToken.objects.for_user(request.user).active(), pk=pk)
    token.revoke()
    messages.success(
        request,
        f"Das Token „{token.bezeichnung}“ wurde widerrufen. Anfragen damit werden ab sofort "
        "abgelehnt.",
    )
    return redirect("api:zugang")

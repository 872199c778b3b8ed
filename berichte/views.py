"""/berichte/: the quarterly reports (request, status, download), the cover logo and lifting a
freeze."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.downloads import file_response
from core.quartal import Quartal
from kommunen.models import Kreis
from kommunen.scope import scope_for
from massnahmen.models import Quartalsabschluss

from . import services
from .forms import AbschlussLiftForm, BerichtRequestForm, LogoForm
from .models import Deckblatt, Quartalsbericht

# --- Quarterly reports (/berichte/) ----------------------------------------------------------


def _berichte_for(user):
    return Quartalsbericht.objects.for_user(user).select_related("kreis", "angefordert_von")


def _active_abschluesse(user):
    """Frozen quarters the user may lift (Kreis staff of their Kreise)."""
    scope = scope_for(user)
    abschluesse = Quartalsabschluss.objects.active().select_related("kreis", "gesperrt_von")
    if not scope.is_superuser:
        abschluesse = abschluesse.filter(kreis_id__in=scope.kreis_ids)
    return abschluesse.order_by("kreis__name", "-quartal")


def _list_context(request, form=None) -> dict:
    user = request.user
    berichte = list(_berichte_for(user).order_by("kreis__name", "-quartal", "-version")[:200])
    darf_anfordern = user.has_perm("berichte.add_quartalsbericht")
    gruppen: dict[tuple[str, str], list] = {}
    for bericht in berichte:
        gruppen.setdefault((bericht.kreis_id, bericht.quartal), []).append(bericht)
    return {
        "gruppen": [
            {"neueste": versionen[0], "fruehere": versionen[1:]} for versionen in gruppen.values()
        ],
        "laeuft": any(b.is_open for b in berichte),
        "form": form
        if form is not None
        else (BerichtRequestForm(user=user) if darf_anfordern else None),
        "abschluesse": list(_active_abschluesse(user)) if darf_anfordern else [],
        "breadcrumbs": [("Quartalsberichte", None)],
    }


@login_required
@permission_required("berichte.view_quartalsbericht", raise_exception=True)
def bericht_liste(request):
    """The reports the user may read, newest first per Kreis and quarter, with the request
    form for Kreis staff. While a report is being made, the table refreshes itself (htmx)."""
    kontext = _list_context(request)
    if request.htmx and not request.htmx.boosted:
        return render(request, "berichte/bericht_list.html#tabelle", kontext)
    return render(request, "berichte/bericht_list.html", kontext)


@transaction.non_atomic_requests
@login_required
@require_POST
def request_bericht(request):
    """Request a report. Not one transaction with the request: the record must be committed
    before the task is queued, and a broker failure must still leave it saved."""
    if not request.user.has_perm("berichte.add_quartalsbericht"):
        raise PermissionDenied
    form = BerichtRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(
            request, "berichte/bericht_list.html", _list_context(request, form), status=422
        )
    kreis, quartal = form.cleaned_data["kreis"], form.cleaned_data["quartal"]
    if not request.user.has_perm("berichte.request_quartalsbericht", kreis_objekt(kreis)):
        raise PermissionDenied
    try:
        bericht = services.request_bericht(
            kreis=kreis,
            quartal=quartal,
            user=request.user,
            variante=form.cleaned_data["variante"],
            mit_steckbriefen=form.cleaned_data["mit_steckbriefen"],
        )
    except services.BerichtNotPossible as error:
        form.add_error("quartal", str(error))
        return render(
            request, "berichte/bericht_list.html", _list_context(request, form), status=422
        )
    _report_error(request, bericht, "angefordert")
    return redirect(bericht)


def kreis_objekt(kreis):
    """Rules predicates on reports read `kreis_id`; a Kreis has it as its primary key."""
    return Quartalsbericht(kreis=kreis)


def _report_error(request, bericht, was: str) -> None:
    bericht.refresh_from_db()
    if bericht.status == Quartalsbericht.Status.FEHLGESCHLAGEN:
        messages.error(request, bericht.fehler)
    elif bericht.status == Quartalsbericht.Status.FERTIG:
        messages.success(request, f"Der Bericht (Version {bericht.version}) ist fertig.")
    else:
        messages.success(
            request,
            f"Der Bericht (Version {bericht.version}) wurde {was}. Die Statusmeldungen des "
            "Quartals sind jetzt abgeschlossen.",
        )


def _bericht_or_404(request, pk):
    # Another Kreis's report is a 404, not a 403 confirming that it exists.
    return get_object_or_404(_berichte_for(request.user), pk=pk)


@login_required
@permission_required("berichte.view_quartalsbericht", raise_exception=True)
def bericht_detail(request, pk):
    """One report version: its status (refreshing itself while it is made), the download,
    the reason of a failure with a retry, the other versions of the quarter, and the
    report's content as a web page (the same sections as the PDF)."""
    bericht = _bericht_or_404(request, pk)
    if not request.user.has_perm("berichte.view_quartalsbericht", bericht):
        raise PermissionDenied
    kontext = {
        "bericht": bericht,
        "quartal": Quartal.parse(bericht.quartal),
        "darf_anfordern": request.user.has_perm("berichte.request_quartalsbericht", bericht),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "berichte/bericht_detail.html#status", kontext)
    kontext.update(
        # The web preview: the report's own sections, rendered from the same data as its
        # PDF (services.bericht_context), so what is read here is what is printed.
        vorschau=services.bericht_context(
            kreis=bericht.kreis,
            quartal=kontext["quartal"],
            stand=bericht.fertig_am or bericht.erstellt_am,
            mit_steckbriefen=bericht.mit_steckbriefen,
            version=bericht.version,
        )["abschnitte"],
        versionen=_berichte_for(request.user)
        .filter(kreis_id=bericht.kreis_id, quartal=bericht.quartal)
        .order_by("-version"),
        gesperrt=Quartalsabschluss.objects.active()
        .filter(kreis_id=bericht.kreis_id, quartal=bericht.quartal)
        .first(),
        breadcrumbs=[
            ("Quartalsberichte", reverse("berichte:liste")),
            (f"{bericht.kreis} {kontext['quartal'].label}, Version {bericht.version}", None),
        ],
    )
    return render(request, "berichte/bericht_detail.html", kontext)


@login_required
@permission_required("berichte.view_quartalsbericht", raise_exception=True)
def bericht_download(request, pk):
    """The PDF, only to those who may read the Kreis, never as a public media URL."""
    bericht = _bericht_or_404(request, pk)
    if not request.user.has_perm("berichte.view_quartalsbericht", bericht):
        raise PermissionDenied
    if bericht.status != Quartalsbericht.Status.FERTIG or not bericht.datei:
        raise Http404("Der Bericht ist noch nicht fertig.")
    return file_response(bericht.datei, dateiname=bericht.dateiname)


@transaction.non_atomic_requests
@login_required
@require_POST
def bericht_erneut(request, pk):
    """Retry a failed report (same version)."""
    bericht = _bericht_or_404(request, pk)
    if not request.user.has_perm("berichte.request_quartalsbericht", bericht):
        raise PermissionDenied
    try:
        bericht = services.rerequest_bericht(bericht=bericht)
    except services.BerichtNotPossible as error:
        messages.warning(request, str(error))
        return redirect(bericht)
    _report_error(request, bericht, "erneut angefordert")
    return redirect(bericht)


@login_required
def lift_abschluss(request, pk):
    """Kreis staff lift the freeze of a quarter, with a reason that is kept on record."""
    abschluss = get_object_or_404(
        Quartalsabschluss.objects.active()
        .for_user(request.user)
        .select_related("kreis", "gesperrt_von"),
        pk=pk,
    )
    if not request.user.has_perm("berichte.lift_quartalsabschluss", abschluss):
        raise PermissionDenied
    form = AbschlussLiftForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.reopen_quartal(
                abschluss=abschluss, user=request.user, grund=form.cleaned_data["aufhebungsgrund"]
            )
            quartal = Quartal.parse(abschluss.quartal)
            messages.success(
                request,
                f"Der Abschluss {quartal.genitiv} für {abschluss.kreis.akkusativ} ist aufgehoben; "
                "Statusmeldungen können wieder bearbeitet werden.",
            )
            return redirect("berichte:liste")
        status = 422
    else:
        status = 200
    return render(
        request,
        "berichte/bericht_abschluss_aufheben.html",
        {
            "abschluss": abschluss,
            "quartal": Quartal.parse(abschluss.quartal),
            "form": form,
            "breadcrumbs": [
                ("Quartalsberichte", reverse("berichte:liste")),
                ("Abschluss aufheben", None),
            ],
        },
        status=status,
    )


# --- The cover's logo ---------------------------------------------------------------------


def _readable_kreis(request, slug):
    # Another Kreis is a 404, as for reports.
    return get_object_or_404(Kreis.objects.for_user(request.user), slug=slug)


@login_required
def manage_logo(request, kreis):
    """Kreis staff upload, replace or remove the logo on the cover of their reports."""
    kreis = _readable_kreis(request, kreis)
    if not request.user.has_perm("berichte.request_quartalsbericht", kreis_objekt(kreis)):
        raise PermissionDenied
    deckblatt = Deckblatt.objects.filter(kreis=kreis).first()
    form = LogoForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["logo"]:
                services.save_logo(kreis=kreis, datei=form.cleaned_data["logo"], user=request.user)
                messages.success(
                    request,
                    "Das Logo ist gespeichert; es steht auf dem Deckblatt der nächsten Berichte.",
                )
            else:
                services.remove_logo(kreis=kreis)
                messages.success(request, "Das Logo ist entfernt.")
            return redirect("berichte:logo", kreis=kreis.slug)
        status = 422
    return render(
        request,
        "berichte/logo_form.html",
        {
            "kreis": kreis,
            "deckblatt": deckblatt,
            "form": form,
            "breadcrumbs": [
                ("Quartalsberichte", reverse("berichte:liste")),
                ("Logo für das Deckblatt", None),
            ],
        },
        status=status,
    )


@login_required
def logo_datei(request, kreis):
    """The logo itself, to everyone who reads the Kreis (for the web preview)."""
    kreis = _readable_kreis(request, kreis)
    deckblatt = get_object_or_404(Deckblatt, kreis=kreis)
    try:
        handle = deckblatt.logo.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("Das Logo ist nicht mehr vorhanden.") from error
    svg = deckblatt.logo.name.lower().endswith(".svg")
    response = FileResponse(handle, content_type="image/svg+xml" if svg else "image/png")
    response["X-Content-Type-Options"] = "nosniff"
    # Shown as an image only; opened on its own it may run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

"""The OZG matrix of a Kreis and the rating of one cell (inline by htmx, or as a page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.locking import Konflikt
from kommunen.models import Kommune, Kreis
from kommunen.scope import Scope, scope_for

from . import matrix as matrix_
from .filtersets import OzgLeistungFilterSet
from .forms import ReifegradForm, UmsetzungsstandForm
from .models import MAX_STUFE, ONLINE_AB, OzgLeistung, Reifegradmodell, Umsetzungsstand

LEISTUNGEN_JE_SEITE = 60
KREIS_PARAM = "kreis"


def _readable_kreise(scope: Scope):
    return Kreis.objects.for_scope(scope).order_by("name")


def _default_kreis(scope: Scope, kreise) -> str | None:
    """The user's own Kreis first (as CDO or staff), then the first of their region."""
    eigene = sorted(scope.cdo_kreis_ids | scope.kreis_ids)
    if eigene:
        return eigene[0]
    return kreise[0].pk if kreise else None


def _editable(user, kommune: Kommune) -> bool:
    return user.has_perm("ozg.change_umsetzungsstand", Umsetzungsstand(kommune=kommune))


def _matrix_context(request, query: QueryDict, kreis: Kreis) -> dict:
    """Everything the matrix page shows for this query string (filter, columns, page).

    The page itself and the answer to an inline edit (its out-of-band coverage figures)
    both come from here, so they always agree.
    """
    kommunen = list(Kommune.objects.filter(kreis=kreis).order_by("name", "pk"))
    filterset = OzgLeistungFilterSet(
        query or None,
        queryset=OzgLeistung.objects.all(),
        kreis=kreis,
        kommunen=kommunen,
    )
    leistungen = filterset.qs.order_by("themenfeld", "name", "pk")
    paginator = Paginator(leistungen, LEISTUNGEN_JE_SEITE)
    seite = paginator.get_page(query.get("seite"))
    gewaehlt = filterset.selected_kommune
    # "nur Lücken" chooses rows; the coverage figures stay those of the filter without it,
    # so that closing a gap raises them (and a column does not read "0 online" by design).
    basis, anzahl_basis = filterset.qs, paginator.count
    if filterset.only_luecken:
        ohne = query.copy()
        ohne.pop("luecken", None)
        basis = OzgLeistungFilterSet(
            ohne, queryset=OzgLeistung.objects.all(), kreis=kreis, kommunen=kommunen
        ).qs
        anzahl_basis = basis.count()
    daten = matrix_.matrix(
        kreis_id=kreis.pk,
        kommunen=kommunen,
        leistungen_gefiltert=basis,
        anzahl_leistungen=anzahl_basis,
        seite=list(seite.object_list),
        darf_bearbeiten=lambda k: _editable(request.user, k),
        spalten_kommunen=[k for k in kommunen if k.pk == gewaehlt.pk] if gewaehlt else None,
    )
    return {
        "kreis": kreis,
        "kommunen": kommunen,
        "filter": filterset,
        "matrix": daten,
        "page_obj": seite,
        "eine_kommune": gewaehlt,
        "nur_luecken": filterset.only_luecken,
        "anzahl_gezeigt": paginator.count,
    }


def _view_links(request, kreis: Kreis, kontext: dict) -> dict:
    """The quick views: all Kommunen or only the user's own; all services or only gaps."""
    filterset = kontext["filter"]
    eigene = scope_for(request.user).cdo_kommune_ids
    meine = next((k for k in kontext["kommunen"] if k.pk in eigene), None)

    def mit(**werte) -> str:
        query = request.GET.copy()
        query.pop("seite", None)
        query[KREIS_PARAM] = kreis.pk
        for name, wert in werte.items():
            if wert is None:
                query.pop(name, None)
            else:
                query[name] = wert
        return f"?{query.urlencode()}"

    gewaehlt = filterset.selected_kommune
    return {
        "meine_kommune": meine,
        "url_alle_kommunen": mit(kommune=None),
        "url_meine_kommune": mit(kommune=str(meine.pk)) if meine else None,
        "url_alle_leistungen": mit(luecken=None),
        "url_nur_luecken": mit(luecken="1"),
        "nur_meine": bool(meine and gewaehlt and gewaehlt.pk == meine.pk),
    }


@login_required
@permission_required("ozg.view_umsetzungsstand", raise_exception=True)
@require_GET
def matrix(request):
    """Reifegrad of every OZG service in every Kommune of one Kreis, with coverage."""
    scope = scope_for(request.user)
    kreise = list(_readable_kreise(scope))
    gewuenscht = request.GET.get(KREIS_PARAM) or _default_kreis(scope, kreise)
    kreis = next((k for k in kreise if k.pk == gewuenscht), None)
    if kreis is None:
        # Another Kreis's matrix is a 404, like its objects.
        raise Http404("Kreis nicht gefunden.")
    kontext = _matrix_context(request, request.GET, kreis)
    seite = kontext["page_obj"]
    seiten_query = request.GET.copy()
    seiten_query.pop("seite", None)
    context = {
        **kontext,
        **_view_links(request, kreis, kontext),
        "kreise": kreise,
        "is_paginated": seite.has_other_pages(),
        "seiten_query": seiten_query.urlencode(),
        "zurueck": request.GET.urlencode(),
        "online_ab": ONLINE_AB[Reifegradmodell.V2_0],
        "max_stufe": MAX_STUFE[Reifegradmodell.V2_0],
        "breadcrumbs": [("OZG-Umsetzung", None)],
    }
    return render(request, "ozg/matrix.html", context)


# --- one cell ------------------------------------------------------------------------------


def _load_cell(request, leistung: int, kommune: int):
    """The cell's service, Kommune and state; a Kommune outside the user's Kreise is a 404."""
    kommune_obj = get_object_or_404(
        Kommune.objects.for_user(request.user).select_related("kreis"), pk=kommune
    )
    leistung_obj = get_object_or_404(OzgLeistung, pk=leistung)
    stand = (
        Umsetzungsstand.objects.filter(leistung=leistung_obj, kommune=kommune_obj)
        .select_related("nachgenutzt_von")
        .first()
    ) or Umsetzungsstand(leistung=leistung_obj, kommune=kommune_obj)
    return leistung_obj, kommune_obj, stand


def _matrix_url(request, kommune: Kommune, anker: str) -> str:
    """Back to the matrix with the filter the user came from (only its query string)."""
    query = QueryDict(request.GET.get("zurueck", ""), mutable=True)
    query[KREIS_PARAM] = kommune.kreis_id
    return f"{reverse('ozg:matrix')}?{query.urlencode()}#{anker}"


def _is_htmx(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


@login_required
@require_GET
def zelle(request, leistung: int, kommune: int):
    """The cell as the matrix shows it (htmx: "Abbrechen" of the inline form)."""
    leistung_obj, kommune_obj, stand = _load_cell(request, leistung, kommune)
    if not request.user.has_perm("ozg.view_umsetzungsstand", stand):
        raise PermissionDenied
    return render(
        request,
        "ozg/zelle.html#anzeige",
        # The focus goes back to the cell's link when the inline form is cancelled.
        {
            "zelle": matrix_.zelle(leistung_obj, kommune_obj, request.user),
            "fokus": True,
            "zurueck": request.GET.get("zurueck", ""),
        },
    )


def _saved_inline(request, leistung: OzgLeistung, kommune: Kommune):
    """The saved cell, and out of band every coverage figure it changes (its row, its
    Kommune's column, its Themenfeld, the summary), for the matrix the user came from."""
    zurueck = QueryDict(request.GET.get("zurueck", ""), mutable=True)
    zurueck[KREIS_PARAM] = kommune.kreis_id
    kontext = _matrix_context(request, zurueck, kommune.kreis)
    daten = kontext["matrix"]
    return render(
        request,
        "ozg/zelle.html#gespeichert",
        {
            **kontext,
            "zelle": matrix_.zelle(leistung, kommune, request.user),
            "gespeichert": True,
            "zurueck": zurueck.urlencode(),
            # A row that left the filter (e.g. "nur Lücken", now online) is still on screen.
            "zeile": daten.zeile(leistung.pk)
            or matrix_.Row(
                leistung,
                [],
                daten.anzahl_kommunen,
                matrix_.online_per_leistung(
                    OzgLeistung.objects.filter(pk=leistung.pk), kommune.kreis_id
                ).get(leistung.pk, 0),
            ),
            "spalte": daten.spalte(kommune.pk),
            "gruppe": daten.gruppe_of(leistung.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stand(request, leistung: int, kommune: int):
    """Rate one service of one Kommune: the Kommune's CDO or the Kreis staff.

    htmx gets the small form inside the cell (GET) and the saved cell (POST); without
    JavaScript this is a normal form page that returns to the matrix.
    """
    leistung_obj, kommune_obj, stand_obj = _load_cell(request, leistung, kommune)
    if not request.user.has_perm("ozg.change_umsetzungsstand", stand_obj):
        raise PermissionDenied
    inline = _is_htmx(request)
    form_class = ReifegradForm if inline else UmsetzungsstandForm
    zelle_obj = matrix_.Cell(leistung_obj, kommune_obj, stand_obj if stand_obj.pk else None, True)
    form = form_class(
        request.POST or None,
        instance=stand_obj,
        user=request.user,
        auto_id=f"{zelle_obj.id}-%s" if inline else "id_%s",
    )
    konflikt = None
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except Konflikt as fehler:
            # Someone else rated the cell since the form was shown: both values, the
            # input kept, the current version in the form (saving again overwrites).
            konflikt = fehler
            form = konflikt.formular()
            if konflikt.aktuell is not None:
                zelle_obj = matrix_.Cell(leistung_obj, kommune_obj, konflikt.aktuell, True)
        else:
            if inline:
                return _saved_inline(request, leistung_obj, kommune_obj)
            messages.success(
                request,
                f"Gespeichert: {matrix_.zelle(leistung_obj, kommune_obj, request.user).beschreibung}.",
            )
            return redirect(_matrix_url(request, kommune_obj, zelle_obj.id))
    context = {
        "form": form,
        "versionskonflikt": konflikt,
        "zelle": zelle_obj,
        "leistung": leistung_obj,
        "kommune": kommune_obj,
        "stand": stand_obj,
        "zurueck_url": _matrix_url(request, kommune_obj, zelle_obj.id),
        "zurueck": request.GET.get("zurueck", ""),
        "breadcrumbs": [
            ("OZG-Umsetzung", _matrix_url(request, kommune_obj, zelle_obj.id)),
            (f"{leistung_obj.name} in {kommune_obj.name}", None),
        ],
    }
    # A refused input on the full page is a 422 (the inline cell answers 200: htmx swaps
    # only successful answers into the matrix).
    ungueltig = request.method == "POST" and not konflikt and not inline
    status = 409 if konflikt else 422 if ungueltig else 200
    if inline:
        return render(request, "ozg/zelle.html#formular", context, status=status)
    return render(request, "ozg/stand_form.html", context, status=status)

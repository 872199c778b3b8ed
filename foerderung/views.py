"""Förderung: list, detail, editing of Förderbescheide, Mittelabrufe and documents.

Every object is looked up through `Foerderbescheid.objects.for_user()` first, so a
Bescheid of another Kreis is a 404 (not a 403 that would confirm it exists); the rules
in `foerderung/rules.py` then decide between reading and managing.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from core.downloads import dokument_response
from core.formatting import euro
from core.listing import FilteredListView
from kommunen.models import Kommune

from . import regeln, verlauf
from .filtersets import FoerderbescheidFilterSet
from .forms import (
    BescheidDokumentForm,
    FoerderbescheidForm,
    MittelabrufForm,
    verwaltbare_kreise,
)
from .models import BescheidDokument, Foerderbescheid, Mittelabruf
from .services import mittelabruf_erfassen


def _crumbs(*eintraege) -> list[tuple[str, str | None]]:
    return [("Förderung", reverse("foerderung:liste")), *eintraege]


def bescheide_fuer_liste(user):
    """The rows of the list: scoped, with programme, recipient, partners and sums."""
    return (
        Foerderbescheid.objects.for_user(user)
        .select_related("programm", "zuwendungsempfaenger", "kreis")
        .prefetch_related(Prefetch("partner", queryset=Kommune.objects.order_by("name")))
        .with_summen()
        .annotate(verbleibend_summe=F("bewilligter_betrag") - F("abgerufen_summe"))
    )


def _bescheid_mit_details(user):
    return Foerderbescheid.objects.for_user(user).select_related(
        "programm", "zuwendungsempfaenger", "kreis"
    )


class FoerderbescheidListView(FilteredListView):
    """The Förderbescheide of the user's Kreis, with the sums of the filtered set."""

    permission_required = "foerderung.view_foerderbescheid"
    filterset_class = FoerderbescheidFilterSet
    template_name = "foerderung/foerderbescheid_list.html"
    sortierungen = {
        "bescheiddatum": "bescheiddatum",
        "aktenzeichen": "aktenzeichen",
        "programm": "programm__kurzname",
        "empfaenger": "zuwendungsempfaenger__name",
        "bewilligt": "bewilligter_betrag",
        "abgerufen": "abgerufen_summe",
        "verbleibend": "verbleibend_summe",
        "ende": "bewilligungszeitraum_ende",
        "status": "status",
    }
    standard_sortierung = "-bescheiddatum"

    def get_base_queryset(self):
        return bescheide_fuer_liste(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summen = self.filterset.qs.aggregate(
            bewilligt=Sum("bewilligter_betrag"), abgerufen=Sum("abgerufen_summe")
        )
        bewilligt = summen["bewilligt"] or Decimal("0")
        abgerufen = summen["abgerufen"] or Decimal("0")
        context["summen"] = {
            "bewilligt": bewilligt,
            "abgerufen": abgerufen,
            "verbleibend": bewilligt - abgerufen,
        }
        context["kann_anlegen"] = self.request.user.has_perm("foerderung.add_foerderbescheid")
        context["breadcrumbs"] = [("Förderung", None)]
        return context


class BescheidMixin:
    """Looks up the Förderbescheid of the URL within the user's scope (404 otherwise).

    Put it before PermissionRequiredMixin: its `get_permission_object` must win.
    """

    @cached_property
    def bescheid(self) -> Foerderbescheid:
        return get_object_or_404(_bescheid_mit_details(self.request.user), pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.bescheid


class FoerderbescheidDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """Everything about one Bescheid: amounts, deadlines, drawdowns, documents, history."""

    permission_required = "foerderung.view_foerderbescheid"
    template_name = "foerderung/foerderbescheid_detail.html"
    context_object_name = "bescheid"

    def get_queryset(self):
        return _bescheid_mit_details(self.request.user).prefetch_related(
            Prefetch("partner", queryset=Kommune.objects.order_by("name")),
            "massnahmen",
        )

    def get_object(self, queryset=None):
        if not hasattr(self, "_bescheid"):
            self._bescheid = super().get_object(queryset)
        return self._bescheid

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bescheid = self.object
        user = self.request.user
        abrufe = []
        stand = bescheid.bewilligter_betrag
        summe = Decimal("0")
        for abruf in bescheid.mittelabrufe.order_by("datum", "pk"):
            stand -= abruf.betrag
            summe += abruf.betrag
            abrufe.append({"abruf": abruf, "verbleibend": stand})
        partner = list(bescheid.partner.all())
        heute = timezone.localdate()
        fristen = [
            {
                "label": "Ende des Bewilligungszeitraums",
                "datum": bescheid.bewilligungszeitraum_ende,
            },
            {"label": "Verwendungsnachweis", "datum": bescheid.verwendungsnachweis_faellig},
        ]
        for frist in fristen:
            frist["tage"] = (frist["datum"] - heute).days if frist["datum"] else None
        context.update(
            fristen=fristen,
            abrufe=abrufe,
            abgerufen=summe,
            verbleibend=bescheid.bewilligter_betrag - summe,
            partner=partner,
            massnahmen=list(bescheid.massnahmen.all()),
            dokumente=bescheid.dokumente.select_related("hochgeladen_von"),
            regel=regeln.fuer_bescheid(bescheid, partner_anzahl=len(partner)),
            verlauf=verlauf.verlauf(bescheid),
            kann_bearbeiten=user.has_perm("foerderung.change_foerderbescheid", bescheid),
            kann_loeschen=user.has_perm("foerderung.delete_foerderbescheid", bescheid),
            kann_abrufen=user.has_perm("foerderung.add_mittelabruf", bescheid),
            breadcrumbs=_crumbs((bescheid.aktenzeichen, None)),
        )
        return context


class BescheidFormMixin:
    """Shared by create and edit: the form gets the user, htmx asks for the rule check."""

    form_class = FoerderbescheidForm
    template_name = "foerderung/foerderbescheid_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def post(self, request, *args, **kwargs):
        if "pruefen" not in request.POST:
            return super().post(request, *args, **kwargs)
        # "Förderregeln prüfen" (a button, or htmx on every change): validate and show the
        # amount rule, save nothing.
        self.object = self.get_object() if isinstance(self, UpdateView) else None
        form = self.get_form()
        form.is_valid()
        htmx = getattr(request, "htmx", None)
        if htmx and not htmx.boosted:
            self.template_name = "foerderung/foerderbescheid_form.html#regelpruefung"
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        response = super().form_valid(form)
        regel = form.regelpruefung()
        if regel is not None and regel.ueberschritten:
            messages.warning(
                self.request,
                f"Der bewilligte Betrag ({euro(regel.bewilligter_betrag)}) liegt über dem "
                f"Höchstbetrag nach der Betragsregel des Programms ({euro(regel.hoechstbetrag)} "
                f"bei {regel.nrw_partner} NRW-Partnern). Bitte prüfen Sie den Bescheid.",
            )
        return response

    def get_success_url(self):
        return self.object.get_absolute_url()


class FoerderbescheidCreateView(
    LoginRequiredMixin, PermissionRequiredMixin, BescheidFormMixin, CreateView
):
    """Kreis staff record a new Förderbescheid for their Kreis."""

    permission_required = "foerderung.add_foerderbescheid"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kreise = list(verwaltbare_kreise(self.request.user)[:2])
        kwargs["kreis"] = kreise[0] if len(kreise) == 1 else None
        return kwargs

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Der Förderbescheid wurde angelegt.")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Förderbescheid anlegen"
        context["abbrechen_url"] = reverse("foerderung:liste")
        context["breadcrumbs"] = _crumbs(("Förderbescheid anlegen", None))
        return context


class FoerderbescheidUpdateView(
    LoginRequiredMixin, PermissionRequiredMixin, BescheidFormMixin, UpdateView
):
    """Kreis staff correct or complete a Bescheid (amount, partners, deadlines, status)."""

    permission_required = "foerderung.change_foerderbescheid"
    context_object_name = "bescheid"

    def get_queryset(self):
        queryset = _bescheid_mit_details(self.request.user)
        if self.request.method == "POST":
            # Hold the row while the new amount is checked against the drawdowns, so a
            # drawdown recorded at the same moment cannot slip under a reduced amount.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def get_object(self, queryset=None):
        if not hasattr(self, "_bescheid"):
            self._bescheid = super().get_object(queryset)
        return self._bescheid

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Der Förderbescheid wurde gespeichert.")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = f"Förderbescheid {self.object.aktenzeichen} bearbeiten"
        context["abbrechen_url"] = self.object.get_absolute_url()
        context["breadcrumbs"] = _crumbs(
            (self.object.aktenzeichen, self.object.get_absolute_url()), ("Bearbeiten", None)
        )
        return context


class FoerderbescheidDeleteView(LoginRequiredMixin, PermissionRequiredMixin, DeleteView):
    """Delete a Bescheid recorded by mistake; one with drawdowns is kept (and revoked)."""

    permission_required = "foerderung.delete_foerderbescheid"
    template_name = "foerderung/foerderbescheid_confirm_delete.html"
    context_object_name = "bescheid"

    def get_queryset(self):
        return _bescheid_mit_details(self.request.user)

    def get_object(self, queryset=None):
        if not hasattr(self, "_bescheid"):
            self._bescheid = super().get_object(queryset)
        return self._bescheid

    def get_success_url(self):
        return reverse("foerderung:liste")

    def form_valid(self, form):
        if self.object.mittelabrufe.exists():
            messages.error(
                self.request,
                "Ein Förderbescheid mit Mittelabrufen kann nicht gelöscht werden. "
                "Setzen Sie stattdessen den Status, z. B. auf „widerrufen“.",
            )
            return HttpResponseRedirect(self.object.get_absolute_url())
        aktenzeichen = self.object.aktenzeichen
        response = super().form_valid(form)
        messages.success(self.request, f"Der Förderbescheid {aktenzeichen} wurde gelöscht.")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["anzahl_abrufe"] = self.object.mittelabrufe.count()
        context["anzahl_dokumente"] = self.object.dokumente.count()
        context["breadcrumbs"] = _crumbs(
            (self.object.aktenzeichen, self.object.get_absolute_url()), ("Löschen", None)
        )
        return context


class MittelabrufCreateView(LoginRequiredMixin, BescheidMixin, PermissionRequiredMixin, CreateView):
    """Kreis staff record a drawdown; the sum never exceeds the granted amount."""

    permission_required = "foerderung.add_mittelabruf"
    model = Mittelabruf
    form_class = MittelabrufForm
    template_name = "foerderung/mittelabruf_form.html"

    def get_initial(self):
        return {"datum": timezone.localdate()}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["bescheid"] = self.bescheid
        return kwargs

    def form_valid(self, form):
        daten = form.cleaned_data
        try:
            self.object = mittelabruf_erfassen(
                bescheid=self.bescheid,
                datum=daten["datum"],
                betrag=daten["betrag"],
                status=daten["status"],
                bemerkung=daten.get("bemerkung", ""),
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Der Mittelabruf über {euro(self.object.betrag)} wurde erfasst. "
            f"Verbleibend: {euro(self.bescheid.verbleibend())}.",
        )
        return HttpResponseRedirect(self.bescheid.get_absolute_url() + "#mittelabrufe")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bescheid"] = self.bescheid
        context["verbleibend"] = self.bescheid.verbleibend()
        context["breadcrumbs"] = _crumbs(
            (self.bescheid.aktenzeichen, self.bescheid.get_absolute_url()),
            ("Mittelabruf erfassen", None),
        )
        return context


class DokumentCreateView(LoginRequiredMixin, BescheidMixin, PermissionRequiredMixin, CreateView):
    """Kreis staff upload the Bescheid as PDF (and other documents) to a Förderbescheid."""

    permission_required = "foerderung.change_foerderbescheid"
    model = BescheidDokument
    form_class = BescheidDokumentForm
    template_name = "foerderung/bescheiddokument_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = BescheidDokument(
            bescheid=self.bescheid, hochgeladen_von=self.request.user
        )
        return kwargs

    def form_valid(self, form):
        form.save()
        messages.success(self.request, f"Das Dokument „{form.instance.titel}“ wurde hochgeladen.")
        return HttpResponseRedirect(self.bescheid.get_absolute_url() + "#dokumente")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bescheid"] = self.bescheid
        context["breadcrumbs"] = _crumbs(
            (self.bescheid.aktenzeichen, self.bescheid.get_absolute_url()),
            ("Dokument hochladen", None),
        )
        return context


@login_required
def dokument_herunterladen(request, pk: int, dokument_pk: int):
    """A Bescheid document as download, only for those who may read the Bescheid.

    There is no public media URL: the stored name is random and only this view serves it.
    """
    bescheid = get_object_or_404(Foerderbescheid.objects.for_user(request.user), pk=pk)
    if not request.user.has_perm("foerderung.view_foerderbescheid", bescheid):
        raise PermissionDenied
    dokument = get_object_or_404(bescheid.dokumente, pk=dokument_pk)
    return dokument_response(dokument)

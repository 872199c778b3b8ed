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
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView, View
from rules.contrib.views import PermissionRequiredMixin

from core.downloads import dokument_response
from core.formatting import euro
from core.listing import FilteredListView
from core.locking import VersionConflictMixin
from kommunen.models import Kommune

from . import foerderregeln, services, verlauf
from .filtersets import FoerderbescheidFilterSet
from .forms import (
    AuszahlungForm,
    BescheidDokumentForm,
    FoerderbescheidForm,
    MittelabrufForm,
    manageable_kreise,
)
from .models import BescheidDokument, Foerderbescheid, Mittelabruf
from .services import AlreadyRecorded, record_mittelabruf
from .tables import FoerderbescheidTable


def _crumbs(*eintraege) -> list[tuple[str, str | None]]:
    return [("Förderung", reverse("foerderung:liste")), *eintraege]


def bescheide_for_list(user):
    """The rows of the list: scoped, with programme, recipient, partners and sums."""
    return (
        Foerderbescheid.objects.for_user(user)
        .select_related("programm", "zuwendungsempfaenger", "kreis")
        .prefetch_related(Prefetch("partner", queryset=Kommune.objects.order_by("name")))
        .with_summen()
        .annotate(verbleibend_summe=F("bewilligter_betrag") - F("abgerufen_summe"))
    )


def _bescheid_with_details(user):
    return Foerderbescheid.objects.for_user(user).select_related(
        "programm", "zuwendungsempfaenger", "kreis"
    )


class FoerderbescheidListView(FilteredListView):
    """The Förderbescheide of the user's Kreis, with the sums of the filtered set."""

    permission_required = "foerderung.view_foerderbescheid"
    filterset_class = FoerderbescheidFilterSet
    table_class = FoerderbescheidTable
    template_name = "foerderung/foerderbescheid_list.html"

    def get_base_queryset(self):
        return bescheide_for_list(self.request.user)

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
        return get_object_or_404(_bescheid_with_details(self.request.user), pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.bescheid


class FoerderbescheidDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """Everything about one Bescheid: amounts, deadlines, drawdowns, documents, history."""

    permission_required = "foerderung.view_foerderbescheid"
    template_name = "foerderung/foerderbescheid_detail.html"
    context_object_name = "bescheid"

    def get_queryset(self):
        return _bescheid_with_details(self.request.user).prefetch_related(
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
            regel=foerderregeln.for_bescheid(bescheid, partner_anzahl=len(partner)),
            verlauf=verlauf.verlauf(bescheid),
            kann_bearbeiten=user.has_perm("foerderung.change_foerderbescheid", bescheid),
            kann_loeschen=user.has_perm("foerderung.delete_foerderbescheid", bescheid),
            kann_abrufen=user.has_perm("foerderung.add_mittelabruf", bescheid),
            kann_abrufe_aendern=user.has_perm("foerderung.change_mittelabruf", bescheid),
            kann_abrufe_loeschen=user.has_perm("foerderung.delete_mittelabruf", bescheid),
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
        if regel is not None and regel.exceeded:
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
    VersionConflictMixin, LoginRequiredMixin, PermissionRequiredMixin, BescheidFormMixin, CreateView
):
    """Kreis staff record a new Förderbescheid for their Kreis."""

    permission_required = "foerderung.add_foerderbescheid"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kreise = list(manageable_kreise(self.request.user)[:2])
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
    VersionConflictMixin, LoginRequiredMixin, PermissionRequiredMixin, BescheidFormMixin, UpdateView
):
    """Kreis staff correct or complete a Bescheid (amount, partners, deadlines, status)."""

    permission_required = "foerderung.change_foerderbescheid"
    context_object_name = "bescheid"

    def get_queryset(self):
        queryset = _bescheid_with_details(self.request.user)
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
        return _bescheid_with_details(self.request.user)

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


def _back_to_abrufe(bescheid: Foerderbescheid) -> HttpResponseRedirect:
    return HttpResponseRedirect(bescheid.get_absolute_url() + "#mittelabrufe")


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

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        daten = form.cleaned_data
        try:
            self.object = record_mittelabruf(
                bescheid=self.bescheid,
                **form.werte(),
                erfassungsschluessel=daten.get("erfassungsschluessel"),
                user=self.request.user,
            )
        except AlreadyRecorded as doppelt:
            return self.render_to_response(
                self.get_context_data(form=form, bereits_erfasst=doppelt.abruf), status=409
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Der Mittelabruf über {euro(self.object.betrag)} wurde erfasst. "
            f"Verbleibend: {euro(self.bescheid.verbleibend())}.",
        )
        return _back_to_abrufe(self.bescheid)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Mittelabruf erfassen"
        context["bescheid"] = self.bescheid
        context["verbleibend"] = self.bescheid.verbleibend()
        context["breadcrumbs"] = _crumbs(
            (self.bescheid.aktenzeichen, self.bescheid.get_absolute_url()),
            ("Mittelabruf erfassen", None),
        )
        return context


class AbrufMixin(BescheidMixin):
    """A drawdown of the Bescheid of the URL, changed only through the services.

    Forms carry the version they showed; when someone else changed or deleted the drawdown
    in the meantime the answer is 409 with what happened, and nothing is written. A post
    for a drawdown deleted in the meantime (e.g. the second click on "Löschen") gets the
    same answer instead of a bare 404.
    """

    template_name: str
    titel: str

    @cached_property
    def abruf(self) -> Mittelabruf | None:
        return self.bescheid.mittelabrufe.filter(pk=self.kwargs["abruf_pk"]).first()

    def abruf_or_conflict(self):
        """The drawdown, or the 409 answer if it was deleted, or a 404 if it never was."""
        if self.abruf is not None:
            return self.abruf
        geloescht = Mittelabruf.history.filter(
            id=self.kwargs["abruf_pk"], bescheid_id=self.bescheid.pk, history_type="-"
        ).exists()
        if self.request.method == "POST" and geloescht:
            konflikt = services.AbrufConflict(abruf=None, aenderungen=[], von="", am=None)
            return self.conflict_response(konflikt)
        raise Http404("Diesen Mittelabruf gibt es nicht.")

    def conflict_response(self, konflikt: services.AbrufConflict, **kontext):
        return render(
            self.request,
            self.template_name,
            self.kontext(konflikt=konflikt, **kontext),
            status=409,
        )

    def kontext(self, **kwargs) -> dict:
        abruf = kwargs.get("konflikt").abruf if kwargs.get("konflikt") else self.abruf
        return {
            "bescheid": self.bescheid,
            "abruf": abruf,
            "titel": self.titel,
            "verbleibend": self.bescheid.verbleibend(),
            "breadcrumbs": _crumbs(
                (self.bescheid.aktenzeichen, self.bescheid.get_absolute_url()), (self.titel, None)
            ),
            **kwargs,
        }


class MittelabrufUpdateView(LoginRequiredMixin, AbrufMixin, PermissionRequiredMixin, View):
    """Kreis staff correct a drawdown: amount, dates, status, remark."""

    permission_required = "foerderung.change_mittelabruf"
    template_name = "foerderung/mittelabruf_form.html"
    titel = "Mittelabruf bearbeiten"

    def formular(self, abruf: Mittelabruf, data=None) -> MittelabrufForm:
        return MittelabrufForm(data, instance=abruf, bescheid=self.bescheid)

    def antwort(self, form, status: int = 200, **kontext):
        return render(
            self.request, self.template_name, self.kontext(form=form, **kontext), status=status
        )

    def get(self, request, *args, **kwargs):
        abruf = self.abruf_or_conflict()
        return self.antwort(self.formular(abruf))

    def post(self, request, *args, **kwargs):
        abruf = self.abruf_or_conflict()
        if not isinstance(abruf, Mittelabruf):
            return abruf
        form = self.formular(abruf, request.POST)
        if not form.is_valid():
            return self.antwort(form, status=422)
        try:
            gespeichert = services.change_mittelabruf(
                bescheid=self.bescheid,
                abruf_pk=abruf.pk,
                geladene_version=form.cleaned_data.get("version"),
                werte=form.werte(),
                user=request.user,
            )
        except services.AbrufConflict as konflikt:
            if konflikt.geloescht:
                return self.conflict_response(konflikt)
            # The form keeps what was typed, now against the current version: saving
            # again deliberately overwrites the other person's change.
            form = self.formular(konflikt.abruf, request.POST.copy())
            form.data["version"] = konflikt.abruf.version
            form.is_valid()
            return self.antwort(form, status=409, konflikt=konflikt)
        except ValidationError as error:
            form.add_error(None, error)
            return self.antwort(form, status=422)
        messages.success(
            request,
            f"Der {gespeichert.bezeichnung} wurde gespeichert. "
            f"Verbleibend: {euro(self.bescheid.verbleibend())}.",
        )
        return _back_to_abrufe(self.bescheid)


class MittelabrufDeleteView(LoginRequiredMixin, AbrufMixin, PermissionRequiredMixin, View):
    """Kreis staff delete a drawdown recorded by mistake, after a confirmation page."""

    permission_required = "foerderung.delete_mittelabruf"
    template_name = "foerderung/mittelabruf_confirm_delete.html"
    titel = "Mittelabruf löschen"

    def get(self, request, *args, **kwargs):
        abruf = self.abruf_or_conflict()
        return render(request, self.template_name, self.kontext(version=abruf.version))

    def post(self, request, *args, **kwargs):
        abruf = self.abruf_or_conflict()
        if not isinstance(abruf, Mittelabruf):
            return abruf
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            geloescht = services.delete_mittelabruf(
                bescheid=self.bescheid,
                abruf_pk=abruf.pk,
                geladene_version=version,
                user=request.user,
            )
        except services.AbrufConflict as konflikt:
            version = konflikt.abruf.version if konflikt.abruf else None
            return self.conflict_response(konflikt, version=version)
        messages.success(
            request,
            f"Der {geloescht.bezeichnung} wurde gelöscht. "
            f"Verbleibend: {euro(self.bescheid.verbleibend())}.",
        )
        return _back_to_abrufe(self.bescheid)


class MittelabrufPayoutView(LoginRequiredMixin, AbrufMixin, PermissionRequiredMixin, View):
    """Kreis staff move a requested drawdown to "ausgezahlt", with the day of the payout."""

    permission_required = "foerderung.change_mittelabruf"
    template_name = "foerderung/mittelabruf_auszahlen.html"
    titel = "Mittelabruf als ausgezahlt markieren"

    def antwort(self, form, status: int = 200, **kontext):
        return render(
            self.request, self.template_name, self.kontext(form=form, **kontext), status=status
        )

    def get(self, request, *args, **kwargs):
        abruf = self.abruf_or_conflict()
        form = AuszahlungForm(abruf=abruf, initial={"ausgezahlt_am": timezone.localdate()})
        return self.antwort(form)

    def post(self, request, *args, **kwargs):
        abruf = self.abruf_or_conflict()
        if not isinstance(abruf, Mittelabruf):
            return abruf
        form = AuszahlungForm(request.POST, abruf=abruf)
        if abruf.status == Mittelabruf.Status.AUSGEZAHLT:
            # A second post of the same form, or one for a drawdown paid out meanwhile.
            konflikt = services.AbrufConflict(abruf=abruf, aenderungen=[], von="", am=None)
            return self.conflict_response(konflikt, form=form)
        if not form.is_valid():
            return self.antwort(form, status=422)
        try:
            services.change_mittelabruf(
                bescheid=self.bescheid,
                abruf_pk=abruf.pk,
                geladene_version=form.cleaned_data["version"],
                werte={
                    "status": Mittelabruf.Status.AUSGEZAHLT,
                    "ausgezahlt_am": form.cleaned_data["ausgezahlt_am"],
                },
                user=request.user,
            )
        except services.AbrufConflict as konflikt:
            if konflikt.abruf is not None:
                form = AuszahlungForm(request.POST.copy(), abruf=konflikt.abruf)
                form.data["version"] = konflikt.abruf.version
            return self.conflict_response(konflikt, form=form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.antwort(form, status=422)
        messages.success(
            request,
            f"Der {abruf.bezeichnung} ist als ausgezahlt am "
            f"{form.cleaned_data['ausgezahlt_am']:%d.%m.%Y} vermerkt.",
        )
        return _back_to_abrufe(self.bescheid)


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
def download_dokument(request, pk: int, dokument_pk: int):
    """A Bescheid document as download, only for those who may read the Bescheid.

    There is no public media URL: the stored name is random and only this view serves it.
    """
    bescheid = get_object_or_404(Foerderbescheid.objects.for_user(request.user), pk=pk)
    if not request.user.has_perm("foerderung.view_foerderbescheid", bescheid):
        raise PermissionDenied
    dokument = get_object_or_404(bescheid.dokumente, pk=dokument_pk)
    return dokument_response(dokument)

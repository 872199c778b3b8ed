"""Workshops: list, detail, editing by the Kreis, registration by the Kommunen,
attendance, results and calendar downloads."""

from __future__ import annotations

import datetime as dt
import os

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django.views.generic.detail import SingleObjectMixin
from rules.contrib.views import PermissionRequiredMixin

from core.downloads import file_response
from core.listing import FilteredListView
from core.locking import VersionConflictMixin
from kommunen.scope import scope_for
from massnahmen.views import MassnahmeCreateView

from . import ical, services
from .filtersets import KOMMENDE, WorkshopFilterSet
from .forms import AnmeldungForm, ErgebnisForm, TeilnahmeRecordForm, WorkshopForm
from .models import Ergebnis, KalenderToken, Teilnahme, Workshop, own_teilnahmen_q
from .tables import WorkshopTable

# How far back the personal feed reaches; older workshops drop out of calendars.
FEED_RUECKBLICK = dt.timedelta(days=365)


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def workshops_for_list(user):
    """The rows of the list: visible to the user, with everything a row shows."""
    aktiv = Teilnahme.objects.filter(workshop_id=OuterRef("pk"), status__in=Teilnahme.AKTIV)
    return (
        Workshop.objects.visible_to(user)
        .select_related("kreis", "region", "handlungsfeld", "organisiert_von")
        .annotate(
            anzahl_kommunen=Count(
                "teilnahmen__kommune",
                filter=Q(teilnahmen__status__in=Teilnahme.AKTIV),
                distinct=True,
            ),
            ich_angemeldet=Exists(aktiv.filter(own_teilnahmen_q(user))),
        )
    )


def _crumbs(workshop: Workshop | None = None, *rest) -> list[tuple[str, str | None]]:
    crumbs = [("Workshops", reverse("workshops:liste"))]
    if workshop is not None:
        crumbs.append((workshop.titel, workshop.get_absolute_url()))
    crumbs.extend(rest)
    if len(crumbs) == 1 or not rest:
        crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


class WorkshopListView(FilteredListView):
    """Upcoming (default) or past workshops of the user's Kreise, filterable."""

    permission_required = "workshops.view_workshop"
    filterset_class = WorkshopFilterSet
    table_class = WorkshopTable
    template_name = "workshops/workshop_list.html"

    def get_base_queryset(self):
        return workshops_for_list(self.request.user)

    def get_sorting(self) -> str | None:
        # Upcoming: the next one first; past (and all): the latest first.
        gewaehlt = super().get_sorting()
        if gewaehlt:
            return gewaehlt
        return "beginn" if self.filterset.zeitraum_wert() == KOMMENDE else "-beginn"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["zeitraum"] = self.filterset.zeitraum_wert()
        context["kann_anlegen"] = self.request.user.has_perm("workshops.add_workshop")
        context["breadcrumbs"] = _crumbs()
        return context


class VisibleWorkshopMixin(LoginRequiredMixin, PermissionRequiredMixin, SingleObjectMixin):
    """The workshop from the URL: 404 outside the user's view (another Kreis, a draft),
    403 when visible but the action is not theirs."""

    model = Workshop
    context_object_name = "workshop"

    def get_queryset(self):
        return Workshop.objects.visible_to(self.request.user).select_related(
            "kreis", "region", "handlungsfeld", "organisiert_von"
        )

    def get_object(self, queryset=None):
        if not hasattr(self, "_workshop"):
            self._workshop = super().get_object(queryset)
        return self._workshop


class WorkshopDetailView(VisibleWorkshopMixin, DetailView):
    """Everything about one workshop: date, place or link, agenda, registrations and
    attendance, minutes, results."""

    permission_required = "workshops.view_workshop"
    template_name = "workshops/workshop_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workshop, user = self.object, self.request.user
        teilnahmen = list(
            workshop.teilnahmen.select_related("person", "kommune").order_by(
                F("kommune__name").asc(nulls_first=True), "person__last_name", "pk"
            )
        )
        meine = next((t for t in teilnahmen if t.person_id == user.pk), None)

        def kommunen_mit(*status):
            return sorted(
                {t.kommune.name for t in teilnahmen if t.kommune_id and t.status in status}
            )

        ergebnisse = list(
            workshop.ergebnisse.select_related("verantwortlich", "massnahme").order_by(
                F("faellig_am").asc(nulls_last=True), "pk"
            )
        )
        darf = user.has_perm
        kann_anmelden = (
            darf("workshops.register_workshop", workshop)
            and workshop.veroeffentlicht_am is not None
            and not workshop.abgesagt
            and workshop.ende >= timezone.now()
        )
        context.update(
            {
                "teilnahmen": teilnahmen,
                "meine_teilnahme": meine,
                "angemeldet": meine is not None and meine.status in Teilnahme.AKTIV,
                "kommunen_angemeldet": kommunen_mit(*Teilnahme.AKTIV),
                "kommunen_teilgenommen": kommunen_mit(Teilnahme.Status.TEILGENOMMEN),
                "kommunen_abgesagt": sorted(
                    set(kommunen_mit(Teilnahme.Status.ABGESAGT))
                    - set(kommunen_mit(*Teilnahme.AKTIV))
                ),
                "ergebnisse": [
                    {
                        "ergebnis": e,
                        "kann_bearbeiten": darf("workshops.change_ergebnis", e),
                    }
                    for e in ergebnisse
                ],
                "kann_anmelden": kann_anmelden,
                "anmeldung_form": AnmeldungForm(workshop=workshop, user=user)
                if kann_anmelden
                else None,
                "kann_bearbeiten": darf("workshops.change_workshop", workshop),
                "kann_teilnahme_erfassen": darf("workshops.record_attendance", workshop),
                "kann_ergebnis_anlegen": darf("workshops.add_ergebnis", workshop),
                "zeigt_link": darf("workshops.see_online_link", workshop),
                "vorbei": workshop.ende < timezone.now(),
                "heute": timezone.localdate(),
                "breadcrumbs": _crumbs(workshop),
            }
        )
        return context


class WorkshopFormMixin:
    form_class = WorkshopForm
    template_name = "workshops/workshop_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class WorkshopCreateView(
    LoginRequiredMixin, PermissionRequiredMixin, WorkshopFormMixin, CreateView
):
    """Kreis staff create a workshop; it stays a draft until published."""

    permission_required = "workshops.add_workshop"
    model = Workshop

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Der Workshop wurde als Entwurf angelegt. Veröffentlichen Sie ihn, "
            "um die Digitalisierungsbeauftragten einzuladen.",
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs(None, ("Workshop anlegen", None))
        return context


class WorkshopUpdateView(VersionConflictMixin, VisibleWorkshopMixin, WorkshopFormMixin, UpdateView):
    """Kreis staff edit a workshop; calendars pick up the change (SEQUENCE + 1)."""

    permission_required = "workshops.change_workshop"

    def form_valid(self, form):
        if not form.has_changed():
            messages.info(self.request, "Es gab nichts zu ändern.")
            return redirect(self.object)
        response = super().form_valid(form)
        messages.success(self.request, "Die Änderungen wurden gespeichert.")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs(self.object, ("Bearbeiten", None))
        return context


class ConfirmView(VisibleWorkshopMixin, TemplateView):
    """A confirmation page (GET) for an action sent by POST; works without JavaScript."""

    permission_required = "workshops.change_workshop"
    template_name = "workshops/workshop_bestaetigen.html"
    aktion_titel = ""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.perform(self.object)
        return redirect(self.object)

    def perform(self, workshop: Workshop) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workshop"] = self.object
        context["aktion_titel"] = self.aktion_titel
        context["breadcrumbs"] = _crumbs(self.object, (self.aktion_titel, None))
        return context


class WorkshopPublishView(ConfirmView):
    """Publish a draft and invite the CDOs of the Kreis."""

    aktion_titel = "Workshop veröffentlichen"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["aktion"] = "veroeffentlichen"
        context["anzahl_einzuladende"] = len(services.invitees(self.object))
        return context

    def perform(self, workshop):
        if services.publish(workshop=workshop):
            anzahl = len(services.invitees(workshop))
            messages.success(
                self.request,
                f"Der Workshop ist veröffentlicht. Die Einladung geht an {anzahl} "
                f"Digitalisierungsbeauftragte.",
            )
        else:
            messages.info(self.request, "Der Workshop war bereits veröffentlicht.")


class WorkshopCancelView(ConfirmView):
    """Cancel a workshop; calendars show it as cancelled, registered people get a mail."""

    aktion_titel = "Workshop absagen"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["aktion"] = "absagen"
        context["anzahl_angemeldet"] = self.object.teilnahmen.filter(
            status=Teilnahme.Status.ANGEMELDET
        ).count()
        return context

    def perform(self, workshop):
        if services.cancel(workshop=workshop):
            messages.success(
                self.request,
                "Der Workshop ist abgesagt. Die angemeldeten Personen werden benachrichtigt.",
            )
        else:
            messages.info(self.request, "Der Workshop war bereits abgesagt.")


class AnmeldungCreateView(VisibleWorkshopMixin, View):
    """A CDO registers for their Kommune (POST only)."""

    permission_required = "workshops.register_workshop"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        workshop = self.get_object()
        form = AnmeldungForm(request.POST, workshop=workshop, user=request.user)
        kommune = form.cleaned_data.get("kommune") if form.is_valid() else None
        if form.is_bound and request.POST.get("kommune") and not form.is_valid():
            messages.error(request, "Bitte wählen Sie eine Ihrer Kommunen.")
            return redirect(workshop)
        try:
            teilnahme = services.register(workshop=workshop, user=request.user, kommune=kommune)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            fuer = f" für {teilnahme.kommune.name}" if teilnahme.kommune_id else ""
            messages.success(request, f"Sie sind{fuer} angemeldet.")
        return redirect(workshop)


class AnmeldungDeleteView(VisibleWorkshopMixin, View):
    """Withdraw one's own registration (POST only)."""

    permission_required = "workshops.register_workshop"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        workshop = self.get_object()
        try:
            teilnahme = services.deregister(workshop=workshop, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if teilnahme is None:
                messages.info(request, "Sie waren nicht angemeldet.")
            else:
                messages.success(request, "Sie sind abgemeldet.")
        return redirect(workshop)


class TeilnahmeRecordView(VisibleWorkshopMixin, FormView):
    """Kreis staff record who took part."""

    permission_required = "workshops.record_attendance"
    form_class = TeilnahmeRecordForm
    template_name = "workshops/teilnahme_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workshop": self.get_object()}

    def form_valid(self, form):
        workshop = self.get_object()
        anzahl = services.record_teilnahme(
            workshop=workshop,
            status_je_teilnahme=form.status_per_teilnahme(),
            nachtragen=form.cleaned_data["nachtragen"],
        )
        messages.success(self.request, f"Die Teilnahme wurde gespeichert ({anzahl} Änderung(en)).")
        return HttpResponseRedirect(workshop.get_absolute_url() + "#teilnahme")

    def get_context_data(self, **kwargs):
        self.object = workshop = self.get_object()
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs(workshop, ("Teilnahme erfassen", None))
        return context


class ErgebnisCreateView(VisibleWorkshopMixin, CreateView):
    """Kreis staff record an action item of the workshop."""

    permission_required = "workshops.add_ergebnis"
    form_class = ErgebnisForm
    template_name = "workshops/ergebnis_form.html"

    def get_permission_object(self):
        # rules skips get_object() in create views; the permission is about the workshop.
        return self.get_object()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = None
        kwargs["workshop"] = self.get_object()
        return kwargs

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Das Ergebnis wurde gespeichert.")
        return HttpResponseRedirect(self.get_object().get_absolute_url() + "#ergebnisse")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workshop = self.get_object()
        context["workshop"] = workshop
        context["object"] = None
        context["breadcrumbs"] = _crumbs(workshop, ("Ergebnis hinzufügen", None))
        return context


class ErgebnisMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "workshops.change_ergebnis"
    context_object_name = "ergebnis"

    def get_queryset(self):
        return Ergebnis.objects.filter(
            workshop__in=Workshop.objects.visible_to(self.request.user)
        ).select_related("workshop", "workshop__kreis", "verantwortlich", "massnahme")

    def get_object(self, queryset=None):
        if not hasattr(self, "_ergebnis"):
            self._ergebnis = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return self._ergebnis


class ErgebnisUpdateView(VersionConflictMixin, ErgebnisMixin, UpdateView):
    """Kreis staff edit a result; the responsible Kommune updates its status."""

    form_class = ErgebnisForm
    template_name = "workshops/ergebnis_form.html"

    def only_status(self) -> bool:
        return not self.request.user.has_perm("workshops.change_workshop", self.object.workshop)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "workshop": self.object.workshop,
            "nur_status": self.only_status(),
        }

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Das Ergebnis wurde gespeichert.")
        return HttpResponseRedirect(self.object.workshop.get_absolute_url() + "#ergebnisse")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workshop"] = self.object.workshop
        context["breadcrumbs"] = _crumbs(self.object.workshop, ("Ergebnis bearbeiten", None))
        return context


class ErgebnisMassnahmeView(MassnahmeCreateView):
    """Turn an Ergebnis into a Maßnahme in one step: the Maßnahme form, prefilled from the
    Ergebnis; saving links the Ergebnis to the new Maßnahme. An Ergebnis that already has
    its Maßnahme leads there. (Lives here because workshops may use massnahmen, not the
    other way round.)"""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.ergebnis = get_object_or_404(
            Ergebnis.objects.filter(
                workshop__in=Workshop.objects.visible_to(request.user)
            ).select_related("workshop", "workshop__kreis", "verantwortlich__kreis", "massnahme"),
            pk=kwargs["pk"],
        )
        if self.ergebnis.massnahme_id:
            return HttpResponseSeeOther(self.ergebnis.massnahme.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        user = self.request.user
        return user.has_perm("massnahmen.add_massnahme") and user.has_perm(
            "workshops.change_ergebnis", self.ergebnis
        )

    def kreis_for_new_massnahme(self):
        workshop = self.ergebnis.workshop
        if workshop.region_id:
            # A result of a region workshop becomes a Maßnahme of the responsible Kommune's
            # Kreis (only that Kommune's CDO gets here, see has_permission).
            if self.ergebnis.verantwortlich is None:
                raise PermissionDenied
            return self.ergebnis.verantwortlich.kreis
        return workshop.kreis

    def get_initial(self):
        werte = services.massnahme_initial(self.ergebnis)
        werte.pop("ergebnis", None)
        return werte

    def after_save(self, massnahme) -> None:
        services.link_ergebnis(
            ergebnis_id=self.ergebnis.pk, massnahme=massnahme, user=self.request.user
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workshop = self.ergebnis.workshop
        context["breadcrumbs"] = [
            ("Workshops", reverse("workshops:liste")),
            (workshop.titel, workshop.get_absolute_url()),
            ("Maßnahme aus Ergebnis", None),
        ]
        return context


class ProtokollView(VisibleWorkshopMixin, View):
    """The minutes document, only through this access check (never a public media URL)."""

    permission_required = "workshops.view_workshop"
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        workshop = self.get_object()
        if not workshop.protokoll_datei:
            raise Http404("Zu diesem Workshop gibt es kein Protokoll als Dokument.")
        ext = os.path.splitext(workshop.protokoll_datei.name)[1].lower()
        name = f"Protokoll-{slugify(workshop.titel)[:60] or workshop.pk}{ext}"
        return file_response(workshop.protokoll_datei, dateiname=name)


def _ics_response(body: bytes, dateiname: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    if dateiname:
        response["Content-Disposition"] = f'attachment; filename="{dateiname}"'
    return response


class WorkshopIcsView(VisibleWorkshopMixin, View):
    """One workshop as an .ics file for the user's calendar."""

    permission_required = "workshops.view_workshop"
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        workshop = self.get_object()
        teilnahme = (
            workshop.teilnahmen.filter(person=request.user, status__in=Teilnahme.AKTIV)
            .select_related("kommune")
            .first()
        )
        body = ical.workshop_ics(
            workshop,
            mit_link=request.user.has_perm("workshops.see_online_link", workshop),
            teilnahme=teilnahme,
        )
        return _ics_response(body, f"workshop-{workshop.pk}.ics")


class KalenderView(LoginRequiredMixin, TemplateView):
    """The user's personal subscription address and the button to renew it."""

    template_name = "workshops/kalender.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = services.kalender_token(user=self.request.user)
        feed_url = self.request.build_absolute_uri(
            reverse("workshops:feed", kwargs={"token": token.token})
        )
        context["feed_url"] = feed_url
        context["webcal_url"] = "webcal://" + feed_url.split("://", 1)[1]
        context["token"] = token
        context["breadcrumbs"] = _crumbs(None, ("Kalender-Abo", None))
        return context


class KalenderRenewView(LoginRequiredMixin, View):
    """A new subscription address; the old one answers 404 from now on (POST only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.renew_kalender_token(user=request.user)
        messages.success(
            request,
            "Die Abo-Adresse wurde erneuert. Die bisherige Adresse funktioniert nicht mehr; "
            "tragen Sie die neue in Ihrem Kalender ein.",
        )
        return redirect("workshops:kalender")


@method_decorator([never_cache, require_safe], name="dispatch")
class KalenderFeedView(View):
    """The personal feed: published workshops of the user's Kreise from the last year on,
    their own registrations marked. Polled by calendar apps without a session; the token
    in the URL is the only credential."""

    def get(self, request, token: str):
        eintrag = (
            KalenderToken.objects.select_related("user")
            .filter(token=token, user__is_active=True)
            .first()
        )
        if eintrag is None:
            raise Http404("Unbekannte Kalender-Adresse.")
        user = eintrag.user
        workshops = list(
            Workshop.objects.visible_to(user)
            .veroeffentlicht()
            .filter(ende__gte=timezone.now() - FEED_RUECKBLICK)
            .select_related("kreis", "region", "handlungsfeld", "organisiert_von")
            .order_by("beginn", "pk")
        )
        teilnahmen = {
            t.workshop_id: t
            for t in Teilnahme.objects.filter(
                person=user, status__in=Teilnahme.AKTIV, workshop__in=[w.pk for w in workshops]
            ).select_related("kommune")
        }
        scope = scope_for(user)
        body = ical.kalender(
            workshops,
            name="Workshops – Lippe Digitalportal",
            uid=f"workshops-feed-{user.pk}",
            mit_link=True if scope.is_superuser else set(scope.cdo_kreis_ids | scope.kreis_ids),
            teilnahmen=teilnahmen,
            transparent_ohne_anmeldung=True,
        )
        return _ics_response(body)

"""Maßnahmen: list, detail, editing, Statusmeldungen, documents, adoption."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DeleteView, DetailView, TemplateView, UpdateView
from django.views.generic.detail import SingleObjectMixin
from rules.contrib.views import PermissionRequiredMixin

from core.downloads import dokument_response
from core.history import verlauf
from core.listing import SORT_PARAM, FilteredListView
from core.quartal import Quartal
from core.views import CachedObjectMixin
from kommunen.models import Kommune, Kreis, Region
from kommunen.scope import scope_for

from .filtersets import LoesungFilterSet, MassnahmeFilterSet
from .forms import AnhangForm, MassnahmeForm, MeilensteinFormSet, StatusmeldungForm
from .models import Anhang, Massnahme, Meilenstein, Nachnutzung, Statusmeldung
from .services import (
    Konflikt,
    MeldungConflict,
    archive,
    create_nachnutzung,
    is_quartal_locked,
    open_statusmeldungen,
    save_massnahme,
    save_statusmeldung,
    statusmeldung_initial,
)
from .tables import MassnahmeTable


def _count_nachnutzungen():
    """How many Kommunen reuse the Maßnahme, for a list annotation. A correlated count, not
    Count() over a join: the join needs GROUP BY over every row in scope before ORDER BY ...
    LIMIT (2.4 s instead of 0.4 s for 100,000 Maßnahmen)."""
    nachnutzungen = (
        Nachnutzung.objects.filter(massnahme_id=OuterRef("pk"))
        .order_by()
        .values("massnahme_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(nachnutzungen, output_field=IntegerField()), 0)


def massnahmen_for_list(user):
    """The rows of the list and of the export: scoped, with everything a row shows."""
    aktuell = Statusmeldung.objects.filter(
        massnahme_id=OuterRef("pk"), quartal=str(Quartal.current())
    )
    return (
        Massnahme.objects.for_user(user)
        .select_related("handlungsfeld", "federfuehrend", "kreis", "region")
        .annotate(
            anzahl_nachnutzungen=_count_nachnutzungen(),
            meldung_aktuell=Exists(aktuell),
        )
    )


class MassnahmeListView(FilteredListView):
    permission_required = "massnahmen.view_massnahme"
    filterset_class = MassnahmeFilterSet
    table_class = MassnahmeTable
    template_name = "massnahmen/massnahme_list.html"

    def get_base_queryset(self):
        return massnahmen_for_list(self.request.user)


# --- Lösungskatalog (issue 15, point 4) -------------------------------------------------------

# What others can reuse: finished solutions and those being put into practice.
WIEDERVERWENDBAR = (Massnahme.Status.ABGESCHLOSSEN, Massnahme.Status.IN_UMSETZUNG)
KONTAKT_VERBORGEN = ("email", "password", "telefon", "last_login")


def loesungen_for(user):
    """The solutions of the catalogue: every readable, active Maßnahme that is finished or in
    Umsetzung, with the latest Statusmeldung's "erreicht", its documents, its contact person
    (the name only: a catalogue reader may not know that person) and who reuses it. A fixed
    number of queries whatever the page holds (one per prefetch)."""
    letzte = Statusmeldung.objects.filter(massnahme_id=OuterRef("pk")).order_by("-quartal")
    return (
        Massnahme.objects.for_user(user)
        .filter(status__in=WIEDERVERWENDBAR, archiviert=False)
        .select_related("handlungsfeld", "federfuehrend", "kreis", "region", "ansprechperson")
        .annotate(
            erreicht=Subquery(letzte.values("erreicht")[:1]),
            erreicht_quartal=Subquery(letzte.values("quartal")[:1]),
            anzahl_nachnutzungen=_count_nachnutzungen(),
        )
        .prefetch_related(
            "lebensbereiche",
            Prefetch(
                "anhaenge",
                queryset=Anhang.objects.only(
                    "pk", "massnahme_id", "titel", "art", "groesse", "hochgeladen_am"
                ),
            ),
            Prefetch(
                "nachnutzungen",
                queryset=Nachnutzung.objects.select_related("kommune__kreis").only(
                    "pk",
                    "massnahme_id",
                    "seit",
                    "kommune__name",
                    "kommune__slug",
                    "kommune__kreis__name",
                ),
            ),
        )
        # The contact person's name only: no e-mail address or password hash is even loaded.
        .defer(*(f"ansprechperson__{feld}" for feld in KONTAKT_VERBORGEN))
    )


class LoesungListView(FilteredListView):
    """/loesungen/: the region's solutions to reuse, searchable and filterable; each with a
    way to adopt it ("Nachnutzen") for a CDO whose Kommune does not use it yet."""

    permission_required = "massnahmen.view_massnahme"
    filterset_class = LoesungFilterSet
    template_name = "massnahmen/loesung_list.html"
    sortierungen = {
        "titel": "titel",
        "nachnutzungen": "anzahl_nachnutzungen",
        "handlungsfeld": "handlungsfeld__nummer",
    }
    standard_sortierung = "titel"
    paginate_by = 20

    def get_base_queryset(self):
        return loesungen_for(self.request.user)

    def get_queryset(self):
        queryset = super().get_queryset()
        # A search without a chosen order lists the best matches first (PostgreSQL ranks:
        # a word in the title weighs more than one in the description).
        self.nach_relevanz = "suchrang" in queryset.query.annotations and not (
            self.request.GET.get(SORT_PARAM)
        )
        if self.nach_relevanz:
            queryset = queryset.order_by("-suchrang", "titel", "pk")
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cdo_ids = scope_for(self.request.user).cdo_kommune_ids
        # The user's own Kommunen with their region: one query for the whole page.
        eigene = (
            list(Kommune.objects.filter(pk__in=cdo_ids).values_list("pk", "kreis__region_id"))
            if cdo_ids
            else []
        )
        for m in context["object_list"]:
            # The rule of the adoption page (_reusing_kommunen), without a query per row.
            schon = {n.kommune_id for n in m.nachnutzungen.all()} | {m.federfuehrend_id}
            m.kann_nachnutzen = not m.archiviert and any(
                pk not in schon and region_id == m.gebiet_region_id for pk, region_id in eigene
            )
        context["nach_relevanz"] = self.nach_relevanz
        context["breadcrumbs"] = [("Lösungskatalog", None)]
        return context


# --- Detail ---------------------------------------------------------------------------------


def _scoped(user):
    return Massnahme.objects.for_user(user).select_related(
        "kreis",
        "region",
        "handlungsfeld",
        "federfuehrend",
        "ziel",
        "nachnutzung_von",
        "ansprechperson",
    )


def _crumbs(*extra):
    return [("Maßnahmen", reverse("massnahmen:liste")), *extra]


class MassnahmeDetailView(
    LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, DetailView
):
    """Everything about one Maßnahme on one page, including who changed what."""

    permission_required = "massnahmen.view_massnahme"
    template_name = "massnahmen/massnahme_detail.html"
    context_object_name = "massnahme"

    def get_queryset(self):
        # Another Kreis's Maßnahme is a 404, not a 403 confirming that it exists.
        return _scoped(self.request.user).prefetch_related(
            "lebensbereiche",
            "beteiligte",
            Prefetch("meilensteine", queryset=Meilenstein.objects.order_by("faellig_am", "pk")),
            Prefetch(
                "statusmeldungen",
                queryset=Statusmeldung.objects.select_related("autor").order_by("-quartal"),
            ),
            Prefetch("anhaenge", queryset=Anhang.objects.select_related("hochgeladen_von")),
            Prefetch("nachnutzungen", queryset=Nachnutzung.objects.select_related("kommune")),
            Prefetch("uebernahmen", queryset=Massnahme.objects.select_related("federfuehrend")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        m, user = self.object, self.request.user
        quartal = Quartal.current()
        context.update(
            quartal=quartal,
            heute=timezone.localdate(),
            meldung_aktuell=next(
                (s for s in m.statusmeldungen.all() if s.quartal == str(quartal)), None
            ),
            # Reverse relation of foerderung.Foerderbescheid (no import upwards).
            foerderbescheide=m.foerderbescheide.select_related("programm").order_by(
                "-bescheiddatum"
            ),
            verlauf=self._verlauf(m),
            darf_bearbeiten=user.has_perm("massnahmen.change_massnahme", m),
            darf_loeschen=user.has_perm("massnahmen.delete_massnahme", m),
            darf_melden=user.has_perm("massnahmen.add_statusmeldung", m),
            darf_anhang=user.has_perm("massnahmen.add_anhang", m),
            kann_nachnutzen=_reusing_kommunen(user, m),
            gesperrt=is_quartal_locked(m, quartal),
            breadcrumbs=_crumbs((m.titel, None)),
        )
        return context

    @staticmethod
    def _verlauf(m, limit: int = 40):
        eintraege = verlauf(
            m.history.select_related("history_user").order_by("-history_id")[:limit],
            objekt="Maßnahme",
            geld={"budget"},
        )
        meilenstein_ids = {ms.pk for ms in m.meilensteine.all()} | set(
            Meilenstein.history.filter(massnahme_id=m.pk).values_list("id", flat=True)
        )
        eintraege += verlauf(
            Meilenstein.history.filter(id__in=meilenstein_ids).select_related("history_user"),
            objekt=lambda r: f"Meilenstein „{r.titel}“",
            verborgen={"massnahme"},
        )
        eintraege += verlauf(
            Statusmeldung.history.filter(
                id__in=[s.pk for s in m.statusmeldungen.all()]
            ).select_related("history_user"),
            objekt=lambda r: f"Statusmeldung {_quartal_label(r.quartal)}",
            verborgen={"massnahme"},
        )
        return sorted(eintraege, key=lambda e: e.zeitpunkt, reverse=True)[:limit]


def _quartal_label(wert: str) -> str:
    """ "4. Quartal 2026" for "2026-Q4" (a stored value in another form stays as it is)."""
    try:
        return Quartal.parse(wert).label
    except ValidationError:
        return wert


def _reusing_kommunen(user, massnahme) -> list:
    """The user's Kommunen that could adopt this Maßnahme (not the lead, not yet adopted):
    any of its region (issue 15, point 1), as far as the user reads the Maßnahme."""
    scope = scope_for(user)
    if not scope.cdo_kommune_ids or massnahme.archiviert:
        return []
    schon = {n.kommune_id for n in massnahme.nachnutzungen.all()}
    return list(
        Kommune.objects.filter(
            pk__in=scope.cdo_kommune_ids, kreis__region_id=massnahme.gebiet_region_id
        )
        .exclude(pk=massnahme.federfuehrend_id)
        .exclude(pk__in=schon)
    )


# --- Create and edit ------------------------------------------------------------------------


def _kreis_for_new_massnahme(request) -> Kreis:
    """The Kreis a new Maßnahme belongs to: the user's (a ?kreis= choice for several)."""
    scope = scope_for(request.user)
    kreise = sorted(scope.kreis_ids | scope.cdo_kreis_ids)
    if scope.is_superuser and not kreise:
        kreise = list(Kreis.objects.values_list("ags", flat=True))
    gewuenscht = request.GET.get("kreis") or request.POST.get("kreis")
    ags = gewuenscht if gewuenscht in kreise else (kreise[0] if kreise else None)
    if ags is None:
        raise PermissionDenied
    return Kreis.objects.get(ags=ags)


class MassnahmeFormMixin:
    template_name = "massnahmen/massnahme_form.html"
    form_class = MassnahmeForm

    region = None  # set for a region project (issue 15, point 2); then `kreis` is None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, kreis=self.kreis, region=self.region)
        return kwargs

    def get_meilensteine(self):
        return MeilensteinFormSet(
            self.request.POST or None, instance=self.object, prefix="meilensteine"
        )

    def after_save(self, massnahme) -> None:
        """Hook for views of other apps that create a Maßnahme from their object."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("meilensteine", self.get_meilensteine())
        # Named in the heading: "Neue Maßnahme im Kreis Lippe" / "in der Region …".
        context["kreis"] = self.region or self.kreis
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object_or_none()
        form = self.get_form()
        meilensteine = self.get_meilensteine()
        if not (form.is_valid() and meilensteine.is_valid()):
            return self.render_to_response(
                self.get_context_data(form=form, meilensteine=meilensteine), status=422
            )
        try:
            with transaction.atomic():
                massnahme = save_massnahme(
                    form=form,
                    meilensteine=meilensteine,
                    geladene_version=form.cleaned_data.get("version"),
                )
                self.after_save(massnahme)
        except Konflikt as konflikt:
            form.data = form.data.copy()
            form.data["version"] = konflikt.aktuelle_version
            form.add_error(
                None,
                "Diese Maßnahme wurde inzwischen von jemand anderem "
                "geändert. Ihre Eingaben sind nicht gespeichert.",
            )
            return self.render_to_response(
                self.get_context_data(form=form, meilensteine=meilensteine, konflikt=konflikt),
                status=409,
            )
        messages.success(request, f"Die Maßnahme „{massnahme.titel}“ wurde gespeichert.")
        return redirect(massnahme)


class MassnahmeCreateView(
    LoginRequiredMixin, PermissionRequiredMixin, MassnahmeFormMixin, CreateView
):
    permission_required = "massnahmen.add_massnahme"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.kreis = self.kreis_for_new_massnahme()
        return super().dispatch(request, *args, **kwargs)

    def kreis_for_new_massnahme(self) -> Kreis:
        return _kreis_for_new_massnahme(self.request)

    def get_object_or_none(self):
        return None

    def get_initial(self):
        # Prefill from the query string, e.g. when a workshop Ergebnis becomes a Maßnahme.
        erlaubt = ("titel", "beschreibung", "handlungsfeld", "federfuehrend")
        return {k: self.request.GET[k][:2000] for k in erlaubt if self.request.GET.get(k)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs(("Neue Maßnahme", None))
        return context


class RegionsprojektCreateView(MassnahmeCreateView):
    """The DigitalBüro creates a project of the region itself (issue 15, point 2)."""

    permission_required = "massnahmen.add_regionsprojekt"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.region = self.region_for_new_projekt()
        return super().dispatch(request, *args, **kwargs)

    def kreis_for_new_massnahme(self):
        return None

    def region_for_new_projekt(self) -> Region:
        """The user's region (a ?region= choice by slug for several; admins: any)."""
        scope = scope_for(self.request.user)
        regionen = (
            Region.objects.all()
            if scope.is_superuser
            else Region.objects.filter(pk__in=scope.region_ids)
        ).order_by("name")
        gewuenscht = self.request.GET.get("region") or self.request.POST.get("region")
        region = (regionen.filter(slug=gewuenscht).first() if gewuenscht else None) or (
            regionen.first()
        )
        if region is None:
            raise PermissionDenied
        return region

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs(("Neues Projekt der Region", None))
        return context


class MassnahmeUpdateView(
    LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, MassnahmeFormMixin, UpdateView
):
    permission_required = "massnahmen.change_massnahme"

    def get_queryset(self):
        return _scoped(self.request.user)

    def get_object_or_none(self):
        return self.get_object()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            massnahme = self.get_object()
            self.kreis, self.region = massnahme.kreis, massnahme.region
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs(
            (self.object.titel, self.object.get_absolute_url()), ("Bearbeiten", None)
        )
        return context


class MassnahmeArchivView(
    LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, SingleObjectMixin, View
):
    """POST: archive or restore (CDOs archive instead of deleting)."""

    permission_required = "massnahmen.archive_massnahme"
    http_method_names = ["post"]

    def get_queryset(self):
        return _scoped(self.request.user)

    def post(self, request, *args, **kwargs):
        massnahme = self.get_object()
        archiviert = request.POST.get("archiviert") != "nein"
        archive(massnahme=massnahme, archiviert=archiviert)
        messages.success(
            request,
            "Die Maßnahme wurde archiviert." if archiviert else "Die Maßnahme ist wieder aktiv.",
        )
        return redirect(massnahme)


class MassnahmeDeleteView(
    LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, DeleteView
):
    permission_required = "massnahmen.delete_massnahme"
    template_name = "massnahmen/massnahme_confirm_delete.html"
    context_object_name = "massnahme"
    success_url = reverse_lazy("massnahmen:liste")

    def get_queryset(self):
        return _scoped(self.request.user)

    def form_valid(self, form):
        titel = self.object.titel
        response = super().form_valid(form)
        messages.success(self.request, f"Die Maßnahme „{titel}“ wurde gelöscht.")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs(
            (self.object.titel, self.object.get_absolute_url()), ("Löschen", None)
        )
        return context


# --- Statusmeldung --------------------------------------------------------------------------


class StatusmeldungView(
    LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, SingleObjectMixin, TemplateView
):
    """This quarter's Statusmeldung of a Maßnahme: create (figures from the Maßnahme, texts
    from the previous quarter) or edit, until the quarter is frozen for the report. What
    others saved meanwhile is shown (409), never silently overwritten."""

    permission_required = "massnahmen.add_statusmeldung"
    template_name = "massnahmen/statusmeldung_form.html"
    context_object_name = "massnahme"

    def get_queryset(self):
        return _scoped(self.request.user)

    def setup_meldung(self):
        self.object = self.get_object()
        self.quartal = self.selected_quartal()
        self.meldung = self.object.statusmeldungen.filter(quartal=str(self.quartal)).first()
        self.gesperrt = is_quartal_locked(self.object, self.quartal)
        # The stored figures, if the Maßnahme has moved on since (read before a bound form
        # writes its input into the instance).
        m, meldung = self.object, self.meldung
        self.abweichung = (
            {"fortschritt": meldung.fortschritt, "ampel": meldung.get_ampel_display()}
            if meldung and (meldung.fortschritt, meldung.ampel) != (m.fortschritt, m.ampel)
            else None
        )

    def selected_quartal(self) -> Quartal:
        """The running quarter, or (`?quartal=`, the link of a reminder mail) the previous
        one, whose Statusmeldung is written in the days after it ended."""
        laufend = Quartal.current()
        wert = self.request.GET.get("quartal")
        if not wert:
            return laufend
        try:
            quartal = Quartal.parse(wert)
        except ValidationError:
            raise Http404 from None
        if quartal not in (laufend, laufend.previous()):
            raise Http404
        return quartal

    def get_form(self):
        darf = self.request.user.has_perm("massnahmen.publish_statusmeldung", self.object)
        if self.request.method == "POST":
            return StatusmeldungForm(
                self.request.POST, instance=self.meldung, darf_veroeffentlichen=darf
            )
        return StatusmeldungForm(
            instance=self.meldung,
            darf_veroeffentlichen=darf,
            initial=statusmeldung_initial(
                massnahme=self.object, quartal=self.quartal, meldung=self.meldung
            ),
        )

    def get(self, request, *args, **kwargs):
        self.setup_meldung()
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.setup_meldung()
        form = self.get_form()
        if self.gesperrt:
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        try:
            save_statusmeldung(
                form=form,
                massnahme=self.object,
                quartal=self.quartal,
                user=request.user,
                geladene_version=form.cleaned_data["massnahme_version"],
                geladener_stand=form.cleaned_data["meldung_stand"],
            )
        except MeldungConflict as konflikt:
            # The user's input stays in the form; saving it again is their decision.
            form.data = form.data.copy()
            form.data["massnahme_version"] = konflikt.massnahme_version
            form.data["meldung_stand"] = konflikt.meldung_stand
            return self.render_to_response(
                self.get_context_data(form=form, konflikt=konflikt), status=409
            )
        messages.success(
            request,
            f"Die Statusmeldung für „{self.object.titel}“ "
            f"({self.quartal.label}) wurde gespeichert.",
        )
        if "weiter" in request.POST:
            naechste = open_statusmeldungen(request.user, self.quartal).first()
            if naechste:
                ziel = reverse("massnahmen:statusmeldung", args=[naechste.pk])
                if self.quartal != Quartal.current():
                    ziel += f"?quartal={self.quartal}"
                return redirect(ziel)
            messages.info(request, "Alle Ihre Statusmeldungen für dieses Quartal liegen vor.")
            return redirect("home")
        return redirect(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offen = open_statusmeldungen(self.request.user, self.quartal)
        context.update(
            quartal=self.quartal,
            meldung=self.meldung,
            abweichung=self.abweichung,
            gesperrt=self.gesperrt,
            entwurf=kwargs["form"].initial.get("erreicht_ist_entwurf", False),
            offen_anzahl=offen.exclude(pk=self.object.pk).count(),
            breadcrumbs=_crumbs(
                (self.object.titel, self.object.get_absolute_url()),
                (f"Statusmeldung {self.quartal.label}", None),
            ),
        )
        return context


# --- Documents ------------------------------------------------------------------------------


class AnhangCreateView(
    LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, SingleObjectMixin, TemplateView
):
    permission_required = "massnahmen.add_anhang"
    template_name = "massnahmen/anhang_form.html"
    context_object_name = "massnahme"

    def get_queryset(self):
        return _scoped(self.request.user)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(form=AnhangForm()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = AnhangForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        anhang = form.save(commit=False)
        anhang.massnahme = self.object
        anhang.hochgeladen_von = request.user
        anhang.save()
        messages.success(request, f"Das Dokument „{anhang.titel}“ wurde hochgeladen.")
        return redirect(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs(
            (self.object.titel, self.object.get_absolute_url()), ("Dokument hochladen", None)
        )
        return context


@login_required
@require_GET
def download_anhang(request, pk: int):
    """Documents are only served through here, after checking the user may see the
    Maßnahme; media files have no public URL."""
    anhang = get_object_or_404(
        Anhang.objects.select_related("massnahme").filter(
            massnahme__in=Massnahme.objects.for_user(request.user)
        ),
        pk=pk,
    )
    if not request.user.has_perm("massnahmen.view_massnahme", anhang.massnahme):
        raise PermissionDenied
    return dokument_response(anhang)


# --- Nachnutzung ----------------------------------------------------------------------------


class NachnutzungCreateView(LoginRequiredMixin, SingleObjectMixin, TemplateView):
    """A CDO of another Kommune adopts the Maßnahme in one step."""

    template_name = "massnahmen/nachnutzen_confirm.html"
    context_object_name = "massnahme"

    def get_queryset(self):
        return _scoped(self.request.user).prefetch_related("nachnutzungen")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        self.kommunen = _reusing_kommunen(request.user, self.object)
        if not self.kommunen:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def handle_no_permission(self):
        return redirect_to_login(self.request.get_full_path())

    def post(self, request, *args, **kwargs):
        wahl = request.POST.get("kommune")
        kommune = next((k for k in self.kommunen if str(k.pk) == wahl), None)
        if kommune is None:
            return self.render_to_response(
                self.get_context_data(fehler="Bitte wählen Sie Ihre Kommune aus."), status=422
            )
        neu = create_nachnutzung(massnahme=self.object, kommune=kommune, user=request.user)
        messages.success(
            request,
            f"{kommune} nutzt „{self.object.titel}“ nach. Bitte ergänzen Sie die neue Maßnahme.",
        )
        return redirect("massnahmen:bearbeiten", pk=neu.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kommunen"] = self.kommunen
        context["breadcrumbs"] = _crumbs(
            (self.object.titel, self.object.get_absolute_url()), ("Nachnutzen", None)
        )
        return context

"""The Kommunen of the user's Kreis and a profile page for each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.views.generic import DetailView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from core.listing import FilteredListView
from core.locking import VersionConflictMixin
from core.quartal import Quartal
from core.views import CachedObjectMixin

from .forms import KommuneProfilForm
from .models import Kommune, Mitgliedschaft, Rolle
from .tables import KommuneTable


class KommuneListView(FilteredListView):
    """Kommunen of every Kreis the user may read, with population and counts: one table per
    Kreis, all on one page (no filter, no paging)."""

    permission_required = "kommunen.view_kommune"
    table_class = KommuneTable
    template_name = "kommunen/kommune_list.html"
    context_object_name = "kommunen"
    paginate_by = None

    def get_base_queryset(self):
        return (
            Kommune.objects.for_user(self.request.user)
            .select_related("kreis")
            .with_counts()
            .order_by("kreis__name", "name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        je_kreis: dict = {}
        for kommune in context["object_list"]:
            je_kreis.setdefault(kommune.kreis, []).append(kommune)
        context["kreise"] = [
            (
                kreis,
                len(kommunen),
                KommuneTable(
                    kommunen,
                    caption=f"Kommunen {kreis.lokativ} mit Einwohnerzahl und Anzahl der Maßnahmen",
                ),
            )
            for kreis, kommunen in je_kreis.items()
        ]
        context["breadcrumbs"] = [("Kommunen", None)]
        return context


class KommuneDetailView(LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, DetailView):
    """The profile of one Kommune: contacts, Maßnahmen led and joined, OZG services online."""

    permission_required = "kommunen.view_kommune"
    template_name = "kommunen/kommune_detail.html"
    context_object_name = "kommune"

    def get_queryset(self):
        # Scoped first, so another Kreis's Kommune is a 404 rather than a 403 that
        # confirms it exists.
        return Kommune.objects.for_user(self.request.user).select_related("kreis")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kommune = self.object
        context["kontakte"] = (
            Mitgliedschaft.objects.filter(kommune=kommune, rolle=Rolle.CDO)
            .select_related("user")
            .order_by("user__last_name")
        )
        # Only what the viewer may read: a Kommune may take part in a Kreis-visible
        # Maßnahme of another Kreis (issue 15), which its neighbours' CDOs do not read.
        massnahmen_fields = ("handlungsfeld", "kreis", "federfuehrend")
        user = self.request.user
        context["massnahmen_federfuehrend"] = (
            kommune.massnahmen_lead.for_user(user)
            .filter(archiviert=False)
            .select_related(*massnahmen_fields)
        )
        context["massnahmen_beteiligt"] = (
            kommune.massnahmen_beteiligt.for_user(user)
            .filter(archiviert=False)
            .select_related(*massnahmen_fields)
        )
        context["ozg_online"] = (
            kommune.umsetzungsstaende.filter(online=True)
            .select_related("leistung", "nachgenutzt_von")
            .order_by("leistung__themenfeld", "leistung__name")
        )
        context["ozg_bewertet"] = kommune.umsetzungsstaende.count()
        context["kann_bearbeiten"] = self.request.user.has_perm("kommunen.change_kommune", kommune)
        context["quartal"] = Quartal.current()
        context["breadcrumbs"] = [
            ("Kommunen", reverse("kommunen:liste")),
            (kommune.name, None),
        ]
        return context


class KommuneUpdateView(
    VersionConflictMixin, LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, UpdateView
):
    """The Kommune's CDO (or the Kreis) keeps website and short profile up to date."""

    permission_required = "kommunen.change_kommune"
    form_class = KommuneProfilForm
    template_name = "kommunen/kommune_form.html"
    context_object_name = "kommune"

    def get_queryset(self):
        return Kommune.objects.for_user(self.request.user).select_related("kreis")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        messages.success(self.request, "Das Profil wurde gespeichert.")
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            ("Kommunen", reverse("kommunen:liste")),
            (self.object.name, self.object.get_absolute_url()),
            ("Profil bearbeiten", None),
        ]
        context["einbetten_url"] = self.request.build_absolute_uri(
            reverse("oeffentlich:einbetten", kwargs={"slug": self.object.slug})
        )
        return context

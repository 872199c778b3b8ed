"""The one generic list view: filter, sort, paginate, and answer htmx with the table only.

A concrete list is a few declarative attributes (NetBox style)::

    class MassnahmeListView(FilteredListView):
        permission_required = "massnahmen.view_massnahme"
        filterset_class = MassnahmeFilterSet
        table_class = MassnahmeTable
        template_name = "massnahmen/massnahme_list.html"

        def get_base_queryset(self):
            return Massnahme.objects.for_user(self.request.user)

The table (core/tables.py) declares the columns: the sort keys come from it, and the context
holds the page's rows as `table`, drawn by `includes/table.html`. A list that is not a table
(the Lösungskatalog's cards) names its sort keys in `sortierungen` instead.

The template defines `{% partialdef tabelle %}` (table, result count, pagination and the
links that depend on the query, such as exports); an htmx request that is not boosted gets only
that partial, everything else the whole page.

Every link the list makes (sorting, paging, exports) and the address htmx pushes are built
from one canonical query (`parameter()`): each parameter once, with the value the filter reads,
and no empty ones. The filter form sends itself to the bare path (`data-hx-get="{{ request.path }}"`)
and carries the chosen sort order as a hidden field (`versteckte_felder`), so nothing is
appended twice.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView
from django_htmx.http import push_url
from rules.contrib.views import PermissionRequiredMixin

from core.cachestand import daten_cache, erfasst
from core.filters import auswahl_ohne_cursor
from core.paginierung import KeysFirstPaginator
from core.seitencache import cached_page
from core.tables import Table

SORT_PARAM = "sortierung"
PAGE_PARAM = "seite"
# The filter form's fields as HTML live this long in the cache at most (their key holds the
# data stand, so a write voids them at once; the date for choices that depend on it).
FILTER_CACHE_SEKUNDEN = 10 * 60


class FilteredListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    filterset_class = None
    paginate_by = 25
    # The page's keys first, whole rows for the page only (issue 19, point 3).
    paginator_class = KeysFirstPaginator
    page_kwarg = PAGE_PARAM
    partial_name = "tabelle"
    table_class: type[Table] | None = None
    # public sort key → ORM ordering expression (from `table_class` where there is one).
    sortierungen: dict[str, str] = {}
    standard_sortierung: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.table_class is not None and "table_class" in vars(cls):
            cls.sortierungen = cls.table_class.sortierungen()
            if "standard_sortierung" not in vars(cls):
                cls.standard_sortierung = cls.table_class.default_sort

    def get_base_queryset(self):
        raise NotImplementedError

    def list_model(self):
        """The model of the list's rows, without building its queryset where the filter
        names it."""
        if self.filterset_class is not None:
            return self.filterset_class._meta.model
        return self.get_base_queryset().model

    def get(self, request, *args, **kwargs):
        """The whole page from the cache while the data stand is the same (core.seitencache),
        for a list whose rows' writes move it on; the permission check has run before."""
        build = partial(super().get, request, *args, **kwargs)
        if not erfasst(self.list_model()):
            return build()
        return cached_page(request, f"{type(self).__module__}.{type(self).__qualname__}", build)

    def get_filterset(self, queryset):
        if self.filterset_class is None:
            return None
        filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        auswahl_ohne_cursor(filterset.form)
        return filterset

    def get_queryset(self):
        queryset = self.get_base_queryset()
        self.filterset = self.get_filterset(queryset)
        if self.filterset is not None:
            queryset = self.filterset.qs
        ordering = self.get_sorting()
        if ordering:
            key = ordering.lstrip("-")
            expression = self.sortierungen[key]
            desc = ordering.startswith("-")
            queryset = queryset.order_by(f"-{expression}" if desc else expression, "pk")
        return queryset

    def get_sorting(self) -> str | None:
        wanted = self.request.GET.get(SORT_PARAM, "")
        if wanted.lstrip("-") in self.sortierungen:
            return wanted
        return self.standard_sortierung

    def _htmx_partial(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return bool(htmx and not htmx.boosted)

    def get_template_names(self):
        names = super().get_template_names()
        if self._htmx_partial():
            return [f"{names[0]}#{self.partial_name}"]
        return names

    def parameter(self) -> list[tuple[str, str]]:
        """The query as the list reads it: each parameter once, with its last value (the one
        `QueryDict.get` and the filter form use), parameters without a value left out."""
        params = []
        for key, values in self.request.GET.lists():
            value = values[-1] if values else ""
            if value != "":
                params.append((key, value))
        return params

    def query_without(self, *keys: str) -> str:
        """The canonical query string minus `keys` (for sort and page links)."""
        return urlencode([(key, value) for key, value in self.parameter() if key not in keys])

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self._htmx_partial():
            # The address bar shows the canonical query, not the form's raw fields.
            query = context["liste_query"]
            response = push_url(
                response, f"{self.request.path}?{query}" if query else self.request.path
            )
        return response

    def sort_links(self) -> dict[str, dict]:
        """Per sortable column: the link that sorts by it and its aria-sort state."""
        current = self.get_sorting() or ""
        base = self.query_without(SORT_PARAM, PAGE_PARAM)
        links = {}
        for key in self.sortierungen:
            if current == key:
                state, target = "ascending", f"-{key}"
            elif current == f"-{key}":
                state, target = "descending", key
            else:
                state, target = "none", key
            query = f"{base}&{SORT_PARAM}={target}" if base else f"{SORT_PARAM}={target}"
            links[key] = {"url": f"?{query}", "aria_sort": state}
        return links

    def cache_teile(self, model) -> tuple | None:
        """What decides this list besides the data: the view, the person, every GET
        parameter (filters, sort, page) and the date (core.cachestand keys). None for a
        list of rows whose writes do not move the data stand (the inbox, the audit log):
        nothing of it is cached."""
        if not erfasst(model):
            return None
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            self.request.user.pk,
            sorted(self.request.GET.lists()),
            timezone.localdate().isoformat(),
        )

    def get_paginator(self, queryset, *args, **kwargs):
        if issubclass(self.paginator_class, KeysFirstPaginator):
            kwargs["cache_teile"] = self.cache_teile(queryset.model)
        return super().get_paginator(queryset, *args, **kwargs)

    def filter_felder(self) -> str:
        """The filter form's fields, rendered (includes/list_filter.html), cached per person,
        query and data stand: their choices are queries of their own and their widgets a
        good part of a list page's time (issue 19), yet they change only with the data."""
        teile = self.cache_teile(self.filterset.queryset.model)
        rendern = lambda: render_to_string(  # noqa: E731
            "includes/form_fields.html", {"form": self.filterset.form}
        )
        if teile is None:
            return rendern()
        return daten_cache("listenfilter", teile, rendern, FILTER_CACHE_SEKUNDEN)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        # Rendered only where the page shows the form (not in the htmx table partial).
        context["filter_felder"] = SimpleLazyObject(self.filter_felder)
        context["sort"] = self.sort_links()
        if self.table_class is not None:
            context["table"] = self.table_class(
                context["object_list"], sort_links=context["sort"], request=self.request
            )
        context["seiten_query"] = self.query_without(PAGE_PARAM)
        # The whole query, for links that show the same list elsewhere (CSV/XLSX exports).
        context["liste_query"] = self.query_without()
        # Kept across a filter change: the sort order chosen by a column header.
        gewaehlt = self.request.GET.get(SORT_PARAM, "")
        context["versteckte_felder"] = (
            [(SORT_PARAM, gewaehlt)] if gewaehlt.lstrip("-") in self.sortierungen else []
        )
        context["anzahl"] = (
            context["paginator"].count if context.get("paginator") else len(context["object_list"])
        )
        return context

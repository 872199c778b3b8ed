"""A paginator that asks for the page's keys first and loads whole rows for that page only.

A list's queryset carries what each row shows (joins of `select_related`, correlated
subqueries such as "Statusmeldung im aktuellen Quartal"). Sliced as it is, PostgreSQL
computes those for every row that matches before it sorts and cuts off the page: at
national scale (100,000 Maßnahmen) the joins with Kommune, Kreis and Region of every hit
and a hashed subplan over the whole Statusmeldung index (issue 19, point 3). This paginator
runs the filter and the order once, selecting nothing but the primary key (plus the number
of all rows as a window count, so the count needs no query of its own), and then loads the
rows of the page by their keys – the same rows in the same order as slicing would give.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window

from core.cachestand import daten_cache

# The window count's name in the keys query; chosen to clash with no field or annotation.
_GESAMT = "paginierung_gesamt"
# Cached keys live at most this long (the key holds the data stand; the date for filters
# such as "overdue" that depend on it is part of the view's `cache_teile`).
CACHE_SEKUNDEN = 10 * 60
# A page number from the address bar may be any size; OFFSET is a bigint.
_GROESSTER_OFFSET = 2**63 - 1


def _keys_first_possible(object_list) -> bool:
    """Whether the keys of a page can be asked for alone: an ordered model queryset without
    its own slicing, grouping, DISTINCT, set operation or values() rows."""
    if not isinstance(object_list, QuerySet):
        return False
    query = object_list.query
    return (
        object_list.ordered
        and not query.is_sliced
        and not query.distinct
        and query.combinator is None
        and query.group_by is None
        and not query.values_select
        and not any(
            getattr(annotation, "contains_aggregate", False)
            for annotation in query.annotations.values()
        )
    )


class KeysFirstPaginator(Paginator):
    """Django's Paginator with the same pages, in two queries for a page of a queryset:
    the page's keys with the total (one pass of filter and sort), then the page's rows.

    `cache_teile`: what decides the list besides the data (the view, the person, the
    query); given, the keys and the total come from the cache while the data stand is the
    same (core.cachestand), and only the rows are loaded."""

    def __init__(self, *args, cache_teile: tuple | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_teile = cache_teile

    def _treffer(self, bottom: int) -> list:
        """Keys and total of the rows from `bottom` on, enough for the last page."""

        def abfragen():
            return list(
                self.object_list.annotate(**{_GESAMT: Window(Count("*"))}).values_list(
                    "pk", _GESAMT
                )[bottom : bottom + self.per_page + self.orphans]
            )

        if self.cache_teile is None:
            return abfragen()
        return daten_cache(
            "listenschluessel",
            (*self.cache_teile, bottom, self.per_page, self.orphans),
            abfragen,
            CACHE_SEKUNDEN,
        )

    def page(self, number):
        if not _keys_first_possible(self.object_list):
            return super().page(number)
        number = self._as_int(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page + self.orphans > _GROESSTER_OFFSET:
            number = self.validate_number(number)  # no list is that long: EmptyPage
        # Enough keys for the last page, which takes up to `orphans` more rows.
        treffer = self._treffer(bottom)
        if treffer:
            self.__dict__["count"] = treffer[0][1]  # the cached_property `count`
        elif number == 1:
            self.__dict__["count"] = 0
        else:
            # Nothing from here on: the list ends before this page (however long it is).
            raise EmptyPage(self.error_messages["no_results"])
        number = self.validate_number(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        schluessel = [pk for pk, _gesamt in treffer[: top - bottom]]
        return self._get_page(self._rows(schluessel), number, self)

    def _as_int(self, number) -> int:
        """The checks of `validate_number` that need no count."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def _rows(self, schluessel: list) -> list:
        """The rows with these keys, as the queryset builds them, in the keys' order."""
        if not schluessel:
            return []
        zeilen = {obj.pk: obj for obj in self.object_list.filter(pk__in=schluessel).order_by()}
        return [zeilen[pk] for pk in schluessel if pk in zeilen]

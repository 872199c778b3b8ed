"""Free-text search: German full-text search on PostgreSQL, a plain fallback elsewhere.

The only place that knows which database supports what.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import F, Q, QuerySet


def volltext(
    queryset: QuerySet, query: str, *, gewichtet: dict[str, str], gespeichert: str | None = None
) -> QuerySet:
    """Filter `queryset` by `query` over the fields in `gewichtet` ({field: "A"|"B"|…}).

    PostgreSQL: `websearch` syntax, German stemming ("Akten" finds "Akte"), ranked; a
    substring of a field matches too (German compounds: "portal" finds "Bürgerportal").
    `gespeichert` names a stored vector of exactly these fields and weights (kept by a
    trigger, GIN-indexed): then nothing is computed per row and the index answers.
    Elsewhere: every word must occur (case-insensitive) in one of the fields.
    """
    query = (query or "").strip()[:200]
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            F(gespeichert)
            if gespeichert
            else reduce(
                lambda a, b: a + b,
                (
                    SearchVector(field, weight=weight, config="german")
                    for field, weight in gewichtet.items()
                ),
            )
        )
        search = SearchQuery(query, search_type="websearch", config="german")
        words = Q(_suche=search)
        for field in gewichtet:  # substring match keeps prefixes like "Digi" working
            words |= Q(**{f"{field}__icontains": query})
        return queryset.annotate(_suche=vector, suchrang=SearchRank(vector, search)).filter(words)
    for word in query.split():
        queryset = queryset.filter(
            reduce(or_, (Q(**{f"{field}__icontains": word}) for field in gewichtet))
        )
    return queryset

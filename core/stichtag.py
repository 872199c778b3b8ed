"""The state of the data at a moment in the past, from django-simple-history's records.

A figure for a quarter is the figure as of that quarter's end: the data as they stood at
midnight after its last day (`stichtag`), however they were changed later. A report that is
generated again a year later must therefore give the same figures, and that is only possible
when every figure is read from the change history, not from today's rows.

Every history row is valid from its `history_date` until the next row of the same object
(by `history_date`, ties broken by `history_id`); the state at a moment is the valid row,
unless that row records a deletion. One condition (`valid_on`) says this, and both
callers use it: `stand_on` for one moment, and conditional aggregates over several moments
(one `Count(..., filter=valid_on(t))` per quarter, on rows annotated by `with_validity`)
for a figure's course over time, so a chart of eight quarters costs one query, not eight.

Core knows no domain model: callers pass their model's history manager.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .cachestand import advance, daten_changed, stand
from .quartal import Quartal

# The figures of an ended quarter never change: every write is dated now, after the
# quarter's end. Only code that writes history dated in the past (demo data, tests) breaks
# this; it calls `past_changed`, and every cached figure of an ended quarter
# carries `verlauf_stand` in its key, so the old ones are no longer found.
VERLAUF_STAND_SCHLUESSEL = "stichtag:verlauf-stand"


def verlauf_stand() -> int:
    """Part of the cache key of every cached figure of an ended quarter."""
    return stand(VERLAUF_STAND_SCHLUESSEL)


def past_changed() -> None:
    """History was written dated before now: cached figures of ended quarters are void,
    and so is every figure cached under the data stand (it may read that history)."""
    advance(VERLAUF_STAND_SCHLUESSEL)
    daten_changed()


def stichtag(quartal: Quartal) -> dt.datetime:
    """Midnight (local time) after the quarter's last day: the moment its figures describe."""
    return timezone.make_aware(dt.datetime.combine(quartal.next().beginn, dt.time.min))


def is_expired(quartal: Quartal) -> bool:
    """True once the quarter has ended; until then its figures are today's."""
    return stichtag(quartal) <= timezone.now()


def with_validity(records: QuerySet) -> QuerySet:
    """History rows annotated with `gueltig_bis`: the `history_date` of the object's next
    row, or None for its latest row."""
    model = records.model
    pk = model.instance_type._meta.pk.attname
    naechste = (
        model._default_manager.filter(**{pk: OuterRef(pk)})
        .filter(
            Q(history_date__gt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
        )
        .order_by("history_date", "history_id")
        .values("history_date")[:1]
    )
    return records.annotate(gueltig_bis=Subquery(naechste))


def valid_on(zeitpunkt: dt.datetime) -> Q:
    """On rows annotated by `with_validity`: the row describes the object at `zeitpunkt`
    (it existed then, and this was its state)."""
    return (
        Q(history_date__lt=zeitpunkt)
        & (Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=zeitpunkt))
        & ~Q(history_type="-")
    )


def stand_on(history_manager, zeitpunkt: dt.datetime) -> QuerySet:
    """The objects as they stood at `zeitpunkt`: one history row per object that existed
    then. The rows carry the model's fields under their own names (and its foreign keys
    for joins), so aggregates read them like the live table."""
    records = history_manager.model._default_manager.filter(history_date__lt=zeitpunkt)
    return with_validity(records).filter(valid_on(zeitpunkt))


def backfill_stand(instance, am: dt.datetime, *, art: str = "~", **werte):
    """Write an earlier state of `instance` into its history: a copy of its latest history
    row (with the many-to-many snapshot) dated `am`, with `werte` in place of its fields.
    For demo data that must look as if it had been kept for several quarters."""
    history_model = instance.history.model
    letzte = instance.history.order_by("-history_date", "-history_id").first()
    felder = {f.attname: getattr(letzte, f.attname) for f in history_model.tracked_fields}
    felder.update(werte)
    record = history_model._default_manager.create(
        history_date=am,
        history_type=art,
        history_user_id=letzte.history_user_id,
        history_change_reason=None,
        **felder,
    )
    for m2m_field in getattr(history_model, "_history_m2m_fields", []):
        for zeile in getattr(letzte, m2m_field.name).all():
            spalten = {
                f.attname: getattr(zeile, f.attname)
                for f in zeile._meta.fields
                if f.attname not in ("m2m_history_id", "history_id")
            }
            type(zeile)._default_manager.create(history=record, **spalten)
    past_changed()
    return record


def at_quartalsende(model, quartal: Quartal, lebend: QuerySet | None = None) -> QuerySet:
    """The rows of `model` as of the end of `quartal`: while it runs the live rows
    (`lebend`, default all), once it has ended the history rows valid at its end. Both
    carry the model's field names; correlate on "id", never on "pk"."""
    quartal = Quartal.parse(quartal)
    if not is_expired(quartal):
        return model._default_manager.all() if lebend is None else lebend
    return stand_on(model.history, stichtag(quartal))

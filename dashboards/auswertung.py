"""The figures of /dashboard/ and /region/: a handful of aggregate queries per page.

Every function here answers with one query (grouped aggregates, `Subquery`/`Exists`), and
each query is bounded by the Kreise asked for, so a page costs the same whether the
database holds one Kreis or every Kreis in Germany (see bench/dashboards.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.quartal import Quartal
from core.stichtag import is_expired, stichtag, valid_on, verlauf_stand, with_validity
from foerderung.models import (
    Foerderbescheid,
    bescheide_at_quartalsende,
    mittelabrufe_at_quartalsende,
)
from kommunen.models import Kommune, Kreis
from massnahmen.models import (
    Ampel,
    Massnahme,
    Meilenstein,
    Nachnutzung,
    Statusmeldung,
    average,
    beteiligungen_at_quartalsende,
    fortschritt_counts_q,
    meldepflichtig_q,
    stand_at_quartalsende,
    statusmeldungen_at_quartalsende,
)
from ozg.models import OzgLeistung
from ozg.models import stand_at_quartalsende as ozg_stand_zum_quartalsende
from workshops.models import Teilnahme, Workshop

GELD = DecimalField(max_digits=14, decimal_places=2)
STATUS = list(Massnahme.Status)
AMPELN = list(Ampel)
TREND_QUARTALE = 8


def _ids(kreis_ids):
    """A list of AGS, or a queryset left as it is (it becomes a subquery)."""
    return kreis_ids if isinstance(kreis_ids, QuerySet) else list(kreis_ids)


def _anteil(teil: int, ganzes: int) -> float | None:
    return round(100 * teil / ganzes, 1) if ganzes else None


@dataclass
class Zahlen:
    """Counts of the (not archived) Maßnahmen of one group: a Kreis, or Kreis × Handlungsfeld.

    `meldepflichtig`: those owing a Statusmeldung (`MassnahmeQuerySet.meldepflichtig`);
    `gemeldet`: those of them with one for the quarter.
    """

    anzahl: int = 0
    fortschritt_summe: int = 0
    fortschritt_anzahl: int = 0
    meldepflichtig: int = 0
    gemeldet: int = 0
    ueberfaellig: int = 0
    status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS, 0))
    ampel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AMPELN, 0))

    def __iadd__(self, other: Zahlen) -> Zahlen:
        self.anzahl += other.anzahl
        self.fortschritt_summe += other.fortschritt_summe
        self.fortschritt_anzahl += other.fortschritt_anzahl
        self.meldepflichtig += other.meldepflichtig
        self.gemeldet += other.gemeldet
        self.ueberfaellig += other.ueberfaellig
        for key, value in other.status.items():
            self.status[key] += value
        for key, value in other.ampel.items():
            self.ampel[key] += value
        return self

    @property
    def fortschritt(self) -> float | None:
        """Average progress in percent, by `massnahmen.models.FORTSCHRITT_ERKLAERUNG`
        (None when no Maßnahme counts)."""
        return average(self.fortschritt_summe, self.fortschritt_anzahl)

    @property
    def ohne_meldung(self) -> int:
        return self.meldepflichtig - self.gemeldet

    def ampel_share(self, ampel: str) -> float | None:
        return _anteil(self.ampel[ampel], self.anzahl)

    @property
    def ampel_shares(self) -> list[tuple[Ampel, int, float | None]]:
        return [(a, self.ampel[a], self.ampel_share(a)) for a in AMPELN]

    @property
    def status_liste(self) -> list[tuple[Massnahme.Status, int]]:
        return [(s, self.status[s]) for s in STATUS]


def massnahmen_zahlen(
    kreis_ids: Iterable[str], *, quartal: Quartal, handlungsfeld_id: int | None = None
) -> dict[tuple[str, int], Zahlen]:
    """{(kreis_id, handlungsfeld_id): Zahlen} for the active Maßnahmen as they stood at the
    end of `quartal` (`stand_at_quartalsende`), in one query.

    `meldepflichtig`: owing a Statusmeldung for `quartal`; `gemeldet`: of those, with one;
    `ueberfaellig`: with a milestone past due (today's milestones; for an ended quarter,
    due by its end and not reached by then).
    """
    meldungen = statusmeldungen_at_quartalsende(quartal).filter(quartal=str(quartal))
    if meldungen.model is Statusmeldung:
        # Uncorrelated: one pass over the quarter's Statusmeldungen (index
        # statusmeldung_quartal) hashed, not a probe per Maßnahme (97,000 for a national
        # region, issue 19).
        gemeldet = Q(id__in=meldungen.values("massnahme_id"))
    else:  # history rows as of the Meldeschluss: each needs its successor looked up
        gemeldet = Q(Exists(meldungen.filter(massnahme_id=OuterRef("id"))))
    # The day looked at: today, or the last day of an ended quarter.
    tag = min(timezone.localdate(), quartal.ende)
    ueberfaellig = Exists(
        Meilenstein.objects.filter(massnahme_id=OuterRef("id"), faellig_am__lt=tag).filter(
            Q(erreicht_am__isnull=True) | Q(erreicht_am__gt=tag)
        )
    )
    zaehlt = fortschritt_counts_q()
    melden = meldepflichtig_q(quartal)
    queryset = stand_at_quartalsende(quartal).filter(kreis_id__in=_ids(kreis_ids))
    if handlungsfeld_id:
        queryset = queryset.filter(handlungsfeld_id=handlungsfeld_id)
    rows = (
        queryset.order_by()
        .values("kreis_id", "handlungsfeld_id")
        .annotate(
            anzahl=Count("id"),
            fortschritt_summe=Sum("fortschritt", filter=zaehlt),
            fortschritt_anzahl=Count("id", filter=zaehlt),
            meldepflichtig=Count("id", filter=melden),
            gemeldet=Count("id", filter=gemeldet & melden),
            ueberfaellig=Count("id", filter=Q(ueberfaellig)),
            **{f"s_{s}": Count("id", filter=Q(status=s)) for s in STATUS},
            **{f"a_{a}": Count("id", filter=Q(ampel=a)) for a in AMPELN},
        )
    )
    return {
        (row["kreis_id"], row["handlungsfeld_id"]): Zahlen(
            anzahl=row["anzahl"],
            fortschritt_summe=row["fortschritt_summe"] or 0,
            fortschritt_anzahl=row["fortschritt_anzahl"],
            meldepflichtig=row["meldepflichtig"],
            gemeldet=row["gemeldet"],
            ueberfaellig=row["ueberfaellig"],
            status={s: row[f"s_{s}"] for s in STATUS},
            ampel={a: row[f"a_{a}"] for a in AMPELN},
        )
        for row in rows
    }


def sum_per_kreis(zahlen: dict[tuple[str, int], Zahlen]) -> dict[str, Zahlen]:
    """Adds the Handlungsfeld groups of `massnahmen_zahlen` up to one Zahlen per Kreis."""
    summen: dict[str, Zahlen] = {}
    for (kreis_id, _hf), werte in zahlen.items():
        summen.setdefault(kreis_id, Zahlen())
        summen[kreis_id] += werte
    return summen


def _sum(queryset, gruppe: str, wert: str, output_field=GELD):
    """A correlated `Subquery` summing `wert` over `queryset` rows of the outer row."""
    sub = (
        queryset.filter(**{gruppe: OuterRef("pk")})
        .order_by()
        .values(gruppe)
        .annotate(summe=Sum(wert))
        .values("summe")
    )
    return Coalesce(Subquery(sub, output_field=output_field), 0, output_field=output_field)


def _count(queryset, gruppe: str):
    sub = (
        queryset.filter(**{gruppe: OuterRef("pk")})
        .order_by()
        .values(gruppe)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def kreise_with_summen(
    kreis_ids: Iterable[str] | QuerySet, *, nur=None, quartal: Quartal | None = None
) -> list[Kreis]:
    """The Kreise with their Kommunen, OZG services online and money as of the end of
    `quartal` (default: the running one), in one query.

    Annotations: `anzahl_kommunen`, `einwohner` (sum over its Kommunen, from the reference
    data) and `ohne_einwohner` (Kommunen without a population figure), `ozg_online`,
    `ozg_leistungen` (catalogue size), `anzahl_bescheide`, `bewilligt` and `abgerufen` (EUR,
    by `bescheide_at_quartalsende` and `mittelabrufe_at_quartalsende`).
    `nur`: an expression naming one AGS, or a queryset of AGS (a subquery, e.g. one page
    of Kreise); then only those Kreise get the sums (the others are listed with None, e.g.
    for a choice box or a page count) and the database computes them for those alone.
    """
    quartal = quartal or Quartal.current()
    bescheide = bescheide_at_quartalsende(quartal)
    abrufe = mittelabrufe_at_quartalsende(quartal)
    leistungen = (
        OzgLeistung.objects.order_by()
        .annotate(eins=F("pk") * 0)
        .values("eins")
        .annotate(n=Count("pk"))
        .values("n")
    )
    summen = {
        "anzahl_kommunen": _count(Kommune.objects.all(), "kreis_id"),
        "einwohner": _sum(
            Kommune.objects.all(), "kreis_id", "einwohner", output_field=IntegerField()
        ),
        "ohne_einwohner": _count(Kommune.objects.filter(einwohner__isnull=True), "kreis_id"),
        "ozg_online": _count(
            ozg_stand_zum_quartalsende(quartal).filter(online=True), "kommune__kreis_id"
        ),
        "ozg_leistungen": Coalesce(Subquery(leistungen, output_field=IntegerField()), 0),
        "anzahl_bescheide": _count(bescheide, "kreis_id"),
        "bewilligt": _sum(bescheide, "kreis_id", "bewilligter_betrag"),
        "abgerufen": _sum(abrufe, "bescheid__kreis_id", "betrag"),
    }
    if nur is not None:
        bedingung = Q(ags__in=nur) if isinstance(nur, QuerySet) else Q(ags=nur)
        summen = {
            name: Case(When(bedingung, then=wert), default=None, output_field=wert.output_field)
            for name, wert in summen.items()
        }
    return list(
        Kreis.objects.filter(ags__in=_ids(kreis_ids))
        .annotate(**summen)
        .select_related("region")
        .order_by("name", "ags")
    )


def ozg_abdeckung(kreis: Kreis) -> float | None:
    """Share of (Kommune × OZG service) pairs that are online, in percent."""
    return _anteil(kreis.ozg_online, kreis.anzahl_kommunen * kreis.ozg_leistungen)


@dataclass(frozen=True)
class Groesse:
    """A Kreis's figures set against its size, for a fair comparison of small and large
    Kreise (issue 15, point 6). None = "keine Daten": the Kreis has nothing of the kind in
    the portal yet, or a population figure is missing."""

    kommunen: int | None
    einwohner: int | None
    massnahmen: int | None
    massnahmen_je_kommune: float | None
    massnahmen_je_10000: float | None
    bewilligt: Decimal | None
    bewilligt_je_einwohner: Decimal | None


def groesse(kreis: Kreis, anzahl_massnahmen: int) -> Groesse:
    """`kreis` from `kreise_with_summen` (with its sums) and its number of Maßnahmen."""
    einwohner = kreis.einwohner if kreis.einwohner and not kreis.ohne_einwohner else None
    massnahmen = anzahl_massnahmen or None
    bewilligt = Decimal(kreis.bewilligt) if kreis.anzahl_bescheide else None
    return Groesse(
        kommunen=kreis.anzahl_kommunen or None,
        einwohner=einwohner,
        massnahmen=massnahmen,
        massnahmen_je_kommune=(
            round(massnahmen / kreis.anzahl_kommunen, 2)
            if massnahmen and kreis.anzahl_kommunen
            else None
        ),
        massnahmen_je_10000=(
            round(10000 * massnahmen / einwohner, 2) if massnahmen and einwohner else None
        ),
        bewilligt=bewilligt,
        bewilligt_je_einwohner=(
            (bewilligt / einwohner).quantize(Decimal("0.01"))
            if bewilligt is not None and einwohner
            else None
        ),
    )


def abruf_quote(kreis: Kreis) -> float | None:
    if not kreis.bewilligt:
        return None
    return round(float(100 * Decimal(kreis.abgerufen) / Decimal(kreis.bewilligt)), 1)


@dataclass(frozen=True)
class TrendPunkt:
    quartal: Quartal
    anzahl: int
    fortschritt: float | None


def quartale_until(quartal: Quartal, anzahl: int = TREND_QUARTALE) -> list[Quartal]:
    """The `anzahl` quarters ending with `quartal`, oldest first."""
    return [quartal.previous(steps) for steps in range(anzahl - 1, -1, -1)]


def trend(
    kreis_ids: Iterable[str],
    *,
    bis: Quartal,
    handlungsfeld_id: int | None = None,
    meldungen: dict[tuple[str, str], int] | None = None,
    stand: dict[str, Zahlen] | None = None,
) -> dict[str, list[TrendPunkt]]:
    """Per Kreis and quarter: the Statusmeldungen submitted, and the average progress as of
    each quarter's end by the one definition (`Zahlen.fortschritt`).

    The last point is the figure the page shows for `bis`: `stand`, the page's own
    `sum_per_kreis(massnahmen_zahlen(...))` for `bis` (computed here when not given). The
    points before it are ended quarters, whose figures never change (core.stichtag): they
    come from the change history once and then from the cache (`_past_fortschritt`).
    `meldungen`, the counts of `meldungen_per_kreis`, may come along; a Statusmeldung can
    still arrive after its quarter, so they are always counted afresh.
    """
    kreis_ids = list(kreis_ids)
    quartale = quartale_until(bis)
    if meldungen is None:
        meldungen = meldungen_per_kreis(kreis_ids, quartale, handlungsfeld_id=handlungsfeld_id)
    if stand is None:
        stand = sum_per_kreis(
            massnahmen_zahlen(kreis_ids, quartal=bis, handlungsfeld_id=handlungsfeld_id)
        )
    frueher = _past_fortschritt(kreis_ids, quartale[:-1], handlungsfeld_id)
    ergebnis = {}
    for kreis_id in kreis_ids:
        zahlen = stand.get(kreis_id, Zahlen())
        werte = {**frueher.get(kreis_id, {}), bis: zahlen.fortschritt}
        ergebnis[kreis_id] = [
            TrendPunkt(q, meldungen.get((kreis_id, str(q)), 0), werte.get(q)) for q in quartale
        ]
    return ergebnis


TREND_CACHE_SEKUNDEN = 60 * 60 * 24 * 40


def _past_fortschritt(
    kreis_ids: list[str], quartale: list[Quartal], handlungsfeld_id: int | None
) -> dict[str, dict[Quartal, float | None]]:
    """{kreis_id: {quarter: average progress at its end}} for ended `quartale`, from the
    change history in one query for the Kreise not in the cache, then from the cache."""
    if not quartale or not kreis_ids:
        return {}
    if not all(is_expired(q) for q in quartale):
        raise ValueError("Only the figures of ended quarters may be cached.")
    generation = verlauf_stand()
    schluessel = {
        kreis_id: f"trend:{generation}:{kreis_id}:{handlungsfeld_id or 0}:{quartale[0]}"
        f":{quartale[-1]}"
        for kreis_id in kreis_ids
    }
    gefunden = cache.get_many(schluessel.values())
    ergebnis = {kreis_id: gefunden[key] for kreis_id, key in schluessel.items() if key in gefunden}
    fehlen = [kreis_id for kreis_id in kreis_ids if kreis_id not in ergebnis]
    if not fehlen:
        return ergebnis
    staende = with_validity(
        Massnahme.history.filter(
            kreis_id__in=fehlen, archiviert=False, history_date__lt=stichtag(quartale[-1])
        )
    )
    if handlungsfeld_id:
        staende = staende.filter(handlungsfeld_id=handlungsfeld_id)
    zaehlt = fortschritt_counts_q()
    spalten = {}
    for q in quartale:
        gueltig = valid_on(stichtag(q)) & zaehlt
        spalten[f"n_{q.jahr}_{q.nummer}"] = Count("history_id", filter=gueltig)
        spalten[f"s_{q.jahr}_{q.nummer}"] = Sum("fortschritt", filter=gueltig)
    zeilen = {r["kreis_id"]: r for r in staende.order_by().values("kreis_id").annotate(**spalten)}
    neu = {}
    for kreis_id in fehlen:
        zeile = zeilen.get(kreis_id, {})
        ergebnis[kreis_id] = {
            q: average(
                zeile.get(f"s_{q.jahr}_{q.nummer}") or 0, zeile.get(f"n_{q.jahr}_{q.nummer}") or 0
            )
            for q in quartale
        }
        neu[schluessel[kreis_id]] = ergebnis[kreis_id]
    cache.set_many(neu, TREND_CACHE_SEKUNDEN)
    return ergebnis


def meldungen_per_kreis(
    kreis_ids: Iterable[str], quartale: list[Quartal], *, handlungsfeld_id: int | None = None
) -> dict[tuple[str, str], int]:
    """{(kreis_id, "2026-Q3"): Statusmeldungen submitted} for `quartale` (1 query)."""
    meldungen = Statusmeldung.objects.filter(
        massnahme__kreis_id__in=_ids(kreis_ids), quartal__in=[str(q) for q in quartale]
    )
    if handlungsfeld_id:
        meldungen = meldungen.filter(massnahme__handlungsfeld_id=handlungsfeld_id)
    # Counting the (never null) Maßnahme, not the key: the index statusmeldung_quartal holds
    # both columns read, the table itself is not visited.
    return {
        (r["massnahme__kreis_id"], r["quartal"]): r["n"]
        for r in meldungen.order_by()
        .values("massnahme__kreis_id", "quartal")
        .annotate(n=Count("massnahme_id"))
    }


# How many Kreise there are: it only picks how `meldungen_je_quartal` counts (both ways
# give the same figures), so it may be an hour old.
ANZAHL_KREISE_SCHLUESSEL = "auswertung:anzahl-kreise"


def meldungen_je_quartal(
    kreis_ids: Iterable[str], quartale: list[Quartal], *, handlungsfeld_id: int | None = None
) -> dict[str, int]:
    """{"2026-Q3": Statusmeldungen submitted} over all of `kreis_ids` together: the sums of
    `meldungen_per_kreis`.

    Counted on the smaller side: for Kreise that are most of the country (a national
    region) all Statusmeldungen of the quarters less those of the Maßnahmen outside them
    (of the other Kreise, and the regions' own projects), read from the index
    statusmeldung_quartal (2 queries then); testing 700,000 Statusmeldungen one by one
    against the region's 100,000 Maßnahmen took four times as long."""
    kreis_ids = sorted(set(kreis_ids))
    meldungen = Statusmeldung.objects.filter(quartal__in=[str(q) for q in quartale])
    if handlungsfeld_id:
        meldungen = meldungen.filter(massnahme__handlungsfeld_id=handlungsfeld_id)
    anzahl_kreise = cache.get_or_set(ANZAHL_KREISE_SCHLUESSEL, Kreis.objects.count, 60 * 60)
    if 2 * len(kreis_ids) <= anzahl_kreise:
        return _per_quartal(meldungen.filter(massnahme__kreis_id__in=kreis_ids))
    draussen = Massnahme.objects.filter(
        Q(kreis__isnull=True) | Q(kreis_id__in=Kreis.objects.exclude(ags__in=kreis_ids))
    )
    abzug = _per_quartal(meldungen.filter(massnahme_id__in=draussen.values("id")))
    return {
        quartal: anzahl - abzug.get(quartal, 0)
        for quartal, anzahl in _per_quartal(meldungen).items()
        if anzahl > abzug.get(quartal, 0)
    }


def _per_quartal(meldungen) -> dict[str, int]:
    return dict(
        meldungen.order_by()
        .values("quartal")
        .annotate(n=Count("massnahme_id"))
        .values_list("quartal", "n")
    )


def kommunen_tabelle(kreis_id: str, *, quartal: Quartal) -> list[Kommune]:
    """The Kommunen of a Kreis with Maßnahmen led / taking part, OZG services online and
    how stale their Statusmeldungen are, all as they stood at the end of `quartal` (the
    Statusmeldungen at its Meldeschluss; 1 query).

    Extra annotations: `ohne_meldung` (led Maßnahmen owing a Statusmeldung without one for
    `quartal`) and `aelteste_meldung` (of the led Maßnahmen owing one, the oldest "latest
    quarter reported"; None when one of them never reported). Finished and stopped
    Maßnahmen owe none, as in the report and on the start page.
    """
    massnahmen = stand_at_quartalsende(quartal)
    meldungen = statusmeldungen_at_quartalsende(quartal).filter(quartal__lte=str(quartal))
    meldepflichtig = massnahmen.filter(meldepflichtig_q(quartal), federfuehrend_id=OuterRef("pk"))
    letzte = (
        meldungen.filter(massnahme_id=OuterRef("id")).order_by("-quartal").values("quartal")[:1]
    )
    aelteste = (
        meldepflichtig.annotate(letzte=Subquery(letzte))
        .order_by(F("letzte").asc(nulls_first=True))
        .values("letzte")[:1]
    )
    ohne = (
        meldepflichtig.exclude(
            Exists(meldungen.filter(massnahme_id=OuterRef("id"), quartal=str(quartal)))
        )
        .order_by()
        .values("federfuehrend_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    online = ozg_stand_zum_quartalsende(quartal).filter(online=True)
    # Correlated counts instead of Kommune.with_counts()'s join + GROUP BY: with GROUP BY the
    # planner walks the primary key of every Kommune in the country to get the groups sorted.
    return list(
        Kommune.objects.filter(kreis_id=kreis_id)
        .annotate(
            anzahl_federfuehrend=_count(massnahmen, "federfuehrend_id"),
            anzahl_beteiligt=_count(beteiligungen_at_quartalsende(quartal), "kommune_id"),
            anzahl_ozg_online=_count(online, "kommune_id"),
            ohne_meldung=Coalesce(Subquery(ohne, output_field=IntegerField()), 0),
            aelteste_meldung=Subquery(aelteste),
        )
        .order_by("name")
    )


def nachzufassen(kommunen: list[Kommune], limit: int = 10) -> list[Kommune]:
    """The Kommunen to follow up first: missing Statusmeldungen, longest silence first."""
    offen = [k for k in kommunen if k.ohne_meldung]
    offen.sort(
        key=lambda k: (
            k.aelteste_meldung is not None,
            k.aelteste_meldung or "",
            -k.ohne_meldung,
            k.name,
        )
    )
    return offen[:limit]


@dataclass(frozen=True)
class Frist:
    datum: dt.date
    art: str
    titel: str
    url: str
    wer: str


def across_kreis_border(user, kreis_id: str, limit: int = 20) -> list[Massnahme]:
    """Active Maßnahmen that tie the Kreis to other Kreise, as far as the user reads them,
    by title (1 query): those of other Kreise (or of the region itself) that Kommunen of
    `kreis_id` take part in (`beteiligt`, issue 15 point 1) or reuse (`hier_nachgenutzt`,
    point 4), and the Kreis's own that Kommunen of other Kreise reuse
    (`anderswo_nachgenutzt`: by how many)."""
    partner = Massnahme.beteiligte.through.objects.filter(kommune__kreis_id=kreis_id)
    hier = Nachnutzung.objects.filter(kommune__kreis_id=kreis_id)
    anderswo = Nachnutzung.objects.filter(massnahme__kreis_id=kreis_id).exclude(
        kommune__kreis_id=kreis_id
    )
    # IN over rows bounded by the Kreis (a hash join), flags only for the rows found.
    fremd = Q(pk__in=partner.values("massnahme_id")) | Q(pk__in=hier.values("massnahme_id"))
    eigen = Q(kreis_id=kreis_id, pk__in=anderswo.values("massnahme_id"))
    return list(
        Massnahme.objects.for_user(user)
        .active()
        .filter((fremd & ~Q(kreis_id=kreis_id)) | eigen)
        .annotate(
            beteiligt=Exists(partner.filter(massnahme_id=OuterRef("pk"))),
            hier_nachgenutzt=Exists(hier.filter(massnahme_id=OuterRef("pk"))),
            anderswo_nachgenutzt=_count(anderswo, "massnahme_id"),
        )
        .select_related("federfuehrend", "kreis", "region")
        .order_by("titel", "pk")[:limit]
    )


def naechste_fristen(kreis_id: str, limit: int = 6) -> list[Frist]:
    """Upcoming milestones and Verwendungsnachweise of the Kreis, soonest first (2 queries)."""
    heute = timezone.localdate()
    meilensteine = (
        Meilenstein.objects.filter(
            massnahme__kreis_id=kreis_id,
            massnahme__archiviert=False,
            erreicht_am__isnull=True,
            faellig_am__gte=heute,
        )
        .select_related("massnahme", "massnahme__federfuehrend", "massnahme__kreis")
        .order_by("faellig_am", "pk")[:limit]
    )
    nachweise = (
        Foerderbescheid.objects.filter(
            kreis_id=kreis_id,
            verwendungsnachweis_faellig__gte=heute,
        )
        .exclude(
            status__in=[
                Foerderbescheid.Status.ABGESCHLOSSEN,
                Foerderbescheid.Status.WIDERRUFEN,
                Foerderbescheid.Status.VERWENDUNGSNACHWEIS,
            ]
        )
        .select_related("zuwendungsempfaenger")
        .order_by("verwendungsnachweis_faellig", "pk")[:limit]
    )
    fristen = [
        Frist(
            m.faellig_am,
            "Meilenstein",
            f"{m.titel} ({m.massnahme.titel})",
            m.massnahme.get_absolute_url(),
            m.massnahme.federfuehrung_display,
        )
        for m in meilensteine
    ] + [
        Frist(
            b.verwendungsnachweis_faellig,
            "Verwendungsnachweis",
            b.aktenzeichen,
            b.get_absolute_url(),
            str(b.zuwendungsempfaenger),
        )
        for b in nachweise
    ]
    fristen.sort(key=lambda f: (f.datum, f.art, f.titel))
    return fristen[:limit]


def naechste_workshops(user, kreis_id: str, limit: int = 5):
    """The Kreis's next workshops and those of its region (issue 15, point 2), 1 query."""
    region = Kreis.objects.filter(ags=kreis_id).values("region_id")
    return list(
        Workshop.objects.visible_to(user)
        .filter(Q(kreis_id=kreis_id) | Q(kreis__isnull=True, region_id__in=region))
        .filter(abgesagt=False)
        .upcoming()
        .select_related("organisiert_von")
        .order_by("beginn")[:limit]
    )


def regionsprojekte(region_id: int, *, quartal: Quartal, handlungsfeld_id=None) -> list[dict]:
    """The region's own projects (issue 15, point 2) as they stood at the end of `quartal`
    (core.stichtag), by title, in one query: `id`, `titel`, `handlungsfeld_id`, `status`,
    `fortschritt`, `ampel`, `sichtbarkeit`, `anzahl_beteiligte` (how many Kommunen take part),
    `meldepflichtig` (owes a Statusmeldung for the quarter) and `gemeldet` (has one)."""
    gemeldet = Exists(
        statusmeldungen_at_quartalsende(quartal).filter(
            massnahme_id=OuterRef("id"), quartal=str(quartal)
        )
    )
    beteiligte = (
        beteiligungen_at_quartalsende(quartal)
        .filter(massnahme_id=OuterRef("id"))
        .order_by()
        .values("massnahme_id")
        .annotate(n=Count("kommune_id"))
        .values("n")
    )
    queryset = stand_at_quartalsende(quartal).filter(kreis_id__isnull=True, region_id=region_id)
    if handlungsfeld_id:
        queryset = queryset.filter(handlungsfeld_id=handlungsfeld_id)
    return list(
        queryset.annotate(
            gemeldet=gemeldet,
            meldepflichtig=ExpressionWrapper(meldepflichtig_q(quartal), BooleanField()),
            anzahl_beteiligte=Coalesce(Subquery(beteiligte, output_field=IntegerField()), 0),
        )
        .order_by("titel", "id")
        .values(
            "id",
            "titel",
            "handlungsfeld_id",
            "status",
            "fortschritt",
            "ampel",
            "sichtbarkeit",
            "anzahl_beteiligte",
            "meldepflichtig",
            "gemeldet",
        )
    )


def regionsworkshops(user, region_id: int, *, quartal: Quartal, limit: int = 10):
    """The workshops of the region itself (issue 15, point 2) that the user may see: those
    of `quartal`, and for the running quarter also the coming ones; soonest first, with
    `anzahl_kommunen` (Kommunen registered or present). 1 query."""
    queryset = (
        Workshop.objects.visible_to(user)
        .filter(kreis__isnull=True, region_id=region_id, beginn__gte=stichtag(quartal.previous()))
        .annotate(
            anzahl_kommunen=Count(
                "teilnahmen__kommune",
                filter=Q(teilnahmen__status__in=Teilnahme.AKTIV),
                distinct=True,
            )
        )
        .order_by("beginn", "pk")
    )
    if is_expired(quartal):
        queryset = queryset.filter(beginn__lt=stichtag(quartal))
    return list(queryset[:limit])


def geteilte_massnahmen(kreis_ids: Iterable[str], *, handlungsfeld_id=None, limit: int = 20):
    """Maßnahmen of the Kreise with participating Kommunen in another Kreis (1 query).

    Returns (the first `limit` Maßnahmen by title, each with `beteiligte_liste`, the total
    count). One query: the partner rows of those Maßnahmen with their Maßnahme and Kommune.
    """
    through = Massnahme.beteiligte.through
    # From the participation rows (IN, a hash join) and the total as an uncorrelated count:
    # with a correlated EXISTS and COUNT(*) OVER (), PostgreSQL sorted all Maßnahmen of a
    # national region by title and tested them one by one (1.9 s for 100,000 Maßnahmen).
    fremd = (
        through.objects.filter(massnahme__kreis_id__in=_ids(kreis_ids), massnahme__archiviert=False)
        .exclude(kommune__kreis_id=F("massnahme__kreis_id"))
        .order_by()
    )
    if handlungsfeld_id:
        fremd = fremd.filter(massnahme__handlungsfeld_id=handlungsfeld_id)
    ids = fremd.values("massnahme_id")
    # Uncorrelated: the database counts once (an InitPlan), not per row.
    gesamt = Subquery(
        fremd.annotate(eins=F("pk") * 0)
        .values("eins")
        .annotate(n=Count("massnahme_id", distinct=True))
        .values("n"),
        output_field=IntegerField(),
    )
    erste = Massnahme.objects.filter(pk__in=ids).order_by("titel", "pk").values("pk")[:limit]
    zeilen = (
        through.objects.filter(massnahme_id__in=erste)
        .select_related("massnahme__kreis", "massnahme__federfuehrend", "kommune__kreis")
        .annotate(gesamt=gesamt)
        .order_by("massnahme__titel", "massnahme_id", "kommune__kreis__name", "kommune__name")
    )
    return _grouped(zeilen, "beteiligte_liste", lambda zeile: zeile.kommune)


def _grouped(zeilen, name: str, wert) -> tuple[list[Massnahme], int]:
    """The Maßnahmen of `zeilen` (rows carrying `massnahme` and `gesamt`), in the rows'
    order, each with the list `name` of `wert(row)`; and the total."""
    massnahmen: dict[int, Massnahme] = {}
    gesamt = 0
    for zeile in zeilen:
        gesamt = zeile.gesamt
        massnahme = massnahmen.setdefault(zeile.massnahme_id, zeile.massnahme)
        massnahme.__dict__.setdefault(name, []).append(wert(zeile))
    return list(massnahmen.values()), gesamt or 0


def nachnutzungen(kreis_ids: Iterable[str], *, handlungsfeld_id=None, limit: int = 20):
    """Which solution spread to which Kommunen: the Maßnahmen of the Kreise that others
    reuse, most reused first, with the reusing Kommunen (1 query).

    Returns (the first `limit` Maßnahmen, each with `nachnutzungen_liste` and
    `anzahl_nachnutzungen`, the total count). One query: the Nachnutzungen of those
    Maßnahmen with their Maßnahme and Kommune.
    """
    queryset = Massnahme.objects.filter(kreis_id__in=_ids(kreis_ids), archiviert=False).filter(
        Exists(Nachnutzung.objects.filter(massnahme_id=OuterRef("pk")))
    )
    if handlungsfeld_id:
        queryset = queryset.filter(handlungsfeld_id=handlungsfeld_id)
    anzahl = (
        Nachnutzung.objects.filter(massnahme_id=OuterRef("pk"))
        .order_by()
        .values("massnahme_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    erste = (
        queryset.annotate(anzahl_nachnutzungen=Subquery(anzahl, output_field=IntegerField()))
        .order_by("-anzahl_nachnutzungen", "titel", "pk")
        .values("pk")[:limit]
    )
    gesamt = Subquery(
        queryset.order_by()
        .annotate(eins=F("pk") * 0)
        .values("eins")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )
    zeilen = (
        Nachnutzung.objects.filter(massnahme_id__in=erste)
        .select_related("massnahme__kreis", "massnahme__federfuehrend", "kommune__kreis")
        .annotate(gesamt=gesamt)
        .order_by("kommune__name", "pk")
    )
    massnahmen, anzahl_gesamt = _grouped(zeilen, "nachnutzungen_liste", lambda zeile: zeile)
    for massnahme in massnahmen:
        massnahme.anzahl_nachnutzungen = len(massnahme.nachnutzungen_liste)
    massnahmen.sort(key=lambda m: (-m.anzahl_nachnutzungen, m.titel, m.pk))
    return massnahmen, anzahl_gesamt

"""The OZG matrix of one Kreis: services (rows) × Kommunen (columns), built in a fixed
number of queries whatever the size of the Kreis or of the rest of the country.

Coverage: a service is flächendeckend online in a Kreis only when every Kommune of the
Kreis offers it online (`Umsetzungsstand.online`, see ONLINE_AB).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape
from urllib.parse import quote

from django.db.models import Count, QuerySet
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from kommunen.models import Kommune

from .models import OzgLeistung, Umsetzungsstand


@dataclass
class Cell:
    """One cell: a Kommune's state of one service (None: not rated yet)."""

    leistung: OzgLeistung
    kommune: Kommune
    stand: Umsetzungsstand | CellState | None
    darf_bearbeiten: bool = False

    @property
    def id(self) -> str:
        return f"zelle-{self.leistung.pk}-{self.kommune.pk}"

    @property
    def online(self) -> bool:
        return bool(self.stand and self.stand.online)

    @property
    def anzeige(self) -> str:
        return self.stand.stufe_display if self.stand else "–"

    @property
    def nachgenutzt_von(self) -> Kommune | Nachnutzer | None:
        return self.stand.nachgenutzt_von if self.stand and self.stand.nachgenutzt_von_id else None

    @property
    def beschreibung(self) -> str:
        """What a screen reader announces, e.g. "Detmold, Wohngeld: Reifegrad 3 von 7, online"."""
        text = f"{self.kommune.name}, {self.leistung.name}: "
        if self.stand is None:
            return text + "noch nicht bewertet"
        stand = self.stand
        text += f"Reifegrad {stand.reifegrad} von {stand.max_stufe}"
        if stand.altes_modell:
            text += f" nach dem älteren Reifegradmodell {stand.reifegradmodell}"
        text += ", online" if stand.online else ", nicht online"
        if self.nachgenutzt_von:
            text += f", Lösung nachgenutzt von {self.nachgenutzt_von.name}"
        return text

    @property
    def url(self) -> str:
        return _url("ozg:stand", self.leistung.pk, self.kommune.pk)

    @property
    def zelle_url(self) -> str:
        return _url("ozg:zelle", self.leistung.pk, self.kommune.pk)

    def as_html(self, *, zurueck: str = "", gespeichert: bool = False, fokus: bool = False):
        """The cell as shown (`ozg/zelle.html#anzeige`): the rating, a link to the inline
        form for whoever may edit it, and what a screen reader announces. Built here
        rather than by an {% include %} per cell: a Kreis's matrix has about a thousand
        cells, and the template engine took most of the page's time for them (issue 19)."""
        stand = self.stand
        klassen = ["ozg-zelle"]
        if stand:
            klassen.append(f"ozg-stufe-{stand.reifegrad}")
            if stand.altes_modell:
                klassen.append("ozg-zelle--alt")
        else:
            klassen.append("ozg-zelle--leer")
        if self.online:
            klassen.append("ozg-zelle--online")
        # Plain strings with one html.escape per value: format_html's conditional escaping
        # of every argument cost more than the rest of the cell.
        beschreibung = escape(self.beschreibung)
        ansage = f' data-announce="Gespeichert. {beschreibung}"' if gespeichert else ""
        wert = str(stand.reifegrad) if stand else "–"
        if self.online:
            wert += '<span class="ozg-zelle__online">✓</span>'
        if stand and stand.altes_modell:
            wert += f'<sup class="ozg-zelle__modell">{escape(stand.reifegradmodell)}</sup>'
        if self.nachgenutzt_von:
            wert += '<sup class="ozg-marke">N</sup>'
        bearbeiten = " – bearbeiten" if self.darf_bearbeiten else ""
        spans = (
            f'\n<span class="ozg-zelle__wert" aria-hidden="true">{wert}</span>\n'
            f'<span class="visually-hidden">{beschreibung}{bearbeiten}</span>\n'
        )
        if self.darf_bearbeiten:
            ziel = escape(self.url + (f"?zurueck={quote(zurueck)}" if zurueck else ""))
            autofokus = " autofocus" if gespeichert or fokus else ""
            spans = (
                f'<a class="ozg-zelle__link" href="{ziel}" data-hx-get="{ziel}" '
                f'data-hx-target="#{self.id}"{autofokus}>{spans}</a>'
            )
        return mark_safe(f'<div class="{" ".join(klassen)}"{ansage}>\n{spans}\n</div>')


@lru_cache(maxsize=16)
def _url_vorlage(name: str, prefix: str) -> str:
    """The cell URL of `name` with placeholders, reversed once per script prefix."""
    url = reverse(name, kwargs={"leistung": 1000000001, "kommune": 1000000002})
    return url.replace("1000000001", "{leistung}").replace("1000000002", "{kommune}")


def _url(name: str, leistung: int, kommune: int) -> str:
    return _url_vorlage(name, get_script_prefix()).format(leistung=leistung, kommune=kommune)


# Up to this many missing Kommunen are named in the coverage column; more are counted.
FEHLEND_NAMENTLICH = 5


@dataclass
class Row:
    """One service with its cells (the columns shown) and its coverage in the whole Kreis."""

    leistung: OzgLeistung
    zellen: list[Cell]
    anzahl_kommunen: int
    online: int = 0

    @property
    def id(self) -> str:
        return f"abdeckung-{self.leistung.pk}"

    @property
    def fehlend(self) -> list[Kommune]:
        """The Kommunen that do not offer the service online yet (all columns shown), named
        only while there are few of them; `count_missing` counts them in any case."""
        if len(self.zellen) < self.anzahl_kommunen:
            return []
        fehlend = [z.kommune for z in self.zellen if not z.online]
        return fehlend if len(fehlend) <= FEHLEND_NAMENTLICH else []

    @property
    def count_missing(self) -> int:
        return max(self.anzahl_kommunen - self.online, 0)

    @property
    def flaechendeckend(self) -> bool:
        return self.anzahl_kommunen > 0 and self.online >= self.anzahl_kommunen

    def abdeckung_html(self, *, oob: bool = False):
        """The row's coverage cell (`ozg/matrix.html#zeile`): built here, not by an
        {% include %} per row (about a tenth of the page's time for 60 rows, issue 19)."""
        swap = ' data-hx-swap-oob="true"' if oob else ""
        kopf = (
            f'<div id="{self.id}"{swap}>\n'
            f"  <strong>{localize(self.online)} von {localize(self.anzahl_kommunen)}</strong>\n  "
        )
        if self.flaechendeckend:
            inhalt = '<span class="ozg-flaechendeckend">flächendeckend</span>\n  '
        elif fehlend := self.fehlend:
            namen = ", ".join(escape(str(kommune)) for kommune in fehlend)
            inhalt = f'<span class="ozg-fehlend">fehlt in: {namen}</span>\n  '
        else:
            anzahl = self.count_missing
            text = ngettext(
                "fehlt in %(anzahl)s Kommune", "fehlt in %(anzahl)s Kommunen", anzahl
            ) % {"anzahl": localize(anzahl)}
            inhalt = f'<span class="ozg-fehlend">{text}</span>'
        return mark_safe(f"{kopf}{inhalt}\n</div>")

    def zellen_html(self, *, zurueck: str = ""):
        """The row's cells, each `<td>` with `Cell.as_html` (one call per row instead
        of a loop in the template over about a thousand cells, issue 19)."""
        return mark_safe(
            "".join(
                f'<td id="{zelle.id}" class="ozg-matrix__zelle">\n'
                f"{zelle.as_html(zurueck=zurueck)}\n</td>"
                for zelle in self.zellen
            )
        )


@dataclass
class Column:
    """One Kommune with its coverage over all services of the filter (not only this page)."""

    kommune: Kommune
    online: int
    von: int
    darf_bearbeiten: bool = False

    @property
    def id(self) -> str:
        return f"spalte-{self.kommune.pk}"

    @property
    def prozent(self) -> int:
        return round(100 * self.online / self.von) if self.von else 0


@dataclass
class Gruppe:
    """The rows of one Themenfeld on the page; folds as one `<details>`."""

    nummer: int
    themenfeld: str
    zeilen: list[Row]

    @property
    def id(self) -> str:
        return f"themenfeld-{self.nummer}"

    @property
    def flaechendeckend(self) -> int:
        return sum(1 for z in self.zeilen if z.flaechendeckend)


@dataclass
class Matrix:
    """`spalten` are the Kommunen shown (all of the Kreis, or one); `anzahl_kommunen` all of
    the Kreis, which coverage always counts."""

    spalten: list[Column]
    zeilen: list[Row]
    anzahl_leistungen: int
    flaechendeckend: int
    online_per_leistung: dict[int, int] = field(default_factory=dict)
    anzahl_kommunen: int = 0

    @property
    def gruppen(self) -> list[Gruppe]:
        """The rows by Themenfeld, in the order of the page (sorted by Themenfeld)."""
        gruppen: list[Gruppe] = []
        for zeile in self.zeilen:
            if not gruppen or gruppen[-1].themenfeld != zeile.leistung.themenfeld:
                gruppen.append(Gruppe(len(gruppen) + 1, zeile.leistung.themenfeld, []))
            gruppen[-1].zeilen.append(zeile)
        return gruppen

    def zeile(self, leistung_id: int) -> Row | None:
        return next((z for z in self.zeilen if z.leistung.pk == leistung_id), None)

    def gruppe_of(self, leistung_id: int) -> Gruppe | None:
        return next(
            (g for g in self.gruppen if any(z.leistung.pk == leistung_id for z in g.zeilen)), None
        )

    def spalte(self, kommune_id: int) -> Column | None:
        return next((s for s in self.spalten if s.kommune.pk == kommune_id), None)

    @cached_property
    def kopf_spalten(self):
        """The column headers (`ozg/matrix.html#kopf`), one per Kommune shown: the same in
        the summary table and in every Themenfeld's table, so built once per page."""
        return mark_safe(
            "".join(
                f'<th scope="col" class="ozg-matrix__kommune"><a href="'
                f'{escape(reverse("kommunen:detail", kwargs={"slug": spalte.kommune.slug}))}">'
                f"{escape(spalte.kommune.name)}</a></th>"
                for spalte in self.spalten
            )
        )


@dataclass(frozen=True, slots=True)
class Nachnutzer:
    """The Kommune whose solution a cell reuses, as far as the cell names it."""

    pk: int
    name: str


@dataclass(frozen=True, slots=True)
class CellState:
    """An Umsetzungsstand as a matrix cell reads it, loaded as plain values.

    A Kreis's page has about a thousand cells; building a model instance per cell (init
    signals, every date and timestamp parsed) took a third of the page's time (issue 19).
    The properties are the model's own, so a cell reads the same as from the model.
    """

    leistung_id: int
    kommune_id: int
    reifegradmodell: str
    reifegrad: int
    online: bool
    nachgenutzt_von_id: int | None
    nachgenutzt_von: Nachnutzer | None

    max_stufe = Umsetzungsstand.max_stufe
    altes_modell = Umsetzungsstand.altes_modell
    stufe_display = Umsetzungsstand.stufe_display


def zellen_for(
    leistungen: Sequence[OzgLeistung], kommunen: Sequence[Kommune]
) -> dict[tuple[int, int], CellState]:
    """The states of these services in these Kommunen, by (leistung id, kommune id)."""
    if not leistungen or not kommunen:
        return {}
    zeilen = (
        Umsetzungsstand.objects.filter(
            leistung_id__in=[leistung.pk for leistung in leistungen],
            kommune_id__in=[k.pk for k in kommunen],
        )
        .order_by()
        .values_list(
            "leistung_id",
            "kommune_id",
            "reifegradmodell",
            "reifegrad",
            "online",
            "nachgenutzt_von_id",
            "nachgenutzt_von__name",
        )
    )
    return {
        (leistung_id, kommune_id): CellState(
            leistung_id,
            kommune_id,
            modell,
            reifegrad,
            online,
            von_id,
            Nachnutzer(von_id, von_name) if von_id else None,
        )
        for leistung_id, kommune_id, modell, reifegrad, online, von_id, von_name in zeilen
    }


def online_per_leistung(leistungen: QuerySet[OzgLeistung], kreis_id: str) -> dict[int, int]:
    """Per service of the filter: in how many Kommunen of the Kreis it is online."""
    return dict(
        Umsetzungsstand.objects.filter(
            kommune__kreis_id=kreis_id, online=True, leistung_id__in=leistungen.values("pk")
        )
        .values_list("leistung_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def online_per_kommune(leistungen: QuerySet[OzgLeistung], kommunen: Iterable[Kommune]) -> dict:
    """Per Kommune: how many services of the filter it offers online."""
    return dict(
        Umsetzungsstand.objects.filter(
            kommune_id__in=[k.pk for k in kommunen],
            online=True,
            leistung_id__in=leistungen.values("pk"),
        )
        .values_list("kommune_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def matrix(
    *,
    kreis_id: str,
    kommunen: Sequence[Kommune],
    leistungen_gefiltert: QuerySet[OzgLeistung],
    anzahl_leistungen: int,
    seite: Sequence[OzgLeistung],
    darf_bearbeiten: Callable[[Kommune], bool],
    spalten_kommunen: Sequence[Kommune] | None = None,
) -> Matrix:
    """The matrix of one page of services; coverage figures over the whole filter.

    `kommunen` are all Kommunen of the Kreis; `spalten_kommunen` those shown as columns
    (default: all). Three queries: the cells of the page, online counts per service and
    per Kommune.
    """
    gezeigt = list(kommunen if spalten_kommunen is None else spalten_kommunen)
    staende = zellen_for(seite, gezeigt)
    je_leistung = online_per_leistung(leistungen_gefiltert, kreis_id)
    je_kommune = online_per_kommune(leistungen_gefiltert, gezeigt)
    bearbeitbar = {k.pk: darf_bearbeiten(k) for k in gezeigt}
    zeilen = [
        Row(
            leistung=leistung,
            zellen=[
                Cell(leistung, k, staende.get((leistung.pk, k.pk)), bearbeitbar[k.pk])
                for k in gezeigt
            ],
            anzahl_kommunen=len(kommunen),
            online=je_leistung.get(leistung.pk, 0),
        )
        for leistung in seite
    ]
    spalten = [
        Column(k, je_kommune.get(k.pk, 0), anzahl_leistungen, bearbeitbar[k.pk]) for k in gezeigt
    ]
    flaechendeckend = sum(1 for n in je_leistung.values() if n >= len(kommunen)) if kommunen else 0
    return Matrix(spalten, zeilen, anzahl_leistungen, flaechendeckend, je_leistung, len(kommunen))


def zelle(leistung: OzgLeistung, kommune: Kommune, user) -> Cell:
    """One cell, loaded on its own (after an inline edit)."""
    stand = (
        Umsetzungsstand.objects.filter(leistung=leistung, kommune=kommune)
        .select_related("nachgenutzt_von")
        .first()
    )
    probe = stand or Umsetzungsstand(leistung=leistung, kommune=kommune)
    return Cell(leistung, kommune, stand, user.has_perm("ozg.change_umsetzungsstand", probe))

"""The OZG matrix of one Kreis: services (rows) × Kommunen (columns), built in a fixed
number of queries whatever the size of the Kreis or of the rest of the country.

Coverage: a service is flächendeckend online in a Kreis only when every Kommune of the
Kreis offers it online (`Umsetzungsstand.online`, see ONLINE_AB).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse

from kommunen.models import Kommune

from .models import OzgLeistung, Umsetzungsstand


@dataclass
class Zelle:
    """One cell: a Kommune's state of one service (None: not rated yet)."""

    leistung: OzgLeistung
    kommune: Kommune
    stand: Umsetzungsstand | None
    darf_bearbeiten: bool = False

    @property
    def id(self) -> str:
        return f"zelle-{self.leistung.pk}-{self.kommune.pk}"

    @property
    def online(self) -> bool:
        return bool(self.stand and self.stand.online)

    @property
    def anzeige(self) -> str:
        return self.stand.stufe_anzeige if self.stand else "–"

    @property
    def nachgenutzt_von(self) -> Kommune | None:
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
        return reverse(
            "ozg:stand", kwargs={"leistung": self.leistung.pk, "kommune": self.kommune.pk}
        )

    @property
    def zelle_url(self) -> str:
        return reverse(
            "ozg:zelle", kwargs={"leistung": self.leistung.pk, "kommune": self.kommune.pk}
        )


@dataclass
class Zeile:
    """One service with its cells and its coverage in the Kreis."""

    leistung: OzgLeistung
    zellen: list[Zelle]
    anzahl_kommunen: int
    online: int = 0

    @property
    def fehlend(self) -> list[Kommune]:
        """The Kommunen that do not offer the service online yet."""
        return [z.kommune for z in self.zellen if not z.online]

    @property
    def flaechendeckend(self) -> bool:
        return self.anzahl_kommunen > 0 and self.online >= self.anzahl_kommunen


@dataclass
class Spalte:
    """One Kommune with its coverage over all services of the filter (not only this page)."""

    kommune: Kommune
    online: int
    von: int
    darf_bearbeiten: bool = False

    @property
    def prozent(self) -> int:
        return round(100 * self.online / self.von) if self.von else 0


@dataclass
class Matrix:
    spalten: list[Spalte]
    zeilen: list[Zeile]
    anzahl_leistungen: int
    flaechendeckend: int
    online_je_leistung: dict[int, int] = field(default_factory=dict)


def zellen_fuer(
    leistungen: Sequence[OzgLeistung], kommunen: Sequence[Kommune]
) -> dict[tuple[int, int], Umsetzungsstand]:
    """The states of these services in these Kommunen, by (leistung id, kommune id)."""
    if not leistungen or not kommunen:
        return {}
    staende = Umsetzungsstand.objects.filter(
        leistung_id__in=[leistung.pk for leistung in leistungen],
        kommune_id__in=[k.pk for k in kommunen],
    ).select_related("nachgenutzt_von")
    return {(s.leistung_id, s.kommune_id): s for s in staende}


def online_je_leistung(leistungen: QuerySet[OzgLeistung], kreis_id: str) -> dict[int, int]:
    """Per service of the filter: in how many Kommunen of the Kreis it is online."""
    return dict(
        Umsetzungsstand.objects.filter(
            kommune__kreis_id=kreis_id, online=True, leistung_id__in=leistungen.values("pk")
        )
        .values_list("leistung_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def online_je_kommune(leistungen: QuerySet[OzgLeistung], kommunen: Iterable[Kommune]) -> dict:
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
) -> Matrix:
    """The matrix of one page of services; coverage figures over the whole filter.

    Three queries: the cells of the page, online counts per service and per Kommune.
    """
    staende = zellen_fuer(seite, kommunen)
    je_leistung = online_je_leistung(leistungen_gefiltert, kreis_id)
    je_kommune = online_je_kommune(leistungen_gefiltert, kommunen)
    bearbeitbar = {k.pk: darf_bearbeiten(k) for k in kommunen}
    zeilen = [
        Zeile(
            leistung=leistung,
            zellen=[
                Zelle(leistung, k, staende.get((leistung.pk, k.pk)), bearbeitbar[k.pk])
                for k in kommunen
            ],
            anzahl_kommunen=len(kommunen),
            online=je_leistung.get(leistung.pk, 0),
        )
        for leistung in seite
    ]
    spalten = [
        Spalte(k, je_kommune.get(k.pk, 0), anzahl_leistungen, bearbeitbar[k.pk]) for k in kommunen
    ]
    flaechendeckend = sum(1 for n in je_leistung.values() if n >= len(kommunen)) if kommunen else 0
    return Matrix(spalten, zeilen, anzahl_leistungen, flaechendeckend, je_leistung)


def zelle(leistung: OzgLeistung, kommune: Kommune, user) -> Zelle:
    """One cell, loaded on its own (after an inline edit)."""
    stand = (
        Umsetzungsstand.objects.filter(leistung=leistung, kommune=kommune)
        .select_related("nachgenutzt_von")
        .first()
    )
    probe = stand or Umsetzungsstand(leistung=leistung, kommune=kommune)
    return Zelle(leistung, kommune, stand, user.has_perm("ozg.change_umsetzungsstand", probe))

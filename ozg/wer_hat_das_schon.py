"""„Wer hat das schon?“ (issue 15, point 5): what a Kommune lacks that others already have.

Two lists for one Kommune, both read through the viewer's own rights:

- the OZG services it does not offer online that other Kommunen of its region do (the one
  online threshold: `ozg.models.ONLINE_AB`, stored in `Umsetzungsstand.online`), each with
  a few of those Kommunen, the solution they reuse and their CDO as contact – name and
  Kommune for everyone, e-mail and telephone only for a viewer who may read that Kommune's
  profile (its Kreis);
- the Lösungskatalog's entries (`massnahmen.views.loesungen_for`, readable by the viewer)
  led by Kommunen of the same size class (`massnahmen.filtersets.GROESSENKLASSEN`) in the
  Handlungsfelder the Kommune works in, that it neither leads, joins nor reuses yet
  (`matching_loesungen`: also the weekly digest's "new solutions for your gaps").

A handful of queries whatever the size of the country, cached per Kommune and per set of
rights (`STAND_SCHLUESSEL` is part of the key; every save of the data behind the lists
moves it on, so a change shows at once; writes that bypass signals – bulk imports – show
after CACHE_SEKUNDEN at the latest).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from core import cachestand
from kommunen.models import Kommune, Mitgliedschaft, Rolle
from kommunen.scope import scope_for
from massnahmen.filtersets import GROESSENKLASSEN, groessenklasse, groessenklasse_q
from massnahmen.models import Massnahme, Nachnutzung
from massnahmen.views import WIEDERVERWENDBAR, loesungen_for
from ozg.models import Umsetzungsstand

STAND_SCHLUESSEL = "wer-hat-das-schon:stand"
CACHE_SEKUNDEN = 15 * 60
# How much the start page shows of each list; the rest is counted and linked.
MAX_LEISTUNGEN = 5
MAX_ANBIETER = 3
MAX_LOESUNGEN = 6


@dataclass(frozen=True)
class Kontakt:
    name: str
    email: str = ""
    telefon: str = ""


@dataclass(frozen=True)
class Anbieter:
    """A Kommune that offers the service online, with whose solution and whom to ask."""

    kommune: str
    kommune_url: str  # "" when the viewer may not open the Kommune's page
    kreis: str
    reifegrad: str
    link: str
    nachgenutzt_von: str
    kontakte: tuple[Kontakt, ...]


@dataclass(frozen=True)
class Leistungsluecke:
    ozg_id: str
    name: str
    themenfeld: str
    anzahl: int  # Kommunen of the region that offer it online
    anbieter: tuple[Anbieter, ...]


@dataclass(frozen=True)
class Loesung:
    titel: str
    url: str
    handlungsfeld: str
    federfuehrung: str
    status: str
    nachnutzungen: int
    ansprechperson: str


@dataclass(frozen=True)
class WerHatDasSchon:
    """Both lists for one Kommune as one viewer may see them."""

    groessenklasse: str  # key of GROESSENKLASSEN, "" without a population figure
    leistungen: tuple[Leistungsluecke, ...] = ()
    leistungen_gesamt: int = 0
    loesungen: tuple[Loesung, ...] = ()
    weitere_loesungen: bool = False  # more than MAX_LOESUNGEN fit
    hat_handlungsfelder: bool = False

    @property
    def groessenklasse_label(self) -> str:
        """For „Kommunen mit …“: the class's label in the dative („unter 10.000 Einwohnern“)."""
        if not self.groessenklasse:
            return ""
        return GROESSENKLASSEN[self.groessenklasse][0].replace("Einwohner", "Einwohnern")


# --- cache ---------------------------------------------------------------------------------


def stand() -> int:
    return cachestand.stand(STAND_SCHLUESSEL)


def advance_stand() -> None:
    """Void every cached list (the signals' work; the benchmark measures the cold path)."""
    cachestand.advance(STAND_SCHLUESSEL)


def daten_changed(**_kwargs) -> None:
    """A signal receiver: the data behind the lists changed, every cached list is void.
    Now, and once more after the commit: a page read between the save and the commit may
    have cached the old state under the new key."""
    advance_stand()
    transaction.on_commit(advance_stand, robust=True)


def _rights_key(user) -> str:
    """The same rights give the same lists: a short digest of the viewer's Scope."""
    scope = scope_for(user)
    teile = (
        scope.is_superuser,
        sorted(scope.cdo_kommune_ids),
        sorted(scope.readable_kreis_ids),
        sorted(scope.kreis_ids),
        sorted(scope.mitglied_region_ids),
    )
    return hashlib.sha256(repr(teile).encode()).hexdigest()[:20]


def wer_hat_das_schon(kommune: Kommune, user) -> WerHatDasSchon:
    """Both lists for `kommune` as `user` may see them (cached)."""
    schluessel = f"wer-hat-das-schon:{stand()}:{kommune.pk}:{_rights_key(user)}"
    wert = cache.get(schluessel)
    if wert is None:
        wert = compute(kommune, user)
        cache.set(schluessel, wert, CACHE_SEKUNDEN)
    return wert


# --- the computation -------------------------------------------------------------------------


def compute(kommune: Kommune, user) -> WerHatDasSchon:
    leistungen, leistungen_gesamt = _leistungsluecken(kommune, user)
    handlungsfelder = _handlungsfeld_ids(kommune)
    loesungen = matching_loesungen(kommune, user, handlungsfelder=handlungsfelder)
    liste = list(loesungen.order_by("-anzahl_nachnutzungen", "titel", "pk")[: MAX_LOESUNGEN + 1])
    return WerHatDasSchon(
        groessenklasse=groessenklasse(kommune.einwohner) or "",
        leistungen=tuple(leistungen),
        leistungen_gesamt=leistungen_gesamt,
        loesungen=tuple(_loesung(m) for m in liste[:MAX_LOESUNGEN]),
        weitere_loesungen=len(liste) > MAX_LOESUNGEN,
        hat_handlungsfelder=bool(handlungsfelder),
    )


def _handlungsfeld_ids(kommune: Kommune) -> list[int]:
    """The Handlungsfelder the Kommune works in: of the active Maßnahmen it leads or joins
    (one query, two index lookups; as a subquery with OR the planner scans every Maßnahme)."""
    aktiv = Massnahme.objects.active().order_by()
    return sorted(
        set(
            aktiv.filter(federfuehrend=kommune)
            .values_list("handlungsfeld_id", flat=True)
            .union(aktiv.filter(beteiligte=kommune).values_list("handlungsfeld_id", flat=True))
        )
    )


def matching_loesungen(kommune: Kommune, user, *, handlungsfelder=None) -> QuerySet:
    """The catalogue entries `user` may read that fit `kommune`'s gaps: led by a Kommune of
    its size class, in a Handlungsfeld it works in, not yet led, joined or reused by it.
    The one definition for the start page, the Kommune's page and the weekly digest."""
    klasse = groessenklasse(kommune.einwohner)
    if handlungsfelder is None:
        handlungsfelder = _handlungsfeld_ids(kommune) if klasse else []
    if not klasse or not handlungsfelder:
        return loesungen_for(user).none()
    schon_dabei = Massnahme.beteiligte.through.objects.filter(kommune=kommune).values(
        "massnahme_id"
    )
    nutzt_schon = Nachnutzung.objects.filter(kommune=kommune).values("massnahme_id")
    return (
        loesungen_for(user)
        .prefetch_related(None)  # the catalogue's documents and adopters are not shown here
        # Led by a Kommune of the same region and size class: a short list of ids first, so
        # the planner walks the index on the lead instead of every Maßnahme of the country.
        .filter(
            federfuehrend_id__in=list(
                Kommune.objects.filter(
                    groessenklasse_q(klasse, feld="einwohner"),
                    kreis__region_id=kommune.kreis.region_id,
                )
                .exclude(pk=kommune.pk)
                .values_list("pk", flat=True)
            ),
            handlungsfeld_id__in=handlungsfelder,
        )
        .exclude(pk__in=schon_dabei)
        .exclude(pk__in=nutzt_schon)
    )


def _loesung(m: Massnahme) -> Loesung:
    person = m.ansprechperson
    return Loesung(
        titel=m.titel,
        url=m.get_absolute_url(),
        handlungsfeld=m.handlungsfeld.kurzname or m.handlungsfeld.name,
        federfuehrung=m.federfuehrung_display,
        status=m.get_status_display(),
        nachnutzungen=m.anzahl_nachnutzungen or 0,
        ansprechperson=(person.get_full_name() if person else "") or "",
    )


def _leistungsluecken(kommune: Kommune, user) -> tuple[list[Leistungsluecke], int]:
    """The services others of the region offer online and `kommune` does not: those most
    others offer first; per service a few of them, the Kommune's own Kreis first."""
    region_id = kommune.kreis.region_id
    angebote = (
        Umsetzungsstand.objects.filter(online=True, kommune__kreis__region_id=region_id)
        .exclude(kommune=kommune)
        .exclude(
            leistung_id__in=Umsetzungsstand.objects.filter(kommune=kommune, online=True).values(
                "leistung_id"
            )
        )
    )
    nah = Case(
        When(kommune__kreis_id=kommune.kreis_id, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    # One query: per service how many offer it (a window count) and the first few of them.
    alle = list(
        angebote.annotate(
            anzahl=Window(Count("pk"), partition_by=F("leistung_id")),
            rang=Window(
                RowNumber(),
                partition_by=F("leistung_id"),
                order_by=[nah.asc(), F("reifegrad").desc(), F("kommune__name").asc()],
            ),
        )
        .filter(rang__lte=MAX_ANBIETER)
        .select_related("leistung", "kommune__kreis", "nachgenutzt_von")
        .only(
            "leistung__ozg_id",
            "leistung__name",
            "leistung__themenfeld",
            "reifegrad",
            "reifegradmodell",
            "link",
            "kommune__name",
            "kommune__slug",
            "kommune__kreis__name",
            "kommune__kreis__typ",
            "nachgenutzt_von__name",
        )
        .order_by("-anzahl", "leistung__name", "leistung_id", "rang")
    )
    if not alle:
        return [], 0
    reihenfolge = list(dict.fromkeys(s.leistung_id for s in alle))
    oben = set(reihenfolge[:MAX_LEISTUNGEN])
    staende = [s for s in alle if s.leistung_id in oben]
    kontakte: dict[int, list[Mitgliedschaft]] = {}
    for m in (
        Mitgliedschaft.objects.filter(
            rolle=Rolle.CDO, kommune_id__in={s.kommune_id for s in staende}
        )
        .select_related("user")
        .only(
            "kommune_id",
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__telefon",
            "user__is_active",
        )
        .order_by("user__last_name", "user__first_name", "pk")
    ):
        if m.user.is_active:
            kontakte.setdefault(m.kommune_id, []).append(m)
    scope = scope_for(user)
    je_leistung: dict[int, list[Anbieter]] = {}
    for s in staende:
        darf_profil = scope.can_read_kreis(s.kommune.kreis_id)
        je_leistung.setdefault(s.leistung_id, []).append(
            Anbieter(
                kommune=s.kommune.name,
                kommune_url=s.kommune.get_absolute_url() if darf_profil else "",
                kreis=str(s.kommune.kreis),
                reifegrad=s.stufe_display,
                link=s.link,
                nachgenutzt_von=s.nachgenutzt_von.name if s.nachgenutzt_von_id else "",
                kontakte=tuple(
                    Kontakt(
                        name=m.user.get_full_name() or m.user.email,
                        email=m.user.email,
                        telefon=m.user.telefon or "",
                    )
                    if darf_profil
                    else Kontakt(name=m.user.get_full_name())
                    for m in kontakte.get(s.kommune_id, [])
                    if darf_profil or m.user.get_full_name()
                ),
            )
        )
    erste = {}
    for s in staende:
        erste.setdefault(s.leistung_id, s)
    return [
        Leistungsluecke(
            ozg_id=s.leistung.ozg_id,
            name=s.leistung.name,
            themenfeld=s.leistung.themenfeld,
            anzahl=s.anzahl,
            anbieter=tuple(je_leistung[s.leistung_id]),
        )
        for s in erste.values()
    ], len(reihenfolge)


# --- the weekly digest (issue 16, point 4) -------------------------------------------------


def new_in_katalog(loesungen: QuerySet, *, seit, bis) -> QuerySet:
    """Those of `loesungen` that entered the Lösungskatalog in [seit, bis): the first moment
    their change history shows them finished or in Umsetzung and active (`im_katalog_seit`;
    without history, e.g. bulk-loaded, their creation), oldest first."""
    erster_eintrag = (
        Massnahme.history.filter(id=OuterRef("pk"), status__in=WIEDERVERWENDBAR, archiviert=False)
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return (
        loesungen.annotate(im_katalog_seit=Coalesce(Subquery(erster_eintrag), F("erstellt_am")))
        .filter(im_katalog_seit__gte=seit, im_katalog_seit__lt=bis)
        .order_by("im_katalog_seit", "pk")
    )

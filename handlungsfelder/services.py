"""Kennzahlen against their targets: values per quarter (typed or derived), the linear
target path from baseline to target, "on track", and the report section Zielerreichung.

Values of a Kennzahl per quarter come from two places:
- `quelle = manuell`: the stored KennzahlWert rows (per Kommune or for the Kreis);
- any other `quelle`: the source registered under that key (`handlungsfelder.quellen`),
  computed on the fly as of each quarter's end and never stored.

For a Kennzahl measured per Kommune, the Kreis value of a quarter is the mean over the
Kommunen that have a value (typed: those that reported; derived: every Kommune of the Kreis).

All evaluation is batched: `evaluate()` for any number of Kennzahlen costs one query for the
typed values plus at most one call per (source, level), whatever the number of Kennzahlen,
Kommunen or quarters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.quartal import Quartal
from kommunen.models import Kommune, Kreis

from .models import Kennzahl, KennzahlWert
from .quellen import QUELLEN

# At most this many quarters are evaluated per Kennzahl (ten years), so a mistyped baseline
# date of 1900 or a target of 2100 cannot make a page compute hundreds of quarters.
MAX_QUARTALE = 40
CENT = Decimal("0.01")


def quartale_between(von: Quartal, bis: Quartal) -> list[Quartal]:
    """Every quarter from `von` to `bis`, both included (empty when `bis` < `von`)."""
    if bis < von:
        return []
    anzahl = (bis.jahr - von.jahr) * 4 + bis.nummer - von.nummer + 1
    return [von.next(i) for i in range(min(anzahl, MAX_QUARTALE))]


def verlaufs_quartale(kennzahl: Kennzahl, bis: Quartal | None = None) -> list[Quartal]:
    """The quarters a Kennzahl's chart spans: from its baseline quarter to its target quarter,
    or on to the current quarter (and `bis`, the quarter evaluated) when that is later.

    Longer than MAX_QUARTALE: the far future is cut first (the chart then ends before the
    target), then the distant past; the current quarter (and `bis`) always stays inside,
    so a value entered now is always shown and reported.
    """
    von = Quartal.from_date(kennzahl.basisdatum)
    jetzt = max(Quartal.current(), bis) if bis else Quartal.current()
    ende = max(Quartal.from_date(kennzahl.zieldatum), jetzt)
    ende = min(ende, max(von.next(MAX_QUARTALE - 1), jetzt))
    return quartale_between(max(von, ende.previous(MAX_QUARTALE - 1)), ende)


def sollwert(kennzahl: Kennzahl, tag: dt.date) -> Decimal | None:
    """The value on the linear path from (basisdatum, basiswert) to (zieldatum, zielwert)
    on `tag`; the target after the target date, None before the baseline date."""
    if tag < kennzahl.basisdatum:
        return None
    if tag >= kennzahl.zieldatum:
        return Decimal(kennzahl.zielwert)
    dauer = (kennzahl.zieldatum - kennzahl.basisdatum).days
    vergangen = (tag - kennzahl.basisdatum).days
    basis = Decimal(kennzahl.basiswert)
    soll = basis + (Decimal(kennzahl.zielwert) - basis) * vergangen / dauer
    # A path between whole numbers is whole: "70 %" on the way from 50 to 80, not "69,57 %".
    return soll.quantize(Decimal(1).scaleb(-kennzahl.stellen), ROUND_HALF_UP)


def im_plan(kennzahl: Kennzahl, ist: Decimal | None, soll: Decimal | None) -> bool | None:
    """On track: at or beyond the target path in the better direction; None if unknown."""
    if ist is None or soll is None:
        return None
    if kennzahl.richtung == Kennzahl.Richtung.NIEDRIGER:
        return ist <= soll
    return ist >= soll


def mean(werte: Iterable[Decimal | None]) -> tuple[Decimal | None, int]:
    """Mean of the values that are not None, and how many there were."""
    vorhanden = [w for w in werte if w is not None]
    if not vorhanden:
        return None, 0
    return (sum(vorhanden, Decimal(0)) / len(vorhanden)).quantize(CENT, ROUND_HALF_UP), len(
        vorhanden
    )


@dataclass
class Stand:
    """A Kennzahl in one quarter: measured (Ist) and target-path (Soll) value."""

    quartal: Quartal
    ist: Decimal | None
    soll: Decimal | None
    im_plan: bool | None
    # Kennzahlen per Kommune: how many Kommunen the Kreis value is the mean of.
    anzahl_kommunen: int | None = None
    laufend: bool = False
    # After the evaluated quarter: only the target path is known.
    zukuenftig: bool = False

    @property
    def status_text(self) -> str:
        return status_text(self.im_plan, self.ist)


def status_text(plan: bool | None, ist=None) -> str:
    if ist is None:
        return "kein Wert"
    if plan is None:
        return "ohne Soll-Wert"
    return "im Plan" if plan else "nicht im Plan"


@dataclass
class Verlauf:
    """Everything the pages and the report show about one Kennzahl."""

    kennzahl: Kennzahl
    staende: list[Stand]
    # Per Kommune (ebene kommune only): kommune pk → {quarter: value}.
    je_kommune: dict[int, dict[str, Decimal | None]] = field(default_factory=dict)
    # Set by views: whether the person looking may enter values.
    darf_erfassen: bool = False

    @property
    def aktuell(self) -> Stand | None:
        """The latest quarter with a measured value."""
        return next((s for s in reversed(self.staende) if s.ist is not None), None)

    def stand(self, quartal: Quartal) -> Stand | None:
        return next((s for s in self.staende if s.quartal == quartal), None)


def _raw_values(
    kennzahlen: Sequence[Kennzahl], quartale: Sequence[Quartal]
) -> dict[int, dict[int | None, dict[str, Decimal | None]]]:
    """kennzahl pk → (kommune pk or None for the Kreis) → quarter → value, batched."""
    roh: dict[int, dict[int | None, dict[str, Decimal | None]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    manuell = [k.pk for k in kennzahlen if k.quelle == Kennzahl.Quelle.MANUELL]
    if manuell:
        zeilen = KennzahlWert.objects.filter(
            kennzahl_id__in=manuell, quartal__in=[str(q) for q in quartale]
        ).values_list("kennzahl_id", "kommune_id", "quartal", "wert")
        for kennzahl_id, kommune_id, quartal, wert in zeilen:
            roh[kennzahl_id][kommune_id][quartal] = wert

    abgeleitet: dict[tuple[str, bool], list[Kennzahl]] = defaultdict(list)
    for k in kennzahlen:
        if k.quelle != Kennzahl.Quelle.MANUELL and k.quelle in QUELLEN:
            abgeleitet[(k.quelle, k.ebene == Kennzahl.Ebene.KOMMUNE)].append(k)
    kommunen_der_kreise: dict[str, list[int]] | None = None
    for (schluessel, je_kommune), gruppe in abgeleitet.items():
        kreis_ids = sorted({k.ziel.kreis_id for k in gruppe})
        werte = QUELLEN[schluessel].berechne(
            kreis_ids=kreis_ids, quartale=list(quartale), je_kommune=je_kommune
        )
        if je_kommune and kommunen_der_kreise is None:
            kommunen_der_kreise = defaultdict(list)
            alle_kreise = {k.ziel.kreis_id for k in kennzahlen}
            for pk, kreis_id in Kommune.objects.filter(kreis_id__in=alle_kreise).values_list(
                "pk", "kreis_id"
            ):
                kommunen_der_kreise[kreis_id].append(pk)
        for k in gruppe:
            if je_kommune:
                for kommune_id in kommunen_der_kreise.get(k.ziel.kreis_id, []):
                    roh[k.pk][kommune_id] = dict(werte.get(kommune_id, {}))
            else:
                roh[k.pk][None] = dict(werte.get(k.ziel.kreis_id, {}))
    return roh


def quelle_per_kreis(
    schluessel: str, *, kreis_ids: Sequence[str], quartale: Sequence[Quartal], je_kommune: bool
) -> dict[str, dict[str, Decimal | None]]:
    """A derived source's Kreis values: its Kreis figure, or (`je_kommune`) the mean over the
    Kreis's Kommunen, the same way a Kennzahl of that level is evaluated."""
    werte = QUELLEN[schluessel].berechne(
        kreis_ids=kreis_ids, quartale=list(quartale), je_kommune=je_kommune
    )
    if not je_kommune:
        return {kreis_id: dict(werte.get(kreis_id, {})) for kreis_id in kreis_ids}
    kommunen: dict[str, list[int]] = defaultdict(list)
    for pk, kreis_id in Kommune.objects.filter(kreis_id__in=kreis_ids).values_list(
        "pk", "kreis_id"
    ):
        kommunen[kreis_id].append(pk)
    return {
        kreis_id: {
            str(q): mean(werte.get(pk, {}).get(str(q)) for pk in kommunen[kreis_id])[0]
            for q in quartale
        }
        for kreis_id in kreis_ids
    }


def vergleich_auswahl(kennzahlen) -> list[tuple[str, str]]:
    """What can be compared across Kreise: each derived source at both levels (computed for
    every Kreis), and typed Kennzahlen by name."""
    auswahl = []
    for key, label in Kennzahl.Quelle.choices:
        if key in QUELLEN:
            auswahl.append((f"q:{key}:kreis", f"{label} – Kreis insgesamt"))
            auswahl.append((f"q:{key}:kommune", f"{label} – Mittelwert der Kommunen"))
    namen = sorted(set(kennzahlen.values_list("name", flat=True)), key=str.casefold)
    return auswahl + [(f"n:{name}", name) for name in namen]


def vergleich(kennzahlen, kreise: Sequence[Kreis], wahl: str, quartale: Sequence[Quartal]):
    """Rows of the comparison: per Kreis its values over `quartale` and the Verlauf of its
    own matching Kennzahlen (target, on track). Typed Kennzahlen: Kreise that have one."""
    art, _, rest = wahl.partition(":")
    if art == "q":
        schluessel, _, ebene = rest.partition(":")
        passend = list(kennzahlen.filter(quelle=schluessel, ebene=ebene))
        berechnet = quelle_per_kreis(
            schluessel,
            kreis_ids=[k.ags for k in kreise],
            quartale=quartale,
            je_kommune=ebene == Kennzahl.Ebene.KOMMUNE,
        )
    else:
        passend, berechnet = list(kennzahlen.filter(name=rest)), None
    verlaeufe = evaluate(passend)
    je_kreis: dict[str, list[Verlauf]] = defaultdict(list)
    for k in passend:
        je_kreis[k.ziel.kreis_id].append(verlaeufe[k.pk])
    zeilen = []
    for kreis in kreise:
        eigene = je_kreis.get(kreis.ags, [])
        if berechnet is not None:
            werte = [berechnet[kreis.ags].get(str(q)) for q in quartale]
        elif eigene:
            werte = [getattr(eigene[0].stand(q), "ist", None) for q in quartale]
        else:
            continue
        zeilen.append({"kreis": kreis, "werte": werte, "verlaeufe": eigene})
    return zeilen


def evaluate(kennzahlen: Sequence[Kennzahl], bis: Quartal | None = None) -> dict[int, Verlauf]:
    """Evaluate Kennzahlen (with `ziel` loaded) over their chart quarters; values only up to
    `bis` (default: the current quarter, which counts as running)."""
    bis = bis or Quartal.current()
    laufend = Quartal.current()
    spannen = {k.pk: verlaufs_quartale(k, bis) for k in kennzahlen}
    alle = sorted({q for qs in spannen.values() for q in qs if q <= bis})
    roh = _raw_values(kennzahlen, alle) if alle else {}
    ergebnis = {}
    for k in kennzahlen:
        werte = roh.get(k.pk, {})
        je_kommune = {kid: w for kid, w in werte.items() if kid is not None}
        staende = []
        for q in spannen[k.pk]:
            soll = sollwert(k, q.ende)
            if q > bis:
                ist, anzahl = None, None
            elif k.ebene == Kennzahl.Ebene.KOMMUNE:
                ist, anzahl = mean(w.get(str(q)) for w in je_kommune.values())
            else:
                ist, anzahl = werte.get(None, {}).get(str(q)), None
            staende.append(
                Stand(
                    q,
                    ist,
                    soll,
                    im_plan(k, ist, soll),
                    anzahl,
                    laufend=q == laufend,
                    zukuenftig=q > bis,
                )
            )
        ergebnis[k.pk] = Verlauf(k, staende, je_kommune)
    return ergebnis


# --- Report section "Zielerreichung" ---------------------------------------------------------


@dataclass(frozen=True)
class Zielerreichung:
    """One row of the report section: a Kennzahl of the Kreis in the report's quarter."""

    handlungsfeld: str
    ziel: str
    kennzahl: str
    einheit: str
    richtung: str
    quelle: str
    basiswert: str
    basisdatum: dt.date
    zielwert: str
    zieldatum: dt.date
    wert: str
    soll: str
    im_plan: bool | None
    status: str


def zielerreichung(kreis: Kreis | str, quartal: Quartal | str) -> list[Zielerreichung]:
    """Every Kennzahl of the Kreis with baseline, target, the quarter's value and the value
    of the target path at the quarter's end, and whether it is on track. Two to five
    queries, independent of the number of Kennzahlen."""
    quartal = Quartal.parse(quartal)
    kreis_id = kreis.pk if isinstance(kreis, Kreis) else kreis
    kennzahlen = list(
        Kennzahl.objects.filter(ziel__kreis_id=kreis_id)
        .select_related("ziel__handlungsfeld")
        .order_by("ziel__handlungsfeld__nummer", "ziel__titel", "name")
    )
    verlaeufe = evaluate(kennzahlen, bis=quartal)
    zeilen = []
    for k in kennzahlen:
        stand = verlaeufe[k.pk].stand(quartal)
        ist = stand.ist if stand else None
        soll = sollwert(k, quartal.ende)
        plan = im_plan(k, ist, soll)
        zeilen.append(
            Zielerreichung(
                handlungsfeld=k.ziel.handlungsfeld.kurzname,
                ziel=k.ziel.titel,
                kennzahl=k.name,
                einheit=k.einheit_display,
                richtung=k.get_richtung_display(),
                quelle=k.get_quelle_display(),
                basiswert=k.format(k.basiswert),
                basisdatum=k.basisdatum,
                zielwert=k.format(k.zielwert),
                zieldatum=k.zieldatum,
                wert=k.format(ist),
                soll=k.format(soll),
                im_plan=plan,
                status=status_text(plan, ist),
            )
        )
    return zeilen

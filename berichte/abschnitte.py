"""The content of the quarterly report: one function per section, one template per section.

Extension point (e.g. a section "Zielerreichung", issue 9): write a function that takes the
`Berichtsdaten` and returns plain data (dicts, lists, numbers, strings – nothing lazy), add a
template `templates/berichte/pdf/abschnitt_<schluessel>.html` that renders the variable
`daten`, and add one `Abschnitt(...)` entry to `ABSCHNITTE` at the place the section belongs
in the report. Nothing else needs to change: `bericht_daten()` calls every section, the PDF
template includes every section's template in list order, and the heading of each section
becomes a PDF bookmark.

Queries: the rows several sections need (the Kreis's Maßnahmen with this and last quarter's
Statusmeldungen) are loaded once by `Berichtsdaten` (cached properties); each other section
makes one aggregated query of its own. The whole report costs about ten queries, whatever
the number of Maßnahmen (pinned in tests/berichte/test_bericht_service.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.utils.translation import ngettext

from core.formatting import euro, zahl
from core.quartal import Quartal
from core.stichtag import is_expired, stand_on, stichtag
from dashboards.auswertung import Zahlen, massnahmen_zahlen, sum_per_kreis
from foerderung.models import (
    Mittelabruf,
    bescheide_at_quartalsende,
    mittelabrufe_at_quartalsende,
)
from handlungsfelder.models import Handlungsfeld
from handlungsfelder.services import zielerreichung as zielerreichung_der_kennzahlen
from kommunen.models import Kommune, Kreis
from massnahmen.models import (
    FORTSCHRITT_ERKLAERUNG,
    Ampel,
    Massnahme,
    Meilenstein,
    meldepflichtig_q,
    stand_at_quartalsende,
    statusmeldungen_at_quartalsende,
)
from ozg.models import stand_at_quartalsende as ozg_stand_zum_quartalsende
from workshops.models import Teilnahme, Workshop

AMPEL_TEXT = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}
FRIST_MONATE = 6


def _plus_months(tag: dt.date, monate: int) -> dt.date:
    """The same day `monate` months later (the month's last day where it is shorter)."""
    jahr, monat = divmod(tag.year * 12 + tag.month - 1 + monate, 12)
    monat += 1
    return dt.date(jahr, monat, min(tag.day, calendar.monthrange(jahr, monat)[1]))


@dataclass
class Berichtsdaten:
    """What every section starts from: the Kreis, the quarter, the moment of generation,
    and the rows several sections share (loaded once, on first use).

    Every figure is the figure as of the quarter's end (`core.stichtag`): the Maßnahmen,
    Förderbescheide, Mittelabrufe, milestones and OZG ratings as they stood at midnight
    after its last day, read from the change history. Generating the report again later
    gives the same figures, whatever changed since.
    """

    kreis: Kreis
    quartal: Quartal
    stand: dt.datetime
    # The report's version (None for a report without a record, e.g. the command's).
    version: int | None = None
    # (key, title) of the sections in the report, for the table of contents.
    inhalt: list[tuple[str, str]] = field(default_factory=list)
    _results: dict = field(default_factory=dict, repr=False)

    def einmal(self, funktion: Callable[[Berichtsdaten], Any]) -> Any:
        """A section's data, computed once per report: sections that build on another's
        (the summary on the Förderung, the Steckbriefe on the OZG figures) ask for it here."""
        if funktion not in self._results:
            self._results[funktion] = funktion(self)
        return self._results[funktion]

    @cached_property
    def massnahmen(self) -> list[dict]:
        """The Kreis's active Maßnahmen as of the quarter's end (`stand_at_quartalsende`),
        ordered by Handlungsfeld and title, each with this quarter's Statusmeldung
        (`meldung`, or None) and last quarter's (`vorher`)."""
        zeilen = list(
            stand_at_quartalsende(self.quartal)
            .filter(kreis_id=self.kreis.pk)
            .annotate(
                meldepflichtig=ExpressionWrapper(
                    meldepflichtig_q(self.quartal), output_field=BooleanField()
                )
            )
            .order_by("handlungsfeld__nummer", "titel", "id")
            .values(
                "id",
                "titel",
                "status",
                "fortschritt",
                "ampel",
                "handlungsfeld_id",
                "federfuehrend_id",
                "federfuehrend__name",
                "meldepflichtig",
                *(["history_id"] if is_expired(self.quartal) else []),
            )
        )
        meldungen = defaultdict(dict)
        for meldung in (
            statusmeldungen_at_quartalsende(self.quartal)
            .filter(
                massnahme_id__in=[z["id"] for z in zeilen],
                quartal__in=[str(self.quartal), str(self.quartal.previous())],
            )
            .values(
                "massnahme_id",
                "quartal",
                "fortschritt",
                "ampel",
                "erreicht",
                "naechste_schritte",
                "risiken",
            )
        ):
            meldungen[meldung["massnahme_id"]][meldung["quartal"]] = meldung
        status_text = dict(Massnahme.Status.choices)
        for zeile in zeilen:
            eigene = meldungen.get(zeile["id"], {})
            zeile["pk"] = zeile["id"]
            zeile["meldung"] = eigene.get(str(self.quartal))
            zeile["vorher"] = eigene.get(str(self.quartal.previous()))
            zeile["federfuehrung"] = zeile["federfuehrend__name"] or str(self.kreis)
            zeile["status_text"] = status_text.get(zeile["status"], zeile["status"])
            # The Maßnahme's own state at the quarter's end: a Statusmeldung carries its
            # figures over to the Maßnahme, and a later edit within the quarter is newer.
            zeile["stand_fortschritt"] = zeile["fortschritt"]
            zeile["stand_ampel"] = zeile["ampel"]
            zeile["ampel_text"] = AMPEL_TEXT.get(zeile["ampel"], zeile["ampel"])
        return zeilen

    @cached_property
    def zahlen(self) -> dict[str, Zahlen]:
        """The dashboard's figures (dashboards.auswertung) for this and the previous quarter,
        per Handlungsfeld id and in total (key None): the report uses the same definitions."""
        ergebnis = {}
        for quartal in (self.quartal, self.quartal.previous()):
            je_hf = massnahmen_zahlen([self.kreis.pk], quartal=quartal)
            werte = {hf_id: z for (_kreis, hf_id), z in je_hf.items()}
            werte[None] = sum_per_kreis(je_hf).get(self.kreis.pk, Zahlen())
            ergebnis[str(quartal)] = werte
        return ergebnis

    @cached_property
    def handlungsfelder(self) -> list[dict]:
        return list(Handlungsfeld.objects.order_by("nummer").values("pk", "nummer", "kurzname"))

    @cached_property
    def kommunen(self) -> list[dict]:
        """The Kreis's Kommunen in the order the report lists them (by name)."""
        return list(
            Kommune.objects.filter(kreis=self.kreis)
            .order_by("name", "ags")
            .values("pk", "name", "typ")
        )

    @cached_property
    def vorher(self) -> dict[int, dict]:
        """{id: {status, ampel}} of the Kreis's Maßnahmen as of the previous quarter's end."""
        return {
            z["id"]: z
            for z in stand_at_quartalsende(self.quartal.previous())
            .filter(kreis_id=self.kreis.pk)
            .values("id", "status", "ampel")
        }

    @cached_property
    def fehlende(self) -> list[dict]:
        """The Maßnahmen that owed a Statusmeldung for the quarter and have none."""
        return [z for z in self.massnahmen if z["meldepflichtig"] and not z["meldung"]]

    @cached_property
    def beteiligungen(self) -> dict[int, set[int]]:
        """{kommune_id: ids of the Maßnahmen it takes part in} as of the quarter's end (the
        many-to-many snapshot of each history row; today's rows while the quarter runs)."""
        if is_expired(self.quartal):
            through = Massnahme.history.model._meta.get_field(
                "historicalmassnahme_beteiligte"
            ).related_model
            zeilen = through.objects.filter(
                history_id__in=[z["history_id"] for z in self.massnahmen]
            )
        else:
            zeilen = Massnahme.beteiligte.through.objects.filter(
                massnahme_id__in=[z["id"] for z in self.massnahmen]
            )
        ergebnis: dict[int, set[int]] = defaultdict(set)
        for massnahme_id, kommune_id in zeilen.values_list("massnahme_id", "kommune_id"):
            ergebnis[kommune_id].add(massnahme_id)
        return ergebnis


# --- Sections -------------------------------------------------------------------------------


def titelseite(daten: Berichtsdaten) -> dict:
    """The cover: Kreis, quarter, version, the data's moment, and the Kreis's logo (its
    stored name; the PDF reads it through the local URL fetcher, the web page through
    `berichte:logo_datei`)."""
    from .models import Deckblatt

    logo = Deckblatt.objects.filter(kreis_id=daten.kreis.pk).values_list("logo", flat=True)
    return {
        "kreis": str(daten.kreis),
        "kreis_genitiv": daten.kreis.genitiv,
        "kreis_slug": daten.kreis.slug,
        "logo": next(iter(logo), None),
        "version": daten.version,
        "quartal": daten.quartal.label,
        "zeitraum": f"{daten.quartal.beginn:%d.%m.%Y} bis {daten.quartal.ende:%d.%m.%Y}",
        "datenstand": daten.quartal.ende,
        "stand": daten.stand,
        "anzahl_massnahmen": len(daten.massnahmen),
    }


def _change(vorher, jetzt, stellen: int, einheit: str) -> str:
    """A signed difference in German style; "–" when either side is missing."""
    if vorher is None or jetzt is None:
        return "–"
    differenz = round(jetzt - vorher, stellen)
    zeichen = "+" if differenz > 0 else "±" if differenz == 0 else "−"
    return f"{zeichen}{zahl(abs(differenz), stellen)}{einheit}"


def _prozent(zahlen: Zahlen | None) -> str:
    if zahlen is None or zahlen.fortschritt is None:
        return "–"
    return f"{zahl(zahlen.fortschritt, 1)} %"


def _meldungen(zahlen: Zahlen) -> str:
    """ "8 von 9" Statusmeldungen; "keine fällig" when no Maßnahme owed one."""
    if not zahlen.meldepflichtig:
        return "keine fällig"
    return f"{zahl(zahlen.gemeldet)} von {zahl(zahlen.meldepflichtig)}"


def zusammenfassung(daten: Berichtsdaten) -> dict:
    """Maßnahmen by status and traffic light, progress per Handlungsfeld (a table),
    and the change against the previous quarter – all by the dashboard's definitions."""
    jetzt = daten.zahlen[str(daten.quartal)]
    vorher = daten.zahlen[str(daten.quartal.previous())]
    gesamt = jetzt[None]
    # A table, not a chart (issue 14, point 4e): four bars showed the four percentages the
    # table beside them printed anyway; the table adds the count and the change against
    # the previous quarter, which a reader compares line by line.
    je_feld = [
        {
            "name": feld["kurzname"],
            "anzahl": jetzt[feld["pk"]].anzahl,
            "vorher": _prozent(vorher.get(feld["pk"])),
            "jetzt": _prozent(jetzt[feld["pk"]]),
            "differenz": _change(
                vorher[feld["pk"]].fortschritt if feld["pk"] in vorher else None,
                jetzt[feld["pk"]].fortschritt,
                1,
                " Prozentpunkte",
            ),
        }
        for feld in daten.handlungsfelder
        if feld["pk"] in jetzt
    ]
    a, b = vorher[None], gesamt
    vergleich = [
        {
            "label": "Statusmeldungen",
            "vorher": _meldungen(a),
            "jetzt": _meldungen(b),
            "differenz": _change(a.gemeldet, b.gemeldet, 0, "")
            if a.meldepflichtig and b.meldepflichtig
            else "–",
        },
        {
            "label": "durchschnittlicher Fortschritt",
            "vorher": "–" if a.fortschritt is None else f"{zahl(a.fortschritt, 1)} %",
            "jetzt": "–" if b.fortschritt is None else f"{zahl(b.fortschritt, 1)} %",
            "differenz": _change(a.fortschritt, b.fortschritt, 1, " Prozentpunkte"),
        },
    ] + [
        {
            "label": f"Ampel {AMPEL_TEXT[farbe]}",
            "vorher": zahl(a.ampel[farbe]),
            "jetzt": zahl(b.ampel[farbe]),
            "differenz": _change(a.ampel[farbe], b.ampel[farbe], 0, ""),
        }
        for farbe in AMPEL_TEXT
    ]
    # Without a Maßnahme at the previous quarter's end there is nothing to compare with:
    # its column says so ("–" and a sentence), rather than "0 von 0" and "+444".
    ohne_vorquartal = not a.anzahl
    if ohne_vorquartal:
        for zeile in vergleich:
            zeile["vorher"] = zeile["differenz"] = "–"
    return {
        "gesamt": gesamt.anzahl,
        "ohne_vorquartal": ohne_vorquartal,
        "fortschritt": gesamt.fortschritt,
        "fortschritt_erklaerung": FORTSCHRITT_ERKLAERUNG,
        "nach_status": [(status.label, anzahl) for status, anzahl in gesamt.status_liste],
        "nach_ampel": [(wert, label, gesamt.ampel[wert]) for wert, label in Ampel.choices],
        "je_feld": je_feld,
        "vorquartal": daten.quartal.previous().label,
        "vorquartal_genitiv": daten.quartal.previous().genitiv,
        "quartal": daten.quartal.label,
        "stichtag": daten.quartal.ende,
        "vorstichtag": daten.quartal.previous().ende,
        "vergleich": vergleich,
    }


def handlungsfelder(daten: Berichtsdaten) -> dict:
    """Each Handlungsfeld with its Maßnahmen: lead, progress, traffic light and what this
    quarter's Statusmeldung says."""
    felder = []
    for feld in daten.handlungsfelder:
        eigene = [z for z in daten.massnahmen if z["handlungsfeld_id"] == feld["pk"]]
        if eigene:
            felder.append(
                {"nummer": feld["nummer"], "name": feld["kurzname"], "massnahmen": eigene}
            )
    return {"felder": felder}


def fehlende_statusmeldungen(daten: Berichtsdaten) -> dict:
    return {"massnahmen": daten.fehlende, "quartal": daten.quartal.label}


def meilensteine(daten: Berichtsdaten) -> dict:
    """Milestones due in the quarter after the report's quarter and not reached at its end,
    as they were planned at that moment."""
    naechstes = daten.quartal.next()
    titel = {z["id"]: z["titel"] for z in daten.massnahmen}
    zeilen = [
        {**m, "massnahme__titel": titel[m["massnahme_id"]]}
        for m in stand_on(Meilenstein.history, stichtag(daten.quartal))
        .filter(
            massnahme_id__in=list(titel),
            faellig_am__range=(naechstes.beginn, naechstes.ende),
        )
        .filter(Q(erreicht_am__isnull=True) | Q(erreicht_am__gt=daten.quartal.ende))
        .order_by("faellig_am", "titel", "id")
        .values("titel", "faellig_am", "massnahme_id")
    ]
    zeilen.sort(key=lambda m: (m["faellig_am"], m["massnahme__titel"], m["titel"]))
    return {"quartal": naechstes.label, "meilensteine": zeilen}


def foerderung(daten: Berichtsdaten) -> dict:
    """The Förderbescheide of the Kreis issued by the quarter's end, with the money granted,
    drawn (of it paid out) and remaining at that day, and the deadlines of the six months
    after the quarter (`bescheide_at_quartalsende`, `mittelabrufe_at_quartalsende`)."""
    von = daten.quartal.ende + dt.timedelta(days=1)
    # Six months: 1 October to 31 March, not to 1 April.
    bis = _plus_months(von, FRIST_MONATE) - dt.timedelta(days=1)
    bescheide = list(
        bescheide_at_quartalsende(daten.quartal)
        .filter(kreis_id=daten.kreis.pk)
        .order_by("bescheiddatum", "aktenzeichen")
        .values(
            "id",
            "aktenzeichen",
            "programm__kurzname",
            "zuwendungsempfaenger_id",
            "zuwendungsempfaenger__name",
            "bewilligter_betrag",
            "verwendungsnachweis_faellig",
            "bewilligungszeitraum_ende",
        )
    )
    abrufe = {
        z["bescheid_id"]: z
        for z in mittelabrufe_at_quartalsende(daten.quartal)
        .filter(bescheid_id__in=[b["id"] for b in bescheide])
        .order_by()
        .values("bescheid_id")
        .annotate(
            summe=Sum("betrag"),
            ausgezahlt=Sum("betrag", filter=Q(status=Mittelabruf.Status.AUSGEZAHLT)),
        )
    }
    summe = {"bewilligt": Decimal(0), "abgerufen": Decimal(0), "ausgezahlt": Decimal(0)}
    je_empfaenger: dict[str, dict] = {}
    fristen = []
    for b in bescheide:
        abruf = abrufe.get(b["id"], {})
        b["abgerufen_summe"] = abruf.get("summe") or Decimal(0)
        b["verbleibend"] = b["bewilligter_betrag"] - b["abgerufen_summe"]
        empfaenger = je_empfaenger.setdefault(
            b["zuwendungsempfaenger_id"],
            {"anzahl": 0, "bewilligt": Decimal(0), "abgerufen": Decimal(0)},
        )
        empfaenger["anzahl"] += 1
        empfaenger["bewilligt"] += b["bewilligter_betrag"]
        empfaenger["abgerufen"] += b["abgerufen_summe"]
        summe["bewilligt"] += b["bewilligter_betrag"]
        summe["abgerufen"] += b["abgerufen_summe"]
        summe["ausgezahlt"] += abruf.get("ausgezahlt") or Decimal(0)
        for datum, art in [
            (b["verwendungsnachweis_faellig"], "Verwendungsnachweis fällig"),
            (b["bewilligungszeitraum_ende"], "Ende des Bewilligungszeitraums"),
        ]:
            if datum and von <= datum <= bis:
                fristen.append({"datum": datum, "art": art, "aktenzeichen": b["aktenzeichen"]})
        for schluessel in ("bewilligter_betrag", "abgerufen_summe", "verbleibend"):
            b[schluessel] = euro(b[schluessel])
    fristen.sort(key=lambda f: (f["datum"], f["aktenzeichen"]))
    return {
        "bescheide": bescheide,
        "stichtag": daten.quartal.ende,
        "summe_bewilligt": euro(summe["bewilligt"]),
        "summe_abgerufen": euro(summe["abgerufen"]),
        "summe_ausgezahlt": euro(summe["ausgezahlt"]),
        "summe_verbleibend": euro(summe["bewilligt"] - summe["abgerufen"]),
        "fristen": fristen,
        "fristen_von": von,
        "fristen_bis": bis,
        "je_empfaenger": je_empfaenger,
    }


def workshops(daten: Berichtsdaten) -> dict:
    """The quarter's published workshops with registrations, attendance and Kommunen."""
    von = dt.datetime.combine(daten.quartal.beginn, dt.time.min, tzinfo=daten.stand.tzinfo)
    bis = dt.datetime.combine(daten.quartal.next().beginn, dt.time.min, tzinfo=daten.stand.tzinfo)
    aktiv = Q(teilnahmen__status__in=Teilnahme.AKTIV)
    zeilen = list(
        Workshop.objects.filter(
            kreis=daten.kreis, veroeffentlicht_am__isnull=False, beginn__gte=von, beginn__lt=bis
        )
        .annotate(
            angemeldet=Count("teilnahmen", filter=aktiv),
            teilgenommen=Count(
                "teilnahmen", filter=Q(teilnahmen__status=Teilnahme.Status.TEILGENOMMEN)
            ),
            kommunen=Count("teilnahmen__kommune", filter=aktiv, distinct=True),
        )
        .order_by("beginn", "titel")
        .values("titel", "beginn", "format", "abgesagt", "angemeldet", "teilgenommen", "kommunen")
    )
    formate = dict(Workshop.Format.choices)
    for zeile in zeilen:
        zeile["format_text"] = formate.get(zeile["format"], zeile["format"])
    return {"workshops": zeilen}


def ozg(daten: Berichtsdaten) -> dict:
    """OZG services online per Kommune at the end of the quarter (the ratings as they stood
    then, `ozg.models.stand_at_quartalsende`)."""
    zaehlung = {
        z["kommune_id"]: z
        for z in ozg_stand_zum_quartalsende(daten.quartal)
        .filter(kommune__kreis_id=daten.kreis.pk)
        .order_by()
        .values("kommune_id")
        .annotate(online=Count("id", filter=Q(online=True)), bewertet=Count("id"))
    }
    kommunen = [
        {
            "pk": kommune["pk"],
            "name": kommune["name"],
            "online": zaehlung.get(kommune["pk"], {}).get("online", 0),
            "bewertet": zaehlung.get(kommune["pk"], {}).get("bewertet", 0),
        }
        for kommune in daten.kommunen
    ]
    for kommune in kommunen:
        kommune["anteil"] = _anteil(kommune["online"], kommune["bewertet"])
    summe_online = sum(k["online"] for k in kommunen)
    summe_bewertet = sum(k["bewertet"] for k in kommunen)
    return {
        "kommunen": kommunen,
        "summe_online": summe_online,
        "summe_bewertet": summe_bewertet,
        "anteil": _anteil(summe_online, summe_bewertet),
        "stichtag": daten.quartal.ende,
    }


def _anteil(teil: int, ganzes: int) -> float | None:
    """Percent with one decimal; None when there is nothing to divide by."""
    return round(100 * teil / ganzes, 1) if ganzes else None


def zielerreichung(daten: Berichtsdaten) -> dict:
    """Every Kennzahl of the Kreis against its target path (handlungsfelder.services)."""
    zeilen = zielerreichung_der_kennzahlen(daten.kreis, daten.quartal)
    return {"zeilen": [asdict(z) for z in zeilen], "quartal": daten.quartal.label}


# --- Reading aids: the summary in sentences, the contents, a page per Kommune ---------------


def _more_less(differenz: int, vergleich: str) -> str:
    """ "7 mehr als am Ende des 2. Quartals 2026", "2 weniger …", "so viele wie …"."""
    if differenz > 0:
        return f"{zahl(differenz)} mehr als {vergleich}"
    if differenz < 0:
        return f"{zahl(-differenz)} weniger als {vergleich}"
    return f"so viele wie {vergleich}"


def _satz_ueberblick(daten: Berichtsdaten, vergleich: str) -> str:
    jetzt = daten.zahlen[str(daten.quartal)][None]
    vorher = daten.zahlen[str(daten.quartal.previous())][None]
    ende = f"Am Ende {daten.quartal.genitiv}"
    if not jetzt.anzahl:
        return f"{ende} gibt es keine Maßnahmen."
    satz = ngettext(
        "%(ende)s steht %(anzahl)s Maßnahme im Bericht",
        "%(ende)s stehen %(anzahl)s Maßnahmen im Bericht",
        jetzt.anzahl,
    ) % {"ende": ende, "anzahl": zahl(jetzt.anzahl)}
    if jetzt.fortschritt is None:
        return f"{satz}; ein durchschnittlicher Fortschritt lässt sich noch nicht angeben."
    satz += f"; ihr durchschnittlicher Fortschritt beträgt {zahl(jetzt.fortschritt, 1)} %"
    if vorher.fortschritt is None:
        return f"{satz}."
    differenz = round(jetzt.fortschritt - vorher.fortschritt, 1)
    if differenz == 0:
        return f"{satz}, so viel wie {vergleich}."
    richtung = "mehr" if differenz > 0 else "weniger"
    return f"{satz}, {zahl(abs(differenz), 1)} Prozentpunkte {richtung} als {vergleich}."


def _satz_abgeschlossen(daten: Berichtsdaten) -> str:
    fertig = Massnahme.Status.ABGESCHLOSSEN
    anzahl = sum(
        1
        for z in daten.massnahmen
        if z["status"] == fertig and daten.vorher.get(z["id"], {}).get("status") != fertig
    )
    if not anzahl:
        return f"Im {daten.quartal.label} wurde keine Maßnahme abgeschlossen."
    return ngettext(
        "Im %(quartal)s wurde %(anzahl)s Maßnahme abgeschlossen.",
        "Im %(quartal)s wurden %(anzahl)s Maßnahmen abgeschlossen.",
        anzahl,
    ) % {"quartal": daten.quartal.label, "anzahl": zahl(anzahl)}


def _satz_rot(daten: Berichtsdaten, vergleich: str) -> str:
    rot = [z for z in daten.massnahmen if z["ampel"] == Ampel.ROT]
    neu = sum(1 for z in rot if daten.vorher.get(z["id"], {}).get("ampel") != Ampel.ROT)
    if not rot:
        return "Keine Maßnahme steht auf Rot."
    if neu:
        erster = ngettext(
            "%(anzahl)s Maßnahme steht neu auf Rot (%(vergleich)s noch nicht)",
            "%(anzahl)s Maßnahmen stehen neu auf Rot (%(vergleich)s noch nicht)",
            neu,
        ) % {"anzahl": zahl(neu), "vergleich": vergleich}
    else:
        erster = "Keine Maßnahme steht neu auf Rot"
    zweiter = ngettext(
        "insgesamt steht %(anzahl)s Maßnahme auf Rot",
        "insgesamt stehen %(anzahl)s Maßnahmen auf Rot",
        len(rot),
    ) % {"anzahl": zahl(len(rot))}
    return f"{erster}; {zweiter}."


def _satz_statusmeldungen(daten: Berichtsdaten) -> str:
    pflichtig = sum(1 for z in daten.massnahmen if z["meldepflichtig"])
    fehlend = len(daten.fehlende)
    quartal = daten.quartal.label
    if not pflichtig:
        return f"Für das {quartal} war keine Statusmeldung fällig."
    if not fehlend:
        return ngettext(
            "Für die meldepflichtige Maßnahme liegt die Statusmeldung für das %(quartal)s vor.",
            "Für alle %(pflichtig)s meldepflichtigen Maßnahmen liegt die Statusmeldung für das "
            "%(quartal)s vor.",
            pflichtig,
        ) % {"pflichtig": zahl(pflichtig), "quartal": quartal}
    if pflichtig == 1:
        return f"Für die meldepflichtige Maßnahme fehlt die Statusmeldung für das {quartal}."
    return ngettext(
        "Für %(fehlend)s von %(pflichtig)s meldepflichtigen Maßnahmen fehlt die Statusmeldung "
        "für das %(quartal)s.",
        "Für %(fehlend)s von %(pflichtig)s meldepflichtigen Maßnahmen fehlen die "
        "Statusmeldungen für das %(quartal)s.",
        fehlend,
    ) % {"fehlend": zahl(fehlend), "pflichtig": zahl(pflichtig), "quartal": quartal}


def _satz_fristen(daten: Berichtsdaten) -> str:
    foerder = daten.einmal(foerderung)
    anzahl = len(foerder["fristen"])
    bis = f"{foerder['fristen_bis']:%d.%m.%Y}"
    if not anzahl:
        return f"Bis zum {bis} wird keine Frist aus einem Förderbescheid fällig."
    return ngettext(
        "Bis zum %(bis)s wird %(anzahl)s Frist aus Förderbescheiden fällig "
        "(Verwendungsnachweis oder Ende des Bewilligungszeitraums).",
        "Bis zum %(bis)s werden %(anzahl)s Fristen aus Förderbescheiden fällig "
        "(Verwendungsnachweise und Enden von Bewilligungszeiträumen).",
        anzahl,
    ) % {"bis": bis, "anzahl": zahl(anzahl)}


def _satz_ozg(daten: Berichtsdaten, vergleich: str) -> str:
    jetzt = daten.einmal(ozg)
    vorher = (
        ozg_stand_zum_quartalsende(daten.quartal.previous())
        .filter(kommune__kreis_id=daten.kreis.pk)
        .aggregate(online=Count("id", filter=Q(online=True)))
    )["online"]
    if not jetzt["summe_bewertet"]:
        return "Für die Kommunen sind noch keine OZG-Leistungen bewertet."
    online = jetzt["summe_online"]
    return ngettext(
        "In den Kommunen ist %(online)s von %(bewertet)s bewerteten OZG-Leistungen online "
        "(%(anteil)s %%), %(veraenderung)s.",
        "In den Kommunen sind %(online)s von %(bewertet)s bewerteten OZG-Leistungen online "
        "(%(anteil)s %%), %(veraenderung)s.",
        online,
    ) % {
        "online": zahl(online),
        "bewertet": zahl(jetzt["summe_bewertet"]),
        "anteil": zahl(jetzt["anteil"], 1),
        "veraenderung": _more_less(online - vorher, vergleich),
    }


def _satz_meilensteine(daten: Berichtsdaten) -> str:
    termine = daten.einmal(meilensteine)
    anzahl = len(termine["meilensteine"])
    if not anzahl:
        return f"Im {termine['quartal']} ist kein Meilenstein fällig."
    return ngettext(
        "Im %(quartal)s ist %(anzahl)s Meilenstein fällig.",
        "Im %(quartal)s sind %(anzahl)s Meilensteine fällig.",
        anzahl,
    ) % {"quartal": termine["quartal"], "anzahl": zahl(anzahl)}


def das_wichtigste(daten: Berichtsdaten) -> dict:
    """ "Das Wichtigste in Kürze": seven sentences, each with its number, all as of the
    quarter's end and compared with the previous quarter's end where a change is named."""
    vergleich = f"am Ende {daten.quartal.previous().genitiv}"
    return {
        "saetze": [
            _satz_ueberblick(daten, vergleich),
            _satz_abgeschlossen(daten),
            _satz_rot(daten, vergleich),
            _satz_statusmeldungen(daten),
            _satz_fristen(daten),
            _satz_ozg(daten, vergleich),
            _satz_meilensteine(daten),
        ]
    }


def inhaltsverzeichnis(daten: Berichtsdaten) -> dict:
    """The sections after the contents, with the Steckbriefe one by one (a mayor looks for
    the own Kommune); the PDF adds page numbers (`target-counter`)."""
    eintraege = []
    for schluessel, titel in daten.inhalt:
        unter = []
        if schluessel == "steckbriefe":
            unter = [{"anker": f"steckbrief-{k['pk']}", "titel": k["name"]} for k in daten.kommunen]
        eintraege.append({"anker": f"abschnitt-{schluessel}", "titel": titel, "unter": unter})
    return {"eintraege": eintraege}


AMPEL_REIHENFOLGE = {Ampel.ROT: 0, Ampel.GELB: 1, Ampel.GRUEN: 2}
# What fits on one A4 page beside the Steckbrief's other parts, in lines of the Maßnahmen
# table (a title of up to ZEICHEN_JE_ZEILE characters takes one line). The list of missing
# Statusmeldungen (larger type, wider) takes about as many lines as its text makes in the
# table; the first Steckbrief shares its page with the appendix's heading and introduction.
# Checked on the generated Kreis with 500 Maßnahmen and long names
# (tests/berichte/test_bericht_inhalt.py).
STECKBRIEF_ZEILEN = 42
ZEICHEN_JE_ZEILE = 70
EINLEITUNG_ZEILEN = 12


def _rows(titel: str) -> int:
    return -(-len(titel) // ZEICHEN_JE_ZEILE)


def steckbriefe(daten: Berichtsdaten) -> dict:
    """One page per Kommune: the Maßnahmen it leads or takes part in with their traffic
    light (red first; as many as fit on the page, the count of the rest named), its OZG
    coverage against the Kreis's, its missing Statusmeldungen and the funding it receives."""
    ozg_daten = daten.einmal(ozg)
    ozg_je_kommune = {k["pk"]: k for k in ozg_daten["kommunen"]}
    foerder = daten.einmal(foerderung)["je_empfaenger"]
    fehlend = {z["id"] for z in daten.fehlende}
    kommunen = []
    for kommune in daten.kommunen:
        beteiligt = daten.beteiligungen.get(kommune["pk"], set())
        eigene = [
            {
                **z,
                "rolle": "federführend" if z["federfuehrend_id"] == kommune["pk"] else "beteiligt",
            }
            for z in daten.massnahmen
            if z["federfuehrend_id"] == kommune["pk"] or z["id"] in beteiligt
        ]
        eigene.sort(
            key=lambda z: (
                AMPEL_REIHENFOLGE.get(z["ampel"], 3),
                z["rolle"] != "federführend",
                z["titel"],
                z["id"],
            )
        )
        fehlende = [z for z in eigene if z["id"] in fehlend]
        platz = STECKBRIEF_ZEILEN - _rows("; ".join(z["titel"] for z in fehlende))
        if not kommunen:
            platz -= EINLEITUNG_ZEILEN
        gezeigt, zeilen = [], 0
        for z in eigene:
            zeilen += _rows(z["titel"])
            if zeilen > platz:
                break
            gezeigt.append(z)
        weitere = eigene[len(gezeigt) :]
        geld = foerder.get(kommune["pk"])
        # Article and case from the Kommune's type (kommunen.models.BenanntMixin).
        benannt = Kommune(name=kommune["name"], typ=kommune["typ"])
        kommunen.append(
            {
                "pk": kommune["pk"],
                "name": kommune["name"],
                "nominativ": benannt.nominativ,
                "genitiv": benannt.genitiv,
                "akkusativ": benannt.akkusativ,
                "anzahl": len(eigene),
                "federfuehrend": sum(1 for z in eigene if z["rolle"] == "federführend"),
                "ampel": [
                    (wert, text, sum(1 for z in eigene if z["ampel"] == wert))
                    for wert, text in AMPEL_TEXT.items()
                ],
                "massnahmen": gezeigt,
                "weitere": len(weitere),
                "weitere_gruen": sum(1 for z in weitere if z["ampel"] == Ampel.GRUEN),
                "fehlende": fehlende,
                "ozg": ozg_je_kommune.get(kommune["pk"]),
                "foerderung": None
                if geld is None
                else {
                    "anzahl": geld["anzahl"],
                    "bewilligt": euro(geld["bewilligt"]),
                    "abgerufen": euro(geld["abgerufen"]),
                    "verbleibend": euro(geld["bewilligt"] - geld["abgerufen"]),
                },
            }
        )
    return {
        "kommunen": kommunen,
        "quartal": daten.quartal.label,
        "stichtag": daten.quartal.ende,
        "ozg_kreis": ozg_daten["anteil"],
        "kreis_im": daten.kreis.lokativ,
        "kreis_zum": daten.kreis.mit("zu"),
    }


# --- The list of sections -------------------------------------------------------------------


@dataclass(frozen=True)
class Abschnitt:
    """One section of the report: its key, heading, data function and template.

    `neue_seite`: the section is a chapter and starts on a new page (the pagination rule of
    the print CSS); the other sections follow on the same page, each kept from starting
    with its heading alone at the foot of a page. Only a chapter's last page may be short.
    `quer`: the section is printed on landscape pages (its tables have too many columns
    for the portrait type area); the section after it starts on a new portrait page.
    """

    schluessel: str
    titel: str
    daten: Callable[[Berichtsdaten], Any]
    neue_seite: bool = False
    quer: bool = False

    @property
    def template(self) -> str:
        return f"berichte/pdf/abschnitt_{self.schluessel}.html"


ABSCHNITTE: list[Abschnitt] = [
    Abschnitt("titelseite", "Titelseite", titelseite),
    Abschnitt("wichtigste", "Das Wichtigste in Kürze", das_wichtigste, neue_seite=True),
    Abschnitt("inhalt", "Inhalt", inhaltsverzeichnis, neue_seite=True),
    Abschnitt("zusammenfassung", "Zusammenfassung", zusammenfassung, neue_seite=True),
    Abschnitt("handlungsfelder", "Maßnahmen je Handlungsfeld", handlungsfelder, neue_seite=True),
    Abschnitt("zielerreichung", "Zielerreichung", zielerreichung),
    Abschnitt("fehlende", "Fehlende Statusmeldungen", fehlende_statusmeldungen),
    Abschnitt("meilensteine", "Meilensteine im nächsten Quartal", meilensteine),
    # Six columns with Aktenzeichen, programme and recipient: on a portrait page each
    # Bescheid of the generated Kreis took five lines.
    Abschnitt("foerderung", "Förderung", foerderung, neue_seite=True, quer=True),
    Abschnitt("workshops", "Workshops", workshops),
    Abschnitt("ozg", "OZG-Umsetzung", ozg),
    Abschnitt("steckbriefe", "Anhang: Steckbriefe der Kommunen", steckbriefe, neue_seite=True),
]
# Sections before the table of contents are not listed in it.
VOR_DEM_INHALT = {"titelseite", "wichtigste", "inhalt"}
# The appendix the requester may leave out (Quartalsbericht.mit_steckbriefen).
STECKBRIEFE = "steckbriefe"


@dataclass(frozen=True)
class FertigerAbschnitt:
    schluessel: str
    titel: str
    template: str
    daten: Any
    neue_seite: bool = False
    quer: bool = False


def select_abschnitte(*, mit_steckbriefen: bool = True) -> list[Abschnitt]:
    """The sections of a report: all, or all but the Steckbriefe appendix."""
    return [a for a in ABSCHNITTE if mit_steckbriefen or a.schluessel != STECKBRIEFE]


def bericht_daten(
    *,
    kreis: Kreis,
    quartal: Quartal,
    stand: dt.datetime,
    abschnitte: list[Abschnitt] | None = None,
    version: int | None = None,
) -> list[FertigerAbschnitt]:
    """Every section's data, in report order."""
    gewaehlt = ABSCHNITTE if abschnitte is None else abschnitte
    basis = Berichtsdaten(
        kreis=kreis,
        quartal=quartal,
        stand=stand,
        version=version,
        inhalt=[(a.schluessel, a.titel) for a in gewaehlt if a.schluessel not in VOR_DEM_INHALT],
    )
    return [
        FertigerAbschnitt(
            a.schluessel, a.titel, a.template, basis.einmal(a.daten), a.neue_seite, a.quer
        )
        for a in gewaehlt
    ]

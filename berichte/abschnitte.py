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
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

from core.charts import balkendiagramm
from core.formatting import euro, zahl
from core.quartal import Quartal
from core.stichtag import stand_am, stichtag
from foerderung.models import (
    Mittelabruf,
    bescheide_zum_quartalsende,
    mittelabrufe_zum_quartalsende,
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
    stand_zum_quartalsende,
    statusmeldungen_zum_quartalsende,
)
from ozg.models import stand_zum_quartalsende as ozg_stand_zum_quartalsende
from workshops.models import Teilnahme, Workshop

from .kennzahlen import Zahlen, massnahmen_zahlen, summe_je_kreis

AMPEL_TEXT = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}
FRIST_MONATE = 6


def _plus_monate(tag: dt.date, monate: int) -> dt.date:
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

    @cached_property
    def massnahmen(self) -> list[dict]:
        """The Kreis's active Maßnahmen as of the quarter's end (`stand_zum_quartalsende`),
        ordered by Handlungsfeld and title, each with this quarter's Statusmeldung
        (`meldung`, or None) and last quarter's (`vorher`)."""
        zeilen = list(
            stand_zum_quartalsende(self.quartal)
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
                "federfuehrend__name",
                "meldepflichtig",
            )
        )
        meldungen = defaultdict(dict)
        for meldung in (
            statusmeldungen_zum_quartalsende(self.quartal)
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
        """The dashboard's figures (berichte.kennzahlen) for this and the previous quarter,
        per Handlungsfeld id and in total (key None): the report uses the same definitions."""
        ergebnis = {}
        for quartal in (self.quartal, self.quartal.previous()):
            je_hf = massnahmen_zahlen([self.kreis.pk], quartal=quartal)
            werte = {hf_id: z for (_kreis, hf_id), z in je_hf.items()}
            werte[None] = summe_je_kreis(je_hf).get(self.kreis.pk, Zahlen())
            ergebnis[str(quartal)] = werte
        return ergebnis

    @cached_property
    def handlungsfelder(self) -> list[dict]:
        return list(Handlungsfeld.objects.order_by("nummer").values("pk", "nummer", "kurzname"))


# --- Sections -------------------------------------------------------------------------------


def titelseite(daten: Berichtsdaten) -> dict:
    return {
        "kreis": str(daten.kreis),
        "quartal": daten.quartal.label,
        "zeitraum": f"{daten.quartal.beginn:%d.%m.%Y} bis {daten.quartal.ende:%d.%m.%Y}",
        "datenstand": daten.quartal.ende,
        "stand": daten.stand,
        "anzahl_massnahmen": len(daten.massnahmen),
    }


def _veraenderung(vorher, jetzt, stellen: int, einheit: str) -> str:
    """A signed difference in German style; "–" when either side is missing."""
    if vorher is None or jetzt is None:
        return "–"
    differenz = round(jetzt - vorher, stellen)
    zeichen = "+" if differenz > 0 else "±" if differenz == 0 else "−"
    return f"{zeichen}{zahl(abs(differenz), stellen)}{einheit}"


def zusammenfassung(daten: Berichtsdaten) -> dict:
    """Maßnahmen by status and traffic light, progress per Handlungsfeld (chart and table),
    and the change against the previous quarter – all by the dashboard's definitions."""
    jetzt = daten.zahlen[str(daten.quartal)]
    vorher = daten.zahlen[str(daten.quartal.previous())]
    gesamt = jetzt[None]
    fortschritt_je_feld = [
        (feld["kurzname"], jetzt[feld["pk"]].fortschritt)
        for feld in daten.handlungsfelder
        if feld["pk"] in jetzt
    ]
    diagramm = balkendiagramm(
        titel="Fortschritt je Handlungsfeld",
        beschreibung=(
            f"Durchschnittlicher Fortschritt der Maßnahmen je Handlungsfeld in Prozent, "
            f"Stand Ende {daten.quartal.label}"
        ),
        kategorien=[name for name, _ in fortschritt_je_feld],
        werte=[wert for _, wert in fortschritt_je_feld],
        einheit="%",
        maximum=100,
        breite=620,
        wertname="Fortschritt",
        stellen=1,
    )
    a, b = vorher[None], gesamt
    vergleich = [
        {
            "label": "Statusmeldungen",
            "vorher": f"{zahl(a.gemeldet)} von {zahl(a.meldepflichtig)}",
            "jetzt": f"{zahl(b.gemeldet)} von {zahl(b.meldepflichtig)}",
            "differenz": _veraenderung(a.gemeldet, b.gemeldet, 0, ""),
        },
        {
            "label": "durchschnittlicher Fortschritt",
            "vorher": "–" if a.fortschritt is None else f"{zahl(a.fortschritt, 1)} %",
            "jetzt": "–" if b.fortschritt is None else f"{zahl(b.fortschritt, 1)} %",
            "differenz": _veraenderung(a.fortschritt, b.fortschritt, 1, " Prozentpunkte"),
        },
    ] + [
        {
            "label": f"Ampel {AMPEL_TEXT[farbe]}",
            "vorher": zahl(a.ampel[farbe]),
            "jetzt": zahl(b.ampel[farbe]),
            "differenz": _veraenderung(a.ampel[farbe], b.ampel[farbe], 0, ""),
        }
        for farbe in AMPEL_TEXT
    ]
    return {
        "gesamt": gesamt.anzahl,
        "fortschritt": gesamt.fortschritt,
        "fortschritt_erklaerung": FORTSCHRITT_ERKLAERUNG,
        "nach_status": [(status.label, anzahl) for status, anzahl in gesamt.status_liste],
        "nach_ampel": [(wert, label, gesamt.ampel[wert]) for wert, label in Ampel.choices],
        "diagramm": diagramm,
        "vorquartal": daten.quartal.previous().label,
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
    return {
        "massnahmen": [z for z in daten.massnahmen if z["meldepflichtig"] and not z["meldung"]],
        "quartal": daten.quartal.label,
    }


def meilensteine(daten: Berichtsdaten) -> dict:
    """Milestones due in the quarter after the report's quarter and not reached at its end,
    as they were planned at that moment."""
    naechstes = daten.quartal.next()
    titel = {z["id"]: z["titel"] for z in daten.massnahmen}
    zeilen = [
        {**m, "massnahme__titel": titel[m["massnahme_id"]]}
        for m in stand_am(Meilenstein.history, stichtag(daten.quartal))
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
    after the quarter (`bescheide_zum_quartalsende`, `mittelabrufe_zum_quartalsende`)."""
    von = daten.quartal.ende + dt.timedelta(days=1)
    bis = _plus_monate(von, FRIST_MONATE)
    bescheide = list(
        bescheide_zum_quartalsende(daten.quartal)
        .filter(kreis_id=daten.kreis.pk)
        .order_by("bescheiddatum", "aktenzeichen")
        .values(
            "id",
            "aktenzeichen",
            "programm__kurzname",
            "zuwendungsempfaenger__name",
            "bewilligter_betrag",
            "verwendungsnachweis_faellig",
            "bewilligungszeitraum_ende",
        )
    )
    abrufe = {
        z["bescheid_id"]: z
        for z in mittelabrufe_zum_quartalsende(daten.quartal)
        .filter(bescheid_id__in=[b["id"] for b in bescheide])
        .order_by()
        .values("bescheid_id")
        .annotate(
            summe=Sum("betrag"),
            ausgezahlt=Sum("betrag", filter=Q(status=Mittelabruf.Status.AUSGEZAHLT)),
        )
    }
    summe = {"bewilligt": Decimal(0), "abgerufen": Decimal(0), "ausgezahlt": Decimal(0)}
    fristen = []
    for b in bescheide:
        abruf = abrufe.get(b["id"], {})
        b["abgerufen_summe"] = abruf.get("summe") or Decimal(0)
        b["verbleibend"] = b["bewilligter_betrag"] - b["abgerufen_summe"]
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
    then, `ozg.models.stand_zum_quartalsende`)."""
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
            "name": kommune["name"],
            "online": zaehlung.get(kommune["pk"], {}).get("online", 0),
            "bewertet": zaehlung.get(kommune["pk"], {}).get("bewertet", 0),
        }
        for kommune in Kommune.objects.filter(kreis=daten.kreis)
        .order_by("name")
        .values("pk", "name")
    ]
    return {
        "kommunen": kommunen,
        "summe_online": sum(k["online"] for k in kommunen),
        "stichtag": daten.quartal.ende,
    }


def zielerreichung(daten: Berichtsdaten) -> dict:
    """Every Kennzahl of the Kreis against its target path (handlungsfelder.services)."""
    zeilen = zielerreichung_der_kennzahlen(daten.kreis, daten.quartal)
    return {"zeilen": [asdict(z) for z in zeilen], "quartal": daten.quartal.label}


# --- The list of sections -------------------------------------------------------------------


@dataclass(frozen=True)
class Abschnitt:
    """One section of the report: its key, heading, data function and template."""

    schluessel: str
    titel: str
    daten: Callable[[Berichtsdaten], Any]

    @property
    def template(self) -> str:
        return f"berichte/pdf/abschnitt_{self.schluessel}.html"


ABSCHNITTE: list[Abschnitt] = [
    Abschnitt("titelseite", "Titelseite", titelseite),
    Abschnitt("zusammenfassung", "Zusammenfassung", zusammenfassung),
    Abschnitt("handlungsfelder", "Maßnahmen je Handlungsfeld", handlungsfelder),
    Abschnitt("zielerreichung", "Zielerreichung", zielerreichung),
    Abschnitt("fehlende", "Fehlende Statusmeldungen", fehlende_statusmeldungen),
    Abschnitt("meilensteine", "Meilensteine im nächsten Quartal", meilensteine),
    Abschnitt("foerderung", "Förderung", foerderung),
    Abschnitt("workshops", "Workshops", workshops),
    Abschnitt("ozg", "OZG-Umsetzung", ozg),
]


@dataclass(frozen=True)
class FertigerAbschnitt:
    schluessel: str
    titel: str
    template: str
    daten: Any


def bericht_daten(
    *, kreis: Kreis, quartal: Quartal, stand: dt.datetime, abschnitte: list[Abschnitt] | None = None
) -> list[FertigerAbschnitt]:
    """Every section's data, in report order."""
    basis = Berichtsdaten(kreis=kreis, quartal=quartal, stand=stand)
    return [
        FertigerAbschnitt(a.schluessel, a.titel, a.template, a.daten(basis))
        for a in (ABSCHNITTE if abschnitte is None else abschnitte)
    ]

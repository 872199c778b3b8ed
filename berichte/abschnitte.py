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
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, Q

from core.charts import balkendiagramm
from core.formatting import euro, zahl
from core.quartal import Quartal
from foerderung.models import Foerderbescheid
from handlungsfelder.models import Handlungsfeld
from handlungsfelder.services import zielerreichung as zielerreichung_der_kennzahlen
from kommunen.models import Kommune, Kreis
from massnahmen.models import Ampel, Massnahme, Meilenstein, Statusmeldung
from workshops.models import Teilnahme, Workshop

OHNE_MELDEPFLICHT = Massnahme.OHNE_MELDEPFLICHT
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
    and the rows several sections share (loaded once, on first use)."""

    kreis: Kreis
    quartal: Quartal
    stand: dt.datetime

    @cached_property
    def massnahmen(self) -> list[dict]:
        """The Kreis's active Maßnahmen that existed by the quarter's end (the rule of
        `MassnahmeQuerySet.bestehend_am`), ordered by Handlungsfeld and title, each with this
        quarter's Statusmeldung (`meldung`, or None) and last quarter's (`vorher`)."""
        zeilen = list(
            Massnahme.objects.aktiv()
            .filter(kreis=self.kreis)
            .bestehend_am(self.quartal.ende)
            .order_by("handlungsfeld__nummer", "titel", "pk")
            .values(
                "pk",
                "titel",
                "status",
                "fortschritt",
                "ampel",
                "handlungsfeld_id",
                "federfuehrend__name",
            )
        )
        meldungen = defaultdict(dict)
        for meldung in Statusmeldung.objects.filter(
            massnahme__kreis=self.kreis,
            massnahme__archiviert=False,
            quartal__in=[str(self.quartal), str(self.quartal.previous())],
        ).values(
            "massnahme_id",
            "quartal",
            "fortschritt",
            "ampel",
            "erreicht",
            "naechste_schritte",
            "risiken",
        ):
            meldungen[meldung["massnahme_id"]][meldung["quartal"]] = meldung
        status_text = dict(Massnahme.Status.choices)
        for zeile in zeilen:
            eigene = meldungen.get(zeile["pk"], {})
            zeile["meldung"] = eigene.get(str(self.quartal))
            zeile["vorher"] = eigene.get(str(self.quartal.previous()))
            zeile["federfuehrung"] = zeile["federfuehrend__name"] or str(self.kreis)
            zeile["status_text"] = status_text.get(zeile["status"], zeile["status"])
            # The quarter's own figures where reported, else the Maßnahme's current ones.
            quelle = zeile["meldung"] or zeile
            zeile["stand_fortschritt"] = quelle["fortschritt"]
            zeile["stand_ampel"] = quelle["ampel"]
            zeile["ampel_text"] = AMPEL_TEXT.get(quelle["ampel"], quelle["ampel"])
            zeile["meldepflichtig"] = zeile["status"] not in OHNE_MELDEPFLICHT
        return zeilen

    @cached_property
    def handlungsfelder(self) -> list[dict]:
        return list(Handlungsfeld.objects.order_by("nummer").values("pk", "nummer", "kurzname"))


# --- Sections -------------------------------------------------------------------------------


def titelseite(daten: Berichtsdaten) -> dict:
    return {
        "kreis": str(daten.kreis),
        "quartal": daten.quartal.label,
        "zeitraum": f"{daten.quartal.beginn:%d.%m.%Y} bis {daten.quartal.ende:%d.%m.%Y}",
        "stand": daten.stand,
        "anzahl_massnahmen": len(daten.massnahmen),
    }


def _durchschnitt(werte: list[int]) -> float | None:
    return round(sum(werte) / len(werte), 1) if werte else None


def zusammenfassung(daten: Berichtsdaten) -> dict:
    """Maßnahmen by status and traffic light, progress per Handlungsfeld (chart and table),
    and the change against the previous quarter."""
    zeilen = daten.massnahmen
    nach_status = Counter(z["status"] for z in zeilen)
    nach_ampel = Counter(z["stand_ampel"] for z in zeilen)
    fortschritt_je_feld = []
    for feld in daten.handlungsfelder:
        eigene = [z for z in zeilen if z["handlungsfeld_id"] == feld["pk"]]
        if eigene:
            fortschritt_je_feld.append(
                (feld["kurzname"], _durchschnitt([z["stand_fortschritt"] for z in eigene]))
            )
    diagramm = balkendiagramm(
        titel="Fortschritt je Handlungsfeld",
        beschreibung=(
            f"Durchschnittlicher Fortschritt der Maßnahmen je Handlungsfeld in Prozent, "
            f"{daten.quartal.label}"
        ),
        kategorien=[name for name, _ in fortschritt_je_feld],
        werte=[wert for _, wert in fortschritt_je_feld],
        einheit="%",
        maximum=100,
        breite=620,
        wertname="Fortschritt",
    )

    def kennzahlen(schluessel: str) -> dict:
        gemeldet = [z[schluessel] for z in zeilen if z[schluessel]]
        ampeln = Counter(m["ampel"] for m in gemeldet)
        return {
            "gemeldet": len(gemeldet),
            "fortschritt": _durchschnitt([m["fortschritt"] for m in gemeldet]),
            **{farbe: ampeln[farbe] for farbe in AMPEL_TEXT},
        }

    jetzt, vorher = kennzahlen("meldung"), kennzahlen("vorher")
    vergleich = []
    for schluessel, label, einheit in [
        ("gemeldet", "Statusmeldungen", ""),
        ("fortschritt", "durchschnittlicher Fortschritt", " %"),
        ("gruen", "Ampel grün", ""),
        ("gelb", "Ampel gelb", ""),
        ("rot", "Ampel rot", ""),
    ]:
        a, b = vorher[schluessel], jetzt[schluessel]
        differenz = None if a is None or b is None else round(b - a, 1)
        stellen = 1 if schluessel == "fortschritt" else 0
        vergleich.append(
            {
                "label": label,
                "vorher": "–" if a is None else zahl(a, stellen) + einheit,
                "jetzt": "–" if b is None else zahl(b, stellen) + einheit,
                "differenz": "–"
                if differenz is None
                else ("+" if differenz > 0 else "±" if differenz == 0 else "−")
                + zahl(abs(differenz), stellen)
                + einheit,
            }
        )
    return {
        "gesamt": len(zeilen),
        "nach_status": [(label, nach_status[wert]) for wert, label in Massnahme.Status.choices],
        "nach_ampel": [(wert, label, nach_ampel[wert]) for wert, label in Ampel.choices],
        "diagramm": diagramm,
        "vorquartal": daten.quartal.previous().label,
        "quartal": daten.quartal.label,
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
    """Milestones due in the quarter after the report's quarter, not yet reached."""
    naechstes = daten.quartal.next()
    zeilen = list(
        Meilenstein.objects.filter(
            massnahme__kreis=daten.kreis,
            massnahme__archiviert=False,
            faellig_am__range=(naechstes.beginn, naechstes.ende),
        )
        .order_by("faellig_am", "massnahme__titel", "titel", "pk")
        .values("titel", "faellig_am", "erreicht_am", "massnahme__titel")
    )
    return {"quartal": naechstes.label, "meilensteine": zeilen}


def foerderung(daten: Berichtsdaten) -> dict:
    """Every Förderbescheid of the Kreis with granted, drawn and remaining money, and the
    deadlines of the next six months after the quarter."""
    von = daten.quartal.ende + dt.timedelta(days=1)
    bis = _plus_monate(von, FRIST_MONATE)
    bescheide = list(
        Foerderbescheid.objects.filter(kreis=daten.kreis)
        .exclude(status=Foerderbescheid.Status.WIDERRUFEN)
        .with_summen()
        .order_by("bescheiddatum", "aktenzeichen")
        .values(
            "aktenzeichen",
            "programm__kurzname",
            "zuwendungsempfaenger__name",
            "bewilligter_betrag",
            "abgerufen_summe",
            "verwendungsnachweis_faellig",
            "bewilligungszeitraum_ende",
        )
    )
    summe = {"bewilligt": Decimal(0), "abgerufen": Decimal(0)}
    fristen = []
    for b in bescheide:
        b["verbleibend"] = b["bewilligter_betrag"] - b["abgerufen_summe"]
        summe["bewilligt"] += b["bewilligter_betrag"]
        summe["abgerufen"] += b["abgerufen_summe"]
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
        "summe_bewilligt": euro(summe["bewilligt"]),
        "summe_abgerufen": euro(summe["abgerufen"]),
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
    """OZG services online per Kommune at the end of the quarter."""
    online = Q(umsetzungsstaende__online=True) & (
        Q(umsetzungsstaende__online_seit__isnull=True)
        | Q(umsetzungsstaende__online_seit__lte=daten.quartal.ende)
    )
    kommunen = list(
        Kommune.objects.filter(kreis=daten.kreis)
        .annotate(
            online=Count("umsetzungsstaende", filter=online), bewertet=Count("umsetzungsstaende")
        )
        .order_by("name")
        .values("name", "online", "bewertet")
    )
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

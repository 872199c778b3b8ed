"""Charts of the strategy, drawn by the shared SVG module (core.charts): a Kennzahl's
measured values against its target path, and one Kennzahl across Kreise."""

from __future__ import annotations

from core.charts import Diagramm, Reihe, liniendiagramm
from core.formatting import zahl

from .models import Kennzahl
from .services import Verlauf


def _float(wert):
    return None if wert is None else float(wert)


def _einheit(kennzahl: Kennzahl) -> str:
    einheit = kennzahl.einheit_display
    return "" if einheit == Kennzahl.Einheit.ANZAHL else einheit


def verlauf_text(verlauf: Verlauf) -> str:
    """The text alternative: baseline, target, and where the Kennzahl stands now."""
    k = verlauf.kennzahl
    text = (
        f"Ausgangswert {k.format(k.basiswert)} (Stand {k.basisdatum:%d.%m.%Y}), "
        f"Zielwert {k.format(k.zielwert)} bis {k.zieldatum:%d.%m.%Y}, {k.get_richtung_display()}."
    )
    stand = verlauf.aktuell
    if stand is None:
        return f"{text} Noch kein gemessener Wert."
    return (
        f"{text} Zuletzt {stand.quartal.label}: Ist {k.format(stand.ist)}, "
        f"Soll {k.format(stand.soll)} – {stand.status_text}."
    )


def verlauf_diagramm(verlauf: Verlauf) -> Diagramm:
    """Ist per quarter against the linear Soll-Pfad (dashed) from baseline to target."""
    k = verlauf.kennzahl
    werte = [_float(s.ist) for s in verlauf.staende]
    soll = [_float(s.soll) for s in verlauf.staende]
    y_werte = [w for w in [*werte, *soll, float(k.basiswert), float(k.zielwert)] if w is not None]
    return liniendiagramm(
        titel=f"{k.name}: Ist und Soll-Pfad",
        beschreibung=verlauf_text(verlauf),
        x_labels=[s.quartal.kurz for s in verlauf.staende],
        reihen=[Reihe("Ist", werte), Reihe("Soll-Pfad", soll, gestrichelt=True)],
        einheit=_einheit(k),
        y_min=min(0.0, *y_werte),
        stellen=None if all(float(w).is_integer() for w in y_werte) else 1,
    )


def vergleich_diagramm(titel: str, quartale, zeilen: list[dict]) -> Diagramm:
    """One line per Kreis over the last quarters."""
    reihen = [Reihe(z["kreis"].name, [_float(w) for w in z["werte"]]) for z in zeilen]
    letzte = [
        f"{z['kreis'].name} {zahl(z['werte'][-1], 1) if z['werte'][-1] is not None else '–'}"
        for z in zeilen
    ]
    return liniendiagramm(
        titel=f"{titel}: Vergleich der Kreise",
        beschreibung=f"Werte je Quartal von {quartale[0].label} bis {quartale[-1].label}. "
        f"Zuletzt: {', '.join(letzte) or 'keine Werte'}.",
        x_labels=[q.kurz for q in quartale],
        reihen=reihen,
        y_min=0.0,
    )

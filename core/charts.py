"""Server-drawn SVG charts, one module for the web pages and the PDF report.

No JavaScript and no chart library: a chart is plain SVG markup that a browser shows and
WeasyPrint embeds. Every chart is accessible on its own:

- the `<svg>` has `role="img"` with a `<title>` and a `<desc>` (`aria-labelledby`),
- the figures are also given as a data table (`Diagramm.tabelle_html`), which the default
  rendering places in a `<details>` below the chart, and where links to the list behind a
  figure live (links inside a `role="img"` would be hidden from screen readers),
- series differ by dash pattern and marker shape as well as by colour (WCAG 1.4.1), and every
  colour has at least 3:1 contrast against white (WCAG 1.4.11),
- a wide chart comes with a second drawing `SCHMAL` units wide (`Diagramm.svg_schmal`), which
  the page shows instead on a phone: a 640-unit chart shrunk into a 358 px column had 6 px
  text (portal.css swaps them; a PDF stylesheet must hide `.diagramm-svg--schmal`).

Usage::

    d = balkendiagramm(titel="Fortschritt je Handlungsfeld", beschreibung="…",
                       kategorien=["IKZ & Beteiligung", …], werte=[42.0, …])
    {{ d }}            # <figure> with chart and table
    {{ d.svg }}        # only the chart
    {{ d.tabelle_html }}
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .formatting import mit_einheit

# Fonts: the PDF ships its own font under this family name; browsers fall back.
SCHRIFT = "'DejaVu Sans', Verdana, Arial, sans-serif"
TEXT = "#1b1b1b"
RASTER = "#c9ccd1"
ACHSE = "#5c6470"
# Dark, distinguishable colours, each ≥ 4.5:1 against white.
FARBEN = ["#0b4f8a", "#a13c00", "#1d6b35", "#6b2c91", "#7a5a00"]
# Dash patterns and markers per series index, so colour is never the only difference.
STRICHE = ["", "6 4", "2 3", "10 3 2 3", "1 0"]
MARKER = ["kreis", "quadrat", "raute", "dreieck", "kreis"]

# The narrow drawing for phones; charts at least `MIT_SCHMAL` wide get one.
SCHMAL = 360
MIT_SCHMAL = 560

LABELHOEHE = 16
BALKENHOEHE = 16
ZEILENHOEHE = LABELHOEHE + BALKENHOEHE + 10
ZEICHENBREITE = 7.4  # average width of a 12px DejaVu Sans character, for laying out labels


@dataclass(frozen=True)
class Reihe:
    """One series of a line chart: `werte` aligned with the x labels, None for "no value"."""

    name: str
    werte: Sequence[float | None]
    gestrichelt: bool = False


@dataclass
class Diagramm:
    """A drawn chart plus the same figures as a table. Renders itself as a `<figure>`."""

    titel: str
    beschreibung: str
    svg: SafeString
    spalten: list[str]
    zeilen: list[list[str]]
    links: list[str | None] = field(default_factory=list)
    svg_schmal: SafeString | None = None

    @property
    def tabelle_html(self) -> SafeString:
        kopf = format_html_join("", '<th scope="col">{}</th>', ((s,) for s in self.spalten))
        zeilen = []
        for index, zeile in enumerate(self.zeilen):
            link = self.links[index] if index < len(self.links) else None
            erste = format_html('<a href="{}">{}</a>', link, zeile[0]) if link else escape(zeile[0])
            rest = format_html_join("", "<td>{}</td>", ((wert,) for wert in zeile[1:]))
            zeilen.append(format_html('<tr><th scope="row">{}</th>{}</tr>', erste, rest))
        return format_html(
            '<table class="kern-table diagramm-tabelle"><caption>{}</caption>'
            "<thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
            self.titel,
            kopf,
            mark_safe("".join(zeilen)),  # noqa: S308 - every row was built by format_html
        )

    def __html__(self) -> SafeString:
        return self._figure("")

    @property
    def with_titel(self) -> SafeString:
        """The figure with its title visible above the chart (a `<figcaption>`), where no
        heading of the page already says what the chart shows."""
        return self._figure(
            format_html('<figcaption class="diagramm-titel">{}</figcaption>', self.titel)
        )

    def _figure(self, titel: SafeString | str) -> SafeString:
        return format_html(
            '<figure class="diagramm">{}{}{}<details class="diagramm-daten">'
            "<summary>Daten als Tabelle: {}</summary>{}</details></figure>",
            titel,
            self.svg,
            self.svg_schmal or "",
            self.titel,
            self.tabelle_html,
        )

    def __str__(self) -> str:
        return self.__html__()


def schritte(maximum: float, minimum: float = 0.0, anzahl: int = 5) -> list[float]:
    """Round axis ticks from `minimum` to at least `maximum` (steps of 1, 2, 2.5 or 5 × 10^k)."""
    spanne = maximum - minimum
    if spanne <= 0:
        spanne = abs(maximum) or 1.0
    roh = spanne / anzahl
    potenz = 10 ** math.floor(math.log10(roh))
    schritt = next(f * potenz for f in (1, 2, 2.5, 5, 10) if f * potenz >= roh)
    start = math.floor(minimum / schritt) * schritt
    ticks = [start]
    while ticks[-1] < maximum - 1e-9:
        ticks.append(round(ticks[-1] + schritt, 10))
    return ticks


def _id(*teile) -> str:
    """A stable element id from the chart's content (same data → same markup)."""
    return "dg-" + hashlib.sha1(repr(teile).encode()).hexdigest()[:10]


def _header(
    diagramm_id: str, titel: str, beschreibung: str, breite: float, hoehe: float, schmal: bool
) -> str:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="diagramm-svg{k}" role="img" '
        'viewBox="0 0 {b} {h}" width="{b}" height="{h}" aria-labelledby="{i}-t {i}-d" '
        'font-family="{f}" font-size="12" fill="{c}">'
        '<title id="{i}-t">{t}</title><desc id="{i}-d">{d}</desc>',
        k=" diagramm-svg--schmal" if schmal else "",
        b=_n(breite),
        h=_n(hoehe),
        i=diagramm_id,
        f=SCHRIFT,
        c=TEXT,
        t=titel,
        d=beschreibung,
    )


def _n(wert: float) -> str:
    """Compact coordinates: `12.0` → `12`, `3.14159` → `3.14`."""
    return f"{wert:.2f}".rstrip("0").rstrip(".")


def _shorten(text: str, zeichen: int) -> str:
    return text if len(text) <= zeichen else text[: max(zeichen - 1, 1)] + "…"


def _with_narrow_drawing(zeichnen):
    """Gives a chart drawn at least MIT_SCHMAL wide its narrow drawing (`svg_schmal`): the
    same call once more at SCHMAL width, with `_schmal=True` for the narrow layout."""

    @functools.wraps(zeichnen)
    def diagramm(*args, breite: float = 640, **kwargs) -> Diagramm:
        ergebnis = zeichnen(*args, breite=breite, **kwargs)
        if breite >= MIT_SCHMAL:
            ergebnis.svg_schmal = zeichnen(*args, breite=SCHMAL, _schmal=True, **kwargs).svg
        return ergebnis

    return diagramm


@_with_narrow_drawing
def balkendiagramm(
    titel: str,
    beschreibung: str,
    kategorien: Sequence[str],
    werte: Sequence[float | None],
    *,
    einheit: str = "%",
    maximum: float | None = 100,
    links: Sequence[str | None] | None = None,
    breite: float = 640,
    stellen: int | None = None,
    wertname: str = "Wert",
    _schmal: bool = False,
) -> Diagramm:
    """Horizontal bars, one per category, with the value printed at the end of each bar.

    `maximum` fixes the scale (100 for percentages); None scales to the largest value.
    `links` (optional, one per category) become links in the data table.
    """
    kategorien = [str(k) for k in kategorien]
    werte = list(werte)
    if len(kategorien) != len(werte):
        raise ValueError("kategorien und werte müssen gleich lang sein")
    vorhanden = [float(w) for w in werte if w is not None]
    obergrenze = maximum if maximum is not None else max(vorhanden, default=0.0)
    ticks = schritte(obergrenze or 1.0)
    skala_max = ticks[-1]

    # Labels stand on their own line above each bar, so long German names are never cut
    # short and the bars share one left edge.
    links_rand, rechts_rand = 8, 64
    oben, unten = 8, 26
    flaeche = max(breite - links_rand - rechts_rand, 80)
    label_zeichen = int((breite - links_rand) / ZEICHENBREITE)
    hoehe = oben + unten + ZEILENHOEHE * max(len(kategorien), 1)
    diagramm_id = _id("balken", titel, kategorien, werte, _schmal)

    teile = [_header(diagramm_id, titel, beschreibung, breite, hoehe, _schmal)]
    for tick in ticks:
        x = links_rand + flaeche * tick / skala_max
        teile.append(
            format_html(
                '<line x1="{x}" x2="{x}" y1="{o}" y2="{u}" stroke="{c}" stroke-width="1"/>'
                '<text x="{x}" y="{ty}" text-anchor="middle" font-size="10" fill="{a}">{t}</text>',
                x=_n(x),
                o=oben,
                u=_n(hoehe - unten),
                c=RASTER,
                ty=_n(hoehe - unten + 14),
                a=ACHSE,
                t=mit_einheit(tick, einheit),
            )
        )
    for index, (kategorie, wert) in enumerate(zip(kategorien, werte, strict=True)):
        y = oben + index * ZEILENHOEHE
        mitte = y + LABELHOEHE + BALKENHOEHE / 2
        teile.append(
            format_html(
                '<text x="{x}" y="{y}">{t}</text>',
                x=_n(links_rand + 4),
                y=_n(y + LABELHOEHE - 4),
                t=_shorten(kategorie, label_zeichen),
            )
        )
        if wert is None:
            teile.append(
                format_html(
                    '<text x="{x}" y="{y}" dominant-baseline="middle" fill="{a}">kein Wert</text>',
                    x=_n(links_rand + 4),
                    y=_n(mitte),
                    a=ACHSE,
                )
            )
            continue
        laenge = flaeche * max(min(float(wert), skala_max), 0) / skala_max
        teile.append(
            format_html(
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}"/>'
                '<text x="{tx}" y="{ty}" dominant-baseline="middle">{t}</text>',
                x=_n(links_rand),
                y=_n(mitte - BALKENHOEHE / 2),
                w=_n(laenge),
                h=BALKENHOEHE,
                f=FARBEN[0],
                tx=_n(links_rand + laenge + 4),
                ty=_n(mitte),
                t=mit_einheit(wert, einheit, stellen),
            )
        )
    teile.append(
        format_html(
            '<line x1="{x}" x2="{x}" y1="{o}" y2="{u}" stroke="{a}" stroke-width="1"/></svg>',
            x=_n(links_rand),
            o=oben,
            u=_n(hoehe - unten),
            a=ACHSE,
        )
    )
    return Diagramm(
        titel=titel,
        beschreibung=beschreibung,
        svg=mark_safe("".join(teile)),  # noqa: S308 - every part built by format_html
        spalten=["Kategorie", f"{wertname} ({einheit})" if einheit else wertname],
        zeilen=[
            [k, mit_einheit(w, einheit, stellen)] for k, w in zip(kategorien, werte, strict=True)
        ],
        links=list(links or []),
    )


def _labelled(anzahl: int, hoechstens: int = 8) -> list[int]:
    """Indices of the x labels to print: evenly spaced, always the last, never two crowded."""
    jede = max(1, math.ceil(anzahl / hoechstens))
    indices = list(range(0, anzahl, jede))
    if indices and indices[-1] != anzahl - 1:
        if anzahl - 1 - indices[-1] < jede and len(indices) > 1:
            indices[-1] = anzahl - 1  # the last label replaces one that would crowd it
        else:
            indices.append(anzahl - 1)
    return indices


def _marker(form: str, x: float, y: float, farbe: str) -> str:
    if form == "quadrat":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>', _n(x - 3.5), _n(y - 3.5), farbe
        )
    if form == "raute":
        punkte = f"{_n(x)},{_n(y - 5)} {_n(x + 5)},{_n(y)} {_n(x)},{_n(y + 5)} {_n(x - 5)},{_n(y)}"
        return format_html('<polygon points="{}" fill="{}"/>', punkte, farbe)
    if form == "dreieck":
        punkte = f"{_n(x)},{_n(y - 5)} {_n(x + 5)},{_n(y + 4)} {_n(x - 5)},{_n(y + 4)}"
        return format_html('<polygon points="{}" fill="{}"/>', punkte, farbe)
    return format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', _n(x), _n(y), farbe)


@_with_narrow_drawing
def liniendiagramm(
    titel: str,
    beschreibung: str,
    x_labels: Sequence[str],
    reihen: Sequence[Reihe],
    *,
    einheit: str = "",
    y_min: float | None = None,
    y_max: float | None = None,
    breite: float = 640,
    hoehe: float = 260,
    stellen: int | None = None,
    _schmal: bool = False,
) -> Diagramm:
    """Lines over ordered x labels (e.g. quarters), one per `Reihe`, with a legend.

    A None value leaves a gap. The y axis starts at `y_min` (default 0, or the smallest value
    if that is negative) and ends at `y_max` (default: rounded up from the largest value).
    """
    x_labels = [str(x) for x in x_labels]
    for reihe in reihen:
        if len(reihe.werte) != len(x_labels):
            raise ValueError(f"Reihe {reihe.name!r} hat nicht so viele Werte wie x_labels")
    alle = [float(w) for r in reihen for w in r.werte if w is not None]
    unten_wert = y_min if y_min is not None else min([0.0, *alle])
    oben_wert = y_max if y_max is not None else max([*alle, unten_wert + 1])
    ticks = schritte(oben_wert, unten_wert)
    skala_min, skala_max = ticks[0], ticks[-1]

    links_rand, rechts_rand = 56, 32
    # The narrow drawing gives every series a legend line of its own and fewer x labels.
    pro_zeile, beschriftungen = (1, 4) if _schmal else (3, 8)
    legende_hoehe = 22 * math.ceil(max(len(reihen), 1) / pro_zeile)
    oben, unten = 10 + legende_hoehe, 30
    flaeche_b = breite - links_rand - rechts_rand
    flaeche_h = hoehe - oben - unten
    diagramm_id = _id("linie", titel, x_labels, [(r.name, list(r.werte)) for r in reihen], _schmal)

    def x_pos(index: int) -> float:
        if len(x_labels) == 1:
            return links_rand + flaeche_b / 2
        return links_rand + flaeche_b * index / (len(x_labels) - 1)

    def y_pos(wert: float) -> float:
        return oben + flaeche_h * (1 - (wert - skala_min) / (skala_max - skala_min))

    teile = [_header(diagramm_id, titel, beschreibung, breite, hoehe, _schmal)]
    for index, reihe in enumerate(reihen):
        spalte, zeile = index % pro_zeile, index // pro_zeile
        lx, ly = links_rand + spalte * (flaeche_b / pro_zeile), 12 + zeile * 22
        farbe = FARBEN[index % len(FARBEN)]
        strich = "6 4" if reihe.gestrichelt else STRICHE[index % len(STRICHE)]
        teile.append(
            format_html(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{f}" stroke-width="2.5" '
                'stroke-dasharray="{s}"/>{m}<text x="{tx}" y="{y}" dominant-baseline="middle">{t}'
                "</text>",
                x1=_n(lx),
                x2=_n(lx + 28),
                y=_n(ly),
                f=farbe,
                s=strich or "none",
                m=_marker(MARKER[index % len(MARKER)], lx + 14, ly, farbe),
                tx=_n(lx + 34),
                t=_shorten(reihe.name, 28),
            )
        )
    for tick in ticks:
        y = y_pos(tick)
        teile.append(
            format_html(
                '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{c}" stroke-width="1"/>'
                '<text x="{tx}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                'font-size="10" fill="{a}">{t}</text>',
                l=links_rand,
                r=_n(breite - rechts_rand),
                y=_n(y),
                c=RASTER,
                tx=links_rand - 6,
                a=ACHSE,
                t=mit_einheit(tick, einheit),
            )
        )
    for index in _labelled(len(x_labels), beschriftungen):
        label = x_labels[index]
        teile.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="middle" font-size="10" fill="{a}">{t}</text>',
                x=_n(x_pos(index)),
                y=_n(hoehe - unten + 16),
                a=ACHSE,
                t=label,
            )
        )
    for index, reihe in enumerate(reihen):
        farbe = FARBEN[index % len(FARBEN)]
        strich = "6 4" if reihe.gestrichelt else STRICHE[index % len(STRICHE)]
        strecken: list[list[tuple[float, float]]] = [[]]
        for i, wert in enumerate(reihe.werte):
            if wert is None:
                strecken.append([])
            else:
                strecken[-1].append((x_pos(i), y_pos(float(wert))))
        for strecke in strecken:
            if len(strecke) > 1:
                punkte = " ".join(f"{_n(x)},{_n(y)}" for x, y in strecke)
                teile.append(
                    format_html(
                        '<polyline points="{p}" fill="none" stroke="{f}" stroke-width="2.5" '
                        'stroke-dasharray="{s}"/>',
                        p=punkte,
                        f=farbe,
                        s=strich or "none",
                    )
                )
            for x, y in strecke:
                teile.append(_marker(MARKER[index % len(MARKER)], x, y, farbe))
    teile.append(
        format_html(
            '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{a}" stroke-width="1"/></svg>',
            l=links_rand,
            r=_n(breite - rechts_rand),
            y=_n(y_pos(skala_min)),
            a=ACHSE,
        )
    )
    zeilen = [
        [label, *(mit_einheit(r.werte[i], einheit, stellen) for r in reihen)]
        for i, label in enumerate(x_labels)
    ]
    return Diagramm(
        titel=titel,
        beschreibung=beschreibung,
        svg=mark_safe("".join(teile)),  # noqa: S308 - every part built by format_html
        spalten=["Zeitraum", *(r.name for r in reihen)],
        zeilen=zeilen,
    )

"""The shared SVG charts: valid, accessible, escaped, German numbers, same data → same markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template

from core.charts import Reihe, _labelled, balkendiagramm, liniendiagramm, schritte
from core.formatting import mit_einheit

SVG = "{http://www.w3.org/2000/svg}"


def _parse(diagramm) -> ET.Element:
    return ET.fromstring(str(diagramm.svg))


def test_balkendiagramm_draws_one_bar_per_value_with_title_desc_and_values():
    d = balkendiagramm(
        titel="Fortschritt je Handlungsfeld",
        beschreibung="Durchschnittlicher Fortschritt der Maßnahmen in Prozent",
        kategorien=["IKZ & Beteiligung", "Digitale Verwaltung", "Bildung"],
        werte=[42.5, 80, None],
    )
    svg = _parse(d)
    assert svg.get("role") == "img"
    titel_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == titel_id
    assert svg.find(f"{SVG}title").text == "Fortschritt je Handlungsfeld"
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 2  # the category without a value gets text, not a bar
    assert float(bars[1].get("width")) > float(bars[0].get("width"))
    texte = [t.text for t in svg.iter(f"{SVG}text")]
    assert "42,5\u202f%" in texte
    assert "80\u202f%" in texte
    assert "kein Wert" in texte
    assert "IKZ & Beteiligung" in texte  # escaped in the markup, the parsed text is plain


def test_bar_longer_than_maximum_is_clipped_to_the_scale():
    d = balkendiagramm("T", "B", ["a", "b"], [150, 100], maximum=100)
    a, b = _parse(d).findall(f"{SVG}rect")
    assert a.get("width") == b.get("width")


def test_user_text_is_escaped_everywhere():
    boese = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    d = balkendiagramm(boese, boese, [boese], [1], links=["/massnahmen/?q=<x>"])
    html = str(d)
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    _parse(d)  # still well-formed XML


def test_default_rendering_is_a_figure_with_chart_and_linked_data_table():
    d = balkendiagramm(
        "Maßnahmen nach Status",
        "Anzahl",
        ["geplant", "in Umsetzung"],
        [3, 12],
        einheit="",
        maximum=None,
        links=["/massnahmen/?status=geplant", None],
        wertname="Anzahl",
    )
    html = Template("{{ d }}").render(Context({"d": d}))
    assert html.startswith('<figure class="diagramm">')
    assert "<svg" in html
    assert "<caption>Maßnahmen nach Status</caption>" in html
    assert '<th scope="col">Anzahl</th>' in html
    assert '<a href="/massnahmen/?status=geplant">geplant</a>' in html
    assert '<th scope="row">in Umsetzung</th><td>12</td>' in html


def test_liniendiagramm_gaps_dashes_markers_and_legend():
    quartale = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    d = liniendiagramm(
        "Trend",
        "Fortschritt je Quartal",
        quartale,
        [Reihe("Ist", [10, None, 30, 40]), Reihe("Soll-Pfad", [10, 20, 30, 40], gestrichelt=True)],
        einheit="%",
    )
    svg = _parse(d)
    linien = svg.findall(f"{SVG}polyline")
    # "Ist" is split by its gap into one drawable segment (30→40) plus a lone point; the
    # Soll path is one dashed line.
    assert len(linien) == 2
    assert linien[-1].get("stroke-dasharray") == "6 4"
    assert linien[0].get("stroke-dasharray") == "none"
    texte = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Ist" in texte and "Soll-Pfad" in texte
    assert all(q in texte for q in quartale)
    # Different marker shapes, not only colours.
    assert svg.findall(f"{SVG}circle") and svg.findall(f"{SVG}rect")
    assert d.spalten == ["Zeitraum", "Ist", "Soll-Pfad"]
    assert d.zeilen[1] == ["2026-Q2", "–", "20\u202f%"]


def test_higher_values_are_drawn_higher():
    d = liniendiagramm("T", "B", ["a", "b"], [Reihe("x", [1, 9])])
    punkte = _parse(d).find(f"{SVG}polyline").get("points").split()
    (_, y1), (_, y2) = (map(float, p.split(",")) for p in punkte)
    assert y2 < y1


def test_same_data_gives_identical_markup_and_different_data_does_not():
    def make(werte):
        return str(balkendiagramm("T", "B", ["a", "b"], werte))

    assert make([1, 2]) == make([1, 2])
    assert make([1, 2]) != make([1, 3])


def test_mismatched_lengths_are_a_programming_error():
    with pytest.raises(ValueError):
        balkendiagramm("T", "B", ["a"], [1, 2])
    with pytest.raises(ValueError):
        liniendiagramm("T", "B", ["a", "b"], [Reihe("x", [1])])


@pytest.mark.parametrize(
    ("maximum", "minimum", "erwartet"),
    [
        (100, 0, [0, 20, 40, 60, 80, 100]),
        (7, 0, [0, 2, 4, 6, 8]),
        (0.3, 0, [0, 0.1, 0.2, 0.3]),
        (245000, 0, [0, 50000, 100000, 150000, 200000, 250000]),
        (10, -5, [-5, 0, 5, 10]),
    ],
)
def test_axis_ticks_are_round_and_cover_the_range(maximum, minimum, erwartet):
    assert schritte(maximum, minimum) == pytest.approx(erwartet)


def test_values_are_german():
    assert mit_einheit(1234.5, "€") == "1.234,5\u202f€"
    assert mit_einheit(None) == "–"
    assert mit_einheit(3) == "3"


@pytest.mark.parametrize(
    ("anzahl", "erwartet"),
    [
        (1, [0]),
        (4, [0, 1, 2, 3]),
        (8, list(range(8))),
        (9, [0, 2, 4, 6, 8]),
        (12, [0, 2, 4, 6, 8, 11]),
    ],
)
def test_x_labels_are_thinned_out_but_the_last_quarter_is_always_named(anzahl, erwartet):
    assert _labelled(anzahl) == erwartet


def test_a_wide_chart_brings_a_narrow_drawing_for_phones():
    """At 390 px a 640-unit chart was shrunk to 6 px text; the figure carries a second,
    SCHMAL-unit drawing that portal.css shows on a phone instead (issue 18, point 6)."""
    from core.charts import SCHMAL

    balken = balkendiagramm(
        titel="Fortschritt", beschreibung="B", kategorien=["A", "B"], werte=[10, 90]
    )
    linie = liniendiagramm(
        titel="Verlauf",
        beschreibung="L",
        x_labels=[f"Q{q}/2026" for q in range(1, 5)] * 3,
        reihen=[Reihe("Fortschritt", [1.0] * 12), Reihe("Meldungen", [2.0] * 12)],
    )
    for diagramm in (balken, linie):
        breit, schmal = _parse(diagramm), ET.fromstring(str(diagramm.svg_schmal))
        assert breit.get("viewBox").split()[2] == "640"
        assert schmal.get("viewBox").split()[2] == str(SCHMAL)
        assert "diagramm-svg--schmal" in schmal.get("class").split()
        assert "diagramm-svg--schmal" not in breit.get("class").split()
        # Both are named, each by its own ids (one page, no duplicate id).
        assert schmal.find(f"{SVG}title").text == breit.find(f"{SVG}title").text
        assert schmal.get("aria-labelledby") != breit.get("aria-labelledby")
        assert str(diagramm).count("<svg") == 2
    # The narrow line chart names fewer quarters, so its labels do not run into each other.
    x_texte = [t.text for t in ET.fromstring(str(linie.svg_schmal)).iter(f"{SVG}text")]
    assert sum(t.startswith("Q") for t in x_texte) <= 5
    # A chart drawn narrow already needs no second drawing.
    klein = balkendiagramm(titel="K", beschreibung="K", kategorien=["A"], werte=[1], breite=420)
    assert klein.svg_schmal is None

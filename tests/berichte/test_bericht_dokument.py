"""The quarterly report as a printed and accessible document (issue 14, points 1, 2, 3, 6):
checked on the generated PDF, for a small Kreis and for the generated Kreis with 500
Maßnahmen, 40 Förderbescheide and long names (tests/berichte/grosser_kreis.py)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys

import pikepdf
import pytest

from berichte.abschnitte import ABSCHNITTE
from berichte.pdf import CSV_ANHANG, SEITENRAND_MM
from tests.conftest import require_or_skip

from .conftest import XDIST_GRUPPE
from .grosser_kreis import KOMMUNEN, KREIS_NAME
from .pdf_pruefung import (
    MM,
    PdfLeser,
    Strukturbaum,
    ausserhalb,
    poppler_seiten,
    tabellen,
    text_je_element,
    verwaiste_zeilen,
    zeilen,
    zeilentext,
)

# One xdist process runs all of them, so the session fixtures render each report once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group(XDIST_GRUPPE)]

# What office printers leave unprinted at the paper's edges.
DRUCKRAND = 5 * MM
# A page with fewer lines than this is "nearly empty": allowed only at a chapter's end.
MINDESTZEILEN = 8
KAPITEL = [a.titel for a in ABSCHNITTE if a.neue_seite]


@pytest.fixture(scope="module")
def gross(grosser_bericht) -> PdfLeser:
    return PdfLeser(grosser_bericht["pdf/ua-1"])


def test_the_generated_kreis_is_all_in_the_report(gross):
    """The fixture's data reach the report: 500 Maßnahmen on the cover, and the 40
    Bescheide (9.876.543,21 € falling by 123.456,78 € each) add up in the Förderung."""
    deckblatt = " ".join(gross.seiten[0].text.split())
    assert "Maßnahmen im Bericht 500" in deckblatt
    text = " ".join(gross.text.split())
    assert "Im Bericht stehen 500 Maßnahmen" in text
    assert "Summe 298.765.440,00 €" in text


BERICHTE = [
    ("demo", "pdf/ua-1"),
    ("demo", "pdf/a-3b"),
    ("gross", "pdf/ua-1"),
    ("gross", "pdf/a-3b"),
]


_GELESEN: dict[tuple[str, str], tuple[PdfLeser, Strukturbaum]] = {}


def _gelesen(request, welcher: str, variante: str) -> tuple[PdfLeser, Strukturbaum]:
    """The rendered report's pages and structure tree, read once per test run."""
    if (welcher, variante) not in _GELESEN:
        pdfs = request.getfixturevalue("demo_bericht" if welcher == "demo" else "grosser_bericht")
        _GELESEN[welcher, variante] = (
            PdfLeser(pdfs[variante]),
            Strukturbaum(pdfs[variante]),
        )
    return _GELESEN[welcher, variante]


def _leser(request, welcher: str, variante: str) -> PdfLeser:
    return _gelesen(request, welcher, variante)[0]


def _textzeilen(leser: PdfLeser, baum: Strukturbaum):
    """Per page: its lines of tagged content (header and footer are artifacts, not in the
    structure tree), each line with the structure roles of its first piece."""
    for seite in leser.seiten:
        getaggt = [i for i in seite.inhalte if baum.element_von(seite.nummer, i.mcid)]
        yield (
            seite,
            [
                (zeilentext(z), baum.rollen(baum.element_von(seite.nummer, z[0].mcid)))
                for z in zeilen(getaggt)
            ],
        )


@pytest.mark.parametrize(("welcher", "variante"), BERICHTE)
def test_nothing_outside_the_printable_area(request, welcher, variante):
    """Every glyph and every drawn line, area and image of every page lies between the
    left and right page margins of the print CSS, and at least 5 mm (what office printers
    leave unprinted) from the top and bottom edge, where header and footer sit. A table too
    wide for the page would put its last column beyond the right margin or off the page."""
    leser = _leser(request, welcher, variante)
    grenzen = {
        "links": SEITENRAND_MM["links"] * MM,
        "rechts": SEITENRAND_MM["rechts"] * MM,
        "oben": DRUCKRAND,
        "unten": DRUCKRAND,
    }
    fehler = []
    for seite in leser.seiten:
        for art, boxen in (("Glyphen", seite.glyphen), ("Objekte", seite.objekte)):
            draussen = ausserhalb(seite, boxen, **grenzen)
            if draussen:
                beispiel = max(draussen, key=lambda b: b.rechts)
                fehler.append(
                    f"Seite {seite.nummer}: {len(draussen)} {art} außerhalb, z. B. "
                    f"{beispiel.was!r} bis x = {beispiel.rechts:.1f} pt "
                    f"(Seite {seite.breite:.0f} × {seite.hoehe:.0f} pt)"
                )
    assert len(leser.seiten) > 1
    assert not fehler, "\n".join(fehler)


def _poppler_pruefen(inhalt: bytes, tmp_path) -> tuple[list, list[str]]:
    """The pages as poppler reads them, and every word outside the printable area."""
    require_or_skip(
        bool(shutil.which("pdftotext")),
        "pdftotext nicht installiert (apt-get install poppler-utils)",
    )
    datei = tmp_path / "bericht.pdf"
    datei.write_bytes(inhalt)
    seiten = poppler_seiten(datei)
    grenzen = {
        "links": SEITENRAND_MM["links"] * MM,
        "rechts": SEITENRAND_MM["rechts"] * MM,
        "oben": DRUCKRAND,
        "unten": DRUCKRAND,
    }
    return seiten, [
        f"Seite {seite.nummer}: „{w.was}“ x {w.links:.1f}–{w.rechts:.1f}, y {w.unten:.1f}–"
        f"{w.oben:.1f} pt (Seite {seite.breite:.0f} × {seite.hoehe:.0f} pt)"
        for seite in seiten
        for w in ausserhalb(seite, seite.glyphen, **grenzen)
    ]


@pytest.mark.parametrize(("welcher", "variante"), BERICHTE)
def test_pdftotext_bbox_finds_every_word_inside_the_page(request, welcher, variante, tmp_path):
    """The same check with a second, independent reader (poppler's `pdftotext -bbox`, the
    tool the issue's x = 600 pt on a 595 pt page came from): every word's box on every page
    lies within the left and right margins and 5 mm from the top and bottom edge."""
    pdfs = request.getfixturevalue("demo_bericht" if welcher == "demo" else "grosser_bericht")
    seiten, fehler = _poppler_pruefen(pdfs[variante], tmp_path)
    assert len(seiten) == len(_leser(request, welcher, variante).seiten)
    assert sum(len(s.glyphen) for s in seiten) > (20_000 if welcher == "gross" else 2_000)
    assert not fehler, "\n".join(fehler[:30])


def test_pdftotext_bbox_check_catches_a_table_wider_than_the_page(tmp_path):
    """The check above can fail: a table whose cells may not wrap, as the Förderung table
    of the 3rd-quarter report before this issue, runs past the right edge and is found."""
    from berichte.pdf import html_to_pdf

    zelle = "<td style='white-space: nowrap'>1.234.567,89 € verbleibend</td>"
    html = (
        "<html lang='de'><head><title>Breit</title><style>@page { size: A4; margin: 20mm 18mm"
        " 20mm 20mm }</style></head><body><table><tr>" + zelle * 6 + "</tr></table></body></html>"
    )
    _seiten, fehler = _poppler_pruefen(html_to_pdf(html).inhalt, tmp_path)
    assert fehler and all(f.startswith("Seite 1: ") for f in fehler)


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_no_heading_or_caption_ends_a_page(request, welcher):
    """The last line of every page is content, never a heading or a table caption whose
    text then follows on the next page."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    fehler = []
    for seite, textzeilen in _textzeilen(leser, baum):
        if not textzeilen or seite.nummer == len(leser.seiten):
            continue
        text, rollen = textzeilen[-1]
        if {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Caption"} & set(rollen):
            fehler.append(f"Seite {seite.nummer} endet mit {rollen[-2]} „{text}“")
    assert not fehler, "\n".join(fehler)


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_a_table_and_the_paragraph_introducing_it_share_a_page(request, welcher):
    """The paragraph right before a table says what the table holds ("Förderbescheide mit
    Bescheiddatum bis …"): it does not end a page while its table starts on the next
    (seen: the Förderung's introduction at the foot of page 8, its table on page 9)."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    # A paragraph whose next element after its own content is a table; WeasyPrint tags the
    # part of a section on the next page as a /Sect of its own, so sections are skipped.
    einleitungen = set()
    for index, element in enumerate(baum.elemente):
        if element.rolle != "/P":
            continue
        for folgend in baum.elemente[index + 1 :]:
            if element.id in folgend.vorfahren or folgend.rolle in {"/Sect", "/Div"}:
                continue
            if folgend.rolle == "/Table":
                einleitungen.add(element.id)
            break
    fehler = []
    for seite in leser.seiten[:-1]:
        getaggt = [i for i in seite.inhalte if baum.element_von(seite.nummer, i.mcid)]
        if not getaggt:
            continue
        letzte = zeilen(getaggt)[-1]
        element = baum.element_von(seite.nummer, letzte[0].mcid)
        if einleitungen & {*element.vorfahren, element.id}:
            fehler.append(f"Seite {seite.nummer} endet mit der Einleitung „{zeilentext(letzte)}“")
    assert len(einleitungen) >= 3
    assert not fehler, "\n".join(fehler)


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_table_header_rows_repeat_on_every_page(request, welcher):
    """Wherever a table appears on a page, its first line there is its caption or its
    header row, also on the pages a long table continues on."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    fortgesetzt, fehler = 0, []
    for seite in leser.seiten:
        getaggt = [i for i in seite.inhalte if baum.element_von(seite.nummer, i.mcid)]
        erste_zeile_je_tabelle: dict[tuple, list[str]] = {}
        for zeile in zeilen(getaggt):
            element = baum.element_von(seite.nummer, zeile[0].mcid)
            rollen = baum.rollen(element)
            if "/Table" in rollen:
                tabelle = [*element.vorfahren, element.id][rollen.index("/Table")]
                erste_zeile_je_tabelle.setdefault(tabelle, rollen)
        for rollen in erste_zeile_je_tabelle.values():
            if "/Caption" not in rollen:
                fortgesetzt += 1
            if not {"/Caption", "/THead"} & set(rollen):
                fehler.append(f"Seite {seite.nummer}: Tabelle beginnt ohne Kopfzeile")
    if welcher == "gross":
        assert fortgesetzt >= 10  # Fehlende, Meilensteine, Förderung run over many pages
    assert not fehler, "\n".join(fehler)


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_no_table_leaves_a_single_row_on_either_side_of_a_page_break(request, welcher):
    """A table running over a page break keeps at least two of its rows on the page it
    starts on and on the page it ends on: never its first row alone at the foot of a
    page, never its last row (or total row) alone at the top of the next. In the demo
    report the two Förderbescheide and their total used to split after the first row."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    geteilt = [teile for teile in tabellen(leser, baum) if len(teile) > 1]
    if welcher == "gross":
        assert len(geteilt) >= 4  # Fehlende, Meilensteine, Förderung, Fristen run on
    assert not verwaiste_zeilen(leser, baum), "\n".join(verwaiste_zeilen(leser, baum))


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_chapters_start_on_a_new_page_and_only_their_last_page_may_be_short(request, welcher):
    """Every chapter (Abschnitt.neue_seite) begins at the top of a page; every other
    section follows on the same page, so a page with fewer than eight lines is the last
    page of a chapter (the next page starts the next chapter) or of the report."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    seiten = list(_textzeilen(leser, baum))
    erste_zeilen = [textzeilen[0][0] if textzeilen else "" for _seite, textzeilen in seiten]
    for titel in KAPITEL:
        assert titel in erste_zeilen, f"„{titel}“ beginnt keine Seite"
    kurz = []
    for index, (seite, textzeilen) in enumerate(seiten):
        if len(textzeilen) >= MINDESTZEILEN or index == len(seiten) - 1 or index == 0:
            continue
        naechste = seiten[index + 1][0]
        quer_wechsel = (seite.breite > seite.hoehe) != (naechste.breite > naechste.hoehe)
        if erste_zeilen[index + 1] not in KAPITEL and not quer_wechsel:
            kurz.append(f"Seite {seite.nummer}: {len(textzeilen)} Zeilen")
    assert not kurz, "\n".join(kurz)


def _zeilen_je_tabellenzeile(leser, baum, titel: str) -> list[int]:
    """Per body row of the table with this caption: the number of text lines it takes.
    WeasyPrint tags each page's part of a table as a /Table of its own, the first with
    the caption: a part without one continues the table before it."""
    texte = text_je_element(leser, baum)
    tabellen_ids, aktuell = set(), ""
    for element in baum.elemente:
        if element.rolle == "/Table":
            beschriftung = [
                k for k in baum.elemente if k.rolle == "/Caption" and k.vorfahren[-1] == element.id
            ]
            if beschriftung:
                aktuell = " ".join(texte.get(beschriftung[0].id, "").split())
            if titel in aktuell:
                tabellen_ids.add(element.id)
    oberkanten: dict[tuple[int, int], set] = {}
    for seite in leser.seiten:
        for inhalt in seite.inhalte:
            element = baum.element_von(seite.nummer, inhalt.mcid)
            if element is None or not inhalt.text.strip():
                continue
            kette = [*element.vorfahren, element.id]
            rollen = baum.rollen(element)
            if "/TBody" not in rollen or "/TR" not in rollen:
                continue
            zeile = kette[rollen.index("/TR")]
            tabelle = kette[rollen.index("/Table")]
            oberkanten.setdefault((tabelle, zeile), set()).add((seite.nummer, inhalt.box.oben))
    ergebnis = []
    for (tabelle, _row), kanten in oberkanten.items():
        if tabelle in tabellen_ids:
            # Lines of the row's cells whose tops lie within 3 points are one line.
            oben = sorted(kanten)
            ergebnis.append(
                1 + sum(1 for a, b in zip(oben, oben[1:], strict=False) if b[1] - a[1] > 3)
            )
    return ergebnis


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_the_foerderung_gets_landscape_pages_with_rows_of_at_most_two_lines(request, welcher):
    """The Förderung's six columns (Aktenzeichen, programme, recipient, three sums) get the
    width of landscape pages, from its heading to the next section; every other page is
    portrait. In the generated Kreis a Bescheid (an Aktenzeichen of 46 characters, a
    programme and a Kommune with long names) took five lines on a portrait page; now at
    most two."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    quer = [s.nummer for s in leser.seiten if s.breite > s.hoehe]
    assert quer, "keine Seite im Querformat"
    assert quer == list(range(quer[0], quer[-1] + 1))
    erste_zeilen = [textzeilen[0][0] for _seite, textzeilen in _textzeilen(leser, baum)]
    assert erste_zeilen[quer[0] - 1] == "Förderung"
    assert erste_zeilen[quer[-1]] == "Workshops"
    zeilen_je_bescheid = _zeilen_je_tabellenzeile(
        leser, baum, "Förderbescheide: bewilligte, abgerufene und verbleibende Mittel"
    )
    assert len(zeilen_je_bescheid) == (40 if welcher == "gross" else 2)
    assert max(zeilen_je_bescheid) <= 2, zeilen_je_bescheid


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_the_summary_tables_give_a_handlungsfeld_at_most_two_lines(request, welcher):
    """The summary's progress per Handlungsfeld: a name of up to three words takes one
    line, the long "Befähigung, Wissens- und Change-Management" two (it took four, with
    "Change-" and "Management" on lines of their own, and "Digitale Infrastruktur" two,
    while the quarters' headers kept a line each); the comparison with the previous
    quarter takes one line a row."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    je_feld = _zeilen_je_tabellenzeile(
        leser, baum, "Durchschnittlicher Fortschritt der Maßnahmen je Handlungsfeld"
    )
    assert sorted(je_feld) == [1, 1, 1, 2], je_feld
    vergleich = _zeilen_je_tabellenzeile(leser, baum, "Stand am 30.06.2026 (2. Quartal 2026)")
    assert vergleich == [1] * 5, vergleich


def _kopfzeilen(seite) -> list[str]:
    """The lines of the running header: untagged text (artifacts) in the top margin."""
    oben = [
        i
        for i in seite.inhalte
        if i.mcid < 0 and i.box.unten > seite.hoehe - SEITENRAND_MM["oben"] * MM
    ]
    return [zeilentext(z) for z in zeilen(oben, abstand=1.0)]


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_the_page_header_keeps_the_quarter_on_one_line(request, welcher):
    """The header of every page after the cover names Kreis and quarter; a Kreis name
    too long for one line wraps before the quarter, never inside it (seen: "· 3." at the
    end of the first line, "Quartal 2026" on the second)."""
    leser = _leser(request, welcher, "pdf/ua-1")
    fehler = []
    for seite in leser.seiten[1:]:
        kopf = _kopfzeilen(seite)
        if not any("3. Quartal 2026" in z for z in kopf):
            fehler.append(f"Seite {seite.nummer}: {kopf}")
    assert not fehler, "\n".join(fehler[:5])


TRENNSTRICH = "\u2010"  # the hyphen WeasyPrint draws where it hyphenates a word
KURZE_ANGABEN = {"beteiligt", "federführend"}  # the Rolle column of the Steckbriefe


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_header_cells_and_short_labels_are_not_hyphenated(request, welcher):
    """A column or row header ("erreicht", "Zuwendungsempfänger", "Digitale
    Infrastruktur") and the one-word role of a Steckbrief's Maßnahme are read at a glance:
    no hyphen splits them over two lines; nor is a hyphen added to an Aktenzeichen (it
    would read as part of it, "ZWB-NRW/34.2-DIGI-TAL-…"). Seen on the pages: "er-reicht" over the
    Meilensteine, "Infras-truktur" in the summary, "betei-ligt" in every row of a
    Steckbrief."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    texte = text_je_element(leser, baum)
    getrennt = []
    for element in baum.elemente:
        text = " ".join(texte.get(element.id, "").split())
        if element.rolle not in {"/TH", "/TD"} or TRENNSTRICH not in text:
            continue
        ganz = re.sub(TRENNSTRICH + r"\s*", "", text)
        kopf = "/THead" in baum.rollen(element)
        # Row headers of up to four words; a Kennzahl with its description is a paragraph.
        zeilenkopf = element.rolle == "/TH" and len(ganz.split()) <= 4
        # An Aktenzeichen with an added hyphen is another Aktenzeichen.
        aktenzeichen = ganz.startswith(("ZWB-NRW/", "34.2-IKZ-"))
        if kopf or zeilenkopf or aktenzeichen or ganz in KURZE_ANGABEN:
            getrennt.append(f"{element.rolle[1:]} „{text}“")
    assert len(texte) > 1000
    assert not getrennt, "\n".join(sorted(set(getrennt)))


# --- Structure a screen reader can use (point 3) ----------------------------------------


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_pdfua_checker_finds_nothing(request, welcher, tmp_path):
    """The machine-checkable PDF/UA-1 subset of the PyPI package pdfua, run as its command
    line (`pdfua check --format json`): no finding at all, so no error and no warning
    about tables (UA-15-003: header cells without /Scope)."""
    pdfs = request.getfixturevalue("demo_bericht" if welcher == "demo" else "grosser_bericht")
    datei = tmp_path / "bericht.pdf"
    datei.write_bytes(pdfs["pdf/ua-1"])
    lauf = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(datei)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    bericht = json.loads(lauf.stdout)
    assert bericht["findings"] == [], json.dumps(bericht["findings"], indent=1)[:3000]
    assert bericht["summary"]["errors"] == 0
    assert lauf.returncode == 0
    # UA-14-001 (empty headings) cannot run on WeasyPrint's tree (pdfua 0.1.3 fails on a
    # /K array); test_headings_are_in_order_and_not_empty checks it instead.
    assert {s["rule_id"] for s in bericht["skipped"]} <= {"UA-14-001"}


@pytest.mark.parametrize(("welcher", "variante"), BERICHTE)
def test_table_header_cells_carry_scope_and_captions_sit_in_their_table(request, welcher, variante):
    """In the structure tree of both variants: every TH has its /Scope (Column in the
    header row, Row for the row headers and the total row), and every caption is a child
    of its table."""
    _leser_, baum = _gelesen(request, welcher, variante)
    th = [e for e in baum.elemente if e.rolle == "/TH"]
    # The large Kreis's PDF/A variant is made without the Steckbriefe (conftest.py).
    assert len(th) > (150 if welcher == "gross" else 50)
    for element in th:
        rollen = baum.rollen(element)
        erwartet = "/Column" if "/THead" in rollen else "/Row"
        assert str(element.attribute.get("/Scope")) == erwartet, rollen
    captions = [e for e in baum.elemente if e.rolle == "/Caption"]
    assert len(captions) >= 8
    for caption in captions:
        assert baum.nach_id[caption.vorfahren[-1]].rolle == "/Table"


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_headings_are_in_order_and_not_empty(request, welcher):
    """One H1 (the title), then no level skipped on the way down (H2 → H3 → H4), and
    every heading holds text on a page."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    ebenen = []
    texte = text_je_element(leser, baum)
    for element in baum.elemente:
        if (
            len(element.rolle) == 3
            and element.rolle.startswith("/H")
            and element.rolle[2].isdigit()
        ):
            ebenen.append(int(element.rolle[2]))
            assert texte.get(element.id, "").strip(), element
    assert ebenen[0] == 1 and ebenen.count(1) == 1
    for vorher, jetzt in zip(ebenen, ebenen[1:], strict=False):
        assert jetzt <= vorher + 1, f"H{vorher} → H{jetzt}"


def test_no_chart_repeats_a_table(request):
    """Point 4e: the summary's progress per Handlungsfeld is one table (with the count and
    the change against the previous quarter) instead of a bar chart of the same four
    percentages above that table. Without a logo (its figure and alt text:
    test_bericht_logo.py) the report has no figure and draws no graphic at all."""
    leser, baum = _gelesen(request, "demo", "pdf/ua-1")
    assert [e for e in baum.elemente if e.rolle == "/Figure"] == []
    assert not [o for s in leser.seiten for o in s.objekte if o.was in {"Grafik", "Bild"}]
    text = " ".join(leser.text.split())
    assert (
        "Durchschnittlicher Fortschritt der Maßnahmen je Handlungsfeld am 30.06.2026 und am "
        "30.09.2026 Handlungsfeld Maßnahmen 2. Quartal 2026 3. Quartal 2026 Veränderung"
    ) in text


def test_large_kreis_no_chart_repeats_a_table_its_one_figure_is_the_logo(request):
    """Point 4e on the 500-Maßnahmen Kreis, whose Kreis staff uploaded a logo: the one
    figure of 165 pages is that logo on the cover; every figure of the report is a table,
    the summary's progress per Handlungsfeld included, and no page draws a chart."""
    leser, baum = _gelesen(request, "gross", "pdf/ua-1")
    figuren = [e for e in baum.elemente if e.rolle == "/Figure"]
    assert len(figuren) == 1
    bilder = [(s.nummer, o.was) for s in leser.seiten for o in s.objekte if o.was == "Bild"]
    assert bilder == [(1, "Bild")]
    assert not [s.nummer for s in leser.seiten for o in s.objekte if o.was == "Grafik"]
    text = " ".join(leser.text.split())
    assert (
        "Durchschnittlicher Fortschritt der Maßnahmen je Handlungsfeld am 30.06.2026 und am "
        "30.09.2026 Handlungsfeld Maßnahmen 2. Quartal 2026 3. Quartal 2026 Veränderung"
    ) in text


@pytest.mark.parametrize(("welcher", "variante"), BERICHTE)
def test_the_viewer_shows_the_document_title_and_its_language(request, welcher, variante):
    """/DisplayDocTitle: a viewer's window and a screen reader announce the title, not
    the file name; the title names quarter and Kreis, in the document info and the XMP."""
    _leser_, baum = _gelesen(request, welcher, variante)
    wurzel = baum.pdf.Root
    kreis = "Kreis Lippe" if welcher == "demo" else "Kreis " + KREIS_NAME
    titel = f"Quartalsbericht 3. Quartal 2026 – {kreis}"
    assert wurzel.ViewerPreferences.DisplayDocTitle is True
    assert str(baum.pdf.docinfo["/Title"]) == titel
    assert str(baum.pdf.open_metadata().get("dc:title")) == titel
    assert str(wurzel.Lang) == "de"


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_every_section_is_a_bookmark_pointing_at_its_page(request, welcher):
    """The outline holds the title and under it every section of the report, each
    leading to the page its heading is on."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    seiten = {seite.objgen: nummer for nummer, seite in enumerate(baum.pdf.pages, 1)}
    with baum.pdf.open_outline() as gliederung:
        (titel,) = gliederung.root
        kapitel = {k.title: k for k in titel.children}
    assert titel.title == "Quartalsbericht 3. Quartal 2026"
    for abschnitt in ABSCHNITTE[1:]:
        assert abschnitt.titel in kapitel, abschnitt.titel
        ziel = kapitel[abschnitt.titel].destination
        seite = seiten[ziel[0].objgen]
        assert abschnitt.titel in " ".join(leser.seiten[seite - 1].text.split())
    # Under the appendix, a bookmark per Kommune, leading to its Steckbrief.
    with baum.pdf.open_outline() as gliederung:
        (titel,) = gliederung.root
        (anhang,) = [k for k in titel.children if k.title == "Anhang: Steckbriefe der Kommunen"]
        kommunen = [(k.title, seiten[k.destination[0].objgen]) for k in anhang.children]
    if welcher == "gross":
        assert [name for name, _ in kommunen] == sorted(KOMMUNEN)
    assert len(kommunen) >= 3
    for name, seite in kommunen:
        assert name in leser.seiten[seite - 1].zeilen, (name, seite)


@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_page_headers_and_footers_are_artifacts(request, welcher):
    """Every piece of marked page content belongs to the structure tree, except the
    running header and footer, which are pagination artifacts and carry no MCID."""
    leser, baum = _gelesen(request, welcher, "pdf/ua-1")
    for seite in leser.seiten:
        for inhalt in seite.inhalte:
            if inhalt.mcid >= 0:
                assert baum.element_von(seite.nummer, inhalt.mcid), (seite.nummer, inhalt.text)
            elif "Seite " in inhalt.text and " von " in inhalt.text:
                break
        else:
            if seite.nummer > 1:
                pytest.fail(f"Seite {seite.nummer}: keine Fußzeile als Artefakt")


# --- Both variants as files (point 6) ---------------------------------------------------


@pytest.mark.parametrize(("welcher", "variante"), BERICHTE)
def test_qpdf_finds_no_damage(request, welcher, variante, tmp_path):
    require_or_skip(bool(shutil.which("qpdf")), "qpdf nicht installiert (apt-get install qpdf)")
    pdfs = request.getfixturevalue("demo_bericht" if welcher == "demo" else "grosser_bericht")
    datei = tmp_path / "bericht.pdf"
    datei.write_bytes(pdfs[variante])
    lauf = subprocess.run(["qpdf", "--check", str(datei)], capture_output=True, text=True)
    assert lauf.returncode == 0, lauf.stdout + lauf.stderr
    assert "No syntax or stream encoding errors found" in lauf.stdout


def _xmp(pdf: pikepdf.Pdf, *schluessel: str) -> list[str]:
    """Values of the XMP metadata (e.g. "pdfaid:part")."""
    metadaten = pdf.open_metadata()
    return [str(metadaten.get(s)) for s in schluessel]


def test_pdf_ua_variant_says_so_and_carries_no_attachment(request):
    _leser_, baum = _gelesen(request, "demo", "pdf/ua-1")
    assert _xmp(baum.pdf, "pdfuaid:part") == ["1"]
    assert not baum.pdf.attachments


def _csv(pdf: pikepdf.Pdf) -> list[dict[str, str]]:
    datei = pdf.attachments[CSV_ANHANG]
    inhalt = datei.get_file().read_bytes()
    assert inhalt.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(inhalt.decode("utf-8-sig")), delimiter=";"))


def test_pdf_a_variant_is_pdf_a_3b_and_embeds_the_figures_as_csv(request):
    """PDF/A-3b in the XMP, an sRGB output intent, and the CSV as an associated file
    (/AF, relationship Data, MIME text/csv) whose values are the printed ones."""
    leser, baum = _gelesen(request, "demo", "pdf/a-3b")
    pdf = baum.pdf
    assert _xmp(pdf, "pdfaid:part", "pdfaid:conformance") == ["3", "B"]
    assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
    (verknuepft,) = pdf.Root.AF
    assert verknuepft.AFRelationship == "/Data"
    assert verknuepft.EF.F.Subtype == "/text/csv"
    assert str(verknuepft.UF) == CSV_ANHANG
    zeilen = _csv(pdf)
    assert list(zeilen[0]) == ["Abschnitt", "Tabelle", "Zeile", "Spalte", "Wert"]
    text = " ".join(leser.text.split())
    summe = next(
        z
        for z in zeilen
        if z["Abschnitt"] == "Förderung" and z["Zeile"] == "Summe" and z["Spalte"] == "bewilligt"
    )
    assert f"Summe {summe['Wert']}" in text
    ampel = {z["Zeile"]: z["Wert"] for z in zeilen if z["Tabelle"] == "Maßnahmen nach Ampel"}
    assert set(ampel) == {"grün – im Plan", "gelb – Verzug oder Risiken", "rot – gefährdet"}


def test_the_csv_of_the_generated_kreis_holds_every_massnahme(grosser_bericht):
    with pikepdf.open(io.BytesIO(grosser_bericht["pdf/a-3b"])) as pdf:
        zeilen = _csv(pdf)
    kapitel = [z for z in zeilen if z["Abschnitt"] == "Maßnahmen je Handlungsfeld"]
    massnahmen = {z["Zeile"] for z in kapitel}
    assert len(massnahmen) == 500
    fortschritt = [z for z in kapitel if z["Spalte"] == "Fortschritt"]
    assert len(fortschritt) == 500 and all(z["Wert"].endswith(" %") for z in fortschritt)
    bescheide = {z["Zeile"] for z in zeilen if z["Tabelle"].startswith("Förderbescheide")}
    assert len(bescheide - {"Summe"}) == 40

"""Reading a rendered report PDF the way a reader (or a printer, or a screen reader)
meets it: page sizes, the text of each page, every glyph's box and every drawn object's
box, and the structure tree that ties the page content to headings, tables and captions.

pypdfium2 (PDFium, the PDF engine of Chromium) reads a 150-page report in about three
seconds; boxes are in PDF points with the origin at the page's lower left corner. pikepdf
reads the structure tree; a piece of page content belongs to the structure element whose
marked-content id (MCID) on that page it carries.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cached_property

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MM = 72 / 25.4
OBJEKTARTEN = {
    pdfium_c.FPDF_PAGEOBJ_TEXT: "Text",
    pdfium_c.FPDF_PAGEOBJ_PATH: "Linie/Fläche",
    pdfium_c.FPDF_PAGEOBJ_IMAGE: "Bild",
    pdfium_c.FPDF_PAGEOBJ_SHADING: "Verlauf",
    pdfium_c.FPDF_PAGEOBJ_FORM: "Grafik",  # e.g. an SVG chart, with all it draws
}


@dataclass(frozen=True)
class Box:
    """A box in PDF points (origin lower left), with what it holds for messages."""

    links: float
    unten: float
    rechts: float
    oben: float
    was: str


@dataclass(frozen=True)
class Inhalt:
    """A piece of page content (a line of text, a rule, a chart) with its MCID (-1 for
    content outside the structure tree: artifacts such as the page header)."""

    box: Box
    mcid: int
    text: str


@dataclass
class Seite:
    nummer: int
    breite: float
    hoehe: float
    text: str
    glyphen: list[Box] = field(repr=False)
    objekte: list[Box] = field(repr=False)
    inhalte: list[Inhalt] = field(repr=False)

    @property
    def zeilen(self) -> list[str]:
        """The page's non-empty text lines."""
        return [z.strip() for z in self.text.splitlines() if z.strip()]


class PdfLeser:
    """One rendered PDF, its pages read on first use."""

    def __init__(self, inhalt: bytes):
        self.inhalt = inhalt

    @cached_property
    def seiten(self) -> list[Seite]:
        dokument = pdfium.PdfDocument(self.inhalt)
        try:
            return [self._seite(nummer, seite) for nummer, seite in enumerate(dokument, 1)]
        finally:
            dokument.close()

    @staticmethod
    def _seite(nummer: int, seite) -> Seite:
        breite, hoehe = seite.get_size()
        textseite = seite.get_textpage()
        text = textseite.get_text_range()
        glyphen = []
        for i in range(textseite.count_chars()):
            zeichen = text[i] if i < len(text) else ""
            if zeichen.isspace():
                continue
            glyphen.append(Box(*textseite.get_charbox(i), was=zeichen))
        # Only the page's own objects: those inside a form XObject have the form's
        # coordinates, and the form's box holds them all.
        objekte, inhalte = [], []
        for objekt in seite.get_objects(max_depth=0):
            if objekt.type not in OBJEKTARTEN:
                continue
            box = Box(*objekt.get_bounds(), was=OBJEKTARTEN[objekt.type])
            objekte.append(box)
            inhalte.append(
                Inhalt(
                    box,
                    pdfium_c.FPDFPageObj_GetMarkedContentID(objekt.raw),
                    textseite.get_text_bounded(box.links, box.unten, box.rechts, box.oben)
                    if objekt.type == pdfium_c.FPDF_PAGEOBJ_TEXT
                    else "",
                )
            )
        return Seite(nummer, breite, hoehe, text, glyphen, objekte, inhalte)

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.seiten)


def ausserhalb(seite: Seite, boxen: list[Box], *, links, rechts, oben, unten) -> list[Box]:
    """The boxes that reach past the given distances (points) from the page's edges
    (half a point of rounding tolerance)."""
    toleranz = 0.5
    return [
        b
        for b in boxen
        if b.links < links - toleranz
        or b.rechts > seite.breite - rechts + toleranz
        or b.unten < unten - toleranz
        or b.oben > seite.hoehe - oben + toleranz
    ]


def zeilen(inhalte: list[Inhalt], abstand: float = 3.0) -> list[list[Inhalt]]:
    """Text content grouped into lines from the top of the page down (pieces whose tops
    lie within `abstand` points of each other), each line from left to right."""
    text = sorted((i for i in inhalte if i.text.strip()), key=lambda i: -i.box.oben)
    ergebnis: list[list[Inhalt]] = []
    for stueck in text:
        if ergebnis and abs(ergebnis[-1][0].box.oben - stueck.box.oben) < abstand:
            ergebnis[-1].append(stueck)
        else:
            ergebnis.append([stueck])
    return [sorted(z, key=lambda i: i.box.links) for z in ergebnis]


def zeilentext(zeile: list[Inhalt]) -> str:
    return " ".join(" ".join(i.text for i in zeile).split())


@dataclass(frozen=True)
class Element:
    """A structure element: its role (e.g. "/TH"), attributes, and its ancestors' ids."""

    id: tuple[int, int]
    rolle: str
    attribute: dict
    vorfahren: tuple[tuple[int, int], ...]
    objekt: pikepdf.Dictionary = field(repr=False, compare=False)


class Strukturbaum:
    """The structure tree of a tagged PDF: every element in reading order, and which
    element each marked content item of each page belongs to."""

    def __init__(self, inhalt: bytes):
        self.pdf = pikepdf.open(io.BytesIO(inhalt))
        self.elemente: list[Element] = []
        self.nach_id: dict[tuple[int, int], Element] = {}
        # (page number from 1, MCID) -> the element holding that content
        self.inhalt_von: dict[tuple[int, int], Element] = {}
        seiten = {seite.objgen: nummer for nummer, seite in enumerate(self.pdf.pages, 1)}
        wurzel = self.pdf.Root.StructTreeRoot
        stapel = [(wurzel.get("/K"), (), None, None)]
        while stapel:
            knoten, vorfahren, seite, eltern = stapel.pop()
            if isinstance(knoten, pikepdf.Array):
                stapel.extend((k, vorfahren, seite, eltern) for k in reversed(list(knoten)))
            elif isinstance(knoten, int):
                self.inhalt_von[(seite, int(knoten))] = eltern
            elif isinstance(knoten, pikepdf.Dictionary):
                if "/Pg" in knoten:
                    seite = seiten.get(knoten.Pg.objgen, seite)
                if knoten.get("/Type") == "/MCR":
                    self.inhalt_von[(seite, int(knoten.MCID))] = eltern
                elif "/S" in knoten:
                    element = Element(
                        knoten.objgen,
                        str(knoten.S),
                        _attribute(knoten),
                        vorfahren,
                        knoten,
                    )
                    self.elemente.append(element)
                    self.nach_id[element.id] = element
                    stapel.append((knoten.get("/K"), (*vorfahren, element.id), seite, element))

    def rollen(self, element: Element) -> list[str]:
        """The roles from the root down to and including `element`."""
        return [self.nach_id[v].rolle for v in element.vorfahren] + [element.rolle]

    def element_von(self, seite: int, mcid: int) -> Element | None:
        return self.inhalt_von.get((seite, mcid))


def _attribute(knoten: pikepdf.Dictionary) -> dict:
    """The element's attributes (/A, a dictionary or an array of them) as one dict."""
    werte = knoten.get("/A")
    if werte is None:
        return {}
    liste = list(werte) if isinstance(werte, pikepdf.Array) else [werte]
    ergebnis = {}
    for eintrag in liste:
        if isinstance(eintrag, pikepdf.Dictionary):
            ergebnis.update({str(k): v for k, v in eintrag.items()})
    return ergebnis


@dataclass(frozen=True)
class Tabellenteil:
    """The part of a table on one page: WeasyPrint tags each page's part of a table as a
    /Table element of its own, the first with the /Caption, the others without."""

    seite: int
    zeilen: int  # body rows (TBody and TFoot, not the repeated THead) on this page
    titel: str  # the caption's text, or "" for a continuation


def tabellen(leser: PdfLeser, baum: Strukturbaum) -> list[list[Tabellenteil]]:
    """Every table of the document as its parts page by page, in reading order: a part
    without caption on the page after the previous part continues that table."""
    seite_von: dict[tuple[int, int], int] = {}
    text_von: dict[tuple[int, int], str] = {}
    for seite in leser.seiten:
        for inhalt in seite.inhalte:
            element = baum.element_von(seite.nummer, inhalt.mcid)
            if element is None:
                continue
            for vorfahr in (*element.vorfahren, element.id):
                seite_von.setdefault(vorfahr, seite.nummer)
                text_von[vorfahr] = text_von.get(vorfahr, "") + inhalt.text
    teile: dict[tuple[int, int], dict] = {}
    for element in baum.elemente:
        rollen = baum.rollen(element)
        if "/Table" not in rollen:
            continue
        tabelle = [*element.vorfahren, element.id][rollen.index("/Table")]
        teil = teile.setdefault(tabelle, {"zeilen": 0, "titel": ""})
        if element.rolle == "/TR" and "/THead" not in rollen and element.id in seite_von:
            teil["zeilen"] += 1
        elif element.rolle == "/Caption":
            teil["titel"] = " ".join(text_von.get(element.id, "").split()) or "(ohne Text)"
    ergebnis: list[list[Tabellenteil]] = []
    for tabelle, teil in teile.items():  # dicts keep the reading order of the elements
        if tabelle not in seite_von:
            continue
        neu = Tabellenteil(seite_von[tabelle], teil["zeilen"], teil["titel"])
        if ergebnis and not neu.titel and ergebnis[-1][-1].seite == neu.seite - 1:
            ergebnis[-1].append(neu)
        else:
            ergebnis.append([neu])
    return ergebnis


def verwaiste_zeilen(leser: PdfLeser, baum: Strukturbaum, mindestens: int = 2) -> list[str]:
    """The tables that run over a page break leaving fewer than `mindestens` body rows
    on the page they start on or on the page they end on."""
    fehler = []
    for teile in tabellen(leser, baum):
        if len(teile) < 2:
            continue
        erster, letzter = teile[0], teile[-1]
        name = f"„{erster.titel}“" if erster.titel else "Tabelle ohne Beschriftung"
        if erster.zeilen < mindestens:
            fehler.append(f"Seite {erster.seite}: {name} endet die Seite mit {erster.zeilen} Zeile")
        if letzter.zeilen < mindestens:
            fehler.append(
                f"Seite {letzter.seite}: {name} beginnt die Seite mit ihrer letzten Zeile allein"
            )
    return fehler


def poppler_seiten(datei) -> list[Seite]:
    """Every page of the PDF file with the box of each word (as `glyphen`, in PDF points,
    origin lower left like PDFium's), read by poppler's `pdftotext -bbox`: a second reader
    beside PDFium, as a printer driver or a viewer other than Chromium's meets the file."""
    import subprocess
    from xml.etree import ElementTree

    lauf = subprocess.run(
        ["pdftotext", "-bbox", str(datei), "-"], capture_output=True, check=True, timeout=300
    )
    xhtml = "{http://www.w3.org/1999/xhtml}"
    seiten = []
    for nummer, seite in enumerate(ElementTree.fromstring(lauf.stdout).iter(f"{xhtml}page"), 1):
        breite, hoehe = float(seite.get("width")), float(seite.get("height"))
        woerter = [
            # pdftotext counts y from the top of the page.
            Box(
                float(w.get("xMin")),
                hoehe - float(w.get("yMax")),
                float(w.get("xMax")),
                hoehe - float(w.get("yMin")),
                was=w.text or "",
            )
            for w in seite.iter(f"{xhtml}word")
        ]
        seiten.append(Seite(nummer, breite, hoehe, "", woerter, [], []))
    return seiten


def text_je_element(leser: PdfLeser, baum: Strukturbaum) -> dict[tuple[int, int], str]:
    """The text of every structure element (with its descendants'), in page order; a word
    hyphenated at a line's end keeps its hyphen (U+2010) as WeasyPrint draws it."""
    texte: dict[tuple[int, int], str] = {}
    for seite in leser.seiten:
        for inhalt in seite.inhalte:
            element = baum.element_von(seite.nummer, inhalt.mcid)
            if element is not None:
                for vorfahr in (*element.vorfahren, element.id):
                    texte[vorfahr] = texte.get(vorfahr, "") + inhalt.text
    return texte

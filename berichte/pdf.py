"""HTML → PDF with WeasyPrint: tagged PDF/UA-1 by default, PDF/A-3b for the e-Akte.

WeasyPrint's structure tree lacks two things a screen reader needs, and `postprocess`
adds them afterwards with pikepdf: the `/Scope` of every table header cell (the HTML
`scope` attribute is not carried over), and running page headers and footers marked as
pagination artifacts (WeasyPrint tags them as structure elements that are not part of the
tree). The PDF/A-3b variant carries the report's figures as a CSV attachment
(`tabellen_as_csv`), so the e-Akte keeps them machine-readable.

Nothing outside the project is ever fetched while rendering: `LokalerUrlFetcher` serves the
project's static files (fonts, CSS) and stored media, and refuses every other URL, so a
Maßnahme text with `<img src="http://…">` or `file:///etc/passwd` (which the templates
escape anyway) can never make the renderer read a file or call the network.
"""

from __future__ import annotations

import csv
import io
import logging
import mimetypes
import re
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
# WeasyPrint logs every page at INFO; keep warnings (e.g. a refused URL) only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

VARIANTEN = ("pdf/ua-1", "pdf/a-3b")
STANDARD_VARIANTE = "pdf/ua-1"
# Relative URLs in the report resolve against this made-up origin; the fetcher maps its
# /static/ and /media/ paths to local files and nothing else.
BASIS_URL = "https://bericht.invalid/"
# The page margins of the print CSS (templates/berichte/pdf/bericht.css), in mm: the type
# area between them holds every line of text and every table; header and footer sit in the
# top and bottom margins. Tests check the rendered glyphs against them.
SEITENRAND_MM = {"oben": 22, "rechts": 18, "unten": 20, "links": 20}


class ForbiddenAddress(ValueError):
    """The report asked for a resource outside the project's static and media files."""


def _local_file(url: str) -> tuple[bytes, str] | None:
    teile = urlsplit(url)
    if f"{teile.scheme}://{teile.netloc}/" != BASIS_URL or teile.query:
        return None
    pfad = unquote(teile.path)
    if ".." in pfad.split("/"):
        return None
    if pfad.startswith(settings.STATIC_URL):
        gefunden = finders.find(pfad.removeprefix(settings.STATIC_URL))
        if not gefunden:
            return None
        with open(gefunden, "rb") as datei:
            return datei.read(), pfad
    if pfad.startswith(settings.MEDIA_URL):
        name = pfad.removeprefix(settings.MEDIA_URL)
        if not name or not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as datei:
            return datei.read(), pfad
    return None


def _fetch(url: str) -> tuple[bytes, str]:
    gefunden = _local_file(url)
    if gefunden is None:
        logger.warning("Report rendering refused to fetch %s", url[:200])
        raise ForbiddenAddress(f"Nicht erlaubte Adresse: {url[:200]}")
    inhalt, pfad = gefunden
    return inhalt, mimetypes.guess_type(pfad)[0] or "application/octet-stream"


def url_fetcher():
    """A WeasyPrint URL fetcher that serves only local static and media files."""
    try:
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:  # WeasyPrint before the fetcher class: a function returning a dict

        def abrufen(url):
            inhalt, typ = _fetch(url)
            return {"string": inhalt, "mime_type": typ, "redirected_url": url}

        abrufen.fetch = abrufen
        return abrufen

    class LokalerUrlFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            inhalt, typ = _fetch(url)
            return URLFetcherResponse(url, inhalt, {"Content-Type": typ})

    return LokalerUrlFetcher(allowed_protocols=["https"], allow_redirects=False)


@dataclass(frozen=True)
class Pdf:
    inhalt: bytes
    seiten: int


CSV_ANHANG = "Quartalsbericht-Daten.csv"


def html_to_pdf(html: str, *, variante: str = STANDARD_VARIANTE) -> Pdf:
    """Render report HTML to a tagged PDF of the given variant."""
    if variante not in VARIANTEN:
        raise ValueError(f"Unbekannte PDF-Variante: {variante}")
    from weasyprint import HTML, Attachment

    dokument = HTML(string=html, base_url=BASIS_URL, url_fetcher=url_fetcher()).render(
        pdf_variant=variante, pdf_tags=True
    )
    anhaenge = []
    if variante == "pdf/a-3b":
        # PDF/A-3 allows embedded files; "Data" says they are the source data of the page
        # content (ISO 32000-2, 7.11.3).
        anhaenge.append(
            Attachment(
                string=tabellen_as_csv(html),
                name=CSV_ANHANG,
                description="Die Zahlen und Angaben des Berichts, eine Zeile je Wert",
                relationship="Data",
            )
        )
    ziel = io.BytesIO()
    dokument.write_pdf(ziel, pdf_variant=variante, pdf_tags=True, attachments=anhaenge)
    return Pdf(inhalt=postprocess(ziel.getvalue()), seiten=len(dokument.pages))


# --- Structure tree -------------------------------------------------------------------------


def postprocess(inhalt: bytes) -> bytes:
    """Add what WeasyPrint's PDF lacks: `/Scope` on every TH (Column in a table head, Row
    elsewhere), page headers and footers as pagination artifacts instead of structure
    elements outside the tree, and each embedded file once in the catalog's /AF (WeasyPrint
    lists it twice). Page content, metadata and everything else stay as they are."""
    import pikepdf

    with pikepdf.open(io.BytesIO(inhalt)) as pdf:
        wurzel = pdf.Root.get("/StructTreeRoot")
        if wurzel is not None:
            erreichbar = _th_with_scope(wurzel)
            _orphans_as_artifacts(pdf, wurzel, erreichbar)
        if "/AF" in pdf.Root:
            einmal = {}
            for datei in pdf.Root.AF:
                einmal.setdefault(datei.objgen if datei.is_indirect else id(datei), datei)
            pdf.Root.AF = pikepdf.Array(list(einmal.values()))
        ziel = io.BytesIO()
        pdf.save(ziel)
    return ziel.getvalue()


def _th_with_scope(wurzel) -> set[tuple[int, int]]:
    """Walk the tree from its root, give every TH its /Scope, and return the ids of all
    elements reached."""
    import pikepdf

    erreicht: set[tuple[int, int]] = set()
    stapel = [(wurzel.get("/K"), False)]
    while stapel:
        knoten, im_kopf = stapel.pop()
        if isinstance(knoten, pikepdf.Array):
            stapel.extend((k, im_kopf) for k in knoten)
            continue
        if not isinstance(knoten, pikepdf.Dictionary) or "/S" not in knoten:
            continue
        if knoten.objgen in erreicht:
            continue
        erreicht.add(knoten.objgen)
        rolle = str(knoten.S)
        if rolle == "/TH":
            _set_scope(knoten, "/Column" if im_kopf else "/Row")
        stapel.append((knoten.get("/K"), im_kopf or rolle == "/THead"))
    return erreicht


def _set_scope(th, scope: str) -> None:
    """Put /Scope into the TH's table attributes (/A with /O /Table), making them if need be."""
    import pikepdf

    attribute = th.get("/A")
    liste = list(attribute) if isinstance(attribute, pikepdf.Array) else [attribute]
    for eintrag in liste:
        if isinstance(eintrag, pikepdf.Dictionary) and eintrag.get("/O") == "/Table":
            eintrag.Scope = pikepdf.Name(scope)
            return
    neu = pikepdf.Dictionary(O=pikepdf.Name("/Table"), Scope=pikepdf.Name(scope))
    if attribute is None:
        th.A = neu
    elif isinstance(attribute, pikepdf.Array):
        attribute.append(neu)
    else:
        th.A = pikepdf.Array([attribute, neu])


# A marked-content sequence with an MCID, as WeasyPrint writes it ("/Span <</MCID 7>> BDC").
# A regular expression instead of parsing the content stream: parsing every page cost
# a tenth of the rendering time of a 150-page report. WeasyPrint writes text as hex
# strings, so "<<" can only open a dictionary here.
_MARKIERUNG = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTEFAKT = b"/Artifact <</Type /Pagination>> BDC"


def _as_artifact(verwaist: set[int], treffer: re.Match) -> bytes:
    return _ARTEFAKT if int(treffer.group(1)) in verwaist else treffer.group(0)


def _orphans_as_artifacts(pdf, wurzel, erreichbar: set[tuple[int, int]]) -> None:
    """Marked content whose structure element is not in the tree (WeasyPrint's page
    margin boxes) becomes an /Artifact of type /Pagination, and leaves the parent tree."""
    import pikepdf

    if "/ParentTree" not in wurzel:
        return
    eltern = pikepdf.NumberTree(wurzel.ParentTree)
    for seite in pdf.pages:
        if "/StructParents" not in seite.obj:
            continue
        index = int(seite.obj.StructParents)
        if index not in eltern:
            continue
        zuordnung = eltern[index]
        verwaist = {
            mcid
            for mcid, element in enumerate(zuordnung)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in erreichbar
        }
        if not verwaist:
            continue
        for mcid in verwaist:
            zuordnung[mcid] = None
        seite.contents_coalesce()
        inhalt = seite.obj.Contents.read_bytes()
        seite.obj.Contents.write(_MARKIERUNG.sub(partial(_as_artifact, verwaist), inhalt))


# --- Data attachment ------------------------------------------------------------------------


class _DataReader(HTMLParser):
    """Reads the figures of the report HTML as (Abschnitt, Tabelle, Zeile, Spalte, Wert):
    every cell of every table (Zeile is the row's first cell, Spalte its column header),
    and for each Maßnahme (Tabelle is the heading above it, Zeile its title) the values of
    its header line (`<span data-spalte="…">`) and of its description list."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.zeilen: list[tuple[str, ...]] = []
        self._abschnitt = ""
        self._ueberschrift = ""  # the last h3, e.g. "Handlungsfeld 1: …"
        self._puffer: list[str] | None = None  # text of the element being read
        self._tabelle: dict | None = None
        self._row: list[str] | None = None
        self._spalten = 1
        self._im_kopf = False
        self._massnahme: dict | None = None
        self._massnahme_tiefe = 0
        self._wertspanne = False  # inside a <span data-spalte> of a Maßnahme's header line

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._abschnitt = attrs.get("aria-label") or self._abschnitt
        elif tag == "div" and self._massnahme is not None:
            self._massnahme_tiefe += 1
        elif tag == "div" and "massnahme" in (attrs.get("class") or "").split():
            self._massnahme = {"titel": "", "begriff": ""}
            self._massnahme_tiefe = 1
        elif tag == "table":
            self._tabelle = {"titel": "", "kopf": []}
        elif tag == "thead":
            self._im_kopf = True
        elif tag in ("tbody", "tfoot"):
            self._im_kopf = False
        elif tag == "tr" and self._tabelle is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            # A cell spanning columns counts once per column, so the row stays aligned.
            self._spalten = int(attrs.get("colspan") or 1)
            self._puffer = []
        elif tag == "span" and self._massnahme is not None and "data-spalte" in attrs:
            self._massnahme["begriff"] = attrs["data-spalte"]
            self._wertspanne = True
            self._puffer = []
        elif tag in ("caption", "h3", "h4", "dt", "dd"):
            self._puffer = []

    def handle_endtag(self, tag):
        text = " ".join("".join(self._puffer or []).split())
        if tag in ("td", "th") and self._row is not None and self._puffer is not None:
            self._row.extend([text] + [""] * (self._spalten - 1))
        elif tag == "caption" and self._tabelle is not None:
            self._tabelle["titel"] = text
        elif tag == "tr" and self._row is not None:
            if self._im_kopf:
                self._tabelle["kopf"] = self._row
            elif self._row:
                for spalte, wert in zip(self._tabelle["kopf"][1:], self._row[1:], strict=False):
                    self._emit(self._tabelle["titel"], self._row[0], spalte, wert)
            self._row = None
        elif tag == "table":
            self._tabelle = None
        elif tag == "h3":
            self._ueberschrift = text
        elif tag == "h4" and self._massnahme is not None:
            self._massnahme["titel"] = text
        elif tag == "dt" and self._massnahme is not None:
            self._massnahme["begriff"] = text
        elif (tag == "dd" or (tag == "span" and self._wertspanne)) and self._massnahme is not None:
            self._emit(
                self._ueberschrift, self._massnahme["titel"], self._massnahme["begriff"], text
            )
        elif tag == "div" and self._massnahme is not None:
            self._massnahme_tiefe -= 1
            if not self._massnahme_tiefe:
                self._massnahme = None
        if tag in ("td", "th", "caption", "h3", "h4", "dt", "dd") or (
            tag == "span" and self._wertspanne
        ):
            self._puffer = None
            self._wertspanne = False

    def handle_data(self, data):
        if self._puffer is not None:
            self._puffer.append(data)

    def _emit(self, tabelle: str, zeile: str, spalte: str, wert: str) -> None:
        self.zeilen.append((self._abschnitt, tabelle, zeile, spalte, wert))


def tabellen_as_csv(html: str) -> bytes:
    """The report's figures as one CSV in long form, one line per value (`_DataReader`):
    Abschnitt; Tabelle; Zeile; Spalte; Wert, exactly as printed. Semicolon and UTF-8 with
    BOM, as German spreadsheet programs expect; texts a spreadsheet would run as a formula
    are neutralised."""
    from massnahmen.exports import BOM, CSV_TRENNER, neutralise

    leser = _DataReader()
    leser.feed(html)
    leser.close()
    ziel = io.StringIO()
    writer = csv.writer(ziel, delimiter=CSV_TRENNER, lineterminator="\r\n")
    writer.writerow(["Abschnitt", "Tabelle", "Zeile", "Spalte", "Wert"])
    writer.writerows([neutralise(wert) for wert in zeile] for zeile in leser.zeilen)
    return (BOM + ziel.getvalue()).encode("utf-8")


def bericht_html(*, kontext: dict) -> str:
    """The report's HTML (templates/berichte/pdf/bericht.html)."""
    return render_to_string("berichte/pdf/bericht.html", {**kontext, "seitenrand": SEITENRAND_MM})

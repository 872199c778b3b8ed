"""HTML → PDF with WeasyPrint: tagged PDF/UA-1 by default, PDF/A-3b for the e-Akte.

Nothing outside the project is ever fetched while rendering: `LokalerUrlFetcher` serves the
project's static files (fonts, CSS) and stored media, and refuses every other URL, so a
Maßnahme text with `<img src="http://…">` or `file:///etc/passwd` (which the templates
escape anyway) can never make the renderer read a file or call the network.
"""

from __future__ import annotations

import io
import logging
import mimetypes
from dataclasses import dataclass
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


class UnerlaubteAdresse(ValueError):
    """The report asked for a resource outside the project's static and media files."""


def _lokale_datei(url: str) -> tuple[bytes, str] | None:
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


def _abrufen(url: str) -> tuple[bytes, str]:
    gefunden = _lokale_datei(url)
    if gefunden is None:
        logger.warning("Report rendering refused to fetch %s", url[:200])
        raise UnerlaubteAdresse(f"Nicht erlaubte Adresse: {url[:200]}")
    inhalt, pfad = gefunden
    return inhalt, mimetypes.guess_type(pfad)[0] or "application/octet-stream"


def url_fetcher():
    """A WeasyPrint URL fetcher that serves only local static and media files."""
    try:
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:  # WeasyPrint before the fetcher class: a function returning a dict

        def abrufen(url):
            inhalt, typ = _abrufen(url)
            return {"string": inhalt, "mime_type": typ, "redirected_url": url}

        abrufen.fetch = abrufen
        return abrufen

    class LokalerUrlFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            inhalt, typ = _abrufen(url)
            return URLFetcherResponse(url, inhalt, {"Content-Type": typ})

    return LokalerUrlFetcher(allowed_protocols=["https"], allow_redirects=False)


@dataclass(frozen=True)
class Pdf:
    inhalt: bytes
    seiten: int


def html_zu_pdf(html: str, *, variante: str = STANDARD_VARIANTE) -> Pdf:
    """Render report HTML to a tagged PDF of the given variant."""
    if variante not in VARIANTEN:
        raise ValueError(f"Unbekannte PDF-Variante: {variante}")
    from weasyprint import HTML

    dokument = HTML(string=html, base_url=BASIS_URL, url_fetcher=url_fetcher()).render(
        pdf_variant=variante, pdf_tags=True
    )
    ziel = io.BytesIO()
    dokument.write_pdf(ziel, pdf_variant=variante, pdf_tags=True)
    return Pdf(inhalt=ziel.getvalue(), seiten=len(dokument.pages))


def bericht_html(*, kontext: dict) -> str:
    """The report's HTML (templates/berichte/pdf/bericht.html)."""
    return render_to_string("berichte/pdf/bericht.html", kontext)

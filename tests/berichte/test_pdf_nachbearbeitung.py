"""berichte.pdf.postprocess: what it adds to WeasyPrint's tagged PDF, on a small
document rendered without it."""

from __future__ import annotations

import io

import pikepdf
import pytest

from berichte.pdf import BASIS_URL, postprocess, url_fetcher

from .pdf_pruefung import PdfLeser, Strukturbaum

HTML = """<!DOCTYPE html><html lang="de"><head><title>Probe</title><style>
@page { size: A4; margin: 20mm; @top-left { content: "Kopfzeile der Probe"; }
        @bottom-right { content: "Seite " counter(page); } }
</style></head><body>
<h1>Probe</h1>
<table><caption>Zahlen</caption>
<thead><tr><th scope="col">Kommune</th><th scope="col">online</th></tr></thead>
<tbody><tr><th scope="row">Detmold</th><td>36</td></tr><tr><th scope="row">Lemgo</th><td>35</td></tr></tbody>
<tfoot><tr><th scope="row">Summe</th><td>71</td></tr></tfoot>
</table></body></html>"""


@pytest.fixture(scope="module")
def roh() -> bytes:
    """The document as WeasyPrint writes it, before `postprocess`."""
    from weasyprint import HTML as WeasyHTML

    ziel = io.BytesIO()
    WeasyHTML(string=HTML, base_url=BASIS_URL, url_fetcher=url_fetcher()).write_pdf(
        ziel, pdf_variant="pdf/ua-1", pdf_tags=True
    )
    return ziel.getvalue()


def _scopes(inhalt: bytes) -> list[tuple[str, str | None]]:
    baum = Strukturbaum(inhalt)
    ergebnis = []
    for element in baum.elemente:
        if element.rolle == "/TH":
            teil = next(
                r for r in reversed(baum.rollen(element)) if r in ("/THead", "/TBody", "/TFoot")
            )
            scope = element.attribute.get("/Scope")
            ergebnis.append((teil, None if scope is None else str(scope)))
    return ergebnis


def _verwaist(inhalt: bytes) -> list[str]:
    """Texts on the pages that carry an MCID no element of the structure tree holds."""
    baum = Strukturbaum(inhalt)
    return [
        i.text.strip()
        for seite in PdfLeser(inhalt).seiten
        for i in seite.inhalte
        if i.mcid >= 0 and baum.element_von(seite.nummer, i.mcid) is None
    ]


def test_weasyprint_alone_leaves_scope_out_and_the_page_header_outside_the_tree(roh):
    """Why the function exists (WeasyPrint 70). Once WeasyPrint carries `scope` over and
    tags its margin boxes as artifacts itself, this test fails and the function can go."""
    assert _scopes(roh) and all(scope is None for _teil, scope in _scopes(roh))
    assert "Kopfzeile der Probe" in _verwaist(roh)


def test_header_cells_get_their_scope(roh):
    assert _scopes(postprocess(roh)) == [
        ("/THead", "/Column"),
        ("/THead", "/Column"),
        ("/TBody", "/Row"),
        ("/TBody", "/Row"),
        ("/TFoot", "/Row"),
    ]


def test_page_header_and_footer_become_pagination_artifacts(roh):
    fertig = postprocess(roh)
    assert _verwaist(fertig) == []
    with pikepdf.open(io.BytesIO(fertig)) as pdf:
        befehle = pikepdf.parse_content_stream(pdf.pages[0])
        artefakte = [
            o for o, op in befehle if str(op) == "BDC" and o[0] == pikepdf.Name("/Artifact")
        ]
    assert len(artefakte) >= 2  # header and footer
    assert all(o[1].Type == pikepdf.Name("/Pagination") for o in artefakte)


def test_page_text_stays_the_same_and_a_second_run_changes_nothing(roh):
    fertig = postprocess(roh)
    assert [s.text for s in PdfLeser(fertig).seiten] == [s.text for s in PdfLeser(roh).seiten]
    assert _scopes(postprocess(fertig)) == _scopes(fertig)
    assert _verwaist(postprocess(fertig)) == []


def test_an_untagged_pdf_passes_unchanged_in_content():
    from weasyprint import HTML as WeasyHTML

    ohne_tags = WeasyHTML(string="<html lang='de'><p>Ohne Tags</p></html>").write_pdf()
    assert "Ohne Tags" in PdfLeser(postprocess(ohne_tags)).text

"""The Kreis's logo on the report's cover (issue 14, point 4d): uploaded by Kreis staff as
PNG or a drawing-only SVG, refused with a German message otherwise, and printed on the
cover of the PDF (checked on the PDF's first page) and of the web preview."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from berichte import services
from berichte.models import Deckblatt, Quartalsbericht
from core.quartal import Quartal

from .pdf_pruefung import PdfLeser, Strukturbaum

pytestmark = pytest.mark.django_db

Q3 = Quartal(2026, 3)
STAND = timezone.make_aware(dt.datetime(2026, 10, 10, 6, 0))
SVG_KOPF = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80" viewBox="0 0 200 80">'
SVG_SAUBER = f'{SVG_KOPF}<rect width="200" height="80" fill="#0b3c68"/><text x="10" y="50" fill="#fff">Lippe</text></svg>'


def png() -> bytes:
    puffer = io.BytesIO()
    Image.new("RGB", (120, 60), (11, 60, 104)).save(puffer, format="PNG")
    return puffer.getvalue()


def hochladen(client, name, inhalt, typ):
    return client.post(
        "/berichte/logo/lippe/", {"logo": SimpleUploadedFile(name, inhalt, content_type=typ)}
    )


def bilder_auf_dem_deckblatt(welt) -> list:
    inhalt = services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND).inhalt
    pdf = PdfLeser(inhalt)
    baum = Strukturbaum(inhalt)
    pdf.alt_texte = [str(e.objekt.get("/Alt")) for e in baum.elemente if e.rolle == "/Figure"]
    return [o for o in pdf.seiten[0].objekte if o.was == "Bild"], pdf


def test_kreis_staff_upload_a_png_and_it_is_on_the_cover(welt, login):
    ohne, _ = bilder_auf_dem_deckblatt(welt)
    assert ohne == []
    client = login(welt.users["kreis"])
    antwort = hochladen(client, "logo.png", png(), "image/png")
    assert antwort.status_code == 302
    assert Deckblatt.objects.get(kreis=welt.lippe).hochgeladen_von == welt.users["kreis"]
    mit, pdf = bilder_auf_dem_deckblatt(welt)
    assert len(mit) == 1
    bild = mit[0]
    # Above the title, within the page, at most 70 mm wide.
    assert 0 < bild.links < bild.rechts <= pdf.seiten[0].breite
    assert bild.rechts - bild.links <= 70 * 72 / 25.4 + 1
    assert "Quartalsbericht 3. Quartal 2026" in pdf.seiten[0].text
    # The report's one figure, with its alt text for a screen reader.
    assert pdf.alt_texte == ["Logo des Kreises Lippe"]
    # The upload page and the file for the web preview.
    seite = client.get("/berichte/logo/lippe/").content.decode()
    assert 'src="/berichte/logo/lippe/datei/"' in seite and 'alt="Logo des Kreises Lippe"' in seite
    datei = client.get("/berichte/logo/lippe/datei/")
    assert datei["Content-Type"] == "image/png" and "sandbox" in datei["Content-Security-Policy"]
    # The web preview of a report shows it on its cover, too.
    bericht = Quartalsbericht.objects.create(kreis=welt.lippe, quartal="2026-Q3")
    vorschau = client.get(f"/berichte/{bericht.pk}/").content.decode()
    assert '<img src="/berichte/logo/lippe/datei/" alt="Logo des Kreises Lippe">' in vorschau


def test_a_drawing_only_svg_is_accepted_and_drawn_on_the_cover(welt, login):
    def gezeichnet_oben() -> list:
        """Drawn shapes in the cover's upper third (no rule or box is there without logo)."""
        seite = PdfLeser(
            services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND).inhalt
        ).seiten[0]
        return [o for o in seite.objekte if o.was != "Text" and o.unten > seite.hoehe * 2 / 3]

    assert gezeichnet_oben() == []
    client = login(welt.users["kreis"])
    antwort = hochladen(client, "logo.svg", SVG_SAUBER.encode(), "image/svg+xml")
    assert antwort.status_code == 302
    # The SVG's rectangle: 200 × 80 px drawn at most 70 mm wide.
    flaechen = gezeichnet_oben()
    assert flaechen
    assert max(o.rechts - o.links for o in flaechen) <= 70 * 72 / 25.4 + 1
    datei = client.get("/berichte/logo/lippe/datei/")
    assert datei["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize(
    "svg",
    [
        f"{SVG_KOPF}<script>alert(1)</script></svg>",
        f'{SVG_KOPF}<rect width="10" height="10" onclick="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
        f'{SVG_KOPF}<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>',
        f'{SVG_KOPF}<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:alert(1)"><rect width="1" height="1"/></a></svg>',
        f'{SVG_KOPF}<image href="https://example.invalid/x.png" width="1" height="1"/></svg>',
        f"{SVG_KOPF}<style>@import url(https://example.invalid/a.css);</style></svg>",
        f'{SVG_KOPF}<set attributeName="href" to="javascript:alert(1)"/></svg>',
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"{SVG_KOPF}<text>&x;</text></svg>",
    ],
)
def test_an_svg_that_could_do_more_than_draw_is_refused(welt, login, svg):
    client = login(welt.users["kreis"])
    antwort = hochladen(client, "logo.svg", svg.encode(), "image/svg+xml")
    assert antwort.status_code == 422
    assert (
        "enthält Skripte, Ereignis-Attribute, Animationen oder Verweise" in antwort.content.decode()
    )
    assert not Deckblatt.objects.exists()


@pytest.mark.parametrize(
    ("name", "inhalt", "typ", "meldung"),
    [
        ("logo.png", b"<html>kein Bild</html>", "image/png", "passt nicht zu ihrer Endung"),
        (
            "logo.svg",
            b"<html><body>kein SVG</body></html>",
            "image/svg+xml",
            "kein gültiges SVG-Bild",
        ),
        ("logo.svg", b"nicht einmal XML", "image/svg+xml", "kein gültiges SVG-Bild"),
        ("logo.gif", b"GIF89a", "image/gif", "als PNG- oder SVG-Datei"),
        ("logo.php.png", png(), "image/png", "doppelter Endung"),
        ("logo.svg", SVG_SAUBER.encode(), "text/html", "passt nicht zur Dateiendung"),
    ],
)
def test_other_files_are_refused_next_to_the_field(welt, login, name, inhalt, typ, meldung):
    antwort = hochladen(login(welt.users["kreis"]), name, inhalt, typ)
    assert antwort.status_code == 422
    assert meldung in antwort.content.decode()
    assert not Deckblatt.objects.exists()


def test_the_logo_can_be_removed(welt, login):
    client = login(welt.users["kreis"])
    hochladen(client, "logo.png", png(), "image/png")
    assert client.post("/berichte/logo/lippe/", {"entfernen": "on"}).status_code == 302
    assert not Deckblatt.objects.exists()
    assert bilder_auf_dem_deckblatt(welt)[0] == []
    assert client.get("/berichte/logo/lippe/datei/").status_code == 404


@pytest.mark.parametrize(
    ("rolle", "status"), [("cdo_eigen", 403), ("region", 403), ("kreis_fremd", 404)]
)
def test_only_the_kreis_staff_upload(welt, login, rolle, status):
    antwort = hochladen(login(welt.users[rolle]), "logo.png", png(), "image/png")
    assert antwort.status_code == status
    assert not Deckblatt.objects.exists()

"""Permission matrix rows of the Förderung (see tests/matrix.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.matrix import (
    FORBIDDEN,
    KREIS_LESEN,
    NOT_FOUND,
    NUR_ANGEMELDET,
    NUR_KREIS,
    OK,
    rolle,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

MATRIX = {
    "foerderung:liste": ("/foerderung/", NUR_ANGEMELDET),
    # Kreis staff of another Kreis create Bescheide for their own Kreis.
    "foerderung:anlegen": ("/foerderung/neu/", rolle(NUR_KREIS, kreis_fremd=OK)),
    "foerderung:detail": ("/foerderung/{bescheid}/", KREIS_LESEN),
    "foerderung:detail (anderer Kreis)": (
        "/foerderung/{bescheid_herford}/",
        rolle(NUR_ANGEMELDET, cdo_eigen=NOT_FOUND, cdo_andere=NOT_FOUND, kreis=NOT_FOUND),
    ),
    "foerderung:bearbeiten": ("/foerderung/{bescheid}/bearbeiten/", NUR_KREIS),
    "foerderung:loeschen": ("/foerderung/{bescheid}/loeschen/", NUR_KREIS),
    "foerderung:mittelabruf_anlegen": ("/foerderung/{bescheid}/mittelabrufe/neu/", NUR_KREIS),
    "foerderung:mittelabruf_bearbeiten": (
        "/foerderung/{bescheid}/mittelabrufe/{mittelabruf}/bearbeiten/",
        NUR_KREIS,
    ),
    "foerderung:mittelabruf_auszahlen": (
        "/foerderung/{bescheid}/mittelabrufe/{mittelabruf}/ausgezahlt/",
        NUR_KREIS,
    ),
    "foerderung:mittelabruf_loeschen": (
        "/foerderung/{bescheid}/mittelabrufe/{mittelabruf}/loeschen/",
        NUR_KREIS,
    ),
    "foerderung:mittelabruf_bearbeiten (fremder Bescheid)": (
        "/foerderung/{bescheid_herford}/mittelabrufe/{mittelabruf}/bearbeiten/",
        rolle(
            NUR_ANGEMELDET,
            cdo_eigen=NOT_FOUND,
            cdo_andere=NOT_FOUND,
            kreis=NOT_FOUND,
            kreis_fremd=NOT_FOUND,
            region=FORBIDDEN,
            admin=NOT_FOUND,
        ),
    ),
    "foerderung:dokument_hochladen": ("/foerderung/{bescheid}/dokumente/neu/", NUR_KREIS),
    "foerderung:dokument_herunterladen": (
        "/foerderung/{bescheid}/dokumente/{bescheid_dokument}/",
        KREIS_LESEN,
    ),
    "foerderung:dokument_herunterladen (fremder Bescheid)": (
        "/foerderung/{bescheid_herford}/dokumente/{bescheid_dokument}/",
        rolle(
            NUR_ANGEMELDET,
            cdo_eigen=NOT_FOUND,
            cdo_andere=NOT_FOUND,
            kreis=NOT_FOUND,
            kreis_fremd=NOT_FOUND,
            region=NOT_FOUND,
            admin=NOT_FOUND,
        ),
    ),
}


def objekte(welt) -> dict:
    """A Bescheid of Detmold (Kreis Lippe, partner Blomberg) with a PDF and a requested
    drawdown, one of Herford."""
    from foerderung.models import BescheidDokument
    from tests.factories import FoerderbescheidFactory, MittelabrufFactory

    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    bescheid.partner.set([welt.blomberg])
    dokument = BescheidDokument.objects.create(
        bescheid=bescheid,
        titel="Zuwendungsbescheid",
        datei=SimpleUploadedFile("bescheid.pdf", PDF, content_type="application/pdf"),
    )
    herford = FoerderbescheidFactory(kreis=welt.herford, zuwendungsempfaenger=welt.herford_stadt)
    return {
        "bescheid": bescheid.pk,
        "bescheid_herford": herford.pk,
        "bescheid_dokument": dokument.pk,
        "mittelabruf": MittelabrufFactory(bescheid=bescheid).pk,
    }

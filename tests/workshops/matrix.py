"""Permission matrix rows of the workshops app (see tests/matrix.py)."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.matrix import (
    ALLE_OK,
    EIGENE_KOMMUNE,
    FORBIDDEN,
    KREIS_LESEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    NUR_ANGEMELDET,
    NUR_KREIS,
    OK,
    rolle,
)

SEE_OTHER = 303
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

# Kreis staff of any Kreis may create workshops (for their own Kreis).
ANLEGEN = rolle(NUR_KREIS, kreis_fremd=OK)
# POST-only actions answer a GET with 405 once login, visibility and permission are through.
ANMELDEN_GET = {
    "anonym": LOGIN,
    "cdo_eigen": NOT_ALLOWED,
    "cdo_andere": NOT_ALLOWED,
    "kreis_fremd": NOT_FOUND,
    "kreis": NOT_ALLOWED,
    "region": FORBIDDEN,
    "admin": NOT_ALLOWED,
}
NUR_POST_ANGEMELDET = rolle(dict.fromkeys(ALLE_OK, NOT_ALLOWED), anonym=LOGIN)
# A draft: the Kreis staff of Lippe only; for everybody else it does not exist.
ENTWURF = {
    "anonym": LOGIN,
    "cdo_eigen": NOT_FOUND,
    "cdo_andere": NOT_FOUND,
    "kreis_fremd": NOT_FOUND,
    "kreis": OK,
    "region": NOT_FOUND,
    "admin": OK,
}

# Issue 15, point 2: a workshop of the region is run by the DigitalBüro (and the admin).
NUR_REGION = {
    "anonym": LOGIN,
    "cdo_eigen": FORBIDDEN,
    "cdo_andere": FORBIDDEN,
    "kreis_fremd": FORBIDDEN,
    "kreis": FORBIDDEN,
    "region": OK,
    "admin": OK,
}
# … and every CDO and Kreis of the region signs up (POST only: 405 on GET once allowed).
REGION_ANMELDEN_GET = rolle(dict.fromkeys(ALLE_OK, NOT_ALLOWED), anonym=LOGIN)

MATRIX = {
    "workshops:liste": ("/workshops/", NUR_ANGEMELDET),
    # Kreis staff for their Kreis, the DigitalBüro for the region (issue 15, point 2).
    "workshops:neu": ("/workshops/neu/", rolle(ANLEGEN, region=OK)),
    "workshops:detail (Workshop der Region)": (
        "/workshops/{regionsworkshop}/",
        NUR_ANGEMELDET,
    ),
    "workshops:bearbeiten (Workshop der Region)": (
        "/workshops/{regionsworkshop}/bearbeiten/",
        NUR_REGION,
    ),
    "workshops:absagen (Workshop der Region)": (
        "/workshops/{regionsworkshop}/absagen/",
        NUR_REGION,
    ),
    "workshops:teilnahme (Workshop der Region)": (
        "/workshops/{regionsworkshop}/teilnahme/",
        NUR_REGION,
    ),
    "workshops:ergebnis_neu (Workshop der Region)": (
        "/workshops/{regionsworkshop}/ergebnisse/neu/",
        NUR_REGION,
    ),
    "workshops:anmelden (Workshop der Region)": (
        "/workshops/{regionsworkshop}/anmelden/",
        REGION_ANMELDEN_GET,
    ),
    "workshops:detail": ("/workshops/{workshop}/", KREIS_LESEN),
    "workshops:detail (Entwurf)": ("/workshops/{entwurf}/", ENTWURF),
    "workshops:ics": ("/workshops/{workshop}.ics", KREIS_LESEN),
    "workshops:ics (Entwurf)": ("/workshops/{entwurf}.ics", ENTWURF),
    "workshops:bearbeiten": ("/workshops/{workshop}/bearbeiten/", NUR_KREIS),
    "workshops:veroeffentlichen": ("/workshops/{workshop}/veroeffentlichen/", NUR_KREIS),
    "workshops:veroeffentlichen (Entwurf)": ("/workshops/{entwurf}/veroeffentlichen/", ENTWURF),
    "workshops:absagen": ("/workshops/{workshop}/absagen/", NUR_KREIS),
    "workshops:anmelden": ("/workshops/{workshop}/anmelden/", ANMELDEN_GET),
    "workshops:abmelden": ("/workshops/{workshop}/abmelden/", ANMELDEN_GET),
    "workshops:teilnahme": ("/workshops/{workshop}/teilnahme/", NUR_KREIS),
    "workshops:protokoll": ("/workshops/{workshop}/protokoll/", KREIS_LESEN),
    "workshops:protokoll (ohne Dokument)": (
        "/workshops/{entwurf}/protokoll/",
        rolle(ENTWURF, kreis=NOT_FOUND, admin=NOT_FOUND),
    ),
    "workshops:ergebnis_neu": ("/workshops/{workshop}/ergebnisse/neu/", NUR_KREIS),
    "workshops:ergebnis_bearbeiten": (
        "/workshops/ergebnisse/{ergebnis}/bearbeiten/",
        EIGENE_KOMMUNE,
    ),
    "workshops:ergebnis_massnahme": (
        "/workshops/ergebnisse/{ergebnis}/massnahme/",
        EIGENE_KOMMUNE,
    ),
    "workshops:kalender": ("/workshops/kalender/", NUR_ANGEMELDET),
    "workshops:kalender_erneuern": ("/workshops/kalender/erneuern/", NUR_POST_ANGEMELDET),
    # The feed needs no session: the token is the credential, whoever asks.
    "workshops:feed": ("/workshops/kalender/{kalender_token}.ics", ALLE_OK),
    "workshops:feed (unbekannter Token)": (
        "/workshops/kalender/unbekannt-abc123.ics",
        dict.fromkeys(ALLE_OK, NOT_FOUND),
    ),
}


def objekte(welt) -> dict:
    """A published workshop of Kreis Lippe organised by Detmold (with minutes as a
    document and an Ergebnis Detmold is responsible for), a draft, and a calendar token
    of Detmold's CDO."""
    from workshops.models import Ergebnis, KalenderToken, Workshop

    beginn = timezone.now() + dt.timedelta(days=14)
    workshop = Workshop.objects.create(
        kreis=welt.lippe,
        titel="Regeltreffen der Digitalisierungsbeauftragten",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=2),
        format=Workshop.Format.VIDEO,
        online_link="https://video.example.invalid/regeltreffen",
        handlungsfeld=welt.handlungsfeld,
        organisiert_von=welt.detmold,
        agenda="1. Berichte aus den Kommunen",
        veroeffentlicht_am=timezone.now(),
    )
    workshop.protokoll_datei.save("protokoll.pdf", ContentFile(PDF), save=True)
    entwurf = Workshop.objects.create(
        kreis=welt.lippe,
        titel="Entwurf: Werkstatt Prozessmanagement",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=3),
        format=Workshop.Format.PRAESENZ,
        ort="Kreishaus Detmold",
    )
    ergebnis = Ergebnis.objects.create(
        workshop=workshop,
        beschreibung="Stand der E-Akte in allen Kommunen abfragen.",
        verantwortlich=welt.detmold,
        faellig_am=timezone.localdate() + dt.timedelta(days=30),
    )
    token = KalenderToken.objects.create(
        user=welt.users["cdo_eigen"],
        # the shape of secrets.token_urlsafe(32): 43 characters
        token="matrix-token-detmold-0123456789abcdef012345",
    )
    regionsworkshop = Workshop.objects.create(
        region=welt.region,
        titel="OWL-Forum",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=2),
        format=Workshop.Format.VIDEO,
        veroeffentlicht_am=timezone.now(),
    )
    return {
        "regionsworkshop": regionsworkshop.pk,
        "workshop": workshop.pk,
        "entwurf": entwurf.pk,
        "ergebnis": ergebnis.pk,
        "kalender_token": token.token,
    }

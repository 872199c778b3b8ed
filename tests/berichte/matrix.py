"""Permission matrix rows of the berichte app (the quarterly report); the dashboards and the
public pages have theirs in tests/dashboards/matrix.py and tests/oeffentlich/matrix.py."""

from __future__ import annotations

from django.core.files.base import ContentFile

from berichte.models import Deckblatt, Quartalsbericht
from massnahmen.models import Quartalsabschluss
from tests.matrix import KREIS_LESEN, LOGIN, NOT_ALLOWED, NUR_ANGEMELDET, NUR_KREIS, rolle

# POST only: everyone logged in gets 405 on GET, before any object is looked up.
NUR_POST = {**dict.fromkeys(NUR_ANGEMELDET, NOT_ALLOWED), "anonym": LOGIN}

MATRIX = {
    "berichte:liste": ("/berichte/", NUR_ANGEMELDET),
    "berichte:anfordern": ("/berichte/anfordern/", NUR_POST),
    # Everyone who reads Kreis Lippe (its CDOs, its staff, the region); Herford's staff: 404.
    "berichte:detail": ("/berichte/{bericht}/", KREIS_LESEN),
    "berichte:download": ("/berichte/{bericht}/pdf/", KREIS_LESEN),
    "berichte:download (noch nicht fertig)": (
        "/berichte/{bericht_offen}/pdf/",
        rolle(KREIS_LESEN, cdo_eigen=404, cdo_andere=404, kreis=404, region=404, admin=404),
    ),
    "berichte:erneut": ("/berichte/{bericht}/erneut/", NUR_POST),
    "berichte:abschluss_aufheben": ("/berichte/abschluss/{abschluss}/aufheben/", NUR_KREIS),
    # The cover's logo: Kreis staff manage it; everyone who reads the Kreis sees it.
    "berichte:logo": ("/berichte/logo/lippe/", NUR_KREIS),
    "berichte:logo_datei": ("/berichte/logo/lippe/datei/", KREIS_LESEN),
}


def objekte(welt) -> dict:
    bericht = Quartalsbericht(
        kreis=welt.lippe, quartal="2026-Q2", status=Quartalsbericht.Status.FERTIG, seiten=1
    )
    bericht.datei.save("matrix.pdf", ContentFile(b"%PDF-1.7 matrix"), save=False)
    bericht.save()
    offen = Quartalsbericht.objects.create(kreis=welt.lippe, quartal="2026-Q2", version=2)
    abschluss = Quartalsabschluss.objects.create(kreis=welt.lippe, quartal="2026-Q2")
    deckblatt = Deckblatt(kreis=welt.lippe)
    deckblatt.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\nmatrix"), save=False)
    deckblatt.save()
    return {"bericht": bericht.pk, "bericht_offen": offen.pk, "abschluss": abschluss.pk}

from django.core.files.uploadedfile import SimpleUploadedFile

from massnahmen.models import Anhang
from tests.matrix import (
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

MATRIX = {
    "massnahmen:liste": ("/massnahmen/", NUR_ANGEMELDET),
    "massnahmen:neu": ("/massnahmen/neu/", rolle(NUR_ANGEMELDET, region=FORBIDDEN)),
    "massnahmen:detail": ("/massnahmen/{massnahme}/", KREIS_LESEN),
    "massnahmen:bearbeiten": ("/massnahmen/{massnahme}/bearbeiten/", EIGENE_KOMMUNE),
    # POST only: whoever may archive gets 405 on GET, the others are stopped before.
    "massnahmen:archiv": (
        "/massnahmen/{massnahme}/archiv/",
        rolle(EIGENE_KOMMUNE, cdo_eigen=NOT_ALLOWED, kreis=NOT_ALLOWED, admin=NOT_ALLOWED),
    ),
    "massnahmen:loeschen": ("/massnahmen/{massnahme}/loeschen/", NUR_KREIS),
    "massnahmen:statusmeldung": ("/massnahmen/{massnahme}/statusmeldung/", EIGENE_KOMMUNE),
    "massnahmen:anhang_neu": ("/massnahmen/{massnahme}/anhaenge/neu/", EIGENE_KOMMUNE),
    # Only a CDO of another Kommune of the Kreis can adopt (Lemgo here).
    "massnahmen:nachnutzen": (
        "/massnahmen/{massnahme}/nachnutzen/",
        {
            "anonym": LOGIN,
            "cdo_eigen": FORBIDDEN,
            "cdo_andere": OK,
            "kreis_fremd": NOT_FOUND,
            "kreis": FORBIDDEN,
            "region": FORBIDDEN,
            "admin": FORBIDDEN,
        },
    ),
    "massnahmen:anhang": ("/massnahmen/anhaenge/{anhang}/", KREIS_LESEN),
}


def objekte(welt) -> dict:
    anhang = Anhang.objects.create(
        massnahme=welt.massnahme,
        titel="Konzept",
        datei=SimpleUploadedFile("konzept.pdf", b"%PDF-1.7 test", content_type="application/pdf"),
    )
    return {"anhang": anhang.pk}

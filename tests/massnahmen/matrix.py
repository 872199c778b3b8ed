from django.core.files.uploadedfile import SimpleUploadedFile

from massnahmen.models import Anhang, Importlauf
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
    # Export of the list: whoever reads the list (their own scope only).
    "massnahmen:export_csv": ("/massnahmen/export.csv", NUR_ANGEMELDET),
    "massnahmen:export_xlsx": ("/massnahmen/export.xlsx", NUR_ANGEMELDET),
    # Import: Kreis staff of any Kreis (into their own Kreis); a run of Lippe only for Lippe.
    "massnahmen:import": ("/massnahmen/import/", rolle(NUR_KREIS, kreis_fremd=OK)),
    "massnahmen:import_status": ("/massnahmen/import/{importlauf}/", NUR_KREIS),
    # POST only: Kreis staff get 405 on GET before the run is looked up.
    "massnahmen:import_bestaetigen": (
        "/massnahmen/import/{importlauf}/bestaetigen/",
        rolle(NUR_KREIS, kreis_fremd=NOT_ALLOWED, kreis=NOT_ALLOWED, admin=NOT_ALLOWED),
    ),
}


def objekte(welt) -> dict:
    anhang = Anhang.objects.create(
        massnahme=welt.massnahme,
        titel="Konzept",
        datei=SimpleUploadedFile("konzept.pdf", b"%PDF-1.7 test", content_type="application/pdf"),
    )
    importlauf = Importlauf.objects.create(
        kreis=welt.lippe,
        datei="dokumente/00/matrix.csv",
        dateiname="massnahmen.csv",
        status=Importlauf.Status.GEPRUEFT,
        zeilen_gesamt=1,
    )
    return {"anhang": anhang.pk, "importlauf": importlauf.pk}

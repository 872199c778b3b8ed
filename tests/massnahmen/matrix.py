from django.core.files.uploadedfile import SimpleUploadedFile

from massnahmen.models import Anhang, Importlauf, Massnahme, Sichtbarkeit
from tests.factories import MassnahmeFactory
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

# A Maßnahme of Herford that Lippe may read: everyone with a role reads it.
HERFORD_LESEN = {**NUR_ANGEMELDET}
# Only Herford's staff (and the admin) edit it; readers of Lippe get 403.
HERFORD_BEARBEITEN = {
    "anonym": LOGIN,
    "cdo_eigen": FORBIDDEN,
    "cdo_andere": FORBIDDEN,
    "kreis_fremd": OK,
    "kreis": FORBIDDEN,
    "region": FORBIDDEN,
    "admin": OK,
}

# The region's DigitalBüro (and the admin) only; everyone of a Kreis 403.
NUR_REGION = {
    "anonym": LOGIN,
    "cdo_eigen": FORBIDDEN,
    "cdo_andere": FORBIDDEN,
    "kreis_fremd": FORBIDDEN,
    "kreis": FORBIDDEN,
    "region": OK,
    "admin": OK,
}

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
    # Issue 15, point 4: the Lösungskatalog, for every role (each sees what they may read,
    # tests/massnahmen/test_loesungen.py); anonymous visitors are sent to the login.
    "loesungen:katalog": ("/loesungen/", NUR_ANGEMELDET),
    "loesungen:katalog (gefiltert)": (
        "/loesungen/?q=Akte&groesse=ab-50000&kreis=05758&handlungsfeld=999999",
        NUR_ANGEMELDET,
    ),
    "massnahmen:anhang": ("/massnahmen/anhaenge/{anhang}/", KREIS_LESEN),
    # Issue 15, point 3: a Maßnahme of Herford, Kreis-visible: Lippe's users get 404 …
    "massnahmen:detail (Herford, Kreis-sichtbar)": (
        "/massnahmen/{herford_kreis}/",
        {**HERFORD_LESEN, "cdo_eigen": NOT_FOUND, "cdo_andere": NOT_FOUND, "kreis": NOT_FOUND},
    ),
    # … Region-visible: the whole region reads it, only Herford edits it.
    "massnahmen:detail (Herford, Region-sichtbar)": (
        "/massnahmen/{herford_region}/",
        HERFORD_LESEN,
    ),
    "massnahmen:bearbeiten (Herford, Region-sichtbar)": (
        "/massnahmen/{herford_region}/bearbeiten/",
        HERFORD_BEARBEITEN,
    ),
    "massnahmen:statusmeldung (Herford, Region-sichtbar)": (
        "/massnahmen/{herford_region}/statusmeldung/",
        HERFORD_BEARBEITEN,
    ),
    # Issue 15, point 1: Herford leads, Detmold (Lippe) takes part; Kreis-visible. Detmold's
    # CDO and Lippe's staff read it, Lemgo's CDO does not; Detmold reports, only Herford
    # edits (a partner CDO on the lead's edit form: 403).
    "massnahmen:detail (Herford, Partner Detmold)": (
        "/massnahmen/{herford_partner}/",
        {**HERFORD_LESEN, "cdo_andere": NOT_FOUND},
    ),
    "massnahmen:bearbeiten (Herford, Partner Detmold)": (
        "/massnahmen/{herford_partner}/bearbeiten/",
        {**HERFORD_BEARBEITEN, "cdo_andere": NOT_FOUND},
    ),
    "massnahmen:loeschen (Herford, Partner Detmold)": (
        "/massnahmen/{herford_partner}/loeschen/",
        {**HERFORD_BEARBEITEN, "cdo_andere": NOT_FOUND},
    ),
    "massnahmen:anhang_neu (Herford, Partner Detmold)": (
        "/massnahmen/{herford_partner}/anhaenge/neu/",
        {**HERFORD_BEARBEITEN, "cdo_andere": NOT_FOUND},
    ),
    "massnahmen:statusmeldung (Herford, Partner Detmold)": (
        "/massnahmen/{herford_partner}/statusmeldung/",
        {**HERFORD_BEARBEITEN, "cdo_andere": NOT_FOUND, "cdo_eigen": OK},
    ),
    # Adoption across Kreise: Detmold and Lemgo adopt Herford's Region-visible solution.
    "massnahmen:nachnutzen (Herford, Region-sichtbar)": (
        "/massnahmen/{herford_region}/nachnutzen/",
        {
            "anonym": LOGIN,
            "cdo_eigen": OK,
            "cdo_andere": OK,
            "kreis_fremd": FORBIDDEN,
            "kreis": FORBIDDEN,
            "region": FORBIDDEN,
            "admin": FORBIDDEN,
        },
    ),
    # Issue 15, point 2: region projects. Only the DigitalBüro (and the admin) creates one;
    # every member of the region reads it, only the region edits it; Lemgo takes part and
    # reports. The region on a Kreis's Maßnahme: 403 (rows "massnahmen:bearbeiten" above).
    "massnahmen:neu_region": ("/massnahmen/neu/region/", NUR_REGION),
    "massnahmen:detail (Projekt der Region)": ("/massnahmen/{regionsprojekt}/", NUR_ANGEMELDET),
    "massnahmen:bearbeiten (Projekt der Region)": (
        "/massnahmen/{regionsprojekt}/bearbeiten/",
        NUR_REGION,
    ),
    "massnahmen:loeschen (Projekt der Region)": (
        "/massnahmen/{regionsprojekt}/loeschen/",
        NUR_REGION,
    ),
    "massnahmen:anhang_neu (Projekt der Region)": (
        "/massnahmen/{regionsprojekt}/anhaenge/neu/",
        NUR_REGION,
    ),
    "massnahmen:statusmeldung (Projekt der Region)": (
        "/massnahmen/{regionsprojekt}/statusmeldung/",
        {**NUR_REGION, "cdo_andere": OK},
    ),
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
    herford = {
        wert: MassnahmeFactory(
            kreis=welt.herford,
            federfuehrend=welt.herford_stadt,
            handlungsfeld=welt.handlungsfeld,
            titel=f"Herford ({wert})",
            sichtbarkeit=wert,
        ).pk
        for wert in (Sichtbarkeit.KREIS, Sichtbarkeit.REGION)
    }
    partner = MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel="Herford mit Detmold",
        sichtbarkeit=Sichtbarkeit.KREIS,
        beteiligte=[welt.detmold],
    )
    regionsprojekt = Massnahme.objects.create(
        region=welt.region,
        titel="Regionales Datenportal",
        handlungsfeld=welt.handlungsfeld,
        sichtbarkeit=Sichtbarkeit.REGION,
    )
    regionsprojekt.beteiligte.set([welt.lemgo])
    return {
        "regionsprojekt": regionsprojekt.pk,
        "herford_partner": partner.pk,
        "anhang": anhang.pk,
        "importlauf": importlauf.pk,
        "herford_kreis": herford[Sichtbarkeit.KREIS],
        "herford_region": herford[Sichtbarkeit.REGION],
    }

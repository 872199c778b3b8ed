import datetime as dt
from decimal import Decimal

from handlungsfelder.models import Kennzahl, Ziel
from tests.matrix import (
    FORBIDDEN,
    KREIS_LESEN,
    NUR_ANGEMELDET,
    NUR_KREIS,
    OK,
    rolle,
)

MATRIX = {
    # Everyone with a role sees the strategy of their own Kreis (Herford's staff: Herford).
    "handlungsfelder:strategie": ("/strategie/", NUR_ANGEMELDET),
    "handlungsfelder:strategie (Lippe gewählt)": ("/strategie/?kreis=05766", KREIS_LESEN),
    "handlungsfelder:lebensbereiche": ("/strategie/lebensbereiche/", NUR_ANGEMELDET),
    "handlungsfelder:lebensbereiche (Lippe gewählt)": (
        "/strategie/lebensbereiche/?kreis=05766",
        KREIS_LESEN,
    ),
    "handlungsfelder:vergleich": (
        "/strategie/vergleich/?kennzahl=q:massnahmen_abgeschlossen:kreis",
        NUR_ANGEMELDET,
    ),
    # New Ziele: Kreis staff, in their own Kreis (Herford's staff in Herford).
    "handlungsfelder:ziel_neu": ("/strategie/ziele/neu/", rolle(NUR_KREIS, kreis_fremd=OK)),
    "handlungsfelder:ziel_neu (Lippe gewählt)": ("/strategie/ziele/neu/?kreis=05766", NUR_KREIS),
    "handlungsfelder:ziel_bearbeiten": ("/strategie/ziele/{ziel}/bearbeiten/", NUR_KREIS),
    "handlungsfelder:ziel_loeschen": ("/strategie/ziele/{ziel}/loeschen/", NUR_KREIS),
    "handlungsfelder:kennzahl_loeschen": ("/strategie/kennzahlen/{kennzahl}/loeschen/", NUR_KREIS),
    "handlungsfelder:kennzahl_neu": ("/strategie/ziele/{ziel}/kennzahlen/neu/", NUR_KREIS),
    "handlungsfelder:kennzahl": ("/strategie/kennzahlen/{kennzahl}/", KREIS_LESEN),
    "handlungsfelder:kennzahl_bearbeiten": (
        "/strategie/kennzahlen/{kennzahl}/bearbeiten/",
        NUR_KREIS,
    ),
    # Values measured for the Kreis: Kreis staff only.
    "handlungsfelder:wert_erfassen": ("/strategie/kennzahlen/{kennzahl}/werte/", NUR_KREIS),
    # Values measured per Kommune: every CDO of the Kreis (for their own Kommune) too.
    "handlungsfelder:wert_erfassen (je Kommune)": (
        "/strategie/kennzahlen/{kennzahl_kommune}/werte/",
        rolle(NUR_KREIS, cdo_eigen=OK, cdo_andere=OK),
    ),
    # Derived Kennzahlen take no typed values, not even from an admin.
    "handlungsfelder:wert_erfassen (abgeleitet)": (
        "/strategie/kennzahlen/{kennzahl_abgeleitet}/werte/",
        rolle(NUR_KREIS, kreis=FORBIDDEN, admin=FORBIDDEN),
    ),
}


def objekte(welt) -> dict:
    ziel = Ziel.objects.create(
        kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, titel="Matrix-Ziel"
    )

    def kennzahl(name, **kwargs):
        return Kennzahl.objects.create(
            ziel=ziel,
            name=name,
            basiswert=Decimal("1"),
            basisdatum=dt.date(2025, 1, 1),
            zielwert=Decimal("10"),
            zieldatum=dt.date(2028, 12, 31),
            **kwargs,
        ).pk

    return {
        "ziel": ziel.pk,
        "kennzahl": kennzahl("Kreiswert"),
        "kennzahl_kommune": kennzahl("Kommunalwert", ebene=Kennzahl.Ebene.KOMMUNE),
        "kennzahl_abgeleitet": kennzahl(
            "Abgeschlossen", einheit="%", quelle=Kennzahl.Quelle.MASSNAHMEN_ABGESCHLOSSEN
        ),
    }

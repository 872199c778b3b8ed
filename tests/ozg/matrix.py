"""Permission matrix rows of the OZG pages (see tests/matrix.py)."""

from tests.factories import OzgLeistungFactory, UmsetzungsstandFactory
from tests.matrix import EIGENE_KOMMUNE, KREIS_LESEN, NUR_ANGEMELDET

MATRIX = {
    # Everyone with a role sees the matrix of their own Kreis (Herford's staff: Herford).
    "ozg:matrix": ("/ozg/", NUR_ANGEMELDET),
    "ozg:matrix (Kreis Lippe gewählt)": ("/ozg/?kreis=05766", KREIS_LESEN),
    # Rating a cell: Detmold's CDO and Lippe's staff; Lemgo's CDO and the region 403.
    "ozg:stand": ("/ozg/stand/{ozg_leistung}/{ozg_kommune}/", EIGENE_KOMMUNE),
    "ozg:stand (noch nicht bewertet)": (
        "/ozg/stand/{ozg_leistung_neu}/{ozg_kommune}/",
        EIGENE_KOMMUNE,
    ),
    "ozg:zelle": ("/ozg/stand/{ozg_leistung}/{ozg_kommune}/zelle/", KREIS_LESEN),
}


def objekte(welt) -> dict:
    stand = UmsetzungsstandFactory(
        kommune=welt.detmold, leistung=OzgLeistungFactory(name="Wohngeld"), reifegrad=3
    )
    neu = OzgLeistungFactory(name="Hundesteuer")
    return {
        "ozg_leistung": stand.leistung_id,
        "ozg_leistung_neu": neu.pk,
        "ozg_kommune": welt.detmold.pk,
    }

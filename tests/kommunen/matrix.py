from tests.matrix import EIGENE_KOMMUNE, KREIS_LESEN, NOT_FOUND, NUR_ANGEMELDET, rolle

MATRIX = {
    "kommunen:liste": ("/kommunen/", NUR_ANGEMELDET),
    "kommunen:detail": ("/kommunen/detmold/", KREIS_LESEN),
    "kommunen:bearbeiten": ("/kommunen/detmold/bearbeiten/", EIGENE_KOMMUNE),
    "kommunen:detail (anderer Kreis)": (
        "/kommunen/herford/",
        rolle(NUR_ANGEMELDET, cdo_eigen=NOT_FOUND, cdo_andere=NOT_FOUND, kreis=NOT_FOUND),
    ),
}

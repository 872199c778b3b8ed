"""Permission matrix rows of /dashboard/ and /region/ (the dashboards app)."""

from tests.matrix import FORBIDDEN, KREIS_LESEN, NUR_ANGEMELDET, rolle

MATRIX = {
    # Everyone with a role sees their own Kreis (Herford's staff: Herford).
    "dashboards:dashboard": ("/dashboard/", NUR_ANGEMELDET),
    # Asking for Lippe: another Kreis's staff get 404, as for any object outside their scope.
    "dashboards:dashboard (Kreis Lippe)": ("/dashboard/?kreis=05766", KREIS_LESEN),
    # The DigitalBüro and admins only.
    "dashboards:region": (
        "/region/",
        rolle(
            NUR_ANGEMELDET,
            cdo_eigen=FORBIDDEN,
            cdo_andere=FORBIDDEN,
            kreis_fremd=FORBIDDEN,
            kreis=FORBIDDEN,
        ),
    ),
}

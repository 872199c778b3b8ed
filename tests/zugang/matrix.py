from tests.matrix import FORBIDDEN, LOGIN, OK

MATRIX = {
    # Kreis staff read the log of their own Kreis (Herford's staff: Herford's entries).
    "zugang:protokoll": (
        "/protokoll/",
        {
            "anonym": LOGIN,
            "cdo_eigen": FORBIDDEN,
            "cdo_andere": FORBIDDEN,
            "kreis_fremd": OK,
            "kreis": OK,
            "region": FORBIDDEN,
            "admin": OK,
        },
    ),
}

"""Building blocks for the permission matrix rows each app keeps in tests/<app>/matrix.py.

A row: url name (optionally with " (note)") → (path, {role: expected status}).
Paths refer to the objects of the `welt` fixture; `{massnahme}` etc. are filled in from
`welt_ids()` in tests/test_permission_matrix.py.
"""

from tests.conftest import ROLLEN

OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405

ALLE_OK = dict.fromkeys(ROLLEN, OK)
NUR_ANGEMELDET = {**dict.fromkeys(ROLLEN, OK), "anonym": LOGIN}
# Reads within the Kreis: another Kreis's staff get 404 (the object is not in their scope).
KREIS_LESEN = {**NUR_ANGEMELDET, "kreis_fremd": NOT_FOUND}
# Kreis staff (and admin) only; everyone else of the Kreis 403, another Kreis 404.
NUR_KREIS = {
    "anonym": LOGIN,
    "cdo_eigen": FORBIDDEN,
    "cdo_andere": FORBIDDEN,
    "kreis_fremd": NOT_FOUND,
    "kreis": OK,
    "region": FORBIDDEN,
    "admin": OK,
}
# The owning Kommune's CDO and the Kreis (the edit rule of docs/ARCHITECTURE.md).
EIGENE_KOMMUNE = {**NUR_KREIS, "cdo_eigen": OK}


def rolle(base: dict, **overrides: int) -> dict:
    return {**base, **overrides}

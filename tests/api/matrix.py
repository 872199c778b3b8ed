"""Permission matrix rows of the read API and its account page.

The API reads no browser session: every role's logged-in browser gets the public view, so an
unpublished Maßnahme is a 404 for everyone here. What a token of each role reads is tested
in tests/api/test_api.py.
"""

from tests.conftest import ROLLEN
from tests.matrix import ALLE_OK, NOT_ALLOWED, NOT_FOUND, NUR_ANGEMELDET, rolle

NIEMAND = dict.fromkeys(ROLLEN, NOT_FOUND)
# Token-only lists: a browser session is no token.
NUR_TOKEN = dict.fromkeys(ROLLEN, 401)
NUR_POST = rolle(dict.fromkeys(ROLLEN, NOT_ALLOWED), anonym=302)

MATRIX = {
    "api_v1:index": ("/api/v1/", ALLE_OK),
    "api_v1:api-root": ("/api/v1/", ALLE_OK),
    "api_v1:openapi-json": ("/api/v1/openapi.json", ALLE_OK),
    "api_v1:openapi-view": ("/api/v1/docs/", ALLE_OK),
    "api_v1:kreise": ("/api/v1/kreise/", ALLE_OK),
    "api_v1:kommunen": ("/api/v1/kommunen/?kreis=05766", ALLE_OK),
    "api_v1:strategie": ("/api/v1/strategie/", ALLE_OK),
    "api_v1:massnahmen": ("/api/v1/massnahmen/", ALLE_OK),
    "api_v1:massnahme": ("/api/v1/massnahmen/{massnahme_oeffentlich}/", ALLE_OK),
    # Readable in the portal for most roles, but the API answers a session like anyone.
    "api_v1:massnahme (unveröffentlicht)": ("/api/v1/massnahmen/{massnahme}/", NIEMAND),
    "api_v1:ziele": ("/api/v1/ziele/?kreis=05766", ALLE_OK),
    "api_v1:ozg_abdeckung": ("/api/v1/ozg/abdeckung/?kreis=05766", ALLE_OK),
    "api_v1:foerderung_summen": ("/api/v1/foerderung/summen/", ALLE_OK),
    "api_v1:foerderbescheide": ("/api/v1/foerderung/bescheide/", NUR_TOKEN),
    "api_v1:ozg_umsetzung": ("/api/v1/ozg/umsetzung/", NUR_TOKEN),
    "api_v1:workshops": ("/api/v1/workshops/", NUR_TOKEN),
    "api:zugang": ("/accounts/api-zugang/", NUR_ANGEMELDET),
    "api:widerrufen": ("/accounts/api-zugang/{api_token}/widerrufen/", NUR_POST),
}


def objekte(welt) -> dict:
    from api.models import ApiToken

    token, _ = ApiToken.issue(user=welt.users["cdo_eigen"], bezeichnung="Matrix")
    return {"api_token": token.pk}

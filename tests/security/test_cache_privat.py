"""Pages for a logged-in user are never kept by a cache: `Cache-Control: private, no-store`.

`/massnahmen/3/`, `/kommunen/detmold/` (with contacts) and `/workshops/1/` (with participants)
carried no Cache-Control, so a shared PC's browser kept them after logout. Every page of the
permission matrix is asked as each logged-in role; the public pages stay `public` and
cookie-free for everyone (tests/security/test_public_cache.py).
"""

from __future__ import annotations

from core.middleware import oeffentlicher_pfad

from .conftest import matrix_zeilen

ROLLEN = ["cdo_eigen", "kreis", "region", "admin"]


def _cache_control(response) -> set[str]:
    return {t.strip().split("=")[0] for t in response.get("Cache-Control", "").split(",") if t}


def test_every_answer_to_a_logged_in_user_is_private_and_not_stored(lage):
    befunde, geprueft = [], 0
    for rolle in ROLLEN:
        client = lage.client(rolle)
        for _name, template, _expected in matrix_zeilen():
            path = lage.path(template)
            if oeffentlicher_pfad(path.split("?")[0]):
                continue
            response = client.get(path)
            geprueft += 1
            cache_control = _cache_control(response)
            if not {"private", "no-store"} <= cache_control or "public" in cache_control:
                befunde.append(
                    f"{rolle} GET {path}: {response.status_code}, "
                    f"Cache-Control: {response.get('Cache-Control', '–')}"
                )
    assert geprueft > 300
    assert not befunde, "\n".join(befunde)


def test_the_pages_of_the_report_are_not_stored(lage):
    client = lage.client("kreis")
    for path in (
        f"/massnahmen/{lage.ids['massnahme']}/",
        "/kommunen/detmold/",
        f"/workshops/{lage.ids['workshop']}/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert {"private", "no-store"} <= _cache_control(response), path


def test_public_pages_keep_their_caching_for_logged_in_users(lage):
    eingeloggt = lage.client("kreis")
    response = eingeloggt.get("/oeffentlich/")
    assert "public" in _cache_control(response) and "no-store" not in _cache_control(response)
    assert not response.cookies


def test_every_public_page_is_public_and_cookie_free_for_every_role(lage):
    """The other half of point 6, over the whole matrix: a page under the public paths is
    the same for everyone, so it is `public`, sets no cookie and does not vary by one, for
    an anonymous visitor and for each logged-in role alike."""
    befunde, geprueft = [], 0
    for rolle in ["anonym", *ROLLEN]:
        client = lage.client(rolle)
        for _name, template, _expected in matrix_zeilen():
            path = lage.path(template)
            if not oeffentlicher_pfad(path.split("?")[0]):
                continue
            response = client.get(path)
            if response.status_code != 200:
                continue
            geprueft += 1
            cache_control = _cache_control(response)
            vary = response.get("Vary", "").lower()
            # /healthz is session-free too, but a health answer is never cached.
            cachebar = not path.startswith("/healthz")
            if (
                cachebar
                and ("public" not in cache_control or {"private", "no-store"} & cache_control)
                or response.cookies
                or "cookie" in vary
            ):
                befunde.append(
                    f"{rolle} GET {path}: Cache-Control: {response.get('Cache-Control', '–')}, "
                    f"Vary: {vary or '–'}, Cookies: {sorted(response.cookies)}"
                )
    assert geprueft >= 5 * 8, geprueft
    assert not befunde, "\n".join(befunde)

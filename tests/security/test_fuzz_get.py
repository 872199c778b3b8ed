"""No 500 from input: every GET parameter and every URL segment of every page, fuzzed.

A NUL byte in a query parameter or URL token (`/oeffentlich/?kreis=%00`,
`/workshops/kalender/ab%00cd.ics`, `/dashboard/?kreis=%00`) reached PostgreSQL, which refuses
it ("cannot contain NUL"), and every such request logged a traceback at ERROR. Here each page
of the permission matrix is asked as an anonymous visitor, Kreis staff and the region:

1. the parameters it knows are collected from the page itself (its GET forms and the query
   strings of its links), its filterset and the parameters the views read by hand;
2. a sweep sends NUL, an overlong and a wrong-length value in all of them at once, and NUL
   in each path segment in turn;
3. hypothesis sends random combinations of hostile and random values.

No answer may be a 5xx, and nothing may be logged at ERROR. Runs on PostgreSQL in CI.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.hostile import BOESE

from .conftest import matrix_zeilen

ROLLEN = ["anonym", "kreis", "region"]
# Parameters views read from request.GET by hand (not through a form the page shows).
HANDGELESEN = ["kreis", "quartal", "seite", "sortierung", "zurueck", "kennzahl", "status", "q"]
# NUL, overlong, wrong length (a Kreis AGS has five digits); hypothesis tries the rest.
SWEEP = ["a\x00b", "x" * 1000, "0576"]
# More names than this on one page would only repeat the same fields (a list of checkboxes).
MAX_PARAMETER = 30


class _Namen(HTMLParser):
    """Parameter names a page offers: fields of its GET forms, keys of its links' queries."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.namen: set[str] = set()
        self._get_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._get_form = (a.get("method") or "get").lower() == "get"
        elif tag in {"input", "select", "textarea"} and self._get_form and a.get("name"):
            self.namen.add(a["name"])
        elif tag == "a" and a.get("href") and "?" in a["href"]:
            teile = urlsplit(a["href"])
            if not teile.netloc:
                self.namen |= {k for k, _ in parse_qsl(teile.query, keep_blank_values=True)}

    def handle_endtag(self, tag):
        if tag == "form":
            self._get_form = False


def _filterset_parameter(path: str) -> set[str]:
    try:
        view_class = getattr(resolve(path).func, "view_class", None)
    except Resolver404:
        return set()
    filterset = getattr(view_class, "filterset_class", None)
    return set(filterset.base_filters) if filterset else set()


class _Fehlerprotokoll(logging.Handler):
    """Log records that would alert: ERROR and above (Django logs a 403 or 404 as WARNING)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.eintraege: list[str] = []

    def emit(self, record):
        art = record.exc_info[0].__name__ if record.exc_info else record.levelname
        self.eintraege.append(f"{record.name} ({art}): {record.getMessage()[:200]}")


@pytest.fixture
def fehlerprotokoll():
    handler = _Fehlerprotokoll()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.fixture
def ziele(lage):
    """(role, path, parameter names) of every GET page of the matrix, and the clients."""
    clients = {r: Client(raise_request_exception=False) for r in ROLLEN}
    for rolle in ROLLEN[1:]:
        clients[rolle].force_login(lage.users[rolle])
    seiten = []
    for _name, template, _expected in matrix_zeilen():
        path = lage.path(template).split("?")[0]
        for rolle in ROLLEN:
            response = clients[rolle].get(path)
            namen = set(HANDGELESEN) | _filterset_parameter(path)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                parser = _Namen()
                parser.feed(response.content.decode(errors="replace"))
                namen |= parser.namen
            namen.discard("csrfmiddlewaretoken")
            # Sent to the login page before any view code runs: one probe is enough there.
            zur_anmeldung = response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/"
            )
            seiten.append((rolle, path, sorted(namen)[:MAX_PARAMETER], zur_anmeldung))
    return clients, seiten


def _pruefen(client, path, params, befunde, fehlerprotokoll, beschreibung):
    vorher = len(fehlerprotokoll.eintraege)
    response = client.get(path, params)
    if response.status_code >= 500:
        befunde.append(f"{beschreibung}: {response.status_code}")
    if len(fehlerprotokoll.eintraege) > vorher:
        befunde.append(f"{beschreibung}: im Log: {fehlerprotokoll.eintraege[vorher]}")


def test_hostile_values_in_every_get_parameter_and_path_segment(ziele, fehlerprotokoll):
    clients, seiten = ziele
    befunde: list[str] = []
    proben = 0
    for rolle, path, namen, zur_anmeldung in seiten:
        client = clients[rolle]
        for wert in SWEEP[:1] if zur_anmeldung else SWEEP:
            _pruefen(
                client,
                path,
                dict.fromkeys(namen, wert),
                befunde,
                fehlerprotokoll,
                f"{rolle} GET {path} mit {wert[:12]!r} in {len(namen)} Parametern",
            )
            proben += 1
        if zur_anmeldung or rolle == "region":  # region: the same URL resolution as kreis
            continue
        segmente = [s for s in path.split("/") if s]
        for i, segment in enumerate(segmente):
            for ersatz in (f"{segment[:2]}\x00{segment[2:]}",):
                neu = "/" + "/".join([*segmente[:i], quote(ersatz), *segmente[i + 1 :]])
                neu += "/" if path.endswith("/") else ""
                _pruefen(client, neu, {}, befunde, fehlerprotokoll, f"{rolle} GET {neu[:80]}")
                proben += 1
    print(f"\n{proben} Proben über {len(seiten)} Seiten und Rollen")
    assert proben > 800
    assert not befunde, "\n".join(befunde[:50])
    # The collected names are those the pages really use (so the sweep is not empty).
    namen = {(rolle, path): set(n) for rolle, path, n, _ in seiten}
    assert {"q", "status", "handlungsfeld"} <= namen[("kreis", "/massnahmen/")]
    assert "kreis" in namen[("anonym", "/oeffentlich/")]
    assert any(re.fullmatch(r"/workshops/kalender/[^/]+\.ics", p) for _r, p in namen)


@pytest.mark.parametrize(
    ("rolle", "url"),
    [
        ("anonym", "/oeffentlich/?kreis=%00"),
        ("anonym", "/oeffentlich/daten/massnahmen.csv?kreis=%00"),
        ("anonym", "/workshops/kalender/ab%00cd.ics"),
        ("kreis", "/dashboard/?kreis=%00"),
        ("region", "/dashboard/?kreis=%00"),
    ],
)
def test_the_requests_of_the_report_are_a_404_without_traceback(lage, fehlerprotokoll, rolle, url):
    client = Client(raise_request_exception=False)
    if rolle != "anonym":
        client.force_login(lage.users[rolle])
    response = client.get(url)
    assert response.status_code == 404, response.status_code
    assert not fehlerprotokoll.eintraege


_values = st.one_of(st.sampled_from(BOESE + SWEEP), st.text(max_size=60))


@hypothesis_settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(daten=st.data())
def test_random_values_in_get_parameters_never_give_a_500(ziele, fehlerprotokoll, daten):
    clients, seiten = ziele
    rolle, path, namen, _zur_anmeldung = daten.draw(
        st.sampled_from([s for s in seiten if not s[3]])
    )
    params = daten.draw(st.dictionaries(st.sampled_from(namen), _values, max_size=4))
    vorher = len(fehlerprotokoll.eintraege)
    response = clients[rolle].get(path, params)
    assert response.status_code < 500, (rolle, path, params)
    assert len(fehlerprotokoll.eintraege) == vorher, fehlerprotokoll.eintraege[vorher:]

"""Shared pieces of the attack suite (tests/security/).

The suite walks the URL patterns of the project, filled with the objects of the `welt`
fixture through the rows of the permission matrix (tests/<app>/matrix.py; the matrix test
fails for a URL without a row, so every new page arrives here by itself). To stay fast it
builds one world per test and loops over the URLs inside, collecting all findings into one
failure message instead of failing at the first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.forms import BaseForm
from django.test import Client
from django.urls import Resolver404, resolve

from kommunen.models import Rolle
from tests.factories import (
    KommuneFactory,
    KreisFactory,
    MassnahmeFactory,
    MitgliedschaftFactory,
    RegionFactory,
    UserFactory,
    ZielFactory,
)
from tests.test_permission_matrix import MATRIX, _project_url_names, welt_ids

from . import proben

# What an attack must not change: every model, except the bookkeeping a request itself
# writes (sessions, the audit log of logins and refused accesses).
NICHT_GEPRUEFT = {"sessions", "contenttypes", "admin"}
NICHT_GEPRUEFTE_MODELLE = {"zugang.Protokolleintrag", "zugang.Protokolleintrag_kreise"}
ABGELEHNT = {403, 404}
# For a POST also: the view takes GET only.
POST_ABGELEHNT = {403, 404, 405}


@pytest.fixture(autouse=True)
def _seitencache(seitencache):
    """The attacks run against the pages as production serves them, whole pages from the
    cache included (core.seitencache): one role's cached page must never reach another."""


@dataclass
class Lage:
    """The world of an attack: `welt`, the filled placeholders of the matrix paths, and
    the users by role, including `cdo_fremd` (CDO of the city of Herford)."""

    welt: object
    ids: dict
    users: dict
    _clients: dict = field(default_factory=dict)

    def path(self, template: str) -> str:
        return template.format(**self.ids)

    def client(self, rolle: str) -> Client:
        """One logged-in client per role and test (logging in costs a session and an
        audit entry, so it is done once). Log in before an `isoliert()` block: its
        rollback would take the session with it."""
        if rolle not in self._clients:
            self._clients[rolle] = client_fuer(self.users[rolle])
        return self._clients[rolle]


@pytest.fixture
def lage(welt) -> Lage:
    """`welt` plus the matrix objects and some objects of Kreis Herford (a Maßnahme, a
    Ziel, a second Kommune, a CDO), so every Kreis-scoped choice has a foreign candidate."""
    ids = welt_ids(welt)
    enger = KommuneFactory(kreis=welt.herford, ags="05758008", name="Enger", slug="enger")
    MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel="Maßnahme in Herford",
        beteiligte=[enger],
    )
    ZielFactory(kreis=welt.herford, handlungsfeld=welt.handlungsfeld)
    ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld)
    # A Kommune of another region: the foreign candidate of the region-wide fields.
    obb = RegionFactory(kurzname="OBB", name="Oberbayern", slug="oberbayern")
    muenchen = KreisFactory(ags="09162", name="München", slug="muenchen", region=obb)
    KommuneFactory(kreis=muenchen, ags="09162000", name="München", slug="muenchen")
    cdo_fremd = UserFactory(email="cdo.herford@example.invalid")
    MitgliedschaftFactory(user=cdo_fremd, rolle=Rolle.CDO, kommune=welt.herford_stadt)
    return Lage(welt=welt, ids=ids, users={**welt.users, "cdo_fremd": cdo_fremd})


def client_fuer(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def matrix_zeilen():
    """(name, path template, expected statuses per role) of every matrix row."""
    return [(name, path, expected) for name, (path, expected) in MATRIX.items()]


def url_namen() -> set[str]:
    return _project_url_names()


def nimmt_post(path: str) -> bool:
    """False when the view behind `path` is a class-based view without a `post` method:
    Django answers a POST with 405 before any code of the project runs; also False when
    no view matches (a URL converter refuses the segment, so every method gets a 404)."""
    from api.middleware import API_PFAD

    if path.startswith(API_PFAD):
        # The read API refuses every write method before any view runs (api.middleware;
        # tests/api/test_api.py::test_the_api_refuses_every_write_method).
        return False
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    return view_class is None or hasattr(view_class, "post")


# --- "nothing changed" ------------------------------------------------------------------------


def _modelle():
    for config in apps.get_app_configs():
        if config.label in NICHT_GEPRUEFT:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.label not in NICHT_GEPRUEFTE_MODELLE:
                yield model


def _ausgenommene_tabellen() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in NICHT_GEPRUEFT or model._meta.label in NICHT_GEPRUEFTE_MODELLE
    }


def fingerabdruck() -> dict[str, str]:
    """Equal before and after a request means the request changed nothing.

    On PostgreSQL: the per-table counts of inserted, updated and deleted rows of the
    current transaction (one cheap query; rows written and rolled back count too). On
    SQLite: a hash of every row of every checked model.
    """
    if connection.vendor == "postgresql":
        ausgenommen = _ausgenommene_tabellen()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            )
            return {
                name: f"{ins}/{upd}/{dele}"
                for name, ins, upd, dele in cursor.fetchall()
                if name not in ausgenommen
            }
    result = {}
    for model in _modelle():
        rows = model._base_manager.order_by("pk").values_list()
        digest = hashlib.md5(usedforsecurity=False)
        for row in rows:
            digest.update(repr(row).encode())
        result[model._meta.label] = digest.hexdigest()
    return result


def geaenderte_tabellen(vorher: dict, nachher: dict) -> list[str]:
    return sorted(label for label in nachher if vorher.get(label) != nachher[label])


class isoliert:
    """`with isoliert():` — everything done inside is rolled back at the end (one
    savepoint), so the loops of a test start each URL from the same world."""

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        transaction.set_rollback(True)
        self._atomic.__exit__(exc_type, exc, tb)
        return False


# --- forms as a browser would send them --------------------------------------------------------


class _FormParser(HTMLParser):
    """The POST forms of a page: action and the (name, value) pairs a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formulare: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "felder": [],
                "namen": set(),
                "enctype": a.get("enctype") or "",
            }
            self.formulare.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            self._form["namen"].add(name)
            typ = (a.get("type") or "text").lower()
            if typ in {"submit", "button", "image", "reset", "file"}:
                return
            if typ in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form["felder"].append((name, a.get("value") or "on"))
                return
            self._form["felder"].append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._form["namen"].add(name)
            self._select = name
        elif tag == "option" and self._select:
            self._option = (a.get("value"), "selected" in a)
            self._text = ""
        elif tag == "textarea" and name:
            self._form["namen"].add(name)
            self._textarea = name
            self._text = ""

    def handle_data(self, data):
        self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None and self._select:
            value, selected = self._option
            if selected:
                self._form["felder"].append(
                    (self._select, value if value is not None else self._text.strip())
                )
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form["felder"].append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def post_formulare(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return [f for f in parser.formulare if f["method"] == "post"]


def formulare_im_kontext(response) -> list[BaseForm]:
    """The Django forms a view put into its template context (each once)."""
    gefunden, gesehen = [], set()
    for kontext in response.context or []:
        for d in kontext.dicts if hasattr(kontext, "dicts") else [kontext]:
            for value in d.values() if isinstance(d, dict) else []:
                if isinstance(value, BaseForm) and id(value) not in gesehen:
                    gesehen.add(id(value))
                    gefunden.append(value)
    return gefunden


def formular_zu(html: str, form: BaseForm) -> dict | None:
    """The HTML form that renders the Django form `form` (the one with most of its fields)."""
    namen = {form.add_prefix(n) for n in form.fields}
    kandidaten = [(len(namen & f["namen"]), f) for f in post_formulare(html)]
    kandidaten = [k for k in kandidaten if k[0]]
    if not kandidaten:
        return None
    return max(kandidaten, key=lambda k: k[0])[1]


def als_daten(felder: list[tuple[str, str]]) -> dict[str, list[str]]:
    daten: dict[str, list[str]] = {}
    for name, value in felder:
        daten.setdefault(name, []).append(value)
    return daten


def fehler_am_feld(response, form_class, key: str, *, auch_allgemein: bool = False) -> bool:
    """The bound form of class `form_class` in the answer reports the field `key` (with
    `auch_allgemein`, an error of the form as a whole counts too)."""
    for form in formulare_im_kontext(response):
        if isinstance(form, form_class) and form.is_bound:
            name = key[len(form.prefix) + 1 :] if form.prefix else key
            return name in form.errors or (auch_allgemein and bool(form.non_field_errors()))
    return False


# --- how many probes the suite sends (summed up and printed by tests/security/proben.py) --


@pytest.fixture(autouse=True)
def _proben_zaehlen(request, monkeypatch):
    """Count every request of Django's test client, by test, method and phase."""
    original = Client.request
    test = (request.node.module.__name__.rsplit(".", 1)[-1], request.node.originalname)

    def zaehlen(self, **anfrage):
        proben.zaehlen(test, anfrage.get("REQUEST_METHOD", "GET"))
        return original(self, **anfrage)

    monkeypatch.setattr(Client, "request", zaehlen)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    proben.PHASE["jetzt"] = "test"
    try:
        return (yield)
    finally:
        proben.PHASE["jetzt"] = "vorbereitung"

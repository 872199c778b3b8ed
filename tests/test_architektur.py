"""The dependency direction of docs/ARCHITECTURE.md: an app imports only apps in a lower
layer. Every module of every project app is parsed (imports inside functions included), so
an import that points up or sideways fails here, not in a review."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

# Lowest first; the table of docs/ARCHITECTURE.md ("Dependency direction").
SCHICHTEN: list[set[str]] = [
    {"core"},
    {"kommunen"},
    {"handlungsfelder"},
    {"massnahmen"},
    {"foerderung", "workshops", "ozg"},
    {"benachrichtigungen", "zugang", "portal"},
    {"dashboards"},
    {"berichte", "oeffentlich", "api"},
    {"lippe_portal"},
]
SCHICHT = {app: nummer for nummer, apps in enumerate(SCHICHTEN) for app in apps}
WURZEL = Path(settings.BASE_DIR)


def _importierte_apps(datei: Path) -> set[tuple[str, int]]:
    funde = set()
    for knoten in ast.walk(ast.parse(datei.read_text(), filename=str(datei))):
        if isinstance(knoten, ast.ImportFrom) and knoten.level == 0 and knoten.module:
            namen = [knoten.module]
        elif isinstance(knoten, ast.Import):
            namen = [alias.name for alias in knoten.names]
        else:
            continue
        funde |= {(name.split(".")[0], knoten.lineno) for name in namen}
    return funde


def test_every_project_app_has_a_layer():
    apps = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    projekt = {app for app in apps if (WURZEL / app / "apps.py").exists()}
    assert projekt - SCHICHT.keys() == set(), "App ohne Schicht in docs/ARCHITECTURE.md"


def test_apps_import_only_apps_of_a_lower_layer():
    falsch = []
    for app, schicht in SCHICHT.items():
        for datei in sorted((WURZEL / app).rglob("*.py")):
            if "migrations" in datei.parts:
                continue
            for ziel, zeile in _importierte_apps(datei):
                if ziel != app and ziel in SCHICHT and SCHICHT[ziel] >= schicht:
                    falsch.append(f"{datei.relative_to(WURZEL)}:{zeile} importiert {ziel}")
    assert falsch == []


def test_the_check_sees_an_import_that_points_up(tmp_path):
    modul = tmp_path / "modul.py"
    modul.write_text("def f():\n    from dashboards.auswertung import Zahlen\n")
    assert ("dashboards", 2) in _importierte_apps(modul)

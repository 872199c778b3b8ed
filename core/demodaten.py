"""The demo content kept as data: `data/demo/` (see its README), read by the apps' demo hooks.

`kreise()` gives one dict per file `data/demo/kreise/<kreis-slug>.yaml`, `regionen()` one per
file `data/demo/regionen/<region-slug>.yaml` (the region's own projects); `personen(slug)` the
bytes of `data/demo/personen/<kreis-slug>.csv`, a list in the format of `manage.py
kreis_einrichten`. Dates in the files are relative (months or days from today), so the demo
never goes stale; the hooks turn them into dates.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _folder() -> Path:
    return Path(settings.DEMO_DATA_DIR)


@cache
def _files(ordner: Path) -> tuple[dict, ...]:
    daten = []
    for datei in sorted(ordner.glob("*.yaml")):
        with datei.open(encoding="utf-8") as handle:
            inhalt = yaml.load(handle, Loader=_Loader)  # noqa: S506 - a safe loader
        inhalt["slug"] = datei.stem
        daten.append(inhalt)
    return tuple(daten)


def kreise() -> tuple[dict, ...]:
    """The demo content of every Kreis that has a file, ordered by its slug."""
    return _files(_folder() / "kreise")


def regionen() -> tuple[dict, ...]:
    """The demo content of the regions themselves (their projects and workshops)."""
    return _files(_folder() / "regionen")


def personen() -> dict[str, bytes]:
    """The people lists by Kreis slug."""
    return {
        datei.stem: datei.read_bytes() for datei in sorted((_folder() / "personen").glob("*.csv"))
    }

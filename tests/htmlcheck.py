"""The Nu Html Checker (npm `vnu-jar`, run by the system's Java) for the test suite.

`validate(files)` checks many files in ONE Java process: vnu needs seconds to start and
milliseconds per page after that, so callers collect their pages first and check them in a
batch. `package.json` pins the version; `npm ci --ignore-scripts` installs it (the package's
install script would only download a Java runtime, and the machine has one).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTML_RESULTS = Path(settings.BASE_DIR) / "test-results" / "html"
# A check runs for seconds, not hours: the quick compiler only (C1) halves the JVM's CPU
# time for a few pages (3.6 -> 1.9 s, seen on 3 pages) and saves about a sixth on 150
# large ones; its frames are bigger, so vnu's schema needs a larger stack than 512k.
JAVA_OPTIONEN = ["-XX:TieredStopAtLevel=1", "-Xss16m"]


@dataclass(frozen=True)
class Befund:
    """One error vnu reports: which file, where, what."""

    datei: Path
    zeile: int | None
    meldung: str
    auszug: str

    def __str__(self) -> str:
        return f"{self.datei.name}:{self.zeile}: {self.meldung}\n      {self.auszug!r}"


def als_dokument(html: str) -> str:
    """A partial (an htmx response such as one OZG cell) inside a minimal page, so that its
    markup is checked rather than the missing doctype; whole pages stay as they are."""
    if html.lstrip()[:15].lower().startswith("<!doctype html"):
        return html
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Teil</title></head>'
        f"<body>{html}</body></html>"
    )


def missing_reason() -> str | None:
    """Why vnu cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java fehlt (für den Nu Html Checker)"
    if not VNU_JAR.exists():
        return f"Nu Html Checker fehlt ({VNU_JAR}; `npm ci --ignore-scripts` installiert ihn)"
    return None


def validate(files: Iterable[Path]) -> list[Befund]:
    """Every HTML error vnu finds in `files` (warnings are left out)."""
    files = sorted({Path(f) for f in files})
    if not files:
        return []
    result = subprocess.run(
        ["java", *JAVA_OPTIONEN, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(
            f"vnu lieferte kein JSON (exit {result.returncode}): {result.stderr[:2000]}"
        ) from error
    befunde = []
    for message in report.get("messages", []):
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        url = message.get("url", "")
        datei = Path(url.removeprefix("file:")) if url else Path("?")
        befunde.append(
            Befund(
                datei=datei,
                zeile=message.get("lastLine"),
                meldung=message.get("message", ""),
                auszug=message.get("extract", ""),
            )
        )
    return befunde


def report(befunde: list[Befund], quellen: dict[Path, str] | None = None) -> str:
    """A readable list of the errors, each with the page (URL) the file came from."""
    quellen = quellen or {}
    zeilen = [f"Nu Html Checker: {len(befunde)} Fehler"]
    for befund in befunde:
        quelle = quellen.get(befund.datei.resolve(), "")
        zeilen.append(f"- {befund}" + (f"\n      Seite: {quelle}" if quelle else ""))
    return "\n".join(zeilen)

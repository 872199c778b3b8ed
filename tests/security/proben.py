"""How many probes the attack suite (tests/security/) sends.

Every request of Django's test client in tests/security/ is counted (the autouse fixture in
tests/security/conftest.py), by test, method and phase (fixture set-up or the test itself).
The summary at the end of the run sorts them into the kinds of the attack report: URL × role
probes, POSTs of a role the URL refuses, hostile or tampered forms, fuzzed requests. Under
pytest-xdist each worker hands its counts to the controller; tests/conftest.py wires the
session hooks below, since the controller of a whole-suite run never loads this directory's
conftest. The numbers also go to test-results/sicherheit-proben.json.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

ZAEHLER: Counter = Counter()
PHASE = {"jetzt": "vorbereitung"}
# Modules whose requests in the test itself (after their fixtures found the pages) fuzz.
FUZZ_MODULE = {"test_fuzz_get", "test_injection"}
FALSCHE_ROLLE = {("test_idor", "test_refused_urls_refuse_post_and_change_nothing")}
ARTEN = (
    "Seitenabrufe (URL × Rolle)",
    "POSTs einer abgewiesenen Rolle",
    "feindliche und manipulierte Formulare",
    "gefuzzte Anfragen",
)


def zaehlen(test: tuple[str, str], methode: str) -> None:
    ZAEHLER[(*test, methode, PHASE["jetzt"])] += 1


def nach_art(zaehler: Counter) -> dict[str, int]:
    arten = dict.fromkeys(ARTEN, 0)
    for (modul, test, methode, phase), anzahl in zaehler.items():
        if modul in FUZZ_MODULE and phase == "test":
            art = ARTEN[3]
        elif methode in {"GET", "HEAD"}:
            art = ARTEN[0]
        elif (modul, test) in FALSCHE_ROLLE:
            art = ARTEN[1]
        else:
            art = ARTEN[2]
        arten[art] += anzahl
    return arten


def sitzung_beendet(session) -> None:
    ausgabe = getattr(session.config, "workeroutput", None)
    if ausgabe is not None:  # an xdist worker: the controller sums up
        ausgabe["sicherheit_proben"] = [[*k, v] for k, v in ZAEHLER.items()]


def knoten_beendet(node) -> None:
    for *schluessel, anzahl in getattr(node, "workeroutput", {}).get("sicherheit_proben", []):
        ZAEHLER[tuple(schluessel)] += anzahl


def zusammenfassung(terminalreporter, config) -> None:
    if not ZAEHLER:
        return
    arten = nach_art(ZAEHLER)
    je_modul: Counter = Counter()
    for (modul, _test, _methode, _phase), anzahl in ZAEHLER.items():
        je_modul[modul] += anzahl
    terminalreporter.section("Proben der Angriffs-Suite (tests/security/)")
    for art, anzahl in arten.items():
        terminalreporter.write_line(f"{anzahl:>8}  {art}")
    terminalreporter.write_line(f"{sum(arten.values()):>8}  Anfragen insgesamt")
    for modul, anzahl in je_modul.most_common():
        terminalreporter.write_line(f"{anzahl:>8}    {modul}")
    ziel = Path(config.rootpath) / "test-results" / "sicherheit-proben.json"
    ziel.parent.mkdir(exist_ok=True)
    ziel.write_text(
        json.dumps({"arten": arten, "module": dict(je_modul)}, ensure_ascii=False, indent=2)
    )

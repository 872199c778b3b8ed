"""Where a test run's time goes: `pytest --timeline=FILE` writes one JSON line per test.

Each test's line names the test, the xdist worker that ran it ("main" without xdist), its xdist
group, the wall-clock start and end (seconds since the epoch, so the lines of all workers
share one time axis), the set-up, call and teardown durations, and the CPU seconds of the
test's own process (`time.process_time`) in that time. A test whose wall time far exceeds
its CPU time waits: on a subprocess (Chromium, a Celery worker, LibreOffice, vnu), on the
database, or on a sleep. Session fixtures count towards the first test that uses them. Two more lines per process
say when it was configured and when it finished (start-up: creating the test databases,
collecting; the end: session teardown such as the browser tests' HTML check).

Each process writes `FILE.<worker>`; the controller (or the only process) joins them into
FILE when the run ends. `bench/ci_timeline.py FILE` prints the profile: per worker busy and
idle time, the tail, the slowest tests and groups, wall against CPU per directory.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--timeline",
        metavar="FILE",
        default=None,
        help="write every test's worker, start, end and CPU time to FILE (JSON lines)",
    )


class _Recorder:
    def __init__(self, path: Path, worker: str) -> None:
        self.path = path
        self.worker = worker
        self.file = open(f"{path}.{worker}", "w", encoding="utf-8")  # noqa: SIM115
        self.phases: dict[str, float] = {}
        self._write({"worker": worker, "session": "configured", "at": round(time.time(), 3)})

    def _write(self, line: dict) -> None:
        self.file.write(json.dumps(line) + "\n")
        self.file.flush()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.phases = {}
        start, cpu = time.time(), time.process_time()
        yield
        group = item.get_closest_marker("xdist_group")
        line = {
            "test": item.nodeid,
            "worker": self.worker,
            "group": (group.args[0] if group.args else group.kwargs.get("name")) if group else None,
            "start": round(start, 3),
            "end": round(time.time(), 3),
            "cpu": round(time.process_time() - cpu, 3),
            **{phase: round(d, 3) for phase, d in self.phases.items()},
        }
        self._write(line)

    def pytest_runtest_logreport(self, report):
        self.phases[report.when] = self.phases.get(report.when, 0.0) + report.duration

    def close(self) -> None:
        self._write({"worker": self.worker, "session": "finished", "at": round(time.time(), 3)})
        self.file.close()


def pytest_configure(config):
    target = config.getoption("--timeline")
    if not target:
        return
    path = Path(target).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    recorder = _Recorder(path, worker)
    config.pluginmanager.register(recorder, "timeline-recorder")
    config._timeline = (path, recorder)


def pytest_unconfigure(config):
    entry = getattr(config, "_timeline", None)
    if entry is None:
        return
    path, recorder = entry
    recorder.close()
    if hasattr(config, "workerinput"):
        return  # the controller joins the workers' files
    parts = sorted(path.parent.glob(f"{path.name}.*"))
    with open(path, "w", encoding="utf-8") as joined:
        for part in parts:
            joined.write(part.read_text(encoding="utf-8"))
            os.unlink(part)

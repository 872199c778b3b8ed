"""The profile of a test run recorded with `pytest --timeline=FILE` (tests/timeline.py).

    .venv/bin/python bench/ci_timeline.py FILE [--top 30] [--workers 2 3 4]

Prints the run's span, each xdist worker's busy time and how long it stood idle at the end
(the tail), the slowest tests with their CPU share (wall far above CPU: the test waits on
a subprocess, the database or a sleep), the xdist groups (a group runs in one process, so
its sum is a lower bound of the run), wall and CPU per directory, and what N workers could
reach at best: max(sum / N, longest unit). Exit status 0; it reports, it sets no goal.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def load(path: Path) -> tuple[list[dict], list[dict]]:
    """The tests' lines and the processes' session lines."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [x for x in lines if "test" in x], [x for x in lines if "session" in x]


def directory(test: str) -> str:
    parts = test.split("::")[0].split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--workers", type=int, nargs="*", default=[2, 3, 4])
    args = parser.parse_args()

    tests, sessions = load(args.file)
    if not tests:
        raise SystemExit(f"{args.file}: no tests recorded")
    begin = min(t["start"] for t in tests)
    end = max(t["end"] for t in tests)
    wall = {t["test"]: t["end"] - t["start"] for t in tests}
    total = sum(wall.values())
    cpu_total = sum(t["cpu"] for t in tests)
    print(f"{len(tests)} tests, span {end - begin:.0f} s, test wall sum {total:.0f} s,")
    print(f"CPU of the test processes {cpu_total:.0f} s ({cpu_total / total:.0%} of wall)")

    configured = [x["at"] for x in sessions if x["session"] == "configured"]
    finished = [x["at"] for x in sessions if x["session"] == "finished"]
    if configured and finished:
        print(
            f"whole run {max(finished) - min(configured):.0f} s: start-up (configure to first"
            f" test) {begin - min(configured):.0f} s, after the last test {max(finished) - end:.0f} s"
        )

    print("\nper worker: tests, busy, first start, last end, idle tail")
    per_worker: dict[str, list[dict]] = defaultdict(list)
    for t in tests:
        per_worker[t["worker"]].append(t)
    for worker, own in sorted(per_worker.items()):
        busy = sum(wall[t["test"]] for t in own)
        first = min(t["start"] for t in own) - begin
        last = max(t["end"] for t in own) - begin
        print(
            f"  {worker:>5}  {len(own):5}  {busy:7.0f} s  {first:6.0f} s  {last:6.0f} s"
            f"  {end - begin - last:6.0f} s"
        )

    print(f"\nslowest {args.top} tests: wall, CPU share, setup/call/teardown, worker, test")
    for t in sorted(tests, key=lambda t: -wall[t["test"]])[: args.top]:
        w = wall[t["test"]]
        phases = "/".join(f"{t.get(p, 0):.1f}" for p in ("setup", "call", "teardown"))
        share = t["cpu"] / w if w else 0
        print(f"  {w:6.1f} s  {share:4.0%}  {phases:>14}  {t['worker']:>5}  {t['test']}")

    groups: dict[str, float] = defaultdict(float)
    for t in tests:
        if t["group"]:
            groups[t["group"]] += wall[t["test"]]
    if groups:
        print("\nxdist groups (each runs in one process): wall sum")
        for group, seconds in sorted(groups.items(), key=lambda g: -g[1]):
            print(f"  {seconds:7.0f} s  {group}")

    print("\nper directory: tests, wall sum, CPU share")
    per_dir: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for t in tests:
        row = per_dir[directory(t["test"])]
        row[0] += 1
        row[1] += wall[t["test"]]
        row[2] += t["cpu"]
    for name, (count, seconds, cpu) in sorted(per_dir.items(), key=lambda d: -d[1][1]):
        print(f"  {count:5}  {seconds:7.0f} s  {cpu / seconds if seconds else 0:4.0%}  {name}")

    units = [seconds for seconds in groups.values()]
    units += [wall[t["test"]] for t in tests if not t["group"]]
    longest = max(units)
    print("\nbest possible span for N workers, max(sum / N, longest unit) at these speeds:")
    for n in args.workers:
        print(f"  {n}: {max(total / n, longest):.0f} s")


if __name__ == "__main__":
    main()

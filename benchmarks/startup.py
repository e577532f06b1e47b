"""Start-up of the ``artproof`` command beside bare Python and its heaviest imports (issue 12's anchors).

Run: .venv/bin/python benchmarks/startup.py [--write] [--runs 9]
Each command runs RUNS times as a fresh process; medians are compared in one run. With --write the
table replaces the startup section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from results import write_section

ARTPROOF = [sys.executable, "-m", "artproof.cli.app"]


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])  # the first run warms the file cache


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="artproof-startup-"))
    env = {**os.environ, "ARTPROOF_HOME": str(home), "ARTPROOF_PASSPHRASE": "startup benchmark"}
    subprocess.run([*ARTPROOF, "init", "--name", "Bench"], env=env, capture_output=True, check=True)
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ('python -c "import numpy, PIL.Image"', [sys.executable, "-c", "import numpy, PIL.Image"]),
        ('python -c "import c2pa"', [sys.executable, "-c", "import c2pa"]),
        ("artproof --version", [*ARTPROOF, "--version"]),
        ("artproof --help", [*ARTPROOF, "--help"]),
        ("artproof identity show (opens the database)", [*ARTPROOF, "identity", "show"]),
        ("artproof work list (no works: the fixed cost of a command)", [*ARTPROOF, "work", "list"]),
    ]
    measured = {label: median_seconds(cmd, args.runs, env) for label, cmd in rows}
    anchor = measured['python -c "import numpy, PIL.Image"']
    lines = [
        "## CLI start-up (issue 12)",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}",
        f"- date: {datetime.now(UTC).date().isoformat()}",
        "- command: `.venv/bin/python benchmarks/startup.py --write` (also `make bench`)",
        f"- {args.runs} fresh processes per row after one warm-up; medians; goals: `--help`/`--version` <= 0.25 s "
        "and <= 1.6x the numpy+Pillow import; a command's fixed cost <= 0.4 s over its work",
        "",
        "| command | median s | x numpy+Pillow |",
        "|---|---|---|",
    ]
    lines += [f"| `{label}` | {value:.3f} | {value / anchor:.2f} |" for label, value in measured.items()]
    print("\n".join(lines))
    if args.write:
        write_section("startup", lines)


if __name__ == "__main__":
    main()

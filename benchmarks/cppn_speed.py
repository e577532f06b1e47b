"""generate.cppn speed at 1024x1024 on one core, against the issue's anchor of 1 s.

Run: .venv/bin/python benchmarks/cppn_speed.py [--write]
With --write, the table replaces the CPPN section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os

# One core: set before NumPy loads its BLAS.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import numpy as np  # noqa: E402
from results import write_section  # noqa: E402

from artproof.ops.generate.cppn import ARCHITECTURES, CppnParams, render_cppn  # noqa: E402

ANCHOR_S = 1.0
RUNS = 5


def measure(arch: str, side: int) -> list[float]:
    params = CppnParams(prompt="tidal dusk, copper and ink", seed=42, width=side, height=side, architecture=arch)  # type: ignore[arg-type]
    render_cppn(params)  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        render_cppn(params)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="record the table in RESULTS.md")
    args = parser.parse_args()
    rows = []
    for side in (512, 1024, 2048):
        for arch in sorted(ARCHITECTURES):
            times = measure(arch, side)
            med = statistics.median(times)
            rows.append((side, arch, med, min(times), max(times)))
            print(f"{side}x{side} {arch:8s} median {med:.3f} s (min {min(times):.3f}, max {max(times):.3f})")
    cpu = platform.processor() or platform.machine()
    lines = [
        "## generate.cppn render time (one core)",
        "",
        f"- machine: {cpu}, {os.cpu_count()} cores visible, one used (BLAS threads = 1); "
        f"Python {platform.python_version()}, NumPy {np.__version__}",
        f"- date: {datetime.now(UTC).date().isoformat()}",
        "- command: `.venv/bin/python benchmarks/cppn_speed.py --write` (also `make bench`)",
        f"- anchor: the issue's goal, 1024x1024 in under {ANCHOR_S:.0f} s on one core; {RUNS} runs after a warm-up",
        "",
        "| size | architecture | median s | min s | max s | vs anchor (1024² only) |",
        "|---|---|---|---|---|---|",
    ]
    for side, arch, med, lo, hi in rows:
        verdict = f"{med / ANCHOR_S:.0%} of the 1 s budget" if side == 1024 else ""
        lines.append(f"| {side}² | {arch} | {med:.3f} | {lo:.3f} | {hi:.3f} | {verdict} |")
    print("\n".join(lines))
    if args.write:
        write_section("cppn", lines)


if __name__ == "__main__":
    main()

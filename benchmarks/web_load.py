"""Concurrent verify uploads against ``artproof serve`` on loopback (issue 15's load measurement).

Run: .venv/bin/python benchmarks/web_load.py [--write] [--uploads 50] [--concurrency 50]
A registry with one issued edition is prepared in a temporary home; the edition file is re-encoded as
a JPEG (a reposted copy) and uploaded UPLOADS times, CONCURRENCY at once, to POST /api/v1/verify on a
real uvicorn server. Beside it, the anchor: the same verification called in process, one at a time
(what one request costs without HTTP). Reports errors, p50/p95 latency and throughput. With --write
the table replaces the web section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
PASSPHRASE = "load benchmark passphrase"


def prepare(home: Path, size: str) -> bytes:
    """A registry home with one sealed work and an edition of 2; returns a re-encoded copy of edition 1."""
    from artproof.services import build_services
    from artproof.settings import Settings

    svc = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}))
    svc.identities.init("Load Studio", PASSPHRASE)
    made = svc.studio.create(engine="cppn", prompt="load", seed=1, size=size, title=None, passphrase=PASSPHRASE)
    svc.sealing.seal(made.work_id, home / "sealed.png", passphrase=PASSPHRASE)
    svc.editions.issue(made.work_id, home / "editions", count=2, passphrase=PASSPHRASE)
    edition = next((home / "editions").glob("*1of2.png"))
    buffer = io.BytesIO()
    Image.open(edition).convert("RGB").save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class Serving:
    """``artproof serve``'s app on a free loopback port, in a thread."""

    def __init__(self, home: Path, **env: str) -> None:
        import uvicorn

        from artproof.settings import Settings
        from artproof.web.app import create_app

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        settings = Settings.from_env({"ARTPROOF_HOME": str(home), "ARTPROOF_RATE_VERIFY": "0", **env})
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def load(base: str, data: bytes, uploads: int, concurrency: int) -> dict[str, Any]:
    """UPLOADS verify requests, CONCURRENCY at a time: latencies, errors, verdicts, throughput."""
    import httpx

    def one(_n: int) -> tuple[float, int, str]:
        start = time.perf_counter()
        with httpx.Client(timeout=600) as client:
            answer = client.post(f"{base}/api/v1/verify", files={"file": ("copy.jpg", data, "image/jpeg")})
        verdict = answer.json().get("verdict", "") if answer.status_code == 200 else ""
        return time.perf_counter() - start, answer.status_code, verdict

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(uploads)))
    wall = time.perf_counter() - start
    latencies = sorted(r[0] for r in results)
    return {
        "wall": wall,
        "errors": sum(1 for r in results if r[1] != 200),
        "verdicts": sorted({r[2] for r in results}),
        "p50": statistics.median(latencies),
        "p95": latencies[max(0, round(0.95 * len(latencies)) - 1)],
        "throughput": len(results) / wall,
    }


def in_process(home: Path, data: bytes, runs: int) -> float:
    from artproof.services import build_services
    from artproof.settings import Settings

    svc = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}))
    svc.verifier.verify(data, "warm.jpg")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        svc.verifier.verify(data, "copy.jpg")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from results import write_section

    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--size", default="1024x1024")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="artproof-load-"))
    data = prepare(home, args.size)
    alone = in_process(home, data, 5)
    with Serving(home) as base:
        measured = load(base, data, args.uploads, args.concurrency)
    lines = [
        "## Web registry: concurrent verify uploads (issue 15)",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}",
        f"- date: {datetime.now(UTC).date().isoformat()}",
        f"- command: `.venv/bin/python benchmarks/web_load.py --write` ({args.uploads} uploads, {args.concurrency} "
        f"at once, of a {args.size} edition re-encoded as JPEG q85 ({len(data) // 1024} KiB), to POST /api/v1/verify "
        "on uvicorn, loopback)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| anchor: one verification in process (median of 5) | {alone:.3f} s |",
        f"| errors | {measured['errors']} of {args.uploads} |",
        f"| verdicts | {', '.join(measured['verdicts'])} |",
        f"| latency p50 | {measured['p50']:.2f} s |",
        f"| latency p95 | {measured['p95']:.2f} s |",
        f"| throughput | {measured['throughput']:.2f} verifications/s ({1 / alone:.2f}/s in process) |",
        "",
        "Requests are served one at a time (the services share one database connection pool and caches under "
        "one lock), so under many concurrent uploads the latency is the queue: p95 is about the number of uploads "
        "times one verification, and throughput stays near the in-process rate.",
    ]
    text = write_section("web", lines) if args.write else "\n".join(lines)
    print(text)


if __name__ == "__main__":
    main()

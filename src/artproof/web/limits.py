"""Rate limits per client address: a sliding window of request times per bucket (verify, sign-in).

In memory, per process: enough for one registry server on loopback or behind one proxy (the
proxy's forwarded address is what uvicorn reports when started with proxy headers). A limit of
0 turns a bucket off.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from artproof.errors import ArtproofError

__all__ = ["RateLimited", "RateLimiter"]


class RateLimited(ArtproofError):
    """Too many requests of one kind from one address in the last minute."""

    exit_code = 2
    http_status = 429


class RateLimiter:
    def __init__(self, per_minute: dict[str, int], window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self.seen: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def hit(self, bucket: str, client: str) -> None:
        limit = self.per_minute.get(bucket, 0)
        if limit <= 0:
            return
        now = time.monotonic()
        with self.lock:
            times = self.seen[(bucket, client)]
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= limit:
                wait = int(times[0] + self.window - now) + 1
                raise RateLimited(
                    f"too many {bucket} requests from your address", value=f"{limit} a minute", hint=f"wait {wait} s"
                )
            times.append(now)

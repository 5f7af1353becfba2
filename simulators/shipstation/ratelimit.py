"""ShipStation's per-key rate limit: a fixed 60-second window that opens with the first request.

Driven by the simulator clock, so tests advance time instead of sleeping. The trace in the reference
(`40/29/22`, then `40/28/20` at one request a second) is what a fixed window from the first call gives.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window resets (a countdown, not an epoch)

    def headers(self) -> dict[str, str]:
        return {"X-Rate-Limit-Limit": str(self.limit), "X-Rate-Limit-Remaining": str(self.remaining),
                "X-Rate-Limit-Reset": str(self.reset)}


class RateLimiter:
    def __init__(self, limit: int, now: Callable[[], datetime]) -> None:
        self.limit = limit
        self._now = now
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[datetime, int]] = {}

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def hit(self, key: str) -> Verdict:
        """Count one request for `key`; refused (not counted) once the window's allowance is spent."""
        now = self._now()
        with self._lock:
            started, used = self._windows.get(key, (now, 0))
            elapsed = (now - started).total_seconds()
            if elapsed >= WINDOW_SECONDS or elapsed < 0:
                started, used, elapsed = now, 0, 0.0
            allowed = used < self.limit
            if allowed:
                used += 1
            self._windows[key] = (started, used)
        reset = max(1, math.ceil(WINDOW_SECONDS - elapsed))
        return Verdict(allowed, self.limit, self.limit - used, reset)

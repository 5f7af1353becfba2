"""A controllable clock for the simulators: real, real plus an offset, or frozen.

Timestamps and rate-limit windows in both simulators read `SimClock.now()`, so tests move time
with `advance()` instead of sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def _as_utc(at: datetime) -> datetime:
    # A naive datetime is taken as UTC, the convention everywhere inside inkship.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


class SimClock:
    """Real time (optionally shifted by `advance`) or a frozen instant. Thread-safe."""

    def __init__(self, frozen_at: datetime | None = None,
                 wall: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self._initial = _as_utc(frozen_at) if frozen_at is not None else None
        self._frozen_at: datetime | None = self._initial
        self._offset = timedelta(0)

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return self._wall() + self._offset

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock at `at`, or at the current (possibly shifted) time."""
        frozen = _as_utc(at) if at is not None else self.now()
        with self._lock:
            self._frozen_at = frozen

    def advance(self, seconds: float) -> None:
        step = timedelta(seconds=seconds)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += step
            else:
                self._offset += step

    def use_real(self) -> None:
        """Back to the wall clock, with no offset."""
        with self._lock:
            self._frozen_at = None
            self._offset = timedelta(0)

    def reset(self) -> None:
        """Back to how the clock was created (frozen at its initial instant, or real)."""
        with self._lock:
            self._frozen_at = self._initial
            self._offset = timedelta(0)

    def state(self) -> dict:
        with self._lock:
            mode = "frozen" if self._frozen_at is not None else "real"
        return {"mode": mode, "now": self.now().isoformat()}

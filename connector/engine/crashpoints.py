"""Named points where a test can make the engine stop dead, as a killed process would, to prove
that a restart on the same database neither loses nor doubles a write."""

from __future__ import annotations

CRASH_POINTS = (
    "import.after_createorders",
    "shipback.after_ledger_pending",
    "shipback.after_inksoft_write",
    "shipback.after_ledger_written",
)


class SimulatedCrash(BaseException):
    """Not an `InkshipError` nor even an `Exception`: no handler in the engine may swallow it."""


def check_crash_point(crash_at: str | None) -> str | None:
    if crash_at is not None and crash_at not in CRASH_POINTS:
        raise ValueError(f"unknown crash point {crash_at!r}; known: {', '.join(CRASH_POINTS)}")
    return crash_at


def maybe_crash(name: str, crash_at: str | None) -> None:
    """Raise `SimulatedCrash` when the engine was built with `crash_at == name`."""
    if name not in CRASH_POINTS:
        raise ValueError(f"unknown crash point {name!r}")
    if crash_at == name:
        raise SimulatedCrash(name)

"""SimClock: real, shifted, frozen, reset; always aware UTC."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

from inkship.simulators.clock import SimClock

T0 = datetime(2026, 3, 8, 9, 30, tzinfo=UTC)


class FakeWall:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def test_real_mode_follows_the_wall_clock() -> None:
    wall = FakeWall(T0)
    clock = SimClock(wall=wall)
    assert clock.now() == T0
    wall.at = T0 + timedelta(seconds=5)
    assert clock.now() == T0 + timedelta(seconds=5)
    assert clock.state() == {"mode": "real", "now": (T0 + timedelta(seconds=5)).isoformat()}


def test_default_wall_is_aware_utc() -> None:
    now = SimClock().now()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_advance_in_real_mode_keeps_an_offset() -> None:
    wall = FakeWall(T0)
    clock = SimClock(wall=wall)
    clock.advance(90)
    wall.at = T0 + timedelta(seconds=10)
    assert clock.now() == T0 + timedelta(seconds=100)


def test_freeze_at_an_instant_and_advance() -> None:
    clock = SimClock(wall=FakeWall(T0))
    clock.freeze(datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=-8))))
    assert clock.now() == datetime(2026, 1, 1, 20, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    clock.advance(0.5)
    assert clock.now() == datetime(2026, 1, 1, 20, 0, 0, 500000, tzinfo=UTC)
    assert clock.state()["mode"] == "frozen"


def test_freeze_now_keeps_the_shifted_time_and_naive_means_utc() -> None:
    wall = FakeWall(T0)
    clock = SimClock(wall=wall)
    clock.advance(60)
    clock.freeze()
    wall.at = T0 + timedelta(hours=1)
    assert clock.now() == T0 + timedelta(seconds=60)
    clock.freeze(datetime(2026, 5, 1, 8))
    assert clock.now() == datetime(2026, 5, 1, 8, tzinfo=UTC)


def test_use_real_drops_freeze_and_offset() -> None:
    clock = SimClock(wall=FakeWall(T0))
    clock.advance(60)
    clock.freeze(T0 + timedelta(days=3))
    clock.use_real()
    assert clock.now() == T0
    assert clock.state()["mode"] == "real"


def test_reset_returns_to_the_initial_mode() -> None:
    clock = SimClock(frozen_at=T0, wall=FakeWall(T0 + timedelta(days=1)))
    clock.use_real()
    clock.advance(5)
    clock.reset()
    assert clock.now() == T0
    assert clock.state() == {"mode": "frozen", "now": T0.isoformat()}


def test_concurrent_advances_are_not_lost() -> None:
    clock = SimClock(frozen_at=T0)
    workers = [threading.Thread(target=lambda: [clock.advance(1) for _ in range(200)]) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert clock.now() == T0 + timedelta(seconds=1600)

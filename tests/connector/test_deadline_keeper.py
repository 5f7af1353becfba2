"""The one thread that keeps every call's deadline: it expires a call whose time is up, never one that
finished, and holds no more entries than calls in flight."""

from __future__ import annotations

import threading
import time

from inkship.connector.clients import deadline as deadlines


def test_a_call_still_running_at_its_deadline_is_expired() -> None:
    with deadlines.deadline(0.05) as watch:
        waited = time.monotonic()
        while not watch.expired and time.monotonic() - waited < 10:
            time.sleep(0.01)
    assert watch.expired


def test_a_finished_call_is_never_expired_and_the_keeper_does_not_grow() -> None:
    watches = []
    for _ in range(1000):
        with deadlines.deadline(0.2) as watch:
            watches.append(watch)
    assert len(deadlines._keeper._due) <= 2  # noqa: SLF001 - the heap holds calls in flight only
    time.sleep(0.4)  # past every deadline: none of the finished calls may be cut
    assert not any(watch.expired for watch in watches)


def test_calls_in_several_threads_each_keep_their_own_deadline() -> None:
    expired: dict[str, bool] = {}

    def call(name: str, seconds: float, runs_for: float) -> None:
        with deadlines.deadline(seconds) as watch:
            end = time.monotonic() + runs_for
            while time.monotonic() < end and not watch.expired:
                time.sleep(0.01)
        expired[name] = watch.expired

    threads = [threading.Thread(target=call, args=("short", 0.05, 5)),
               threading.Thread(target=call, args=("long", 30, 0.3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert expired == {"short": True, "long": False}

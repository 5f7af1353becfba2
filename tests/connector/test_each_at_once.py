"""`engine.concurrent.each_at_once`: results in the items' order, the first item's error raised after
every thread stopped, crashes passed through, and each thread giving back what it held."""

from __future__ import annotations

import threading

import pytest
from inkship.connector.engine.concurrent import each_at_once
from inkship.connector.engine.crashpoints import SimulatedCrash


def test_results_come_in_the_items_order_whatever_order_they_finish_in() -> None:
    last_started = threading.Event()

    def work(item: int) -> str:
        if item == 0:
            last_started.wait(5)  # the first item finishes last
        if item == 9:
            last_started.set()
        return f"item {item}"

    assert each_at_once(list(range(10)), work, threads=3) == [f"item {i}" for i in range(10)]


def test_one_thread_works_in_the_calling_thread_and_gives_nothing_back() -> None:
    given_back: list[int] = []
    seen = each_at_once([1, 2, 3], lambda _: threading.get_ident(), threads=1,
                        thread_done=lambda: given_back.append(1))
    assert set(seen) == {threading.get_ident()} and given_back == []


def test_the_first_items_error_is_raised_even_when_a_later_item_failed_first() -> None:
    later_failed = threading.Event()

    def work(item: int) -> int:
        if item == 1:
            later_failed.wait(5)
            raise ValueError("item 1")
        if item == 2:
            try:
                raise ValueError("item 2")
            finally:
                later_failed.set()
        return item

    with pytest.raises(ValueError, match="item 1"):
        each_at_once([0, 1, 2], work, threads=3)


def test_a_simulated_crash_in_a_worker_reaches_the_caller() -> None:
    def work(item: int) -> int:
        if item == 4:
            raise SimulatedCrash("shipback.after_inksoft_write")
        return item

    with pytest.raises(SimulatedCrash):
        each_at_once(list(range(8)), work, threads=4)


def test_each_worker_thread_gives_back_what_it_held_once_in_its_own_thread() -> None:
    workers: set[str] = set()
    given_back: list[str] = []
    lock = threading.Lock()

    def work(item: int) -> int:
        with lock:
            workers.add(threading.current_thread().name)
        return item

    def done() -> None:
        with lock:
            given_back.append(threading.current_thread().name)

    each_at_once(list(range(50)), work, threads=4, thread_done=done)
    assert len(given_back) == 4 and len(set(given_back)) == 4  # names, not idents: idents are reused
    assert workers <= set(given_back) and threading.current_thread().name not in given_back

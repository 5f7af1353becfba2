"""Work on several items at once, in a few threads, with the results in the items' order: the ship-back
writes several InkSoft orders' labels at once (`inksoft.write_concurrency`).

An error in one item stops the others from starting (those under way finish); once every thread has
stopped, the first item's error (in item order) is raised: a fatal error or a simulated crash then
ends the pass as it would have one at a time. Each thread gives back what it held (its state
database connection) when it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def each_at_once(items: Sequence[T], work: Callable[[T], R], *, threads: int,
                 thread_done: Callable[[], None] = lambda: None) -> list[R]:
    """`[work(item) for item in items]`, run by up to `threads` threads (one thread: in this one)."""
    if threads <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    results: list[R | None] = [None] * len(items)
    errors: dict[int, BaseException] = {}
    next_index = iter(range(len(items)))
    take = threading.Lock()
    stopping = threading.Event()

    def worker() -> None:
        try:
            while not stopping.is_set():
                with take:
                    index = next(next_index, None)
                if index is None:
                    return
                try:
                    results[index] = work(items[index])
                except BaseException as exc:  # a simulated crash too: re-raised below, in this thread's stead
                    errors[index] = exc
                    stopping.set()
        finally:
            thread_done()

    pool = [threading.Thread(target=worker, name=f"inkship-writeback-{number}", daemon=True)
            for number in range(min(threads, len(items)))]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[min(errors)]
    return results  # type: ignore[return-value]  # every index was filled: no error, no stop

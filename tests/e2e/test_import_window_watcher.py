"""What the import tells its InkSoft client's window watcher (`clients.inksoft.WindowWatcher`), the hook
the CLI's progress bar hangs on: InkSoft's count of the window before its first page is read, each page
of orders read, the orders read again after the summaries, and the window left, cleanly or not."""

from __future__ import annotations

from typing import Any

import pytest
from inkship.connector.clients.inksoft import InkSoftClient, WindowWatcher
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.errors import InkshipError

from tests.e2e.conftest import World

READY = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True}
PAGE = 100  # InkSoftConfig.page_size's default


class RecordingWatcher(WindowWatcher):
    def __init__(self, events: list[tuple[str, Any]]) -> None:
        self.events = events

    def counted(self, total: int | None) -> None:
        self.events.append(("counted", total))

    def again(self, count: int) -> None:
        self.events.append(("again", count))

    def read(self, count: int) -> None:
        self.events.append(("read", count))

    def closed(self, finished: bool) -> None:
        self.events.append(("closed", finished))


def engine_watched(world: World, events: list[tuple[str, Any]]) -> SyncEngine:
    class WatchedClient(InkSoftClient):
        def watch_window(self) -> WindowWatcher:
            return RecordingWatcher(events)

    client = WatchedClient(world.config.inksoft, session=world.session, sleep=world.sleep,
                           clock=world.monotonic)
    return SyncEngine(world.config, client, world.shipstation(), world.store(), clock=world.clock.now)


def test_a_window_is_counted_read_page_by_page_and_left_finished(world: World) -> None:
    world.add_orders(*(dict(READY) for _ in range(2 * PAGE + 50)))
    events: list[tuple[str, Any]] = []

    engine_watched(world, events).run_import()

    assert events == [("counted", 250), ("read", PAGE), ("read", PAGE), ("again", 0), ("read", 50),
                      ("closed", True)]


def test_orders_to_send_again_are_announced_after_the_summaries(world: World) -> None:
    world.add_orders(*(dict(READY) for _ in range(3)))
    world.clock.advance(3600)  # the next window (from this pass, less the overlap) leaves them out
    world.add_fault(world.shipstation_url, method="POST", path="createorders", action="status", status=400)
    world.engine().run_import()  # all three refused: pending, to be sent again
    events: list[tuple[str, Any]] = []

    engine_watched(world, events).run_import()

    assert events == [("counted", 0), ("again", 3), ("read", 3), ("closed", True)]


def test_an_error_mid_window_leaves_it_unfinished(world: World) -> None:
    world.add_orders(*(dict(READY) for _ in range(2 * PAGE + 50)))
    world.add_fault(world.inksoft_url, path="GetOrderSummaries", action="status", status=400, when="nth", n=2)
    events: list[tuple[str, Any]] = []

    with pytest.raises(InkshipError):
        engine_watched(world, events).run_import()

    assert events == [("counted", 250), ("read", PAGE), ("closed", False)]

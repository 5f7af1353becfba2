"""The import streams its window: InkSoft's summaries are read a page at a time, and each page's orders
are read, mapped and sent before the next page of summaries is asked for; the state of a page is
written in one transaction, committed before `createorders` and without holding the write lock while
ShipStation answers."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
import requests

from tests.e2e.conftest import World

READY = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True}
PAGES = 4
PAGE = 100  # InkSoftConfig.page_size's default


def _call(response: requests.Response) -> str:
    url = str(response.request.url)
    for name in ("GetOrderSummaries", "GetOrderPackage", "createorders"):
        if name in url:
            return name
    return "other"


@pytest.fixture
def calls(world: World) -> list[str]:
    """The API calls of the world's clients, in the order they were made."""
    made: list[str] = []
    world.session.hooks["response"].append(lambda response, *args, **kwargs: made.append(_call(response)))
    return made


def test_each_page_is_sent_before_the_next_page_of_summaries_is_read(world: World, calls: list[str]):
    world.add_orders(*(dict(READY) for _ in range(PAGES * PAGE - 30)))  # the last page is short
    report = world.engine().run_import()

    assert report.counts["created"] == PAGES * PAGE - 30
    sequence = [name for name in calls if name != "other"]
    # summaries, the page's packages, its createorders; then the next page (never two pages read ahead).
    assert sequence == ["GetOrderSummaries", "GetOrderPackage", "createorders"] * PAGES


def test_orders_to_send_again_follow_the_window_in_pages_of_their_own(world: World, calls: list[str]):
    world.add_orders(*(dict(READY) for _ in range(PAGE + 10)))
    world.clock.advance(3600)  # the next window (from this run, less the overlap) starts after the orders
    world.add_fault(world.shipstation_url, id="down", method="POST", path="createorders", action="status",
                    status=503)
    assert world.engine().run_import().counts["failed"] == PAGE + 10
    world.session.delete(f"{world.shipstation_url}/__sim/faults", timeout=5).raise_for_status()
    calls.clear()

    report = world.engine().run_import()

    assert report.counts["created"] == PAGE + 10
    sequence = [name for name in calls if name != "other"]
    assert sequence == ["GetOrderSummaries"] + ["GetOrderPackage", "createorders"] * 2


def test_a_page_is_one_transaction_and_no_lock_is_held_over_createorders(world: World):
    world.add_orders(*(dict(READY) for _ in range(2 * PAGE)))
    engine = world.engine()
    statements: list[str] = []
    engine.state._conn().set_trace_callback(statements.append)
    seen_at_send: list[tuple[int, bool]] = []

    def check_database(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if _call(response) != "createorders":
            return
        with sqlite3.connect(world.db_path, timeout=0) as other:
            pending = other.execute("SELECT COUNT(*) FROM links WHERE pending = 1").fetchone()[0]
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                free = True
            except sqlite3.OperationalError:  # "database is locked"
                free = False
        seen_at_send.append((pending, free))

    world.session.hooks["response"].append(check_database)
    report = engine.run_import()

    assert report.counts["created"] == 2 * PAGE
    # The links written ahead of each batch were on disk, and the write lock free, while ShipStation acted.
    assert seen_at_send == [(PAGE, True), (PAGE, True)]
    commits = sum(1 for statement in statements if statement.strip().upper() == "COMMIT")
    # Per page: one before createorders, one for its results; then the cursor. Not one per order.
    assert commits <= 2 * 2 + 2

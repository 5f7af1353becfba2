"""Found by tests/stateful: an order imported into ShipStation, whose shipping address was then removed in
InkSoft and which was then cancelled there, no longer mapped (no address), so the cancellation never
reached ShipStation and the order stayed open for someone to ship. The cancellation is now sent with
ShipStation's own copy of the order (createorder replaces the whole order)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import World


@pytest.fixture
def world(tmp_path: Path) -> Any:
    w = World(tmp_path, rate_limit=None)
    yield w
    w.close()


def test_a_cancellation_reaches_shipstation_after_the_address_was_removed(world):
    world.add_orders({"ID": 1001, "ProductionStatus": "Ready to Ship", "ShippingAddress": True})
    engine = world.engine()
    engine.sync()
    imported = world.shipstation_order("1001")
    world.clock.advance(60)
    world.inksoft_state.update_order(1001, {"ShippingAddress": None})
    world.inksoft_state.cancel_order(1001)
    world.clock.advance(60)

    report = engine.sync()

    assert report.import_report.counts["cancelled"] == 1
    order = world.shipstation_order("1001")
    assert order["orderStatus"] == "cancelled"
    assert order["orderId"] == imported["orderId"]
    assert order["shipTo"] == imported["shipTo"]  # ShipStation's copy, not an invented address
    assert engine.sync().import_report.counts.get("cancelled", 0) == 0  # sent once


def test_an_order_without_address_that_was_never_imported_is_still_only_skipped(world):
    world.add_orders({"ID": 1002, "ProductionStatus": "Ready to Ship"})
    world.inksoft_state.cancel_order(1002)
    engine = world.engine()

    report = engine.sync()

    assert report.import_report.counts.get("cancelled", 0) == 0
    assert report.import_report.counts["skipped"] == 1
    assert world.shipstation_orders() == []

"""Found by tests/stateful: createorders reached ShipStation, but inkship never recorded the answer,
because every reply was lost (dropped after the work) or because the process died right after the call
(crash point `import.after_createorders`). inkship then took the order for never imported: a
cancellation in InkSoft was skipped as "cancelled before it was imported", leaving a live order in
ShipStation for someone to ship; and once the order shipped, the "not sent, will retry" problem stayed
open for good. Links are now written ahead of the call, and such an order is looked up by its orderKey."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inkship.connector.engine.crashpoints import SimulatedCrash

from tests.e2e.conftest import SHIPSTATION_HOST, World


def reply_lost(world: World) -> Any:
    world.add_fault(SHIPSTATION_HOST, id="unheard", method="POST", path="^/orders/createorders",
                    action="drop", stage="after")
    engine = world.engine()
    assert engine.sync().import_report.counts["failed"] == 1
    world.session.delete(f"{SHIPSTATION_HOST}/__sim/faults", timeout=10).raise_for_status()
    return engine


def process_died(world: World) -> Any:
    with pytest.raises(SimulatedCrash):
        world.engine(crash_at="import.after_createorders").sync()
    world.clock.advance(301)
    return world.engine()


@pytest.fixture(params=[reply_lost, process_died])
def unrecorded(request: Any, tmp_path: Path) -> Any:
    """(world, engine): order 1001 is in ShipStation, and inkship never heard of it."""
    world = World(tmp_path, rate_limit=None)
    world.add_orders({"ID": 1001, "ProductionStatus": "Ready to Ship", "ShippingAddress": True})
    engine = request.param(world)
    assert world.shipstation_order("1001")["orderStatus"] == "awaiting_shipment"
    yield world, engine
    world.close()


def test_a_cancellation_then_cancels_the_shipstation_order(unrecorded):
    world, engine = unrecorded
    world.inksoft_state.cancel_order(1001)
    world.clock.advance(60)
    assert engine.sync().import_report.counts["cancelled"] == 1
    assert world.shipstation_order("1001")["orderStatus"] == "cancelled"


def test_once_shipped_it_is_settled_with_no_retry_left_open(unrecorded):
    world, engine = unrecorded
    world.create_labels(orderNumbers=["1001"])
    for _ in range(2):
        world.clock.advance(60)
        engine.sync()
    shipped = world.shipstation_order("1001")
    link = engine.state.get_link(shipped["orderKey"])
    assert link.shipstation_order_id == shipped["orderId"] and not link.pending
    assert engine.state.open_problems() == []
    assert len(world.inksoft_order(1001)["Shipments"]) == 1

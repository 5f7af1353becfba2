"""Found by tests/stateful: an InkSoft change refused while ShipStation's order was shipped (a conflict)
was never sent after the label was voided and ShipStation's order went back to awaiting_shipment. The
stale order stayed in ShipStation for good, and the open problem kept saying "already shipped"; for a
cancellation, the cancelled order was left waiting for a new label."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import SHIPSTATION_HOST, World


@pytest.fixture
def world(tmp_path: Path) -> Any:
    w = World(tmp_path, rate_limit=None)
    yield w
    w.close()


def shipped_then_changed(world: World, change: Any) -> Any:
    """Import an order, buy its label, change it in InkSoft, import (a conflict), void the label."""
    world.add_orders({"ID": 1001, "ProductionStatus": "Ready to Ship", "ShippingAddress": True})
    engine = world.engine()
    engine.sync()
    [label] = world.create_labels(orderNumbers=["1001"])
    world.clock.advance(60)
    change()
    world.clock.advance(60)
    assert engine.run_import().counts["conflict"] == 1
    world.void_label(label["shipmentId"])
    world.clock.advance(60)
    engine.sync()  # the ship-back pass sees the void
    world.clock.advance(60)
    return engine


def test_an_edit_refused_while_shipped_is_sent_once_the_label_is_voided(world):
    def edit() -> None:
        world.inksoft_state.update_order(1001, {"Notes": "gift wrap"})

    engine = shipped_then_changed(world, edit)
    report = engine.sync()
    assert report.import_report.counts["updated"] == 1
    order = world.shipstation_order("1001")
    assert order["orderStatus"] == "awaiting_shipment" and order["internalNotes"].startswith("gift wrap")
    assert engine.state.open_problems("conflict") == []


def test_a_cancellation_refused_while_shipped_is_sent_once_the_label_is_voided(world):
    engine = shipped_then_changed(world, lambda: world.inksoft_state.cancel_order(1001))
    report = engine.sync()
    assert report.import_report.counts["cancelled"] == 1
    assert world.shipstation_order("1001")["orderStatus"] == "cancelled"
    assert engine.state.open_problems("conflict") == []


def test_a_cancellation_is_sent_when_a_label_settled_as_nothing_owed_is_voided(world):
    # Shrunk from the machine: the first label is written and voided (InkSoft keeps its package), a second
    # label finds nothing InkSoft still owes, the order is cancelled in InkSoft (a conflict: shipped), and
    # the second label is voided too. Its ledger row was settled already, so that void went unnoticed.
    world.add_orders({"ID": 1001, "ProductionStatus": "Ready to Ship", "ShippingAddress": True})
    engine = world.engine()

    def run() -> Any:
        world.clock.advance(60)
        return engine.sync()

    run()
    [first] = world.create_labels(orderNumbers=["1001"])
    assert run().shipback_report.counts["written"] == 1
    world.void_label(first["shipmentId"])
    assert run().shipback_report.counts["voided_after_writeback"] == 1
    [second] = world.create_labels(orderNumbers=["1001"])
    assert run().shipback_report.counts["skipped"] == 1  # nothing InkSoft still owes: not written
    world.inksoft_state.cancel_order(1001)
    assert run().import_report.counts["conflict"] == 1
    world.void_label(second["shipmentId"])
    # The ship-back pass sees the void; the cancellation goes out in the next import pass at the latest.
    assert sum(run().import_report.counts["cancelled"] for _ in range(2)) == 1
    assert world.shipstation_order("1001")["orderStatus"] == "cancelled"


def test_a_reopened_change_is_kept_when_shipstation_cannot_be_asked_for_the_status(world):
    # Shrunk from the machine: cancelled in InkSoft while shipped (a conflict), the label voided (the link
    # reopened), then the check of ShipStation's status failed: the order was taken as still shipped and
    # settled, and the cancellation was never sent.
    world.add_orders({"ID": 1001, "ProductionStatus": "Ready to Ship", "ShippingAddress": True})
    engine = world.engine()
    engine.sync()
    [label] = world.create_labels(orderNumbers=["1001"])
    world.inksoft_state.cancel_order(1001)
    world.clock.advance(60)
    assert engine.run_import().counts["conflict"] == 1
    world.void_label(label["shipmentId"])
    world.clock.advance(60)
    engine.run_shipback()  # sees the void: reopened
    world.add_fault(SHIPSTATION_HOST, id="down", method="GET", path=r"^/orders/\d+", action="drop")
    world.clock.advance(60)
    assert engine.run_import().counts["failed"] == 1
    world.session.delete(f"{SHIPSTATION_HOST}/__sim/faults", timeout=10).raise_for_status()
    world.clock.advance(60)
    assert engine.run_import().counts["cancelled"] == 1
    assert world.shipstation_order("1001")["orderStatus"] == "cancelled"

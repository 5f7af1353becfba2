"""Ship-back edges: labels with nothing to write (a spare package of a multi-package label) are settled
as skipped, and data that cannot be written fails that shipment alone, with a problem naming the field."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from inkship.connector.engine.crashpoints import SimulatedCrash
from inkship.simulators.clock import SimClock

from tests.e2e.conftest import INKSOFT_HOST, World
from tests.e2e.test_engine_shipback import TWO_LINES, imported, packages, ready, writes

# A package recorded by hand in InkSoft whose quantity cannot be read: the order's shipped units are
# unknown, so no write-back to it can be computed.
UNREADABLE = {"Shipments": [{"Packages": [{"TrackingNumber": "BYHAND9",
                                           "Items": [{"OrderRetailItemSizeId": 1, "Quantity": "lots"}]}]}]}
UNREADABLE_FIELD = "Shipments[0].Packages[0].Items[0].Quantity"


def test_a_package_dealt_no_unit_is_skipped_not_written_as_the_rest_of_the_order(world):
    engine = imported(world, ready(ID=61, Items=TWO_LINES))
    first_line = world.shipstation_order("61")["items"][0]
    # Two units of the first line in three parcels: the third parcel carries nothing.
    parcels = world.create_labels(orderNumbers=["61"], packages=3,
                                  items=[{"lineItemKey": first_line["lineItemKey"], "quantity": 2}])
    assert [len(p["shipmentItems"]) for p in parcels] == [1, 1, 0]

    report = engine.handle_webhook(world.webhooks[0])

    assert [line.shipment_id for line in report.of("written")] == [p["shipmentId"] for p in parcels[:2]]
    [skipped] = report.of("skipped")
    assert skipped.shipment_id == parcels[2]["shipmentId"] and "no unit InkSoft still owes" in skipped.detail
    assert engine.state.ledger_get(parcels[2]["shipmentId"]).state == "skipped"
    order = world.inksoft_order(61)
    assert [[item["Quantity"] for item in p["Items"]] for p in packages(world, 61)] == [[1], [1]]
    assert writes(world) == 2
    assert order["ProductionStatus"] == "Ready to Ship"  # the second line still waits for its label
    world.clock.advance(600)
    assert engine.run_shipback().of("written") == []  # settled: the poll leaves it alone too


def test_unreadable_order_fails_its_shipment_with_the_field_and_the_run_goes_on(world):
    engine = imported(world, ready(ID=71), ready(ID=72))
    world.inksoft_state.update_order(71, UNREADABLE)
    world.create_labels(all=True)

    report = engine.run_shipback()

    [failed] = report.of("failed")
    assert (failed.order_ref, failed.field) == ("#71", UNREADABLE_FIELD)
    assert [line.order_ref for line in report.of("written")] == ["#72"]
    [problem] = engine.state.open_problems()
    assert (problem.order_ref, problem.kind, problem.field) == ("#71", "writeback_failed", UNREADABLE_FIELD)
    assert engine.state.ledger_get(failed.shipment_id).state == "pending"  # retried once InkSoft is fixed
    assert [p["TrackingNumber"] for p in packages(world, 71)] == ["BYHAND9"]  # nothing written

    world.inksoft_state.update_order(71, {"Shipments": []})
    world.clock.advance(600)
    again = engine.run_shipback()
    assert [line.order_ref for line in again.of("written")] == ["#71"]
    assert engine.state.open_problems() == []


def test_an_interrupted_write_that_can_no_longer_be_prepared_fails_naming_the_field(world):
    imported(world, ready(ID=73))
    [label] = world.create_labels(orderNumbers=["73"])
    hook = world.webhooks[0]
    with pytest.raises(SimulatedCrash):
        world.engine(crash_at="shipback.after_ledger_pending").handle_webhook(hook)
    world.clock.advance(301)  # the dead process's claim has lapsed
    # The recovery reads the order afresh (GetOrder) and finds it changed into one it cannot read.
    changed = {**world.inksoft_order(73), **UNREADABLE}
    world.add_fault(INKSOFT_HOST, id="changed", method="GET", path="/GetOrder$", action="status", status=200,
                    body={"OK": True, "Data": json.loads(json.dumps(changed, default=str)), "Messages": []})

    engine = world.engine()
    report = engine.handle_webhook(hook)

    [failed] = report.of("failed")
    assert (failed.shipment_id, failed.field) == (label["shipmentId"], UNREADABLE_FIELD)
    assert world.journal_count(INKSOFT_HOST, path="/demo_print_shop/Api2/GetOrder") == 1  # the fresh read
    assert [p.field for p in engine.state.open_problems()] == [UNREADABLE_FIELD]
    assert engine.state.ledger_get(label["shipmentId"]).state == "pending" and writes(world) == 0


def test_a_split_label_made_in_the_hour_repeated_at_fall_back_is_written_with_its_own_items(tmp_path):
    # 01:10 PST on 1 November 2026, the second 01:10 of that night: a Pacific filter reading "01:10"
    # means the first one, an hour earlier, so the batch's items must still be found.
    world = World(tmp_path, clock=SimClock(frozen_at=datetime(2026, 11, 1, 9, 10, tzinfo=UTC)))
    try:
        engine = imported(world, ready(ID=75, Items=TWO_LINES))
        first_line = world.shipstation_order("75")["items"][0]
        world.create_labels(orderNumbers=["75"], items=[{"lineItemKey": first_line["lineItemKey"],
                                                         "quantity": 2}])
        [written] = engine.handle_webhook(world.webhooks[0]).of("written")
        assert "order complete" not in written.detail
        assert [[item["Quantity"] for item in p["Items"]] for p in packages(world, 75)] == [[2]]
    finally:
        world.close()

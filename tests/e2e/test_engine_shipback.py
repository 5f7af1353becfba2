"""The ship-back pass against both simulators: what is written to InkSoft, split and multi-package
shipments, voids, duplicate and lost webhooks, forged resource URLs, and concurrent writers."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from inkship.connector.engine.crashpoints import SimulatedCrash
from inkship.simulators.transport import route_session

from tests.e2e.conftest import INKSOFT_HOST, SHIPSTATION_HOST, World


def ready(**fields: Any) -> dict[str, Any]:
    return {"ProductionStatus": "Ready to Ship", "ShippingAddress": True, **fields}


TWO_LINES = [{"Quantity": 2, "UnitPrice": 12.0}, {"Quantity": 1, "UnitPrice": 20.0}]


def packages(world: World, order_id: int) -> list[dict[str, Any]]:
    order = world.inksoft_order(order_id)
    return [p for shipment in order["Shipments"] for p in shipment["Packages"]]


WRITE_PATH = "/demo_print_shop/Api2/CreateOrderShipments"


def writes(world: World) -> int:
    return world.journal_count(INKSOFT_HOST, method="POST", path_prefix=WRITE_PATH)


def imported(world: World, *orders: dict[str, Any]) -> Any:
    """Orders added to InkSoft and imported; returns the engine that did it."""
    world.add_orders(*orders)
    world.subscribe_webhooks()
    engine = world.engine()
    engine.run_import()
    return engine


def test_a_label_writes_status_tracking_carrier_service_and_items_but_not_the_cost(world):
    engine = imported(world, ready(ID=41, Items=TWO_LINES))
    [label] = world.create_labels(orderNumbers=["41"], carrierCode="ups_walleted", serviceCode="ups_ground")
    [hook] = world.webhooks
    report = engine.handle_webhook(hook)

    [line] = report.of("written")
    assert line.shipment_id == label["shipmentId"] and "order complete" in line.detail
    order = world.inksoft_order(41)
    assert order["Status"] == "Shipped" and order["ProductionStatus"] == "Complete"
    [package] = packages(world, 41)
    assert package["TrackingNumber"] == label["trackingNumber"]
    assert (package["CarrierName"], package["ShippingServiceType"]) == ("UPS", "UPS Ground")
    quantities = {i["OrderRetailItemSizeId"]: i["Quantity"] for i in package["Items"]}
    assert quantities == {item["OrderRetailItemSizeId"]: item["Quantity"] for item in order["Items"]}
    assert package["LabelCost"] is None  # the carrier's charge is not sent
    journal = world.sim_get(INKSOFT_HOST, "/__sim/journal", path_prefix=WRITE_PATH)
    body = journal["requests"][0]["body"]
    assert str(label["shipmentCost"]) not in body and "NotifyCustomer=false" in body
    assert engine.state.ledger_get(label["shipmentId"]).state == "written"


def test_split_shipments_are_each_written_and_complete_only_when_all_units_shipped(world):
    engine = imported(world, ready(ID=51, Items=TWO_LINES))
    ss_order = world.shipstation_order("51")
    first_line, second_line = ss_order["items"]
    world.create_labels(orderNumbers=["51"], items=[{"lineItemKey": first_line["lineItemKey"],
                                                     "quantity": 2}])
    partial = engine.handle_webhook(world.webhooks[0])  # its resource_url lists no items
    assert len(partial.of("written")) == 1 and "order complete" not in partial.of("written")[0].detail
    order = world.inksoft_order(51)
    assert order["Status"] == "Shipped" and order["ProductionStatus"] == "Ready to Ship"
    [first_package] = packages(world, 51)
    assert [i["Quantity"] for i in first_package["Items"]] == [2]

    world.clock.advance(600)
    world.create_labels(orderNumbers=["51"], items=[{"lineItemKey": second_line["lineItemKey"],
                                                     "quantity": 1}])
    rest = engine.run_shipback()
    assert len(rest.of("written")) == 1 and "order complete" in rest.of("written")[0].detail
    assert world.inksoft_order(51)["ProductionStatus"] == "Complete"
    assert sum(i["Quantity"] for p in packages(world, 51) for i in p["Items"]) == 3


def test_multi_package_labels_each_write_a_package_without_counting_units_twice(world):
    engine = imported(world, ready(ID=61, Items=TWO_LINES))
    labels = world.create_labels(orderNumbers=["61"], packages=2)
    report = engine.handle_webhook(world.webhooks[0])
    assert len(report.of("written")) == 2
    recorded = packages(world, 61)
    assert sorted(p["TrackingNumber"] for p in recorded) == sorted(lb["trackingNumber"] for lb in labels)
    assert sum(i["Quantity"] for p in recorded for i in p["Items"]) == 3


def test_a_label_voided_before_write_back_is_never_written(world):
    engine = imported(world, ready(ID=71))
    [label] = world.create_labels(orderNumbers=["71"])
    world.void_label(label["shipmentId"])
    report = engine.handle_webhook(world.webhooks[0])
    [voided] = report.of("voided")
    assert voided.shipment_id == label["shipmentId"]
    assert packages(world, 71) == [] and writes(world) == 0
    assert engine.state.ledger_get(label["shipmentId"]).state == "skipped"
    world.clock.advance(600)
    assert engine.run_shipback().of("voided") == []  # settled: not reported again


def test_a_label_voided_after_write_back_is_reported_once_for_the_operator(world):
    engine = imported(world, ready(ID=81))
    [label] = world.create_labels(orderNumbers=["81"])
    engine.run_shipback()
    world.clock.advance(3 * 24 * 3600)  # voided days later: outside the created-date window
    world.void_label(label["shipmentId"])
    report = engine.run_shipback()
    [line] = report.of("voided_after_writeback")
    assert "voided in ShipStation after it was written back" in line.detail
    assert engine.state.ledger_get(label["shipmentId"]).state == "voided"
    assert [p.kind for p in engine.state.open_problems()] == ["voided_after_writeback"]
    assert any("voided after write-back" in text for text in report.summary_lines())
    world.clock.advance(60)
    assert engine.run_shipback().of("voided_after_writeback") == []
    assert len(packages(world, 81)) == 1  # nothing removed or added in InkSoft


def test_duplicate_webhooks_and_repeated_polls_write_once(world):
    engine = imported(world, ready(ID=91), ready(ID=92))
    world.add_fault(SHIPSTATION_HOST, id="twice", method="*", path="SHIP_NOTIFY", action="duplicate_webhook")
    world.create_labels(all=True)
    assert len(world.webhooks) == 2 and world.webhooks[0] == world.webhooks[1]
    first, second = (engine.handle_webhook(hook) for hook in world.webhooks)
    assert len(first.of("written")) == 2 and len(second.of("duplicate")) == 2
    assert len(engine.run_shipback().of("written")) == 0
    assert writes(world) == 2
    assert [len(packages(world, i)) for i in (91, 92)] == [1, 1]


def test_a_lost_webhook_only_delays_the_write_back_until_the_next_poll(world):
    engine = imported(world, ready(ID=95))
    world.add_fault(SHIPSTATION_HOST, id="lost", method="*", path="SHIP_NOTIFY", action="drop_webhook")
    [label] = world.create_labels(orderNumbers=["95"])
    assert world.webhooks == []
    world.clock.advance(300)
    report = engine.run_shipback()
    assert [line.shipment_id for line in report.of("written")] == [label["shipmentId"]]


def test_a_forged_resource_url_is_refused_and_never_fetched(world):
    engine = imported(world, ready(ID=97))
    before = world.journal_count(SHIPSTATION_HOST)
    forged = {"resource_url": "http://attacker.example/shipments?batchId=1", "resource_type": "SHIP_NOTIFY"}
    report = engine.handle_webhook(forged)
    [refused] = report.of("refused")
    assert "attacker.example" in refused.detail
    assert world.journal_count(SHIPSTATION_HOST) == before
    assert [p.kind for p in engine.state.open_problems()] == ["unsafe_resource_url"]


def test_other_events_and_empty_bodies_are_ignored_politely(world):
    engine = imported(world)
    order_notify = {"resource_url": f"{SHIPSTATION_HOST}/orders?importBatch=x",
                    "resource_type": "ORDER_NOTIFY"}
    for payload in (order_notify, {}, {"resource_type": "SHIP_NOTIFY"}):
        report = engine.handle_webhook(payload)
        assert [line.outcome for line in report.lines] == ["ignored"]
    assert world.journal_count(SHIPSTATION_HOST, method="GET", path_prefix="/orders") == 0
    assert engine.state.open_problems() == []


def test_shipments_of_orders_inkship_did_not_import_are_ignored(world):
    engine = imported(world)
    world.shipstation().create_order({
        "orderNumber": "EBAY-1", "orderKey": "ebay:1", "orderDate": "2026-11-01T08:00:00.0000000",
        "orderStatus": "awaiting_shipment", "billTo": {"name": "B"}, "shipTo": {"name": "B"},
        "items": [{"lineItemKey": "e", "name": "Mug", "quantity": 1}]})
    world.create_labels(orderNumbers=["EBAY-1"])
    report = engine.run_shipback()
    [line] = report.of("ignored")
    assert line.order_ref == "EBAY-1"
    assert writes(world) == 0


def test_a_shipment_claimed_by_another_process_is_left_to_it_until_its_claim_lapses(world):
    imported(world, ready(ID=99))
    world.create_labels(orderNumbers=["99"])
    hook = world.webhooks[0]
    with pytest.raises(SimulatedCrash):  # the first process dies holding the claim
        world.engine(crash_at="shipback.after_ledger_pending").handle_webhook(hook)
    other = world.engine()
    held = other.handle_webhook(hook)
    assert "another inkship process" in held.of("duplicate")[0].detail and writes(world) == 0
    world.clock.advance(301)
    recovered = other.handle_webhook(hook)
    assert len(recovered.of("written")) == 1 and len(packages(world, 99)) == 1


def test_webhook_and_polling_processes_racing_on_one_database_write_each_shipment_once(world):
    imported(world, *(ready(ID=i) for i in range(201, 211)))
    world.create_labels(all=True)
    hook = world.webhooks[0]
    apps = {INKSOFT_HOST: world.inksoft_app, SHIPSTATION_HOST: world.shipstation_app}
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def process(kind: str) -> None:
        world_session = route_session(apps)  # each process its own connections and engine
        engine = world.engine()
        engine.inksoft.http.session = engine.shipstation.http.session = world_session
        barrier.wait()
        try:
            engine.handle_webhook(hook) if kind == "serve" else engine.run_shipback()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=process, args=(kind,)) for kind in ("serve", "run", "serve", "run")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert writes(world) == 10
    assert all(len(packages(world, i)) == 1 for i in range(201, 211))


def test_a_label_for_units_inksoft_already_shipped_is_not_written(world):
    engine = imported(world, ready(ID=98))
    # Recorded by hand in InkSoft before the label: a package without items covers the whole order.
    world.inksoft_state.update_order(98, {"Shipments": [{"Packages": [{"TrackingNumber": "BYHAND1"}]}]})
    [label] = world.create_labels(orderNumbers=["98"])
    report = engine.handle_webhook(world.webhooks[0])
    [skipped] = report.of("skipped")
    assert "no unit InkSoft still owes" in skipped.detail
    assert writes(world) == 0
    assert engine.state.ledger_get(label["shipmentId"]).state == "skipped"
    assert [p["TrackingNumber"] for p in packages(world, 98)] == ["BYHAND1"]

"""The import pass against both simulators: fields, statuses, skips, re-runs, edits, cancellations,
locked orders and per-order failures."""

from __future__ import annotations

from typing import Any

from inkship.connector.mapping.keys import order_key_for

from tests.e2e.conftest import SHIPSTATION_HOST, World

RICH_ORDER = {
    "ID": 58231, "UniqueId": "3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10",
    "Email": "dana.ortiz@example.org", "FirstName": "Dana", "LastName": "Ortiz",
    "ProductionStatus": "Ready to Ship", "PaymentStatus": "Paid",
    "ShippingAddress": {"Name": "Dana Ortiz", "FirstName": "Dana", "LastName": "Ortiz",
                        "CompanyName": "Riverside YSC", "Street1": "77 Alder Way", "Street2": "Unit 4",
                        "City": "Eugene", "State": "OR", "StateName": "Oregon", "Country": "United States",
                        "CountryCode": "US", "PostCode": "97401", "Phone": "541-555-0142"},
    "BillingAddress": {"Name": "Pat Ortiz", "Street1": "1 Oak St", "City": "Salem", "State": "OR",
                       "CountryCode": "US", "PostCode": "97301"},
    "ShippingMethod": {"ID": 4, "Name": "USPS Priority", "VendorName": "USPS", "Price": 8.95},
    "PaymentMethod": "Credit Card", "DiscountCode": "TEAM15", "TotalDiscount": 6.3,
    "GiftMessage": "Go team!", "Notes": "Coach pickup list attached",
    "CustomerNotes": "Need by Oct 12 please", "TotalWeight": 18.6, "WeightUnit": "Ounces",
    "ShippingAmount": 8.95, "TaxAmount": 1.25,
    "Items": [{"OrderRetailItemSizeId": 120455, "FullName": "Youth Performance Tee - Navy - YM",
               "Quantity": 3, "UnitPrice": 14.0, "Weight": 6.2, "StockLocation": "B-04",
               "ProductName": "Youth Performance Tee", "ProductSku": "YPT-NVY", "ColorwayName": "Navy",
               "Size": "YM", "PrintMethod": "Screen Print", "ArtName": "RYS Crest 2026"}],
}


def ready(**fields: Any) -> dict[str, Any]:
    """A shippable InkSoft order: ready to ship, with the simulator's default address."""
    return {"ProductionStatus": "Ready to Ship", "ShippingAddress": True, **fields}


def createorders_calls(world: World) -> int:
    return world.journal_count(SHIPSTATION_HOST, method="POST", path="/orders/createorders")


def test_every_imported_field_lands_in_its_shipstation_field(world):
    [inksoft] = world.add_orders(RICH_ORDER)
    report = world.engine().sync()
    assert report.import_report.counts["created"] == 1 and report.ok

    order = world.shipstation_order("58231")
    assert order["orderKey"] == f"inksoft:{inksoft['StoreId']}:58231"
    assert order["orderStatus"] == "awaiting_shipment"
    assert (order["customerEmail"], order["customerUsername"]) == ("dana.ortiz@example.org",) * 2
    assert order["orderDate"] == "2026-11-02T08:00:00.0000000"  # 16:00 UTC, Pacific text
    assert order["shipTo"].items() >= {
        "name": "Dana Ortiz", "company": "Riverside YSC", "street1": "77 Alder Way", "street2": "Unit 4",
        "city": "Eugene", "state": "OR", "postalCode": "97401", "country": "US",
        "phone": "541-555-0142"}.items()
    assert order["billTo"].items() >= {"name": "Pat Ortiz", "street1": "1 Oak St", "city": "Salem"}.items()
    assert order["requestedShippingService"] == "USPS Priority"
    assert order["paymentMethod"] == "Credit Card"
    assert (order["gift"], order["giftMessage"]) == (True, "Go team!")
    assert order["customerNotes"] == "Need by Oct 12 please"
    assert "Coach pickup list attached" in order["internalNotes"] and "TEAM15" in order["internalNotes"]
    assert order["weight"]["value"] == 18.6 and order["weight"]["units"] == "ounces"
    assert (order["taxAmount"], order["shippingAmount"]) == (1.25, 8.95)
    assert order["advancedOptions"]["customField2"] == RICH_ORDER["UniqueId"]
    assert order["advancedOptions"]["source"] == "InkSoft"

    line, discount = order["items"]
    assert line["lineItemKey"] == inksoft["Items"][0]["ItemGuid"]
    assert (line["sku"], line["name"], line["quantity"], line["unitPrice"]) == (
        "YPT-NVY-YM", "Youth Performance Tee - Navy - YM", 3, 14.0)
    assert line["weight"]["value"] == 6.2 and line["warehouseLocation"] == "B-04"
    assert line["imageUrl"] == inksoft["ProductionCards"][0]["PreviewUrl"]
    assert {o["name"]: o["value"] for o in line["options"]} == {
        "Design": "RYS Crest 2026", "Color": "Navy", "Size": "YM", "Print method": "Screen Print"}
    assert discount["adjustment"] is True and discount["unitPrice"] == -6.3


def test_default_status_table_and_cancelled_orders_never_imported(world):
    world.add_orders(ready(ID=1), ready(ID=2, ProductionStatus="Open", PaymentStatus="NotPaid"),
                     ready(ID=3, ProductionStatus="Complete"), ready(ID=4, Status="Canceled"))
    report = world.engine().sync().import_report
    statuses = {o["orderNumber"]: o["orderStatus"] for o in world.shipstation_orders()}
    assert statuses == {"1": "awaiting_shipment", "2": "awaiting_payment", "3": "shipped"}
    [line] = report.of("skipped")
    assert line.order_ref == "#4" and "cancelled" in line.detail
    assert world.stores[-1].open_problems() == []  # not a problem: nothing to do


def test_custom_status_needs_a_mapping_and_then_imports_with_it(world):
    custom = {"StoreUri": "demo_print_shop", "CustomStatuses": ["At Embroiderer"]}
    world.inksoft_state.seed({"stores": [custom]})
    world.add_orders(ready(ID=7, ProductionStatus="At Embroiderer"))
    unmapped = world.engine().sync().import_report
    [skip] = unmapped.of("skipped")
    assert "At Embroiderer" in skip.detail and skip.field == "ProductionStatus"
    assert world.shipstation_orders() == []

    world.config = world.make_config(statuses={"At Embroiderer": "on_hold"})
    world.clock.advance(60)
    world.inksoft_state.update_order(7, {"Notes": "thread colours confirmed"})
    mapped = world.engine().sync().import_report
    assert mapped.counts["created"] == 1
    assert world.shipstation_order("7")["orderStatus"] == "on_hold"
    assert world.stores[-1].open_problems() == []


def test_skipped_orders_are_reported_with_a_reason_then_cleared_once_they_map(world):
    world.add_orders(ready(ID=11), {"ID": 12, "ProductionStatus": "Ready to Ship"})
    first = world.engine().sync()
    [skip] = first.import_report.of("skipped")
    assert skip.order_ref == "#12" and skip.field == "ShippingAddress" and "shipping address" in skip.detail
    assert any("#12" in text for text in first.import_report.summary_lines())
    [problem] = world.stores[-1].open_problems()
    assert (problem.order_ref, problem.kind, problem.field) == ("#12", "skipped", "ShippingAddress")

    world.clock.advance(300)
    world.inksoft_state.update_order(12, {"ShippingAddress": RICH_ORDER["ShippingAddress"]})
    second = world.engine().sync().import_report
    assert [line.order_ref for line in second.of("created")] == ["#12"]
    assert world.stores[-1].open_problems() == []


def test_rerunning_creates_no_duplicates_and_writes_nothing(world):
    world.add_orders(*(ready() for _ in range(5)))
    engine = world.engine()
    engine.sync()
    for minutes in (1, 5, 30):  # inside and past the overlap window
        world.clock.advance(minutes * 60)
        again = engine.sync()
        assert again.import_report.counts["created"] == 0
    assert len(world.shipstation_orders()) == 5
    assert createorders_calls(world) == 1


def test_an_empty_store_is_a_quiet_normal_run(world):
    report = world.engine().sync()
    assert report.ok and report.failed == []
    assert report.summary_lines() == ["Import: nothing to do", "Ship-back: nothing to do"]
    assert createorders_calls(world) == 0


def test_edits_and_cancellations_after_import_reach_shipstation(world):
    world.add_orders(ready(ID=21), ready(ID=22))
    engine = world.engine()
    engine.sync()
    world.clock.advance(120)
    world.inksoft_state.update_order(21, {"ShippingAddress": RICH_ORDER["ShippingAddress"]})
    world.inksoft_state.cancel_order(22)
    report = engine.sync().import_report
    assert [line.order_ref for line in report.of("updated")] == ["#21"]
    assert [line.order_ref for line in report.of("cancelled")] == ["#22"]
    assert world.shipstation_order("21")["shipTo"]["street1"] == "77 Alder Way"
    assert world.shipstation_order("22")["orderStatus"] == "cancelled"
    assert len(world.shipstation_orders()) == 2


def test_a_change_to_an_order_shipstation_already_shipped_is_a_conflict_reported_once(world):
    world.add_orders(ready(ID=123))
    engine = world.engine()
    engine.run_import()
    world.create_labels(orderNumbers=["123"])
    world.clock.advance(120)
    world.inksoft_state.cancel_order(123)

    report = engine.run_import()
    [conflict] = report.of("conflict")
    assert conflict.detail.startswith("InkSoft order #123 was cancelled, but ShipStation already shipped it")
    [problem] = engine.state.open_problems("conflict")
    assert problem.order_ref == "#123"
    assert world.shipstation_order("123")["orderStatus"] == "shipped"

    calls = createorders_calls(world)
    world.clock.advance(120)
    again = engine.run_import()
    assert again.of("conflict") == [] and again.counts["unchanged"] == 1
    assert createorders_calls(world) == calls  # not resent on every run


def test_one_refused_order_is_retried_next_run_while_the_rest_go_through(world):
    world.add_orders(ready(ID=31), ready(ID=32), ready(ID=33))
    blocked = world.inksoft_order(32)
    # Someone shipped an order under our key before inkship linked it: ShipStation refuses the update.
    shipstation = world.shipstation()
    shipstation.create_order({"orderNumber": "32", "orderKey": order_key_for(blocked),
                              "orderDate": "2026-11-01T08:00:00.0000000", "orderStatus": "awaiting_shipment",
                              "billTo": {"name": "X"}, "shipTo": {"name": "X"},
                              "items": [{"lineItemKey": "x", "name": "X", "quantity": 1}]})
    [label] = world.create_labels(orderNumbers=["32"])
    engine = world.engine()

    first = engine.run_import()
    assert sorted(line.order_ref for line in first.of("created")) == ["#31", "#33"]
    [failed] = first.of("failed")
    assert failed.order_ref == "#32" and "can no longer be updated" in failed.detail
    assert [p.kind for p in engine.state.open_problems()] == ["import_failed"]
    assert [link.inksoft_id for link in engine.state.pending_links()] == [32]

    world.void_label(label["shipmentId"])  # the order is open again; InkSoft did not change
    world.clock.advance(3600)
    second = engine.run_import()
    assert [line.order_ref for line in second.of("updated") + second.of("created")] == ["#32"]
    assert engine.state.pending_links() == [] and engine.state.open_problems() == []


def test_an_order_that_failed_its_first_send_and_was_then_cancelled_is_dropped(world):
    world.add_orders(ready(ID=41))
    world.add_fault(SHIPSTATION_HOST, id="down", method="POST", path="createorders", action="status",
                    status=503)
    engine = world.engine()
    assert len(engine.run_import().of("failed")) == 1
    world.session.delete(f"{SHIPSTATION_HOST}/__sim/faults", timeout=5).raise_for_status()
    world.clock.advance(60)
    world.inksoft_state.cancel_order(41)
    report = engine.run_import()
    assert "cancelled in InkSoft before it was imported" in report.of("skipped")[0].detail
    assert engine.state.pending_links() == [] and engine.state.open_problems() == []
    assert world.shipstation_orders() == []

"""The Custom Store endpoint, ship notice side: written back exactly once, duplicates, empty bodies,
partial shipments, unknown orders, hostile and oversized bodies, InkSoft failures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from inkship.connector.customstore.shipnotify import MAX_NOTICE_BYTES, ledger_id
from inkship.connector.engine.crashpoints import SimulatedCrash
from inkship.connector.mapping.items import item_ref_for
from inkship.connector.mapping.keys import order_key_for
from inkship.connector.web.app import create_app as create_web_app

from tests.customstore.conftest import PATH, CustomStoreWorld
from tests.customstore.test_endpoint_export import BASIC
from tests.customstore.test_shipnotify_parse import BILLION_LAUGHS, EXTERNAL_ENTITY

TRACKING = "9400111899223197428490"


def notice_xml(order: dict[str, Any], items: list[tuple[str, int]] | None, *, tracking: str = TRACKING,
               order_id: str | None = None, order_number: str | None = None) -> bytes:
    root = ET.Element("ShipNotice")
    for name, value in (("OrderID", order_id if order_id is not None else order_key_for(order)),
                        ("OrderNumber", order_number or str(order["ID"])), ("Carrier", "UPS"),
                        ("Service", "UPS® Ground"), ("TrackingNumber", tracking), ("ShipDate", "11/02/2026"),
                        ("ShippingCost", "9.99"), ("NotesToCustomer", "thanks!")):
        ET.SubElement(root, name).text = value
    if items is not None:
        lines = ET.SubElement(root, "Items")
        for line_item_id, quantity in items:
            item = ET.SubElement(lines, "Item")
            ET.SubElement(item, "LineItemID").text = line_item_id
            ET.SubElement(item, "Quantity").text = str(quantity)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def post(world: CustomStoreWorld, order: dict[str, Any], body: bytes, *, tracking: str = TRACKING,
         order_number: str | None = None, **headers: str) -> Any:
    query = {"action": "shipnotify", "order_number": order_number or str(order["ID"]), "carrier": "UPS",
             "service": "", "tracking_number": tracking}
    return world.endpoint().post(PATH, query_string=query, data=body, headers={**BASIC, **headers},
                                 content_type="application/xml")


def packages(world: CustomStoreWorld, order: dict[str, Any]) -> list[dict[str, Any]]:
    shipments = world.inksoft_order(order["ID"])["Shipments"]
    return [package for shipment in shipments for package in shipment["Packages"]]


def shipped(world: CustomStoreWorld, order: dict[str, Any]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for package in packages(world, order):
        for item in package["Items"]:
            totals[item["ItemGuid"]] = totals.get(item["ItemGuid"], 0) + item["Quantity"]
    return totals


@pytest.fixture
def order(cs_world):
    return cs_world.add_orders({"ShippingAddress": True, "Items": [{"Quantity": 3}, {"Quantity": 2}]})[0]


def lines(order: dict[str, Any]) -> list[str]:
    return [item_ref_for(item) for item in order["Items"]]


def test_notice_is_written_back_with_items_carrier_and_service(cs_world, order):
    first, second = lines(order)
    response = post(cs_world, order, notice_xml(order, [(first, 3), (second, 2)]))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert fromstring(response.data).findtext("Status") == "written"
    [package] = packages(cs_world, order)
    assert (package["TrackingNumber"], package["CarrierName"], package["ShippingServiceType"]) == (
        TRACKING, "UPS", "UPS Ground")
    assert shipped(cs_world, order) == {first: 3, second: 2}
    assert cs_world.inksoft_order(order["ID"])["ProductionStatus"] == "Complete"
    form = cs_world.inksoft_app.extensions["inkship_sim"].journal.entries(path_prefix="/")[-1]["body"]
    assert "9.99" not in form and "thanks!" not in form  # never the cost, never the note to the buyer


def test_duplicate_notice_is_acknowledged_without_a_second_write(cs_world, order):
    body = notice_xml(order, [(lines(order)[0], 3)])
    assert post(cs_world, order, body).status_code == 200
    again = post(cs_world, order, body)
    assert again.status_code == 200 and fromstring(again.data).findtext("Status") == "duplicate"
    assert len(packages(cs_world, order)) == 1


def test_empty_duplicate_of_a_full_notice_is_recognised(cs_world, order):
    assert post(cs_world, order, notice_xml(order, [(lines(order)[0], 1)])).status_code == 200
    assert fromstring(post(cs_world, order, b"").data).findtext("Status") == "duplicate"
    assert len(packages(cs_world, order)) == 1 and shipped(cs_world, order) == {lines(order)[0]: 1}


def test_empty_body_falls_back_to_the_query_and_ships_the_whole_order(cs_world, order, caplog):
    response = post(cs_world, order, b"")
    assert response.status_code == 200
    [package] = packages(cs_world, order)
    assert package["TrackingNumber"] == TRACKING and package["CarrierName"] == "UPS"
    assert cs_world.inksoft_order(order["ID"])["ProductionStatus"] == "Complete"
    assert "without a body" in caplog.text


def test_partial_shipments_add_up_and_complete_the_order_last(cs_world, order):
    first, second = lines(order)
    post(cs_world, order, notice_xml(order, [(first, 1)], tracking="1Z0000000000000001"),
         tracking="1Z0000000000000001")
    assert cs_world.inksoft_order(order["ID"])["ProductionStatus"] != "Complete"
    post(cs_world, order, notice_xml(order, [(first, 2), (second, 1)], tracking="1Z0000000000000002"),
         tracking="1Z0000000000000002")
    assert shipped(cs_world, order) == {first: 3, second: 1}
    assert cs_world.inksoft_order(order["ID"])["ProductionStatus"] != "Complete"
    post(cs_world, order, notice_xml(order, [(second, 5)], tracking="1Z0000000000000003"),
         tracking="1Z0000000000000003")
    assert shipped(cs_world, order) == {first: 3, second: 2}  # capped at what was still unshipped
    assert cs_world.inksoft_order(order["ID"])["ProductionStatus"] == "Complete"
    assert len(packages(cs_world, order)) == 3


def test_unknown_order_id_falls_back_to_the_order_number(cs_world, order, caplog):
    body = notice_xml(order, [(lines(order)[0], 3)], order_id="split-8817-b")
    assert post(cs_world, order, body).status_code == 200
    assert len(packages(cs_world, order)) == 1
    assert "unknown OrderID" in caplog.text


def test_order_known_by_neither_id_nor_number_is_a_clear_400(cs_world, order):
    body = notice_xml(order, None, order_id="nobody", order_number="999999")
    response = post(cs_world, order, body, order_number="999999")
    assert response.status_code == 400
    assert "match no InkSoft order" in fromstring(response.data).findtext("Message")


def test_line_items_of_another_order_are_refused(cs_world, order):
    response = post(cs_world, order, notice_xml(order, [("not-a-line", 1)]))
    assert response.status_code == 400 and packages(cs_world, order) == []


def test_notice_without_tracking_number_is_refused(cs_world, order):
    response = post(cs_world, order, notice_xml(order, None, tracking=""), tracking="")
    assert response.status_code == 400 and packages(cs_world, order) == []


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, b"<ShipNotice><OrderID>", b"hello"],
                         ids=["billion-laughs", "external-entity", "truncated", "not-xml"])
def test_hostile_or_broken_bodies_are_refused_and_nothing_is_written(cs_world, order, body):
    response = post(cs_world, order, body)
    assert response.status_code == 400
    assert packages(cs_world, order) == []


def test_oversized_body_is_refused_with_413(cs_world, order):
    padding = b"<Pad>" + b"x" * MAX_NOTICE_BYTES + b"</Pad></ShipNotice>"
    body = notice_xml(order, None).replace(b"</ShipNotice>", padding)
    response = post(cs_world, order, body)
    assert response.status_code == 413 and packages(cs_world, order) == []


def test_notice_needs_the_store_credentials(cs_world, order):
    response = cs_world.endpoint().post(PATH, query_string={"action": "shipnotify"}, data=b"")
    assert response.status_code == 401 and packages(cs_world, order) == []


def test_a_label_pulled_and_shipped_in_two_parcels_is_written_once_per_parcel(cs_world, order):
    cs_world.clock.advance(60)
    assert cs_world.refresh_store()["refreshStatus"] == "Completed"
    parcels = cs_world.create_labels(orderNumbers=[str(order["ID"])], packages=2)
    assert [p["TrackingNumber"] for p in packages(cs_world, order)] == [s["trackingNumber"] for s in parcels]
    assert shipped(cs_world, order) == {lines(order)[0]: 3, lines(order)[1]: 2}  # never counted twice
    assert cs_world.inksoft_order(order["ID"])["ProductionStatus"] == "Complete"
    notified = cs_world.sim_get(cs_world.shipstation_url, "/shipments")["shipments"]
    assert [s["marketplaceNotified"] for s in notified] == [True, True]


def test_inksoft_failure_is_an_error_for_shipstation_and_the_retry_writes_once(cs_world, order):
    body = notice_xml(order, [(lines(order)[0], 3)])
    cs_world.add_fault(cs_world.inksoft_url, id="write-down", method="POST", path="CreateOrderShipments",
                       action="status", status=503, times=1)
    failed = post(cs_world, order, body)
    assert failed.status_code == 503 and packages(cs_world, order) == []
    key = ledger_id(f"shipnotify:{order_key_for(order)}:{TRACKING}")
    assert cs_world.store().ledger_get(key).state == "pending"
    # ShipStation shows the store error; the next notice (a retry, or a duplicate) writes it once.
    assert post(cs_world, order, body).status_code == 200
    assert post(cs_world, order, body).status_code == 200
    assert len(packages(cs_world, order)) == 1
    assert cs_world.store().ledger_get(key).state == "written"


def test_pending_ship_notice_rows_do_not_disturb_the_rest_polling_pass(cs_world, order):
    cs_world.add_fault(cs_world.inksoft_url, id="write-down", method="POST", path="CreateOrderShipments",
                       action="status", status=503, times=1)
    assert post(cs_world, order, notice_xml(order, None)).status_code == 503
    report = cs_world.engine().run_shipback()
    assert report.to_dict() is not None
    assert packages(cs_world, order) == []


def test_a_parcel_dealt_no_unit_is_acknowledged_and_skipped_not_written_as_the_rest(cs_world, order):
    cs_world.clock.advance(60)
    assert cs_world.refresh_store()["refreshStatus"] == "Completed"
    first = lines(order)[0]
    # Two units of the first line in three parcels: the third notice lists an empty <Items/>.
    parcels = cs_world.create_labels(orderNumbers=[str(order["ID"])], packages=3,
                                     items=[{"lineItemKey": first, "quantity": 2}])
    assert [len(p["shipmentItems"]) for p in parcels] == [1, 1, 0]
    written = [p["TrackingNumber"] for p in packages(cs_world, order)]
    assert written == [s["trackingNumber"] for s in parcels[:2]]
    assert shipped(cs_world, order) == {first: 2}
    assert cs_world.inksoft_order(order["ID"])["ProductionStatus"] != "Complete"
    notified = cs_world.sim_get(cs_world.shipstation_url, "/shipments")["shipments"]
    assert [s["marketplaceNotified"] for s in notified] == [True, True, True]  # all acknowledged
    spare = ledger_id(f"shipnotify:{order_key_for(order)}:{parcels[2]['trackingNumber']}")
    assert cs_world.store().ledger_get(spare).state == "skipped"


def test_a_notice_interrupted_after_the_inksoft_write_is_not_written_twice(cs_world, order):
    # The engine's one write-back serves ship notices too: its crash points and its re-check of the
    # InkSoft order's packages included.
    crashing = create_web_app(cs_world.cs_config, lambda: cs_world.engine(
        config=cs_world.cs_config, crash_at="shipback.after_inksoft_write"))
    body = notice_xml(order, [(lines(order)[0], 3)])
    query = {"action": "shipnotify", "order_number": str(order["ID"]), "tracking_number": TRACKING}
    with pytest.raises(SimulatedCrash):
        crashing.test_client().post(PATH, query_string=query, data=body, headers=BASIC,
                                    content_type="application/xml")
    key = ledger_id(f"shipnotify:{order_key_for(order)}:{TRACKING}")
    assert cs_world.store().ledger_get(key).state == "pending" and len(packages(cs_world, order)) == 1

    again = post(cs_world, order, body)  # ShipStation's next attempt, or a duplicate

    assert fromstring(again.data).findtext("Status") == "duplicate"
    assert len(packages(cs_world, order)) == 1
    assert cs_world.store().ledger_get(key).state == "written"

"""CreateOrderShipments: partial and full shipments, item references, quantities, completion, refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from inkship.simulators.clock import SimClock
from inkship.simulators.inksoft.state import InkSoftState

from .conftest import KEY, START, Api2, assert_error


@pytest.fixture
def order(state: InkSoftState) -> dict:
    return state.add_order({"ShippingAddress": True, "ProductionStatus": "Ready to Ship", "Items": [
        {"Size": "S", "Quantity": 2}, {"Size": "M", "Quantity": 3}]})


def size_ids(order: dict) -> list[int]:
    return [item["OrderRetailItemSizeId"] for item in order["Items"]]


def ship(api: Api2, order_ref: object, **params: object) -> object:
    return api.post("CreateOrderShipments", OrderIds=[order_ref], TrackingNumber="1Z999", **params)


def test_a_shipment_without_items_covers_every_unshipped_quantity(api: Api2, state: InkSoftState,
                                                                  order: dict, clock: SimClock) -> None:
    clock.advance(120)
    response = ship(api, order["ID"], CarrierName="UPS", ShippingServiceType="UPS Ground",
                    TrackingUrl="https://track.example/1Z999", ShippedDate="2026-10-03")
    assert response.status_code == 200
    assert response.get_json() == {"OK": True, "StatusCode": "OK", "Data": True, "Pagination": None,
                                   "Messages": []}
    shipped = api.data("GetOrder", OrderId=order["ID"])
    [shipment] = shipped["Shipments"]
    [package] = shipment["Packages"]
    assert shipment["PackageCount"] == 1 and shipment["OrderId"] == order["ID"]
    assert (package["TrackingNumber"], package["CarrierName"], package["ShippingServiceType"]) == (
        "1Z999", "UPS", "UPS Ground")
    assert package["TrackingUrl"] == "https://track.example/1Z999"
    assert package["ShippedDate"] == "2026-10-03T00:00:00Z"
    lines = [(i["OrderRetailItemSizeId"], i["Quantity"]) for i in package["Items"]]
    assert lines == list(zip(size_ids(order), [2, 3], strict=True))
    assert package["Items"][0]["ItemGuid"] == order["Items"][0]["ItemGuid"]
    assert shipped["Shipped"] is True and shipped["Status"] == "Shipped"
    assert shipped["ProductionStatus"] == "Complete"
    assert shipped["DateModified"] == "2026-10-02T17:43:09Z"


def test_partial_shipments_complete_the_order_only_when_every_unit_shipped(api: Api2, order: dict,
                                                                           clock: SimClock) -> None:
    small, medium = size_ids(order)
    assert ship(api, order["UniqueId"], Items=[{"OrderRetailItemSizeId": small, "Quantity": 2},
                                               {"ItemGuid": order["Items"][1]["ItemGuid"], "Quantity": 1}]
                ).status_code == 200
    first = api.data("GetOrder", OrderId=order["ID"])
    assert first["Shipped"] is True and first["Status"] == "Shipped"
    assert first["ProductionStatus"] == "Ready to Ship"
    clock.advance(1)
    assert ship(api, order["ID"], Items=[{"OrderRetailItemSizeId": medium, "Quantity": 2}]).status_code == 200
    second = api.data("GetOrder", OrderId=order["ID"])
    assert second["ProductionStatus"] == "Complete" and len(second["Shipments"]) == 2
    assert second["DateModified"] > first["DateModified"]


def test_mark_order_as_completed_completes_a_partial_shipment(api: Api2, order: dict) -> None:
    small, _ = size_ids(order)
    ship(api, order["ID"], Items=[{"OrderRetailItemSizeId": small, "Quantity": 1}],
         MarkOrderAsCompleted="true")
    assert api.data("GetOrder", OrderId=order["ID"])["ProductionStatus"] == "Complete"


def test_quantities_beyond_what_is_unshipped_are_400_and_change_nothing(api: Api2, order: dict) -> None:
    small, _ = size_ids(order)
    ship(api, order["ID"], Items=[{"OrderRetailItemSizeId": small, "Quantity": 1}])
    response = ship(api, order["ID"], Items=[{"OrderRetailItemSizeId": small, "Quantity": 1},
                                             {"OrderRetailItemSizeId": small, "Quantity": 1}])
    assert_error(response, 400, "BadRequest", contains="exceeds")
    assert len(api.data("GetOrder", OrderId=order["ID"])["Shipments"]) == 1


@pytest.mark.parametrize("make_items", [
    lambda size_id: [{"OrderRetailItemSizeId": 1, "Quantity": 1}],
    lambda size_id: [{"Quantity": 1}],
    lambda size_id: [{"OrderRetailItemSizeId": size_id, "Quantity": 0}],
    lambda size_id: [{"OrderRetailItemSizeId": size_id, "Quantity": "1"}],
    lambda size_id: ["nonsense"],
], ids=["unknown item", "no reference", "zero quantity", "text quantity", "not an object"])
def test_bad_items_are_400(api: Api2, order: dict, make_items: Callable[[int], list]) -> None:
    assert_error(ship(api, order["ID"], Items=make_items(size_ids(order)[0])), 400, "BadRequest")


def test_one_call_ships_several_orders_and_routes_items_to_their_order(api: Api2, state: InkSoftState,
                                                                      order: dict) -> None:
    other = state.add_order({"Items": [{"Quantity": 4}]})
    response = api.post("CreateOrderShipments", OrderIds=[order["ID"], other["UniqueId"]],
                        TrackingNumber="T1",
                        Items=[{"OrderRetailItemSizeId": size_ids(order)[0], "Quantity": 1},
                               {"OrderRetailItemSizeId": size_ids(other)[0], "Quantity": 4}])
    assert response.status_code == 200
    packages = [api.data("GetOrder", OrderId=o["ID"])["Shipments"][0]["Packages"][0] for o in (order, other)]
    assert [[i["Quantity"] for i in p["Items"]] for p in packages] == [[1], [4]]


def test_items_naming_no_line_of_one_of_the_orders_are_400(api: Api2, state: InkSoftState,
                                                           order: dict) -> None:
    other = state.add_order({})
    response = api.post("CreateOrderShipments", OrderIds=[order["ID"], other["ID"]], TrackingNumber="T1",
                        Items=[{"OrderRetailItemSizeId": size_ids(order)[0], "Quantity": 1}])
    assert_error(response, 400, "BadRequest", contains=str(other["ID"]))


def test_refusals(api: Api2, state: InkSoftState, order: dict) -> None:
    assert_error(api.post("CreateOrderShipments", OrderIds=[order["ID"]]), 400, "BadRequest",
                 contains="TrackingNumber")
    assert_error(api.post("CreateOrderShipments", TrackingNumber="X"), 400, "BadRequest", contains="OrderIds")
    assert_error(ship(api, 424242), 404, "NotFound")
    assert_error(ship(api, order["ID"], ShippedDate="someday"), 400, "BadRequest", contains="ShippedDate")
    as_get = api.get("CreateOrderShipments", OrderIds=[order["ID"]], TrackingNumber="X")
    assert_error(as_get, 405, "BadRequest", contains="POST")
    cancelled = state.cancel_order(state.add_order({})["ID"])
    assert_error(ship(api, cancelled["ID"]), 400, "BadRequest", contains="canceled")
    assert api.data("GetOrder", OrderId=order["ID"])["Shipments"] == []


def test_notify_customer_is_recorded_on_the_timeline(api: Api2, order: dict) -> None:
    ship(api, order["ID"], NotifyCustomer="true")
    events = [e["Event"] for e in api.data("GetOrder", OrderId=order["ID"])["Timeline"]]
    assert events[-2:] == ["Shipment created", "Shipment notification sent"]


def test_a_json_body_works_like_a_form(api: Api2, order: dict) -> None:
    response = api.client.post("/demo_print_shop/Api2/CreateOrderShipments",
                               json={"ApiKey": KEY, "OrderIds": [order["ID"]], "TrackingNumber": "J1",
                                     "MarkOrderAsCompleted": False, "Items": [
                                         {"OrderRetailItemSizeId": size_ids(order)[1], "Quantity": 3}]})
    assert response.status_code == 200
    shipped = api.data("GetOrder", OrderId=order["ID"])
    assert shipped["ProductionStatus"] == "Ready to Ship"
    assert shipped["Shipments"][0]["Packages"][0]["ShippedDate"] == START.strftime("%Y-%m-%dT%H:%M:%SZ")

"""Both transports, same InkSoft orders: the REST import and the Custom Store pull put the same orders in
ShipStation, field by field, and the same labels come back to InkSoft as the same shipments.

What the Custom Store protocol cannot carry is left out of the comparison, each for a stated reason:
seconds of the order date (its dates are `MM/dd/yyyy HH:mm`); the bill-to street address (BillTo has
only name, company, phone and e-mail); payment date and amount paid (no such elements); the order's own
weight (only item weights; ShipStation sums them); `advancedOptions.source` and `storeId` (the REST
order goes to the configured store, the pulled one belongs to the Custom Store). And one difference of
XML itself: a parser reads every CR or CRLF as LF, so line ends are compared as LF.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import given
from inkship.connector.config import MappingConfig
from inkship.connector.customstore.export import export_order, render_export, suggested_status_mappings
from inkship.connector.errors import OrderRejected
from inkship.connector.mapping.items import item_ref_for
from inkship.connector.mapping.orders import MappedOrder, map_order
from inkship.connector.mapping.status import StatusTable
from inkship.simulators.shipstation.customstore import order_payload, status_mapping

from tests.customstore.conftest import CustomStoreWorld
from tests.strategies import shippable_orders

ORDER_FIELDS = ("orderNumber", "orderKey", "orderStatus", "customerUsername", "customerEmail", "orderTotal",
                "taxAmount", "shippingAmount", "customerNotes", "internalNotes", "gift", "giftMessage",
                "paymentMethod", "requestedShippingService")
ITEM_FIELDS = ("lineItemKey", "sku", "name", "imageUrl", "weight", "quantity", "unitPrice",
               "warehouseLocation", "options", "adjustment")

SHOP_ORDERS: list[dict[str, Any]] = [
    {"ShippingAddress": True,
     "Items": [{"Quantity": 3, "UnitPrice": 14.0}, {"Quantity": 2, "UnitPrice": 21.5}],
     "CustomerNotes": "Need by Friday <please> & thanks ]]>", "Notes": "Coach pickup list attached",
     "GiftMessage": "Go team!", "DiscountCode": "TEAM15", "TotalDiscount": 6.3, "TaxAmount": 2.25,
     "BillingAddress": {"Name": "Riverside Youth Soccer", "CompanyName": "RYS Club", "Street1": "1 Field Rd",
                        "City": "Eugene", "State": "OR", "CountryCode": "US", "PostCode": "97401",
                        "Phone": "541-555-0100"}},
    {"ShippingAddress": True, "ProductionStatus": "Open", "Items": [{"Quantity": 12}]},
    {"ShippingAddress": True, "ProductionStatus": "Complete", "Items": [{"Quantity": 1}]},
    {"ShippingAddress": True, "Items": [{"Quantity": 40, "UnitPrice": 9.75}]},
    {"Items": [{"Quantity": 1}]},  # no shipping address: neither transport imports it
]


def comparable(order: dict[str, Any]) -> dict[str, Any]:
    view = {field: order[field] for field in ORDER_FIELDS}
    view["orderDate"] = order["orderDate"][:16]  # minutes: all the protocol carries
    view["shipTo"] = order["shipTo"]
    view["billTo"] = {key: order["billTo"][key] for key in ("name", "company", "phone")}
    view["items"] = [{field: item[field] for field in ITEM_FIELDS} for item in order["items"]]
    view["customFields"] = [order["advancedOptions"][f"customField{n}"] for n in (1, 2, 3)]
    return view


@pytest.fixture
def rest_world(tmp_path: Path) -> Any:
    world = CustomStoreWorld(tmp_path / "rest")
    yield world
    world.close()


@pytest.fixture
def pull_world(tmp_path: Path) -> Any:
    world = CustomStoreWorld(tmp_path / "pull")
    yield world
    world.close()
    assert world.invalid_exports == []


def import_both(rest_world: CustomStoreWorld, pull_world: CustomStoreWorld) -> list[dict[str, Any]]:
    added = rest_world.add_orders(*SHOP_ORDERS)
    assert pull_world.add_orders(*SHOP_ORDERS) == added  # the same InkSoft account twice
    for world in (rest_world, pull_world):
        world.clock.advance(300)
    rest_world.engine().run_import()
    assert pull_world.refresh_store()["refreshStatus"] == "Completed"
    return added


def by_key(orders: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {order["orderKey"]: comparable(order) for order in orders}


def test_rest_import_and_custom_store_pull_create_the_same_orders(rest_world, pull_world):
    import_both(rest_world, pull_world)
    rest, pulled = by_key(rest_world.shipstation_orders()), by_key(pull_world.store_orders())
    assert len(rest) == 4
    assert rest == pulled
    # The comparison is not vacuous: the rich order's fields are all there.
    rich = next(order for order in rest.values() if order["giftMessage"])
    assert rich["customerNotes"] == "Need by Friday <please> & thanks ]]>"
    assert rich["items"][-1]["adjustment"] is True and rich["billTo"]["company"] == "RYS Club"


def inksoft_packages(world: CustomStoreWorld, inksoft_id: int) -> list[dict[str, Any]]:
    """The order's packages, each tracking number replaced by its label's position in ShipStation."""
    labels = [s["trackingNumber"] for s in world.sim_get(world.shipstation_url, "/shipments", pageSize=500,
                                                          includeShipmentItems="true")["shipments"]]
    packages = [p for s in world.inksoft_order(inksoft_id)["Shipments"] for p in s["Packages"]]
    return [{"label": labels.index(p["TrackingNumber"]), "carrier": p["CarrierName"],
             "service": p["ShippingServiceType"], "date": p["ShippedDate"],
             "items": sorted((i["ItemGuid"], i["Quantity"]) for i in p["Items"])} for p in packages]


def test_both_transports_write_back_the_same_shipments(rest_world, pull_world):
    rich, _, _, bulk, _ = import_both(rest_world, pull_world)
    first, second = (item_ref_for(item) for item in rich["Items"])
    labels = [dict(orderNumbers=[str(rich["ID"])], carrierCode="ups_walleted", serviceCode="ups_ground",
                   items=[{"lineItemKey": first, "quantity": 2}]),
              dict(orderNumbers=[str(rich["ID"])], carrierCode="stamps_com", serviceCode="usps_priority_mail",
                   items=[{"lineItemKey": first, "quantity": 1}, {"lineItemKey": second, "quantity": 2}]),
              dict(orderNumbers=[str(bulk["ID"])], carrierCode="fedex", serviceCode="fedex_2day")]
    for world in (rest_world, pull_world):
        for spec in labels:
            world.create_labels(**spec)
    rest_world.engine().run_shipback()  # REST: the polling pass; Custom Store: the notices already came
    for order in (rich, bulk):
        written = inksoft_packages(rest_world, order["ID"])
        assert written == inksoft_packages(pull_world, order["ID"])
        assert rest_world.inksoft_order(order["ID"])["ProductionStatus"] == "Complete"
        assert pull_world.inksoft_order(order["ID"])["ProductionStatus"] == "Complete"
    services = [p["service"] for p in inksoft_packages(pull_world, rich["ID"])]
    assert services == ["UPS Ground", "USPS Priority Mail"]
    assert inksoft_packages(pull_world, rich["ID"])[0]["items"] == [(first, 2)]


PULLED_FIELDS = ("orderNumber", "orderKey", "orderStatus", "customerNotes", "internalNotes", "gift",
                 "giftMessage", "paymentMethod", "requestedShippingService")
ADDRESS_FIELDS = ("name", "company", "street1", "street2", "city", "state", "postalCode", "country", "phone")
PULLED_ITEM_FIELDS = ("lineItemKey", "sku", "name", "quantity", "unitPrice", "warehouseLocation")


def _as_read(value: Any) -> Any:
    """A value as ShipStation reads it back from XML: line ends as LF, empty text as nothing."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n") or None
    if isinstance(value, list):
        return [_as_read(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_read(v) for k, v in value.items()}
    return value


def shipstation_view(payload: dict[str, Any]) -> dict[str, Any]:
    """An order payload (createorder shape) as both transports can carry it: see the module docstring;
    lines with nothing to ship are not exported (the protocol's Quantity starts at 1)."""
    return _as_read({
        **{k: payload[k] for k in PULLED_FIELDS},
        "orderDate": payload["orderDate"][:16], "taxAmount": float(payload["taxAmount"] or 0),
        "shipTo": {k: payload["shipTo"].get(k) for k in ADDRESS_FIELDS},
        "items": [{**{k: item[k] for k in PULLED_ITEM_FIELDS}, "options": item["options"] or [],
                   "adjustment": bool(item["adjustment"])}
                  for item in payload["items"] if item["quantity"] >= 1],
    })


@given(shippable_orders(max_items=3))
def test_what_shipstation_pulls_is_what_the_rest_transport_sends(order):
    settings = MappingConfig()
    result = map_order(order, StatusTable.from_config({}), settings, None)
    if not isinstance(result, MappedOrder):
        return
    try:
        fields = export_order(result, order, settings)
    except OrderRejected:
        return
    boxes = suggested_status_mappings(settings).items()
    store = {"statusMappings": [{"orderStatus": code, "statusKey": ", ".join(names)}
                                for code, names in boxes]}
    exported = fromstring(render_export([fields], 1).encode()).find("Order")
    pulled = order_payload(exported, status_mapping(store))
    assert pulled is not None
    assert shipstation_view(pulled) == shipstation_view(result.payload)

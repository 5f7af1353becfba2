"""Labels: createlabelfororder, bulk and split labels from the app, packages, voids, orderless labels."""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from inkship.simulators.shipstation import labels as label_rules

from tests.simulators.shipstation.conftest import ApiClient, create, labels, order_payload


def order_of(api: ApiClient, order_id: int) -> dict:
    return api.get(f"/orders/{order_id}").json


def test_create_label_for_order_ships_it(api: ApiClient) -> None:
    order = create(api)
    response = api.post(
        "/orders/createlabelfororder",
        {
            "orderId": order["orderId"],
            "carrierCode": "stamps_com",
            "serviceCode": "usps_priority_mail",
            "packageCode": "package",
            "confirmation": "delivery",
            "shipDate": "2024-03-11",
            "testLabel": False,
        },
    )
    assert response.status_code == 200
    label = response.json
    assert set(label) == {
        "shipmentId",
        "shipmentCost",
        "insuranceCost",
        "trackingNumber",
        "labelData",
        "formData",
    }
    assert re.fullmatch(r"(9400111|9205590)\d{15}", label["trackingNumber"])
    assert base64.b64decode(label["labelData"]).startswith(b"%PDF-1.4")
    assert label["trackingNumber"].encode() in base64.b64decode(label["labelData"])
    assert label["shipmentCost"] > 0
    shipped = order_of(api, order["orderId"])
    assert shipped["orderStatus"] == "shipped" and shipped["shipDate"] == "2024-03-11"
    shipment = api.get("/shipments?includeShipmentItems=true").json["shipments"][0]
    assert shipment["shipmentId"] == label["shipmentId"] and shipment["confirmation"] == "delivery"
    assert shipment["labelData"] is None  # never in lists
    assert [(i["lineItemKey"], i["quantity"]) for i in shipment["shipmentItems"]] == [
        ("line-a", 2),
        ("line-b", 1),
    ]


def test_no_label_while_awaiting_payment(api: ApiClient) -> None:
    order = create(api, orderStatus="awaiting_payment")
    response = api.post(
        "/orders/createlabelfororder",
        {"orderId": order["orderId"], "carrierCode": "fedex", "serviceCode": "fedex_ground"},
    )
    assert (
        response.status_code == 400
        and "awaiting_payment" in response.json["ModelState"]["request.orderId"][0]
    )
    assert order_of(api, order["orderId"])["orderStatus"] == "awaiting_payment"


@pytest.mark.parametrize(
    "body",
    [
        {"orderId": 424242, "carrierCode": "fedex", "serviceCode": "fedex_ground"},
        {"orderId": None, "carrierCode": "fedex", "serviceCode": "fedex_ground"},
        {"carrierCode": "pigeon", "serviceCode": "fedex_ground"},
        {"carrierCode": "fedex", "serviceCode": "ups_ground"},
    ],
)
def test_unknown_order_or_bad_codes_give_shipstations_500(api: ApiClient, body: dict) -> None:
    if "orderId" not in body:
        body = {**body, "orderId": create(api)["orderId"]}
    response = api.post("/orders/createlabelfororder", body)
    assert response.status_code == 500
    assert response.json["Message"] == "An error has occurred."
    assert {"ExceptionMessage", "ExceptionType", "StackTrace"} <= set(response.json)


def test_split_labels_ship_the_order_only_when_every_unit_is_labelled(api: ApiClient) -> None:
    order = create(api)
    first = labels(api, orderIds=[order["orderId"]], items=[{"lineItemKey": "line-a", "quantity": 1}])
    assert [(i["lineItemKey"], i["quantity"]) for i in first["shipments"][0]["shipmentItems"]] == [
        ("line-a", 1)
    ]
    assert order_of(api, order["orderId"])["orderStatus"] == "awaiting_shipment"
    too_many = api.client.post(
        "/__sim/labels",
        json={"orderIds": [order["orderId"]], "items": [{"lineItemKey": "line-a", "quantity": 2}]},
    )
    assert too_many.status_code == 400
    labels(
        api,
        orderIds=[order["orderId"]],
        carrierCode="ups_walleted",
        items=[{"lineItemKey": "line-a", "quantity": 1}, {"lineItemKey": "line-b", "quantity": 1}],
    )
    assert order_of(api, order["orderId"])["orderStatus"] == "shipped"
    assert api.get(f"/shipments?orderId={order['orderId']}").json["total"] == 2


def test_bulk_labels_share_one_batch(api: ApiClient) -> None:
    ids = [create(api, number=f"B{i}", key=f"b{i}")["orderId"] for i in range(3)]
    create(api, number="PAY", key="pay", orderStatus="awaiting_payment")
    made = labels(api, all=True, carrierCode="fedex")
    assert [s["orderId"] for s in made["shipments"]] == ids
    assert len(made["batchIds"]) == 1
    assert {s["batchNumber"] for s in made["shipments"]} == {str(made["batchIds"][0])}
    for shipment in made["shipments"]:
        assert re.fullmatch(r"\d{12}", shipment["trackingNumber"])
    assert all(order_of(api, i)["orderStatus"] == "shipped" for i in ids)


def test_labels_by_order_number_and_refusals(api: ApiClient) -> None:
    create(api, number="N-1", key="n1")
    made = labels(api, orderNumbers=["N-1"], carrierCode="ups_walleted", serviceCode="ups_2nd_day_air")
    assert made["shipments"][0]["serviceCode"] == "ups_2nd_day_air"
    assert api.client.post("/__sim/labels", json={"orderNumbers": ["nope"]}).status_code == 404
    assert api.client.post("/__sim/labels", json={}).status_code == 400
    assert api.client.post("/__sim/labels", json={"orderNumbers": ["N-1"]}).status_code == 400  # nothing left


def test_multi_package_labels(api: ApiClient) -> None:
    order = create(api)
    made = labels(api, orderIds=[order["orderId"]], packages=2, carrierCode="ups_walleted")["shipments"]
    assert len(made) == 2 and len({s["trackingNumber"] for s in made}) == 2
    # The order's 2 tees and 1 hoodie are dealt out over the packages, each unit on exactly one.
    assert [[(i["lineItemKey"], i["quantity"]) for i in s["shipmentItems"]] for s in made] == [
        [("line-a", 2)], [("line-b", 1)]]
    assert order_of(api, order["orderId"])["orderStatus"] == "shipped"
    other = create(api, number="INK-2", key="k2")
    four = labels(api, orderIds=[other["orderId"]], packages=4)["shipments"]
    assert [sum(i["quantity"] for i in s["shipmentItems"]) for s in four] == [1, 1, 1, 0]
    assert api.client.post("/__sim/labels", json={"all": True, "packages": 0}).status_code == 400


def test_void_returns_the_order_to_awaiting_shipment(api: ApiClient) -> None:
    order = create(api)
    shipment_id = labels(api, orderIds=[order["orderId"]])["shipments"][0]["shipmentId"]
    response = api.post("/shipments/voidlabel", {"shipmentId": shipment_id})
    assert response.json == {"approved": True, "message": "Label voided successfully"}
    shipment = api.get("/shipments").json["shipments"][0]
    assert shipment["voided"] is True and shipment["voidDate"] == "2024-03-09T04:00:00.0000000"
    assert order_of(api, order["orderId"])["orderStatus"] == "awaiting_shipment"
    assert api.post("/shipments/voidlabel", {"shipmentId": shipment_id}).json["approved"] is False
    assert api.post("/shipments/voidlabel", {"shipmentId": 1}).status_code == 404
    # The units are free again: a new label ships the order.
    labels(api, orderIds=[order["orderId"]])
    assert order_of(api, order["orderId"])["orderStatus"] == "shipped"
    assert api.get("/shipments?voidDateStart=2024-03-09 00:00:00").json["total"] == 1


def test_void_can_leave_the_order_shipped(make_app: Callable[..., Flask]) -> None:
    api = ApiClient(make_app(rate_limit=None, void_returns_to_awaiting=False).test_client())
    order = create(api)
    shipment_id = labels(api, orderIds=[order["orderId"]])["shipments"][0]["shipmentId"]
    api.client.post("/__sim/labels/void", json={"shipmentId": shipment_id})
    assert order_of(api, order["orderId"])["orderStatus"] == "shipped"


def test_orderless_label(api: ApiClient) -> None:
    address = order_payload()["shipTo"]
    response = api.post(
        "/shipments/createlabel",
        {
            "carrierCode": "ups_walleted",
            "serviceCode": "ups_ground",
            "packageCode": "package",
            "shipDate": "2024-03-12",
            "weight": {"value": 2, "units": "pounds"},
            "shipFrom": address,
            "shipTo": address,
        },
    )
    assert response.status_code == 200
    label = response.json
    assert label["orderId"] is None and label["orderNumber"] is None
    assert label["trackingNumber"].startswith("1Z") and label["labelData"]
    assert label["shipDate"] == "2024-03-12" and label["weight"]["value"] == 32
    missing = api.post("/shipments/createlabel", {"carrierCode": "ups_walleted"})
    assert missing.status_code == 400 and "request.shipTo" in missing.json["ModelState"]


def usps_ok(number: str) -> bool:
    digits = [int(d) for d in number]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


@given(st.integers(min_value=0, max_value=2**32))
def test_tracking_numbers_have_the_carriers_shapes(seed: int) -> None:
    rng = random.Random(seed)
    usps = label_rules.tracking_number("stamps_com", rng)
    assert len(usps) == 22 and usps[:4] in ("9400", "9205") and usps_ok(usps)
    ups = label_rules.tracking_number("ups_walleted", rng)
    assert re.fullmatch(r"1Z[0-9A-Z]{6}\d{10}", ups)
    fedex = label_rules.tracking_number("fedex", rng)
    weights = (1, 3, 7)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(fedex[:-1])))
    assert len(fedex) == 12 and total % 11 % 10 == int(fedex[-1])


def test_ups_check_digit_matches_a_published_example() -> None:
    # 1Z999AA10123456784 is UPS's own documentation example.
    body = "999AA1012345678"
    values = [int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in body]
    total = sum(v * (2 if i % 2 else 1) for i, v in enumerate(values))
    assert (10 - total % 10) % 10 == 4

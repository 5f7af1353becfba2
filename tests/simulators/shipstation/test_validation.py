"""createorder(s) model binding: one value ShipStation's binder cannot take fails the whole call (400),
and no order of the batch is created; good batches are untouched."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.simulators.shipstation.conftest import AUTH, ApiClient, order_payload


def batch(count: int) -> list[dict[str, Any]]:
    return [order_payload(number=f"INK-{n}", key=f"inksoft:{n}") for n in range(count)]


def order_count(api: ApiClient) -> int:
    return int(api.get("/orders").json["total"])


@pytest.mark.parametrize(("change", "field"), [
    (lambda o: o["items"][0].update(quantity=2**31), "items[0].quantity"),
    (lambda o: o["items"][0].update(unitPrice=1e30), "items[0].unitPrice"),
    (lambda o: o.update(amountPaid=-1e29), "amountPaid"),
    (lambda o: o["items"][0].update(weight={"value": 1e40, "units": "ounces"}), "items[0].weight.value"),
    (lambda o: o.update(orderKey="k" * 1_000_000), "orderKey"),
    (lambda o: o.update(orderNumber="N" * 51), "orderNumber"),
    (lambda o: o.update(advancedOptions={"storeId": 2**40}), "advancedOptions.storeId"),
])
def test_one_unbindable_order_fails_the_whole_createorders_call(api: ApiClient, change: Any,
                                                                field: str) -> None:
    orders = batch(5)
    change(orders[3])
    response = api.post("/orders/createorders", orders)
    assert response.status_code == 400
    assert list(response.json["ModelState"]) == [f"apiOrders[3].{field}"]
    assert order_count(api) == 0  # not even the four good ones


def test_not_finite_numbers_fail_the_call(api: ApiClient) -> None:
    orders = batch(2)
    body = json.dumps(orders).replace('"unitPrice": 12.5', '"unitPrice": NaN', 1)
    response = api.client.post("/orders/createorders", data=body, content_type="application/json",
                               headers=AUTH)
    assert response.status_code == 400 and "Decimal" in json.dumps(response.json)


def test_createorder_binds_the_same_way(api: ApiClient) -> None:
    response = api.post("/orders/createorder", order_payload(orderKey="k" * 51))
    assert response.status_code == 400 and list(response.json["ModelState"]) == ["apiOrder.orderKey"]


def test_values_at_the_edges_bind(api: ApiClient) -> None:
    orders = batch(2)
    orders[0]["items"][0]["quantity"] = 2**31 - 1
    orders[1]["orderKey"] = "k" * 50
    response = api.post("/orders/createorders", orders)
    assert response.status_code == 200 and order_count(api) == 2


"""Orders: createorder upsert and locks, createorders per-order results, payload typing, lists, holds."""

from __future__ import annotations

from inkship.simulators.clock import SimClock

from tests.simulators.shipstation.conftest import AUTH, ApiClient, create, labels, order_payload


def test_createorder_returns_the_full_order_model(api: ApiClient) -> None:
    order = create(api)
    assert order["orderId"] > 0 and order["orderKey"] == "inksoft:1001"
    # Sent as Pacific wall clock, stored as UTC, rendered back the same.
    assert order["orderDate"] == "2024-03-08T10:15:00.0000000"
    assert order["createDate"] == order["modifyDate"] == "2024-03-09T04:00:00.0000000"
    assert order["orderTotal"] == 2 * 12.5 + 30.0 + 4.0 + 6.0
    assert order["advancedOptions"]["storeId"] == 310001
    assert order["advancedOptions"]["warehouseId"] == 700001
    assert order["shipTo"]["addressVerified"] == "Address not yet validated"
    assert order["billTo"]["street1"] is None
    first = order["items"][0]
    assert first["orderItemId"] > 0 and first["lineItemKey"] == "line-a"
    assert first["weight"] == {"value": 6, "units": "ounces", "WeightUnits": 1}
    assert first["createDate"] == order["createDate"]
    assert order["weight"]["value"] == 12  # two 6 oz tees; the hoodie has no weight
    for field in (
        "customerId",
        "holdUntilDate",
        "tagIds",
        "userId",
        "externallyFulfilledBy",
        "labelMessages",
    ):
        assert order[field] is None
    assert order["externallyFulfilled"] is False
    assert api.get(f"/orders/{order['orderId']}").json == order


def test_upsert_by_key_replaces_the_whole_order(api: ApiClient, clock: SimClock) -> None:
    first = create(api, internalNotes="rush")
    clock.advance(90)
    changed = order_payload(items=[order_payload()["items"][0]], customerNotes="leave at door")
    second = api.post("/orders/createorder", changed).json
    assert second["orderId"] == first["orderId"]
    assert second["internalNotes"] is None  # full replace: what is not sent is gone
    assert second["customerNotes"] == "leave at door"
    assert [i["lineItemKey"] for i in second["items"]] == ["line-a"]
    assert second["items"][0]["orderItemId"] == first["items"][0]["orderItemId"]
    assert second["createDate"] == first["createDate"]
    assert second["modifyDate"] == "2024-03-09T04:01:30.0000000"
    assert api.get("/orders").json["total"] == 1


def test_without_key_every_call_creates_a_new_order(api: ApiClient) -> None:
    first = create(api, key=None)
    second = create(api, key=None)
    assert first["orderId"] != second["orderId"]
    assert first["orderKey"] != second["orderKey"] and len(first["orderKey"]) == 36


def test_store_id_is_honoured_only_at_creation(api: ApiClient) -> None:
    api.client.post("/__sim/seed", json={"stores": [{"storeId": 320001, "storeName": "second"}]})
    created = create(api, advancedOptions={"storeId": 320001})
    assert created["advancedOptions"]["storeId"] == 320001
    moved = create(api, advancedOptions={"storeId": 310001, "customField1": "x"})
    assert moved["advancedOptions"]["storeId"] == 320001
    assert moved["advancedOptions"]["customField1"] == "x"
    unknown = api.post("/orders/createorder", order_payload(key="new", advancedOptions={"storeId": 9}))
    assert unknown.status_code == 400
    assert "apiOrder.advancedOptions.storeId" in unknown.json["ModelState"]


def test_shipped_and_cancelled_orders_are_locked(api: ApiClient) -> None:
    order = create(api)
    labels(api, orderIds=[order["orderId"]])
    refused = api.post("/orders/createorder", order_payload(internalNotes="too late"))
    assert refused.status_code == 400
    assert refused.json["Message"] == "The request is invalid."
    assert "shipped" in refused.json["ModelState"]["apiOrder.orderKey"][0]
    create(api, number="INK-2", key="k2", orderStatus="cancelled")
    assert api.post("/orders/createorder", order_payload("INK-2", "k2")).status_code == 400


def test_validation_errors_are_model_state(api: ApiClient) -> None:
    bad = order_payload(
        orderNumber="",
        orderStatus="nearly_shipped",
        gift=1,
        items=[{"name": None, "quantity": "2"}],
        shipTo=None,
    )
    bad.pop("orderDate")
    response = api.post("/orders/createorder", bad)
    assert response.status_code == 400
    assert set(response.json["ModelState"]) == {
        "apiOrder.orderNumber",
        "apiOrder.orderStatus",
        "apiOrder.orderDate",
        "apiOrder.shipTo",
        "apiOrder.gift",
        "apiOrder.items[0].name",
        "apiOrder.items[0].quantity",
    }
    assert response.json["ModelState"]["apiOrder.gift"] == ["The value '1' is not valid for Boolean."]


def test_booleans_as_zero_or_one_are_rejected_everywhere(api: ApiClient) -> None:
    response = api.post("/orders/createorder", order_payload(advancedOptions={"saturdayDelivery": 0}))
    assert response.json["ModelState"] == {
        "apiOrder.advancedOptions.saturdayDelivery": ["The value '0' is not valid for Boolean."]
    }
    order = create(api)
    label = api.post(
        "/orders/createlabelfororder",
        {"orderId": order["orderId"], "carrierCode": "fedex", "serviceCode": "fedex_ground", "testLabel": 0},
    )
    assert label.json["ModelState"] == {"request.testLabel": ["The value '0' is not valid for Boolean."]}


def test_array_to_createorder_and_object_to_createorders_are_deserialisation_errors(api: ApiClient) -> None:
    one = api.post("/orders/createorder", [order_payload()])
    assert (
        one.status_code == 400
        and "Cannot deserialize the current JSON array" in one.json["ModelState"]["apiOrder"][0]
    )
    many = api.post("/orders/createorders", order_payload())
    assert many.status_code == 400
    assert "Cannot deserialize the current JSON object" in many.json["ModelState"]["apiOrders"][0]
    garbage = api.client.post(
        "/orders/createorder", data="{not json", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert garbage.status_code == 400 and "apiOrder" in garbage.json["ModelState"]


def test_createorders_reports_each_order_on_its_own(api: ApiClient) -> None:
    shipped = create(api, number="INK-9", key="k9")
    labels(api, orderIds=[shipped["orderId"]])
    batch = [
        order_payload("INK-1", "k1"),
        order_payload("INK-2", "k2", orderStatus="bogus"),
        order_payload("INK-9", "k9"),
        order_payload("INK-3", "k3"),
    ]
    result = api.post("/orders/createorders", batch).json
    assert result["hasErrors"] is True
    assert [r["success"] for r in result["results"]] == [True, False, False, True]
    assert [r["orderNumber"] for r in result["results"]] == ["INK-1", "INK-2", "INK-9", "INK-3"]
    assert result["results"][0]["orderId"] > 0 and result["results"][0]["errorMessage"] is None
    assert "orderStatus" in result["results"][1]["errorMessage"] and result["results"][1]["orderId"] == 0
    assert "shipped" in result["results"][2]["errorMessage"]
    assert api.get("/orders").json["total"] == 3
    ok = api.post("/orders/createorders", [order_payload("INK-4", "k4")]).json
    assert ok["hasErrors"] is False


def test_createorders_takes_at_most_100(api: ApiClient) -> None:
    response = api.post("/orders/createorders", [order_payload(f"N{i}", f"k{i}") for i in range(101)])
    assert response.status_code == 400 and "apiOrders" in response.json["ModelState"]
    assert api.get("/orders").json["total"] == 0


def test_unknown_order_is_404(api: ApiClient) -> None:
    for ref, response in (
        ("999", api.get("/orders/999")),
        ("abc", api.get("/orders/abc")),
        ("999", api.delete("/orders/999")),
    ):
        assert response.status_code == 404
        assert response.json == {"Message": f"Order {ref} was not found."}


def test_soft_delete_hides_the_order_and_frees_the_key(api: ApiClient) -> None:
    order = create(api)
    response = api.delete(f"/orders/{order['orderId']}")
    assert response.json == {"success": True, "message": "The requested order has been deleted."}
    assert api.get("/orders").json["total"] == 0
    assert api.get(f"/orders/{order['orderId']}").status_code == 404
    state = api.client.get("/__sim/state").json
    assert state["orders"][0]["active"] is False
    assert create(api)["orderId"] != order["orderId"]


def test_list_filters(api: ApiClient, clock: SimClock) -> None:
    a = create(api, number="ABC1", key="a", orderDate="2024-03-01 08:00:00")
    clock.advance(3600)
    b = create(
        api,
        number="ABC10",
        key="b",
        orderDate="2024-03-05 08:00:00",
        customerUsername="grace",
        shipTo={"name": "Grace Hopper", "country": "US"},
        orderStatus="awaiting_payment",
    )
    clock.advance(3600)
    c = create(api, number="XYZ", key="c", items=[{"name": "Mug", "sku": "MUG-1", "quantity": 1}])

    def ids(query: str) -> list[int]:
        return [o["orderId"] for o in api.get("/orders" + query).json["orders"]]

    assert ids("?orderNumber=ABC1") == [a["orderId"], b["orderId"]]  # prefix match, as documented
    assert ids("?customerName=hopper") == [b["orderId"]]
    assert ids("?itemKeyword=mug") == [c["orderId"]]
    assert ids("?itemKeyword=front logo") == [a["orderId"], b["orderId"]]  # options are searched too
    assert ids("?orderStatus=awaiting_payment") == [b["orderId"]]
    assert ids("?storeId=310001") == [a["orderId"], b["orderId"], c["orderId"]]
    assert ids("?storeId=1") == []
    # createDate of b is 05:00 PST; the filter is Pacific wall-clock time.
    assert ids("?createDateStart=2024-03-09 04:30:00&createDateEnd=2024-03-09 05:30:00") == [b["orderId"]]
    assert ids("?modifyDateStart=2024-03-09T05:30:00") == [c["orderId"]]
    assert ids("?orderDateEnd=2024-03-02") == [a["orderId"]]
    assert ids("?paymentDateStart=2024-03-08 10:00:00") == [a["orderId"], b["orderId"], c["orderId"]]
    assert ids("?sortBy=OrderDate&sortDir=DESC") == [c["orderId"], b["orderId"], a["orderId"]]
    assert ids("?sortBy=CreateDate&sortDir=ASC") == [a["orderId"], b["orderId"], c["orderId"]]
    assert api.get("/orders?orderDateStart=tomorrow").status_code == 400
    assert api.get("/orders?sortBy=Colour").status_code == 400


def test_paging(api: ApiClient) -> None:
    created = [create(api, number=f"P{i}", key=f"p{i}")["orderId"] for i in range(5)]
    page = api.get("/orders?pageSize=2&page=3").json
    assert page["total"] == 5 and page["page"] == 3 and page["pages"] == 3
    assert [o["orderId"] for o in page["orders"]] == created[4:]
    assert api.get("/orders?pageSize=2&page=9").json["orders"] == []
    assert api.get("/orders").json["pages"] == 1
    too_big = api.get("/orders?pageSize=501")
    assert too_big.status_code == 400 and "pageSize" in too_big.json["ModelState"]
    assert api.get("/orders?pageSize=500").status_code == 200


def test_hold_until_releases_when_the_clock_reaches_the_date(api: ApiClient, clock: SimClock) -> None:
    order = create(api)
    response = api.post("/orders/holduntil", {"orderId": order["orderId"], "holdUntilDate": "2024-03-11"})
    assert response.json == {"success": True, "message": "Order held successfully."}
    held = api.get(f"/orders/{order['orderId']}").json
    assert held["orderStatus"] == "on_hold" and held["holdUntilDate"] == "2024-03-11"
    assert [o["orderId"] for o in api.get("/orders?orderStatus=on_hold").json["orders"]] == [order["orderId"]]
    clock.advance(36 * 3600)  # 2024-03-10 16:00 PDT: not yet
    assert api.get(f"/orders/{order['orderId']}").json["orderStatus"] == "on_hold"
    clock.advance(9 * 3600)  # 2024-03-11 01:00 PDT: the day has come
    released = api.get(f"/orders/{order['orderId']}").json
    assert released["orderStatus"] == "awaiting_shipment" and released["holdUntilDate"] is None


def test_hold_updates_while_held_and_restore(api: ApiClient) -> None:
    order = create(api)
    api.post("/orders/holduntil", {"orderId": order["orderId"], "holdUntilDate": "2024-04-01"})
    # on_hold is an open status: the connector may still update the order.
    assert (
        api.post(
            "/orders/createorder", order_payload(orderStatus="on_hold", holdUntilDate="2024-04-01")
        ).status_code
        == 200
    )
    restored = api.post("/orders/restorefromhold", {"orderId": order["orderId"]}).json
    assert restored["success"] is True
    assert api.get(f"/orders/{order['orderId']}").json["orderStatus"] == "awaiting_shipment"
    assert api.post("/orders/restorefromhold", {"orderId": order["orderId"]}).json["success"] is False
    assert (
        api.post("/orders/holduntil", {"orderId": order["orderId"], "holdUntilDate": "soon"}).status_code
        == 400
    )


def test_mark_as_shipped_goes_to_fulfillments_not_shipments(api: ApiClient) -> None:
    order = create(api)
    response = api.post(
        "/orders/markasshipped",
        {
            "orderId": order["orderId"],
            "carrierCode": "usps",
            "trackingNumber": "9400111111111111111111",
            "shipDate": "2024-03-09",
            "notifySalesChannel": True,
        },
    )
    assert response.json == {"orderId": order["orderId"], "orderNumber": "INK-1001"}
    assert api.get(f"/orders/{order['orderId']}").json["orderStatus"] == "shipped"
    assert api.get("/shipments").json["total"] == 0
    fulfillments = api.get(f"/fulfillments?orderId={order['orderId']}").json
    assert fulfillments["total"] == 1
    row = fulfillments["fulfillments"][0]
    assert row["trackingNumber"] == "9400111111111111111111" and row["shipDate"] == "2024-03-09"
    assert row["marketplaceNotified"] is True and row["voided"] is False
    assert api.get("/fulfillments?trackingNumber=nope").json["total"] == 0
    assert (
        api.post(
            "/orders/markasshipped", {"orderId": order["orderId"], "carrierCode": "usps", "notifyCustomer": 1}
        ).status_code
        == 400
    )
    assert api.post("/orders/markasshipped", {"orderId": order["orderId"]}).status_code == 400


def test_tags(api: ApiClient) -> None:
    order = create(api)
    assert api.get("/accounts/listtags").json == [{"tagId": 1001, "name": "Rush", "color": "#FF0000"}]
    assert api.post("/orders/addtag", {"orderId": order["orderId"], "tagId": 1001}).json["success"] is True
    assert api.get(f"/orders/{order['orderId']}").json["tagIds"] == [1001]
    assert api.get("/orders/listbytag?tagId=1001").json["total"] == 1
    api.post("/orders/removetag", {"orderId": order["orderId"], "tagId": 1001})
    assert api.get(f"/orders/{order['orderId']}").json["tagIds"] is None
    assert api.post("/orders/addtag", {"orderId": order["orderId"], "tagId": 5}).status_code == 400


def test_seeded_partial_orders_get_defaults(api: ApiClient) -> None:
    api.client.post("/__sim/seed", json={"orders": [{"orderNumber": "S-1", "orderKey": "s1"}]})
    order = api.get("/orders?orderNumber=S-1").json["orders"][0]
    assert order["orderStatus"] == "awaiting_shipment" and order["items"][0]["name"] == "T-shirt"

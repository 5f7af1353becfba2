"""The ShipStation simulator's pages through Flask's test client: the list's tabs, search, filters and
paging; the order detail; label, split, void, mark-shipped and hold actions going through the state
(webhooks and journal included); refusals as 400 pages; tokens masked. The browser tests
(tests/browser) play the same pages in Chromium."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from tests.page_forms import csrf_token
from tests.simulators.shipstation.conftest import RECEIVER, ApiClient, Receiver, create, labels


def _post(client: FlaskClient, path: str, data: dict) -> object:
    return client.post(path, data={"csrf_token": csrf_token(client, "/__sim/ui/orders"), **data})


def test_orders_page_tabs_count_each_status_and_default_to_awaiting_shipment(api: ApiClient) -> None:
    order = create(api)
    create(api, number="PAY-1", key="pay", orderStatus="awaiting_payment")
    page = api.client.get("/__sim/ui/orders").get_data(as_text=True)
    assert "INK-1001" in page and "PAY-1" not in page and "Create labels" in page
    assert f'name="orderId" value="{order["orderId"]}"' in page
    assert 'Awaiting Payment <span class="badge">1</span>' in page
    assert 'Awaiting Shipment <span class="badge">1</span>' in page
    everything = api.client.get("/__sim/ui/orders?status=all").get_data(as_text=True)
    assert "INK-1001" in everything and "PAY-1" in everything
    assert everything.count('type="checkbox"') == 1  # only orders that can ship get a box
    assert api.client.get("/").headers["Location"].endswith("/__sim/ui/orders")


@pytest.mark.parametrize(("query", "found", "missing"), [
    ("q=INK-2&by=number", "INK-2002", "INK-1001"),
    ("q=grace&by=customer", "INK-2002", "INK-1001"),
    ("q=MUG-&by=item", "INK-2002", "INK-1001"),
])
def test_orders_page_searches_by_number_customer_or_sku(api: ApiClient, query: str, found: str,
                                                        missing: str) -> None:
    create(api)
    create(api, number="INK-2002", key="k2", customerEmail="grace@example.com",
           shipTo={"name": "Grace Hopper", "city": "Arlington", "country": "US"},
           items=[{"lineItemKey": "m", "sku": "MUG-WHT", "name": "Mug", "quantity": 1}])
    page = api.client.get(f"/__sim/ui/orders?status=all&{query}").get_data(as_text=True)
    assert found in page and missing not in page


def test_orders_page_pages_sorts_and_filters_by_store(api: ApiClient) -> None:
    for n in range(30):
        create(api, number=f"N-{n:02d}", key=f"k{n}")
    first = api.client.get("/__sim/ui/orders?sortBy=orderDate&sortDir=ASC").get_data(as_text=True)
    second = api.client.get("/__sim/ui/orders?sortBy=orderDate&sortDir=ASC&page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "N-00" in first and "N-29" not in first
    assert "N-29" in second and "N-00" not in second
    elsewhere = api.client.get("/__sim/ui/orders?storeId=999999").get_data(as_text=True)
    assert "No orders here." in elsewhere


@pytest.mark.parametrize("query", ["page=abc", "page=0", "status=lost", "storeId=x", "sortBy=weight",
                                   "by=colour&q=x"])
def test_orders_page_answers_bad_parameters_with_400_and_the_reason(api: ApiClient, query: str) -> None:
    response = api.client.get(f"/__sim/ui/orders?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.get_data(as_text=True)


def test_order_page_shows_addresses_notes_and_item_options(api: ApiClient) -> None:
    order = create(api, internalNotes="Pack flat", gift=True, giftMessage="Go team!",
                   advancedOptions={"customField1": "inksoft:1001"},
                   items=[{"lineItemKey": "a", "sku": "TEE-NAV-YM", "name": "Tee", "quantity": 3,
                           "imageUrl": "https://shop.example.com/tee.png", "warehouseLocation": "A-01",
                           "options": [{"name": "Design", "value": "Club crest"},
                                       {"name": "Color", "value": "Navy"}]}])
    page = api.client.get(f"/__sim/ui/order?orderId={order['orderId']}").get_data(as_text=True)
    for text in ("12 Analytical Way", "Pack flat", "Go team!", "inksoft:1001", "Club crest", "Navy",
                 'src="https://shop.example.com/tee.png" alt="Tee"', "A-01", "TEE-NAV-YM"):
        assert text in page


@pytest.mark.parametrize(("query", "status"), [("orderId=abc", 400), ("", 400), ("orderId=99999", 404)])
def test_order_page_bad_or_unknown_id(api: ApiClient, query: str, status: int) -> None:
    response = api.client.get(f"/__sim/ui/order?{query}")
    assert response.status_code == status
    assert "orderId" in response.get_data(as_text=True)


def test_a_label_split_over_two_packages_fires_ship_notify_and_is_journaled(api: ApiClient,
                                                                           receiver: Receiver) -> None:
    order = create(api)
    api.post("/webhooks/subscribe", {"target_url": f"{RECEIVER}/hooks/ship", "event": "SHIP_NOTIFY"})
    item_ids = [item["orderItemId"] for item in order["items"]]
    response = _post(api.client, "/__sim/ui/order/label", {
        "orderId": order["orderId"], "carrierCode": "fedex", "serviceCode": "fedex_ground",
        "packageCode": "package", "weightOunces": "20",
        f"qty-1-{item_ids[0]}": "2", f"qty-1-{item_ids[1]}": "0", f"qty-2-{item_ids[1]}": "1"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    shipments = api.get(f"/shipments?orderId={order['orderId']}&includeShipmentItems=true").json["shipments"]
    assert [[(i["sku"], i["quantity"]) for i in s["shipmentItems"]] for s in shipments] == [
        [("TEE-BLK-M", 2)], [("HOOD-GRY-L", 1)]]
    assert {(s["carrierCode"], s["serviceCode"], s["weight"]["value"]) for s in shipments} == {
        ("fedex", "fedex_ground", 20)}
    assert api.get(f"/orders/{order['orderId']}").json["orderStatus"] == "shipped"
    assert len(receiver.calls) == 2 and all(b"SHIP_NOTIFY" in call for call in receiver.calls)
    journaled = api.client.get("/__sim/journal?path=/__sim/ui/order/label").get_json()["requests"]
    assert [json.loads(e["body"])["items"][0]["quantity"] for e in journaled] == [2, 1]


def test_a_label_asking_more_than_is_left_is_refused_whole(api: ApiClient) -> None:
    order = create(api)
    item_ids = [item["orderItemId"] for item in order["items"]]
    response = _post(api.client, "/__sim/ui/order/label", {
        "orderId": order["orderId"], "carrierCode": "fedex",
        f"qty-1-{item_ids[0]}": "1", f"qty-2-{item_ids[0]}": "2"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "3 unit(s) asked, 2 left" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert api.get("/shipments").json["total"] == 0


@pytest.mark.parametrize("fields", [{"carrierCode": "pigeon"},
                                    {"carrierCode": "fedex", "serviceCode": "ups_ground"},
                                    {"carrierCode": "fedex", "weightOunces": "heavy"}])
def test_a_label_with_a_bad_choice_is_400(api: ApiClient, fields: dict) -> None:
    order = create(api)
    item_id = order["items"][0]["orderItemId"]
    response = _post(api.client, "/__sim/ui/order/label",
                     {"orderId": order["orderId"], f"qty-1-{item_id}": "1", **fields})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert api.get("/shipments").json["total"] == 0


def test_a_form_without_the_token_changes_nothing(api: ApiClient) -> None:
    order = create(api)
    response = api.client.post("/__sim/ui/labels", data={"orderId": order["orderId"]})
    forged = api.client.post("/__sim/ui/labels", data={"orderId": order["orderId"], "csrf_token": "x" * 43})
    assert response.status_code == 400 and forged.status_code == 400
    assert api.get("/shipments").json["total"] == 0
    # The token is checked before the view reads anything: no order lookup, no journal entry.
    probe = api.client.post("/__sim/ui/order/label", data={"orderId": "abc"})
    assert "did not come from this page" in probe.get_data(as_text=True)
    assert api.client.get("/__sim/journal?path_prefix=/__sim/ui").get_json()["requests"] == []


def test_bulk_labels_then_void_from_the_shipments_page(api: ApiClient) -> None:
    first = create(api)
    second = create(api, number="INK-1002", key="k2")
    response = _post(api.client, "/__sim/ui/labels", {"orderId": [first["orderId"], second["orderId"]],
                                                      "carrierCode": "fedex"})
    assert "Created+2+label" in response.headers["Location"]  # type: ignore[attr-defined]
    shipments = api.get("/shipments").json["shipments"]
    assert [s["carrierCode"] for s in shipments] == ["fedex", "fedex"]
    page = api.client.get("/__sim/ui/shipments").get_data(as_text=True)
    assert shipments[0]["trackingNumber"] in page and "Void" in page
    _post(api.client, "/__sim/ui/void", {"shipmentId": shipments[0]["shipmentId"]})
    assert api.get(f"/orders/{first['orderId']}").json["orderStatus"] == "awaiting_shipment"
    assert "voided" in api.client.get("/__sim/ui/shipments").get_data(as_text=True)
    again = _post(api.client, "/__sim/ui/void", {"shipmentId": shipments[0]["shipmentId"]})
    assert again.status_code == 400  # type: ignore[attr-defined]
    assert _post(api.client, "/__sim/ui/void", {"shipmentId": "abc"}).status_code == 400  # type: ignore[attr-defined]


def test_bulk_labels_without_a_ticked_order_is_400(api: ApiClient) -> None:
    response = _post(api.client, "/__sim/ui/labels", {})
    assert response.status_code == 400  # type: ignore[attr-defined]


def test_mark_shipped_hold_and_restore(api: ApiClient) -> None:
    held = create(api)
    shipped = create(api, number="INK-1002", key="k2")
    assert _post(api.client, "/__sim/ui/order/hold",
                 {"orderId": held["orderId"], "holdUntilDate": "2031-01-05"}).status_code == 303  # type: ignore[attr-defined]
    assert api.get(f"/orders/{held['orderId']}").json["orderStatus"] == "on_hold"
    _post(api.client, "/__sim/ui/order/restore", {"orderId": held["orderId"]})
    assert api.get(f"/orders/{held['orderId']}").json["orderStatus"] == "awaiting_shipment"
    assert _post(api.client, "/__sim/ui/order/hold",
                 {"orderId": held["orderId"], "holdUntilDate": "soon"}).status_code == 400  # type: ignore[attr-defined]
    _post(api.client, "/__sim/ui/order/mark-shipped", {"orderId": shipped["orderId"], "carrierCode": "ups",
                                                       "trackingNumber": "1ZMARKED", "notifyCustomer": "on"})
    assert api.get(f"/orders/{shipped['orderId']}").json["orderStatus"] == "shipped"
    assert "1ZMARKED" in api.client.get("/__sim/ui/fulfillments").get_data(as_text=True)


def test_webhooks_page_masks_tokens_and_redelivers(api: ApiClient, receiver: Receiver) -> None:
    token = "Zq3xY8wV7uT6sR5qP4oN3mL2"
    api.post("/webhooks/subscribe", {"target_url": f"{RECEIVER}/hooks/{token}", "event": "SHIP_NOTIFY"})
    create(api)
    labels(api, all=True)
    page = api.client.get("/__sim/ui/webhooks").get_data(as_text=True)
    assert token not in page and f"{RECEIVER}/hooks/***" in page and "SHIP_NOTIFY" in page
    delivery_id = api.client.get("/__sim/webhooks/deliveries").get_json()["deliveries"][0]["id"]
    _post(api.client, "/__sim/ui/webhooks/redeliver", {"deliveryId": delivery_id})
    assert len(receiver.calls) == 2
    assert _post(api.client, "/__sim/ui/webhooks/redeliver", {"deliveryId": "99"}).status_code == 404  # type: ignore[attr-defined]


def test_journal_page_filters_and_shows_one_entry_without_credentials(api: ApiClient) -> None:
    create(api)
    api.get("/orders?orderStatus=shipped")
    page = api.client.get("/__sim/ui/journal?method=GET&path=/orders&status=200").get_data(as_text=True)
    assert "orderStatus=shipped" in page and "/orders/createorder" not in page
    entry = api.client.get("/__sim/journal").get_json()["requests"][0]
    detail = api.client.get(f"/__sim/ui/journal/{entry['id']}").get_data(as_text=True)
    assert "INK-1001" in detail and "sim-secret" not in detail
    assert api.client.get("/__sim/ui/journal?status=abc").status_code == 400
    assert api.client.get("/__sim/ui/journal/abc").status_code == 400
    assert api.client.get("/__sim/ui/journal/9999").status_code == 404


def test_the_favicon_is_served_and_never_journaled(api: ApiClient) -> None:
    response = api.client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert api.client.get("/__sim/journal").get_json()["requests"] == []

"""ShipStation v1 client: batches, paging quirks, Pacific filters, rate limits, webhooks, resource URLs."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.config import ShipStationConfig
from inkship.connector.errors import AuthError, MalformedResponse, RequestRejected, UnsafeResourceUrl

from tests.connector.test_http import FakeTime

API = "https://ssapi.shipstation.com"
KEY, SECRET = "ss-key-4b5c6d7e", "ss-secret-8f9a0b1c"


@pytest.fixture
def fake_time():
    return FakeTime()


def client_for(fake_time: FakeTime, base_url: str = API, **config) -> ShipStationClient:
    return ShipStationClient(ShipStationConfig(base_url=base_url, api_key=KEY, api_secret=SECRET, **config),
                             sleep=fake_time.sleep, clock=fake_time.clock, rng=lambda: 0.5)


def query(call) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


def result(order):
    return {"orderId": 1000 + int(order["orderNumber"]), "orderNumber": order["orderNumber"],
            "orderKey": order["orderKey"], "success": True, "errorMessage": None}


def orders(count):
    return [{"orderNumber": str(n), "orderKey": f"inksoft:{n}"} for n in range(count)]


@responses.activate
def test_create_orders_in_batches_of_100_with_basic_auth(fake_time):
    def answer(request):
        batch = json.loads(request.body)
        return 200, {}, json.dumps({"hasErrors": False, "results": [result(o) for o in batch]})
    responses.add_callback(responses.POST, f"{API}/orders/createorders", callback=answer)
    got = client_for(fake_time).create_orders(orders(250))
    assert [r["orderNumber"] for r in got] == [str(n) for n in range(250)]
    assert [len(json.loads(c.request.body)) for c in responses.calls] == [100, 100, 50]
    expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    assert responses.calls[0].request.headers["Authorization"] == expected


@responses.activate
def test_create_orders_keeps_per_order_failures(fake_time):
    responses.post(f"{API}/orders/createorders", json={"hasErrors": True, "results": [
        {"orderId": 0, "orderNumber": "1", "orderKey": "inksoft:1", "success": False,
         "errorMessage": "Order is locked"}]})
    assert client_for(fake_time).create_orders(orders(1))[0]["errorMessage"] == "Order is locked"
    assert client_for(fake_time).create_orders([]) == []


@responses.activate
def test_create_orders_whole_batch_rejected(fake_time):
    body = {"Message": "The request is invalid.", "ModelState": {"apiOrders": ["Cannot deserialize"]}}
    responses.post(f"{API}/orders/createorders", status=400, json=body)
    with pytest.raises(RequestRejected, match="apiOrders: Cannot deserialize") as excinfo:
        client_for(fake_time).create_orders(orders(3))
    assert excinfo.value.details == body and len(responses.calls) == 1


@responses.activate
def test_create_orders_without_results_is_malformed(fake_time):
    responses.post(f"{API}/orders/createorders", json={"hasErrors": False})
    with pytest.raises(MalformedResponse):
        client_for(fake_time).create_orders(orders(1))


@responses.activate
def test_single_order_calls(fake_time):
    responses.post(f"{API}/orders/createorder", json={"orderId": 5, "orderKey": "inksoft:5"})
    responses.get(f"{API}/orders/5", json={"orderId": 5})
    client = client_for(fake_time)
    assert client.create_order({"orderKey": "inksoft:5"})["orderId"] == 5
    assert client.get_order(5) == {"orderId": 5}


@responses.activate
def test_iter_orders_pages_and_converts_filters(fake_time):
    responses.get(f"{API}/orders", json={"orders": [{"orderId": 1}, {"orderId": 2}], "total": 3, "page": 1,
                                         "pages": 2})
    responses.get(f"{API}/orders", json={"orders": [{"orderId": 2}, {"orderId": 3}], "total": 3, "page": 2,
                                         "pages": 2})
    got = list(client_for(fake_time).iter_orders(modifyDateStart=datetime(2026, 7, 1, 19, 0, tzinfo=UTC),
                                                 orderStatus="awaiting_shipment", storeId=None))
    assert [o["orderId"] for o in got] == [1, 2, 3]
    sent = [query(call) for call in responses.calls]
    assert [s["page"] for s in sent] == ["1", "2"]
    assert sent[0] == {"modifyDateStart": "2026-07-01 12:00:00", "orderStatus": "awaiting_shipment",
                       "pageSize": "500", "page": "1"}


@responses.activate
def test_iter_shipments_pages_zero_quirk(fake_time):
    responses.get(f"{API}/shipments", json={"shipments": [{"shipmentId": 7}, {"shipmentId": 8}], "total": 2,
                                            "page": 1, "pages": 0})
    got = list(client_for(fake_time).iter_shipments(create_date_start=datetime(2026, 1, 15, 8, tzinfo=UTC)))
    assert [s["shipmentId"] for s in got] == [7, 8]
    assert len(responses.calls) == 1
    assert query(responses.calls[0]) == {"includeShipmentItems": "true", "pageSize": "500", "page": "1",
                                         "createDateStart": "2026-01-15 00:00:00"}


@responses.activate
def test_iter_shipments_empty_and_item_flag(fake_time):
    responses.get(f"{API}/shipments", json={"shipments": [], "total": 0, "page": 1, "pages": 3})
    assert list(client_for(fake_time, page_size=100).iter_shipments(include_items=False)) == []
    assert query(responses.calls[0]) == {"includeShipmentItems": "false", "pageSize": "100", "page": "1"}


@responses.activate
def test_paging_answer_without_list_is_malformed(fake_time):
    responses.get(f"{API}/shipments", json={"Message": "odd"})
    with pytest.raises(MalformedResponse):
        list(ShipStationClient(ShipStationConfig(api_key=KEY, api_secret=SECRET), max_attempts=1,
                               sleep=fake_time.sleep, clock=fake_time.clock).iter_shipments())


def test_list_filters_must_be_single_values(fake_time):
    with pytest.raises(RequestRejected):
        list(client_for(fake_time).iter_orders(orderStatus=["shipped"]))


@responses.activate
def test_default_client_side_limit_is_40_a_minute(fake_time):
    responses.get(f"{API}/carriers", json=[{"code": "stamps_com"}])
    client = client_for(fake_time)
    for _ in range(41):
        client.list_carriers()
    assert fake_time.waits == [60.0] and client.http.calls == 41
    unlimited = client_for(fake_time, requests_per_minute=0)
    assert unlimited.http.limiter is None


@responses.activate
def test_429_waits_the_reset_then_succeeds(fake_time):
    responses.get(f"{API}/stores", status=429, json={"message": "Too Many Requests"},
                  headers={"X-Rate-Limit-Limit": "40", "X-Rate-Limit-Remaining": "0",
                           "X-Rate-Limit-Reset": "23"})
    responses.get(f"{API}/stores", json=[{"storeId": 310001}])
    assert client_for(fake_time).list_stores() == [{"storeId": 310001}]
    assert fake_time.waits == [23.0]


@responses.activate
def test_stores_and_webhooks(fake_time):
    responses.get(f"{API}/stores/310001", json={"storeId": 310001, "statusMappings": []})
    responses.get(f"{API}/webhooks", json={"webhooks": [{"WebHookID": 9, "HookType": "SHIP_NOTIFY"}]})
    responses.post(f"{API}/webhooks/subscribe", json={"id": 10})
    responses.delete(f"{API}/webhooks/10", body="")
    client = client_for(fake_time)
    assert client.get_store(310001)["storeId"] == 310001
    assert client.list_webhooks() == [{"WebHookID": 9, "HookType": "SHIP_NOTIFY"}]
    target = "https://hooks.example.com/webhooks/shipstation/t"
    assert client.subscribe_webhook(target, "SHIP_NOTIFY", 310001) == 10
    assert json.loads(responses.calls[2].request.body) == {
        "target_url": "https://hooks.example.com/webhooks/shipstation/t", "event": "SHIP_NOTIFY",
        "store_id": 310001, "friendly_name": "inkship"}
    client.unsubscribe_webhook(10)
    assert responses.calls[3].request.method == "DELETE"


@responses.activate
def test_fetch_resource_gets_the_url_exactly_when_told_to(fake_time):
    url = "https://ssapi11.shipstation.com/shipments?storeID=310001&batchId=88&includeShipmentItems=False"
    responses.get(url, json={"shipments": [{"shipmentId": 1}], "total": 1, "page": 1, "pages": 1})
    client = client_for(fake_time, resource_url_items=False)
    assert client.fetch_resource(url)["shipments"] == [{"shipmentId": 1}]
    assert responses.calls[0].request.url == url
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


@responses.activate
def test_fetch_resource_asks_a_ship_batch_for_its_items_and_changes_nothing_else(fake_time):
    url = "https://ssapi11.shipstation.com/shipments?storeID=310001&batchId=88&includeShipmentItems=False"
    asked = url.removesuffix("False") + "True"
    responses.get(asked, json={"shipments": [], "total": 0, "page": 1, "pages": 0})
    client_for(fake_time).fetch_resource(url)
    assert responses.calls[0].request.url == asked


@pytest.mark.parametrize("url", [
    "https://ssapi.shipstation.com/shipments?batchId=1",
    "https://SSAPI3.shipstation.com/orders?storeID=1&importBatch=abc",
    "https://ssapi.shipstation.com:443/shipments",
])
def test_resource_urls_allowed_for_the_real_service(fake_time, url):
    client_for(fake_time).check_resource_url(url)


@pytest.mark.parametrize("url", [
    "https://ssapi.shipstation.com.evil.com/shipments",
    "https://ssapi.shipstation.com@evil.com/shipments",
    "https://user:pw@ssapi.shipstation.com/shipments",
    "http://ssapi.shipstation.com/shipments",
    "https://ssapi.shipstation.com:8443/shipments",
    "https://evil.com/ssapi.shipstation.com/shipments",
    "https://ssapiX.shipstation.com/shipments",
    "https://ssapi1.shipstation.com.evil.com/x",
    "https://shipstation.com/shipments",
    "https://ssapi.shipstation.com\\@evil.com/shipments",
    "https://ssapi.shipstation.com /shipments",
    "https://ssapi.shipstation.com:99999/shipments",
    "//ssapi.shipstation.com/shipments",
    "file:///etc/passwd",
    "ftp://ssapi.shipstation.com/shipments",
    "",
])
@responses.activate
def test_unsafe_resource_urls_are_never_fetched(fake_time, url, caplog):
    with caplog.at_level(logging.DEBUG), pytest.raises(UnsafeResourceUrl) as excinfo:
        client_for(fake_time).fetch_resource(url)
    assert len(responses.calls) == 0
    assert SECRET not in str(excinfo.value) and SECRET not in caplog.text


@pytest.mark.parametrize(("url", "allowed"), [
    ("http://127.0.0.1:5001/ss/shipments?batchId=1", True),
    ("http://127.0.0.1:5002/ss/shipments", False),
    ("http://127.0.0.1:5001/other/shipments", False),
    ("http://ssapi2.shipstation.com/ss/shipments", False),
])
def test_resource_urls_for_a_configured_simulator(fake_time, url, allowed):
    client = client_for(fake_time, base_url="http://127.0.0.1:5001/ss")
    if allowed:
        client.check_resource_url(url)
    else:
        with pytest.raises(UnsafeResourceUrl):
            client.check_resource_url(url)


@responses.activate
def test_secrets_absent_from_logs_and_errors(fake_time, caplog):
    responses.get(f"{API}/orders/1", status=401, json={"message": "Invalid API credentials"})
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as excinfo:
        client_for(fake_time).get_order(1)
    assert "Invalid API credentials" in str(excinfo.value)
    for secret in (KEY, SECRET, base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()):
        assert secret not in caplog.text and secret not in str(excinfo.value)

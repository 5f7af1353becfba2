"""InkSoft API 2 client: auth (API key, SignIn, re-sign), envelope quirks, paging, batch reads, write-back."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.config import InkSoftConfig
from inkship.connector.errors import (
    AuthError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RequestRejected,
    ServerError,
)

from tests.connector.test_http import FakeTime

STORE = "https://stores.inksoft.com/Devo_Designs"
API = f"{STORE}/Api2"
KEY = "ink-api-key-Q7w2e9"
PASSWORD = "pub-password-X1y2"
TOKEN = "5d9c2a7e-session-token-0b1f"


@dataclass
class Shipment:
    """Stand-in with the fields of connector.mapping.shipments.InkSoftShipment (the contract)."""

    tracking_number: str = "9400111899223197428490"
    carrier: str = "USPS"
    service: str = "USPS Priority Mail"
    ship_date: date = date(2026, 10, 5)
    items: list = field(default_factory=lambda: [("a1d3e0c4-5b6f-4f1e-8c2a-0b9d7e6f5a41", 2), (120455, 1)])
    mark_completed: bool = True
    notify_customer: bool = False


def envelope(data, pagination=None, ok=True, messages=(), status_code="OK"):
    return {"OK": ok, "StatusCode": status_code, "Data": data, "Pagination": pagination,
            "Messages": list(messages)}


def client_for(fake_time: FakeTime, **config) -> InkSoftClient:
    config.setdefault("api_key", KEY)
    return InkSoftClient(InkSoftConfig(base_url=STORE, **config), sleep=fake_time.sleep,
                         clock=fake_time.clock, rng=lambda: 0.5, max_attempts=3)


def login_client(fake_time: FakeTime, **config) -> InkSoftClient:
    return client_for(fake_time, api_key=None, username="fulfil@example.com", password=PASSWORD,
                      publisher_id="4242", **config)


def query(call) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


def form(call) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


@pytest.fixture
def fake_time():
    return FakeTime()


@responses.activate
def test_get_order_with_api_key(fake_time):
    responses.get(f"{API}/GetOrder", json=envelope({"ID": 58231, "UniqueId": "u-1"}))
    order = client_for(fake_time).get_order(58231)
    assert order == {"ID": 58231, "UniqueId": "u-1"}
    sent = query(responses.calls[0])
    assert sent == {"OrderId": "58231", "IncludeProductionCards": "true", "ApiKey": KEY, "Format": "JSON"}


@responses.activate
def test_sign_in_then_session_token_and_resign_once_on_401(fake_time, caplog):
    responses.post(f"{API}/SignIn", json=envelope({"Token": TOKEN}))
    responses.get(f"{API}/GetOrder", json=envelope({"ID": 1}))
    responses.get(f"{API}/GetOrder", status=401, json=envelope(False, ok=False, messages=[
        {"Content": "Session expired", "Title": None, "Severity": "Error"}]))
    responses.post(f"{API}/SignIn", json=envelope({"Token": TOKEN + "-2"}))
    responses.get(f"{API}/GetOrder", json=envelope({"ID": 2}))
    client = login_client(fake_time)
    with caplog.at_level(logging.DEBUG):
        assert client.get_order(1) == {"ID": 1}
        assert client.get_order(2) == {"ID": 2}
    calls = [(c.request.method, urlsplit(c.request.url).path.rsplit("/", 1)[1]) for c in responses.calls]
    assert calls == [("POST", "SignIn"), ("GET", "GetOrder"), ("GET", "GetOrder"), ("POST", "SignIn"),
                     ("GET", "GetOrder")]
    assert form(responses.calls[0]) == {"Username": "fulfil@example.com", "Password": PASSWORD,
                                        "PublisherId": "4242", "Format": "JSON"}
    assert query(responses.calls[1])["SessionToken"] == TOKEN
    assert query(responses.calls[4])["SessionToken"] == TOKEN + "-2"
    assert all(secret not in caplog.text for secret in (TOKEN, PASSWORD))


@responses.activate
def test_second_401_is_raised(fake_time):
    responses.post(f"{API}/SignIn", json=envelope({"Token": TOKEN}))
    responses.get(f"{API}/GetOrder", status=401, json=envelope(False, ok=False))
    with pytest.raises(AuthError):
        login_client(fake_time).get_order(1)
    assert [urlsplit(c.request.url).path.rsplit("/", 1)[1] for c in responses.calls] == [
        "SignIn", "GetOrder", "SignIn", "GetOrder"]


@responses.activate
def test_api_key_401_is_not_retried(fake_time):
    responses.get(f"{API}/GetOrder", status=401, json=envelope(False, ok=False, messages=[
        {"Content": "Invalid API key"}]))
    with pytest.raises(AuthError, match="Invalid API key") as excinfo:
        client_for(fake_time).get_order(1)
    assert len(responses.calls) == 1 and KEY not in str(excinfo.value)


@responses.activate
def test_sign_in_403_names_the_permission(fake_time):
    responses.post(f"{API}/SignIn", status=403, json=envelope(False, ok=False, messages=[
        {"Content": "User lacks FulfillmentStoreAdmin"}]))
    with pytest.raises(PermissionDenied, match="Fulfillment Store Admin permission") as excinfo:
        login_client(fake_time).check_access()
    assert PASSWORD not in str(excinfo.value)


@responses.activate
def test_sign_in_without_token_is_malformed(fake_time):
    responses.post(f"{API}/SignIn", json=envelope({"Nothing": 1}))
    with pytest.raises(MalformedResponse, match="Token"):
        login_client(fake_time).sign_in()


@responses.activate
def test_check_access_reports_the_store(fake_time):
    responses.get(f"{API}/GetStoreData", json=envelope({"Name": "Devo Designs", "StoreId": 12}))
    access = client_for(fake_time, publisher_id="4242").check_access()
    assert access == {"base_url": STORE, "auth": "api_key", "store_name": "Devo Designs", "store_id": 12,
                      "store_uri": None, "publisher_id": "4242"}


def summaries(*ids):
    return [{"ID": order_id, "ProductionStatus": "Ready to Ship"} for order_id in ids]


@responses.activate
def test_summaries_page_by_index_until_total(fake_time):
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(1, 2), {
        "TotalResults": 5, "IncludedResults": 2, "Index": 0}))
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(2, 3), {
        "TotalResults": 5, "IncludedResults": 2, "Index": 2}))  # 2 again: paging drift
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(5), {
        "TotalResults": 5, "IncludedResults": 1, "Index": 4}))
    start, end = datetime(2026, 10, 1, 12, 30, tzinfo=UTC), datetime(2026, 10, 2, tzinfo=UTC)
    got = list(client_for(fake_time, page_size=2).iter_order_summaries(start, end))
    assert [s["ID"] for s in got] == [1, 2, 3, 5]
    sent = [query(call) for call in responses.calls]
    assert [s["Index"] for s in sent] == ["0", "2", "4"]
    assert sent[0]["MaxResults"] == "2" and sent[0]["OrderBy"] == "ID"
    assert sent[0]["OrderByDirection"] == "Ascending" and sent[0]["Format"] == "JSON"
    assert json.loads(sent[0]["DateModifiedRange"]) == {
        "UtcOffsetHours": 0, "Begin": "2026-10-01T12:30:00.000Z", "End": "2026-10-02T00:00:00.000Z"}


@responses.activate
def test_summaries_data_false_and_null_pagination(fake_time):
    responses.get(f"{API}/GetOrderSummaries", json=envelope(False, None))
    since = datetime(2026, 1, 1, tzinfo=UTC)
    assert list(client_for(fake_time).iter_order_summaries(since)) == []
    assert len(responses.calls) == 1
    assert "End" not in json.loads(query(responses.calls[0])["DateModifiedRange"])


@responses.activate
def test_summaries_without_pagination_stop_on_a_short_page(fake_time):
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(1, 2), None))
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(3), None))
    since = datetime(2026, 1, 1, tzinfo=UTC)
    assert [s["ID"] for s in client_for(fake_time, page_size=2).iter_order_summaries(since)] == [1, 2, 3]
    assert [query(c)["Index"] for c in responses.calls] == ["0", "2"]


@responses.activate
def test_summaries_tell_the_first_pages_count_once_before_its_summaries(fake_time):
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(1, 2), {
        "TotalResults": 3, "IncludedResults": 2, "Index": 0}))
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(3), {
        "TotalResults": 4, "IncludedResults": 1, "Index": 2}))
    told = []
    listed = client_for(fake_time, page_size=2).iter_order_summaries(
        datetime(2026, 1, 1, tzinfo=UTC), on_total=lambda total: told.append(total))

    assert next(listed)["ID"] == 1 and told == [3]  # told before the first summary is handed out
    assert [s["ID"] for s in listed] == [2, 3] and told == [3]


@responses.activate
def test_summaries_without_pagination_tell_no_count(fake_time):
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(1), None))
    told = []
    summaries_read = client_for(fake_time, page_size=2).iter_order_summaries(
        datetime(2026, 1, 1, tzinfo=UTC), on_total=told.append)

    assert [s["ID"] for s in summaries_read] == [1] and told == [None]


@responses.activate
def test_summaries_stop_on_zero_included(fake_time):
    responses.get(f"{API}/GetOrderSummaries", json=envelope([], {
        "TotalResults": 9, "IncludedResults": 0, "Index": 0}))
    assert list(client_for(fake_time).iter_order_summaries(datetime(2026, 1, 1, tzinfo=UTC))) == []
    assert len(responses.calls) == 1


@responses.activate
def test_summaries_stop_when_the_server_ignores_index(fake_time):
    responses.get(f"{API}/GetOrderSummaries", json=envelope(summaries(1, 2), {
        "TotalResults": 100, "IncludedResults": 2, "Index": 0}))
    got = list(client_for(fake_time, page_size=2).iter_order_summaries(datetime(2026, 1, 1, tzinfo=UTC)))
    assert [s["ID"] for s in got] == [1, 2]
    assert len(responses.calls) == 2


@responses.activate
def test_camel_case_envelope_and_serverity_spelling(fake_time):
    responses.get(f"{API}/GetOrderSummaries", json={
        "ok": True, "data": summaries(7), "pagination": {"totalResults": 1, "includedResults": 1, "index": 0},
        "messages": []})
    responses.get(f"{API}/GetOrder", json={"OK": False, "StatusCode": "BadRequest", "Data": False,
                                           "Messages": [{"Content": "Bad OrderId", "Serverity": "Error"}]})
    client = client_for(fake_time)
    assert [s["ID"] for s in client.iter_order_summaries(datetime(2026, 1, 1, tzinfo=UTC))] == [7]
    with pytest.raises(RequestRejected, match="Error: Bad OrderId"):
        client.get_order(0)


@responses.activate
def test_ok_false_by_status_code_and_http_status(fake_time):
    responses.get(f"{API}/GetOrder", json=envelope(False, ok=False, status_code="NotFound"))
    responses.get(f"{API}/GetOrder", status=404, json=envelope(False, ok=False, status_code="NotFound",
                                                               messages=[{"Content": "Order 9 not found"}]))
    client = client_for(fake_time)
    with pytest.raises(NotFound):
        client.get_order(9)
    with pytest.raises(NotFound, match="Order 9 not found"):
        client.get_order(9)


@responses.activate
def test_non_envelope_answer_is_malformed_and_retried(fake_time):
    responses.get(f"{API}/GetOrder", json=[1, 2])
    responses.get(f"{API}/GetOrder", json=envelope({"ID": 3}))
    assert client_for(fake_time).get_order(3) == {"ID": 3}
    assert len(responses.calls) == 2


@responses.activate
def test_get_orders_batches_and_accepts_object_or_array(fake_time):
    responses.get(f"{API}/GetOrderPackage", json=envelope([{"ID": 2}, {"ID": 1}]))
    responses.get(f"{API}/GetOrderPackage", json=envelope({"ID": 3}))
    orders = client_for(fake_time, page_size=2).get_orders([1, 2, 3])
    assert [o["ID"] for o in orders] == [1, 2, 3]
    sent = [query(call) for call in responses.calls]
    assert [s["OrderIds"] for s in sent] == ["[1,2]", "[3]"]
    assert sent[0]["IncludeProductionCards"] == "true"


@responses.activate
def test_get_orders_reads_left_out_ids_alone_and_skips_gone_ones(fake_time):
    responses.get(f"{API}/GetOrderPackage", json=envelope([{"ID": 1}]))
    responses.get(f"{API}/GetOrder", json=envelope({"ID": 2}))
    responses.get(f"{API}/GetOrder", status=404, json=envelope(False, ok=False, status_code="NotFound"))
    assert [o["ID"] for o in client_for(fake_time).get_orders([1, 2, 3])] == [1, 2]


@responses.activate
def test_get_orders_without_batch_read(fake_time):
    responses.get(f"{API}/GetOrder", json=envelope({"ID": 4}))
    responses.get(f"{API}/GetOrder", json=envelope({"ID": 5}))
    assert [o["ID"] for o in client_for(fake_time, batch_read=False).get_orders([4, 5])] == [4, 5]
    assert [query(c)["OrderId"] for c in responses.calls] == ["4", "5"]


@responses.activate
def test_create_order_shipment_with_details(fake_time):
    responses.post(f"{API}/CreateOrderShipments", json=envelope(True))
    order = {"ID": 58231, "UniqueId": "3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10"}
    client_for(fake_time).create_order_shipment(order, Shipment())
    sent = form(responses.calls[0])
    assert json.loads(sent.pop("Items")) == [
        {"ItemGuid": "a1d3e0c4-5b6f-4f1e-8c2a-0b9d7e6f5a41", "Quantity": 2},
        {"OrderRetailItemSizeId": 120455, "Quantity": 1}]
    assert sent == {"OrderIds": '["3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10"]',
                    "TrackingNumber": "9400111899223197428490", "MarkOrderAsCompleted": "true",
                    "NotifyCustomer": "false", "CarrierName": "USPS",
                    "ShippingServiceType": "USPS Priority Mail", "ShippedDate": "2026-10-05",
                    "ApiKey": KEY, "Format": "JSON"}
    assert responses.calls[0].request.headers["Content-Type"] == "application/x-www-form-urlencoded"


@responses.activate
def test_create_order_shipment_minimal_by_integer_id(fake_time):
    responses.post(f"{API}/CreateOrderShipments", json=envelope(True))
    client_for(fake_time, send_shipment_details=False).create_order_shipment({"ID": 7}, Shipment(
        mark_completed=False, notify_customer=True))
    assert form(responses.calls[0]) == {"OrderIds": "[7]", "TrackingNumber": "9400111899223197428490",
                                        "MarkOrderAsCompleted": "false", "NotifyCustomer": "true",
                                        "ApiKey": KEY, "Format": "JSON"}


@responses.activate
def test_create_order_shipment_surfaces_unknown_outcomes(fake_time):
    responses.post(f"{API}/CreateOrderShipments", status=500, json=envelope(False, ok=False))
    with pytest.raises(ServerError):
        client_for(fake_time).create_order_shipment({"ID": 7}, Shipment())
    assert len(responses.calls) == 1


@responses.activate
def test_create_order_shipment_retry_true_and_unconfirmed(fake_time):
    responses.post(f"{API}/CreateOrderShipments", status=502, body="bad gateway")
    unconfirmed = envelope(False, messages=[{"Content": "nothing done"}])
    responses.post(f"{API}/CreateOrderShipments", json=unconfirmed)
    with pytest.raises(RequestRejected, match="nothing done"):
        client_for(fake_time).create_order_shipment({"ID": 7}, Shipment(), retry=True)
    assert len(responses.calls) == 2

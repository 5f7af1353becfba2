"""The ShipStation simulator's Custom Store: pulling a store's export on refresh (paging, windows, lenient
validation, status mapping, ShipStation's error wording) and posting ship notices (with fault rules)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests
from defusedxml.ElementTree import fromstring
from flask import Flask, Response, request
from inkship.simulators.clock import SimClock
from inkship.simulators.shipstation.app import create_app
from inkship.simulators.shipstation.customstore import parse_store_date, status_mapping
from inkship.simulators.shipstation.state import Notification
from inkship.simulators.transport import mount_app

from tests.e2e.conftest import CREDENTIALS, T0

STORE_URL = "http://store.sim/shipstation"
STORE_ID = 310200
AUTH = (CREDENTIALS.shipstation_api_key, CREDENTIALS.shipstation_api_secret)
GOOD_ITEMS = ("<Items><Item><LineItemID>L1</LineItemID><SKU>TEE</SKU><Name>Tee</Name><Quantity>500</Quantity>"
              "<UnitPrice>4.50</UnitPrice></Item></Items>")


def order_xml(number: str, status: str = "paid", *, date: str = "11/02/2026 15:30", country: str = "US",
              items: str = GOOD_ITEMS, extra: str = "") -> str:
    """An export Order; element order shuffled on purpose (the XSD uses xs:all)."""
    return (f"<Order>{extra}<OrderNumber>{number}</OrderNumber><OrderID>key-{number}</OrderID>"
            f"<OrderStatus><![CDATA[{status}]]></OrderStatus><LastModified>{date}</LastModified>"
            f"<OrderDate>{date}</OrderDate><OrderTotal>2256.50</OrderTotal><ShippingAmount>6.50</ShippingAmount>"
            "<Customer><CustomerCode>c@example.com</CustomerCode><BillTo><Name>Buyer</Name>"
            f"<Email>c@example.com</Email></BillTo><ShipTo><Country>{country}</Country><Name>Buyer</Name>"
            "<Address1>1 Main St</Address1><City>Austin</City><State>TX</State><PostalCode>78701</PostalCode>"
            f"</ShipTo></Customer>{items}</Order>")


class FakeStore:
    """A store endpoint serving canned export pages; records what ShipStation asked for."""

    def __init__(self) -> None:
        self.pages: list[str] = ['<?xml version="1.0" encoding="utf-8"?><Orders pages="0"/>']
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        self.notices: list[dict[str, Any]] = []
        self.app = Flask("store")
        self.app.add_url_rule("/shipstation", "store", self.handle, methods=["GET", "POST"])

    def handle(self) -> Response:
        entry = {"args": request.args.to_dict(), "auth": request.headers.get("Authorization"),
                 "body": request.get_data()}
        if request.args.get("action") == "shipnotify":
            self.notices.append(entry)
            return Response("success", status=self.status)
        self.requests.append(entry)
        page = int(request.args.get("page", "1"))
        return Response(self.pages[page - 1], status=self.status, content_type="application/xml")


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def sim(store: FakeStore) -> Any:
    session = requests.Session()
    mount_app(session, "http://store.sim", store.app)
    app = create_app({"clock": SimClock(frozen_at=T0), "credentials": CREDENTIALS, "rate_limit": None,
                      "webhook_session": session})
    app.extensions["inkship_sim"].state.seed({"stores": [{
        "storeId": STORE_ID, "storeName": "Shop", "marketplaceName": "Custom Store",
        "integrationUrl": STORE_URL,
        "credentials": {"username": "ss-user", "password": "ss-pass"},
        "statusMappings": [{"orderStatus": "awaiting_shipment", "statusKey": "paid, Ready to Ship"},
                           {"orderStatus": "shipped", "statusKey": "complete"},
                           {"orderStatus": "cancelled", "statusKey": "canceled"}]}]})
    yield app
    session.close()


def refresh(sim: Any, **params: Any) -> dict[str, Any]:
    client = sim.test_client()
    response = client.post("/stores/refreshstore", query_string={"storeId": STORE_ID, **params},
                           headers=_basic(*AUTH))
    assert response.status_code == 200
    status = client.get("/stores/getrefreshstatus", query_string={"storeId": STORE_ID}, headers=_basic(*AUTH))
    return status.json


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def orders(sim: Any) -> dict[str, dict[str, Any]]:
    response = sim.test_client().get("/orders", query_string={"storeId": STORE_ID, "pageSize": 500},
                                     headers=_basic(*AUTH))
    return {order["orderKey"]: order for order in response.json["orders"]}


def document(*orders_xml: str, pages: int = 1) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><Orders pages="{pages}">{"".join(orders_xml)}</Orders>'


def test_refresh_walks_every_page_with_the_window_and_basic_auth(sim, store):
    store.pages = [document(order_xml("1"), pages=3), document(order_xml("2"), pages=3),
                   document(order_xml("3"), pages=3)]
    status = refresh(sim, refreshDate="2026-11-02 06:00:00")  # Pacific: 14:00 UTC
    assert status["refreshStatus"] == "Completed"
    assert [r["args"]["page"] for r in store.requests] == ["1", "2", "3"]
    assert store.requests[0]["args"] | {"page": "1"} == {
        "action": "export", "start_date": "11/02/2026 14:00", "end_date": "11/02/2026 16:00", "page": "1"}
    assert store.requests[0]["auth"] == _basic("ss-user", "ss-pass")["Authorization"]
    assert set(orders(sim)) == {"key-1", "key-2", "key-3"}


def test_next_refresh_starts_at_the_last_refresh_date(sim, store):
    refresh(sim)
    sim.extensions["inkship_sim"].clock.advance(3600)
    refresh(sim)
    assert store.requests[-1]["args"]["start_date"] == "11/02/2026 16:00"
    assert store.requests[-1]["args"]["end_date"] == "11/02/2026 17:00"


def test_imported_orders_carry_the_export_fields(sim, store):
    store.pages = [document(order_xml("7", extra="<Gift>true</Gift><GiftMessage>Happy day</GiftMessage>"
                                              "<CustomField1>team</CustomField1><CurrencyCode>USD</CurrencyCode>"))]
    refresh(sim)
    order = orders(sim)["key-7"]
    assert order["orderNumber"] == "7" and order["orderStatus"] == "awaiting_shipment"
    assert order["orderDate"] == "2026-11-02T07:30:00.0000000"  # 15:30 UTC in Pacific
    assert order["shipTo"]["city"] == "Austin" and order["customerEmail"] == "c@example.com"
    assert order["gift"] is True and order["giftMessage"] == "Happy day"
    assert order["advancedOptions"]["customField1"] == "team"
    assert order["advancedOptions"]["storeId"] == STORE_ID
    [item] = order["items"]
    assert (item["lineItemKey"], item["quantity"], item["unitPrice"]) == ("L1", 500, 4.5)  # not xs:byte


def test_status_mapping_takes_comma_separated_boxes_and_skips_the_unmapped(sim, store):
    store.pages = [document(order_xml("1", "paid"), order_xml("2", " ready to ship "),
                            order_xml("3", "complete"), order_xml("4", "on hold somewhere"))]
    refresh(sim)
    assert {k: o["orderStatus"] for k, o in orders(sim).items()} == {
        "key-1": "awaiting_shipment", "key-2": "awaiting_shipment", "key-3": "shipped"}
    assert status_mapping({"statusMappings": [{"orderStatus": "on_hold", "statusKey": "A,B , ,C"}]}) == {
        "a": "on_hold", "b": "on_hold", "c": "on_hold"}


def test_existing_orders_are_updated_by_order_id(sim, store):
    store.pages = [document(order_xml("1", "paid"))]
    refresh(sim)
    first = orders(sim)["key-1"]
    store.pages = [document(order_xml("1", "canceled"))]
    refresh(sim)
    again = orders(sim)
    assert list(again) == ["key-1"] and again["key-1"]["orderId"] == first["orderId"]
    assert again["key-1"]["orderStatus"] == "cancelled"


def test_lenient_validation_accepts_what_real_stores_send(sim, store):
    namespaced = document(order_xml("1", date="12/8/2011 21:56 PM")).replace(
        "<Orders ", '<Orders xmlns="http://example.com/XMLSchema/1.0" ')
    store.pages = [namespaced]
    assert refresh(sim)["refreshStatus"] == "Completed"
    assert orders(sim)["key-1"]["orderDate"] == "2011-12-08T13:56:00.0000000"


def test_address_without_a_state_is_accepted(sim, store):
    # Found by the transports property: the mapping rightly exports no state outside the US and Canada.
    store.pages = [document(order_xml("5", country="GB").replace("<State>TX</State>", "<State></State>"))]
    assert refresh(sim)["refreshStatus"] == "Completed"
    assert orders(sim)["key-5"]["shipTo"]["state"] is None


@pytest.mark.parametrize("text, expected", [("12/8/2011 21:56 PM", (2011, 12, 8, 21, 56)),
                                            ("1/2/26 3:05 PM", (2026, 1, 2, 15, 5)),
                                            ("01/02/2026 12:00 AM", (2026, 1, 2, 0, 0)),
                                            ("01/02/2026 00:00:59", (2026, 1, 2, 0, 0))])
def test_store_dates_are_parsed_like_the_xsd_allows(text, expected):
    assert parse_store_date(text).timetuple()[:5] == expected


def test_invalid_order_is_left_out_and_reported(sim, store):
    store.pages = [document(order_xml("1"), order_xml("2", country="United States"),
                            order_xml("3", items=""), order_xml("4", date="sometime"),
                            order_xml("6", extra="<TaxAmount>NaN</TaxAmount>"))]
    status = refresh(sim)
    assert list(orders(sim)) == ["key-1"]
    assert "Order 2: ShipTo/Country must be a 2-letter code" in status["refreshStatus"]
    assert "Order 3: Items is required" in status["refreshStatus"]
    assert "Order 4: OrderDate 'sometime' is not a date" in status["refreshStatus"]
    assert "Order 6: TaxAmount 'NaN' is not a number" in status["refreshStatus"]


@pytest.mark.parametrize("body, message", [
    ("", "Invalid XML. Error: 'Root element is missing.' We received: ''"),
    ("   \n", "Invalid XML. Error: 'Root element is missing.' We received: '   \n'"),
    ("No orders found", "Invalid XML. Error: 'Data at the root level is invalid. Line 1, position 1.' "
                        "We received: 'No orders found'"),
    ("<html><body>Oops</body>", "Invalid XML. Error: 'no element found: line 1, column 23' "
                                "We received: '<html><body>Oops</body>'"),
    ("<Order/>", "Invalid XML. Error: 'The root element is 'Order', expected 'Orders'.' "
                 "We received: '<Order/>'"),
], ids=["empty", "whitespace", "text", "html", "wrong-root"])
def test_bodies_that_are_not_an_export_are_store_errors_in_shipstations_words(sim, store, body, message):
    store.pages = [body]
    status = refresh(sim)
    assert status["refreshStatus"] == message and status["refreshStatusId"] == 3
    store_view = sim.test_client().get(f"/stores/{STORE_ID}", headers=_basic(*AUTH)).json
    assert store_view["lastRefreshError"] == message


def test_http_errors_are_store_errors_and_the_window_is_kept(sim, store):
    store.status = 401
    status = refresh(sim, refreshDate="2026-11-02 06:00:00")
    assert status["refreshStatus"] == "(401) Unauthorized"
    assert status["refreshDate"] == "2026-11-02T06:00:00.0000000"  # the next refresh retries the window
    store.status = 200
    assert refresh(sim)["refreshStatus"] == "Completed"
    assert store.requests[-1]["args"]["start_date"] == "11/02/2026 14:00"


def test_unreachable_store_is_a_store_error(sim):
    state = sim.extensions["inkship_sim"].state
    state.seed({"stores": [{"storeId": STORE_ID, "integrationUrl": "http://nowhere.invalid/x"}]})
    assert refresh(sim)["refreshStatus"] == "Unable to connect to the remote server"


# ---------------------------------------------------------------- ship notices

@pytest.fixture
def shipped_order(sim, store):
    store.pages = [document(order_xml("9"))]
    refresh(sim)
    return orders(sim)["key-9"]


def create_label(sim: Any, order: dict[str, Any], **spec: Any) -> list[dict[str, Any]]:
    response = sim.test_client().post("/__sim/labels", json={"orderIds": [order["orderId"]], **spec})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["shipments"]


def test_label_posts_a_ship_notice_to_the_store(sim, store, shipped_order):
    [shipment] = create_label(sim, shipped_order, carrierCode="ups_walleted", serviceCode="ups_ground")
    [notice] = store.notices
    assert notice["auth"] == _basic("ss-user", "ss-pass")["Authorization"]
    assert notice["args"] == {"action": "shipnotify", "order_number": "9", "carrier": "UPS",
                              "service": "UPS® Ground", "tracking_number": shipment["trackingNumber"]}
    root = fromstring(notice["body"])
    assert (root.findtext("OrderID"), root.findtext("TrackingNumber"), root.findtext("ShipDate")) == (
        "key-9", shipment["trackingNumber"], "11/02/2026")
    assert [(i.findtext("LineItemID"), i.findtext("Quantity"))
            for i in root.findall("Items/Item")] == [("L1", "500")]
    listed = sim.test_client().get("/shipments", headers=_basic(*AUTH)).json["shipments"]
    assert listed[0]["marketplaceNotified"] is True


def test_split_labels_send_only_their_items(sim, store, shipped_order):
    create_label(sim, shipped_order, items=[{"lineItemKey": "L1", "quantity": 200}])
    create_label(sim, shipped_order, items=[{"lineItemKey": "L1", "quantity": 300}])
    quantities = [fromstring(n["body"]).findtext("Items/Item/Quantity") for n in store.notices]
    assert quantities == ["200", "300"]


@pytest.mark.parametrize("action, count, empty", [("duplicate_webhook", 2, False), ("empty_webhook", 1, True),
                                                  ("drop_webhook", 0, None)])
def test_fault_rules_duplicate_empty_or_drop_the_notice(sim, store, shipped_order, action, count, empty):
    sim.test_client().post("/__sim/faults", json={"id": "n", "path": "SHIP_NOTICE", "action": action})
    create_label(sim, shipped_order)
    assert len(store.notices) == count
    if count:
        assert all((n["body"] == b"") is empty for n in store.notices)
        assert all(n["args"]["tracking_number"] for n in store.notices)


def test_notice_fault_rules_apply_to_a_notice_sent_outside_any_request(sim, store, shipped_order):
    simulator = sim.extensions["inkship_sim"]
    [shipment] = create_label(sim, shipped_order)
    simulator.faults.add({"id": "twice", "path": "SHIP_NOTICE", "action": "duplicate_webhook"})
    # Sent again from no request at all (no app context), as a background re-send would be.
    simulator.dispatcher.dispatch([Notification("ship_notice", store_id=STORE_ID,
                                                shipment_ids=[shipment["shipmentId"]])], "http://ssapi.sim")
    assert len(store.notices) == 1 + 2


def test_a_store_refusing_the_notice_shows_on_the_shipment(sim, store, shipped_order):
    store.status = 400
    create_label(sim, shipped_order)
    listed = sim.test_client().get("/shipments", headers=_basic(*AUTH)).json["shipments"]
    assert listed[0]["marketplaceNotified"] is False
    assert "(400) Bad Request" in listed[0]["notifyErrorMessage"]

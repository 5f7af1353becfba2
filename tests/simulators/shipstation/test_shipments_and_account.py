"""Shipment lists and their filters, the pages-0 quirk, stores and refreshes, carriers, warehouses."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from inkship.simulators.clock import SimClock

from tests.simulators.shipstation.conftest import AUTH, ApiClient, create, labels


@pytest.fixture
def three_labels(api: ApiClient, clock: SimClock) -> list[dict]:
    a = create(api, number="S-1", key="s1")
    b = create(api, number="S-2", key="s2", shipTo={"name": "Grace Hopper", "country": "CA"})
    made = labels(api, orderIds=[a["orderId"]], carrierCode="fedex", shipDate="2024-03-10")["shipments"]
    clock.advance(7200)
    made += labels(api, orderIds=[b["orderId"]], carrierCode="ups_walleted", shipDate="2024-03-09")[
        "shipments"
    ]
    clock.advance(7200)
    c = create(api, number="S-3", key="s3")
    made += labels(api, orderIds=[c["orderId"]])["shipments"]
    return made


def ids(api: ApiClient, query: str) -> list[int]:
    return [s["shipmentId"] for s in api.get("/shipments" + query).json["shipments"]]


def test_shipment_filters(api: ApiClient, three_labels: list[dict]) -> None:
    a, b, c = (s["shipmentId"] for s in three_labels)
    assert ids(api, "") == [a, b, c]
    assert ids(api, "?recipientName=grace") == [b]
    assert ids(api, "?recipientCountryCode=CA") == [b]
    assert ids(api, "?orderNumber=S-1") == [a]
    assert ids(api, f"?orderId={three_labels[2]['orderId']}") == [c]
    assert ids(api, "?carrierCode=ups_walleted") == [b]
    assert ids(api, "?serviceCode=fedex_ground") == [a]
    assert ids(api, f"?trackingNumber={three_labels[2]['trackingNumber']}") == [c]
    assert ids(api, "?createDateStart=2024-03-09 05:00:00&createDateEnd=2024-03-09 06:30:00") == [b]
    assert ids(api, "?shipDateStart=2024-03-10 00:00:00") == [a]
    assert ids(api, "?storeId=310001") == [a, b, c]
    assert ids(api, f"?batchId={three_labels[1]['batchNumber']}") == [b]
    assert ids(api, "?sortBy=ShipDate&sortDir=ASC") == [b, c, a]
    assert ids(api, "?sortBy=CreateDate&sortDir=DESC") == [c, b, a]


@pytest.mark.parametrize(
    ("flag", "has_items"), [("", False), ("False", False), ("false", False), ("True", True), ("true", True)]
)
def test_include_shipment_items(api: ApiClient, three_labels: list[dict], flag: str, has_items: bool) -> None:
    query = f"?includeShipmentItems={flag}" if flag else ""
    first = api.get("/shipments" + query).json["shipments"][0]
    assert (first["shipmentItems"] is not None) is has_items


def test_include_shipment_items_rejects_other_values(api: ApiClient) -> None:
    assert api.get("/shipments?includeShipmentItems=1").status_code == 400


def test_pages_zero_quirk(make_app: Callable[..., Flask]) -> None:
    api = ApiClient(make_app(rate_limit=None, quirks={"pages_zero": True}).test_client())
    for i in range(3):
        labels(api, orderIds=[create(api, number=f"Q{i}", key=f"q{i}")["orderId"]])
    one_page = api.get("/shipments").json
    assert (one_page["total"], one_page["page"], one_page["pages"]) == (3, 1, 0)
    assert len(one_page["shipments"]) == 3  # data is there although pages says 0
    assert api.get("/shipments?pageSize=2").json["pages"] == 2


def test_fulfillments_paging_and_filters(api: ApiClient) -> None:
    for i in range(3):
        order = create(api, number=f"F{i}", key=f"f{i}")
        api.post(
            "/orders/markasshipped",
            {"orderId": order["orderId"], "carrierCode": "fedex", "trackingNumber": f"T{i}"},
        )
    page = api.get("/fulfillments?pageSize=2&sortDir=DESC").json
    assert page["total"] == 3 and page["pages"] == 2
    assert [f["trackingNumber"] for f in page["fulfillments"]] == ["T2", "T1"]
    assert api.get("/fulfillments?orderNumber=F1").json["fulfillments"][0]["trackingNumber"] == "T1"
    assert api.get("/fulfillments?recipientName=ada").json["total"] == 3


def test_stores_list_hides_status_mappings(api: ApiClient) -> None:
    api.client.post(
        "/__sim/seed",
        json={
            "stores": [
                {
                    "storeId": 320001,
                    "storeName": "InkSoft shop",
                    "marketplaceName": "Custom Store",
                    "integrationUrl": "http://connector.test/shipstation/custom-store",
                    "active": True,
                    "statusMappings": [{"orderStatus": "awaiting_shipment", "statusKey": "ReadyToShip"}],
                    "credentials": {"username": "u", "password": "p"},
                },
                {"storeId": 330001, "active": False},
            ]
        },
    )
    listed = api.get("/stores").json
    assert [s["storeId"] for s in listed] == [310001, 320001]
    assert all("statusMappings" not in s and "credentials" not in s for s in listed)
    assert [s["storeId"] for s in api.get("/stores?showInactive=true").json] == [310001, 320001, 330001]
    assert [s["storeId"] for s in api.get("/stores?marketplaceId=36").json] == [320001]
    store = api.get("/stores/320001").json
    assert store["statusMappings"] == [{"orderStatus": "awaiting_shipment", "statusKey": "ReadyToShip"}]
    assert store["integrationUrl"] == "http://connector.test/shipstation/custom-store"
    assert "credentials" not in store
    assert api.get("/stores/310001").json["statusMappings"] is None
    assert api.get("/stores/1").status_code == 404


def test_refresh_manual_store_is_recorded(api: ApiClient, clock: SimClock) -> None:
    assert api.get("/stores/getrefreshstatus?storeId=310001").json["refreshDate"] is None
    clock.advance(60)
    response = api.client.post("/stores/refreshstore?storeId=310001", headers=AUTH)
    assert response.json["success"] is True
    status = api.get("/stores/getrefreshstatus?storeId=310001").json
    assert status == {
        "storeId": 310001,
        "refreshStatusId": 2,
        "refreshStatus": "Completed",
        "lastRefreshAttempt": "2024-03-09T04:01:00.0000000",
        "refreshDate": "2024-03-09T04:01:00.0000000",
    }
    assert api.post("/stores/refreshstore", {"storeId": 1}).status_code == 404
    assert api.post("/stores/refreshstore", {"refreshDate": "later"}).status_code == 400


def test_refresh_custom_store_calls_the_hook(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def refresh(state: Any, store: dict, *, refresh_date: datetime, session: Any) -> None:
        calls.append({"store": store["storeId"], "start": refresh_date})
        state.import_orders(
            store["storeId"],
            [
                {
                    "orderNumber": "CS-1",
                    "orderKey": "cs1",
                    "orderDate": "2024-03-09 01:00:00",
                    "orderStatus": "awaiting_shipment",
                    "billTo": {"name": "B"},
                    "shipTo": {"name": "B", "country": "US"},
                }
            ],
        )

    monkeypatch.setitem(
        sys.modules,
        "inkship.simulators.shipstation.customstore",
        types.SimpleNamespace(refresh=refresh, send_ship_notice=lambda *a, **k: None),
    )
    api.client.post("/__sim/seed", json={"stores": [{"storeId": 320001, "marketplaceName": "Custom Store"}]})
    api.post("/stores/refreshstore", {"storeId": 320001, "refreshDate": "2024-03-01 00:00:00"})
    assert calls == [{"store": 320001, "start": datetime.fromisoformat("2024-03-01T08:00:00+00:00")}]
    orders = api.get("/orders?storeId=320001").json["orders"]
    assert [o["orderNumber"] for o in orders] == ["CS-1"]
    api.post("/stores/refreshstore", {})  # every active store; the custom one again, from its last refresh
    assert calls[1]["start"] == datetime.fromisoformat("2024-03-09T12:00:00+00:00")


def test_carriers_services_packages_warehouses(api: ApiClient) -> None:
    carriers = api.get("/carriers").json
    assert [c["code"] for c in carriers] == ["stamps_com", "ups_walleted", "fedex"]
    assert set(carriers[0]) == {
        "name",
        "code",
        "accountNumber",
        "requiresFundedAccount",
        "balance",
        "nickname",
        "shippingProviderId",
        "primary",
    }
    services = api.get("/carriers/listservices?carrierCode=fedex").json
    assert {
        "carrierCode": "fedex",
        "code": "fedex_ground",
        "name": "FedEx Ground®",
        "domestic": True,
        "international": False,
    } in services
    packages = api.get("/carriers/listpackages?carrierCode=ups_walleted").json
    assert [p["code"] for p in packages] == ["package", "ups_letter"]
    assert api.get("/carriers/listservices?carrierCode=pigeon").status_code == 400
    warehouse = api.get("/warehouses").json[0]
    assert warehouse["warehouseId"] == 700001 and warehouse["isDefault"] is True
    assert warehouse["originAddress"]["postalCode"] == "97201"
    assert warehouse["createDate"] == "2024-03-09T04:00:00.0000000"

"""The InkSoft simulator over real sockets: a connector-like session flow and concurrent shipments."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from inkship.simulators.server import ThreadedServer

from .conftest import CREDENTIALS, STORE, make_app

pytestmark = pytest.mark.sockets


@pytest.fixture
def server(threaded_server: Callable[[Any], ThreadedServer]) -> ThreadedServer:
    return threaded_server(make_app(seed={"orders": [{"ID": 1, "Items": [{"Quantity": 20}]},
                                                     {"ID": 2, "ShippingAddress": True}]}))


def test_sign_in_then_read_and_ship_with_the_session_token(server: ThreadedServer) -> None:
    base = f"{server.url}/{STORE}/Api2"
    with requests.Session() as http:
        signed_in = http.post(f"{base}/SignIn", data={
            "Email": CREDENTIALS.inksoft_username, "Password": CREDENTIALS.inksoft_password,
            "PublisherId": CREDENTIALS.inksoft_publisher_id, "Format": "JSON"}, timeout=5)
        token = signed_in.json()["Data"]["Token"]
        summaries = http.get(f"{base}/GetOrderSummaries", params={"SessionToken": token, "MaxResults": 1},
                             timeout=5).json()
        assert summaries["Pagination"] == {"TotalResults": 2, "IncludedResults": 1, "Index": 0}
        shipped = http.post(f"{base}/CreateOrderShipments", data={
            "SessionToken": token, "OrderIds": "[2]", "TrackingNumber": "9400"}, timeout=5)
        assert shipped.json()["Data"] is True
        orders = http.get(f"{base}/GetOrderPackage", params={"SessionToken": token, "OrderIds": "[1,2]"},
                          timeout=5).json()["Data"]
        assert [o["Shipped"] for o in orders] == [False, True]


def test_concurrent_partial_shipments_never_ship_more_than_ordered(server: ThreadedServer) -> None:
    base = f"{server.url}/{STORE}/Api2"
    size_id = requests.get(f"{base}/GetOrder", params={"ApiKey": CREDENTIALS.inksoft_api_key, "OrderId": 1},
                           timeout=5).json()["Data"]["Items"][0]["OrderRetailItemSizeId"]

    def ship_three(n: int) -> int:
        return requests.post(f"{base}/CreateOrderShipments", data={
            "ApiKey": CREDENTIALS.inksoft_api_key, "OrderIds": "[1]", "TrackingNumber": f"T{n}",
            "Items": json.dumps([{"OrderRetailItemSizeId": size_id, "Quantity": 3}])}, timeout=5).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(ship_three, range(8)))
    assert sorted(statuses) == [200] * 6 + [400] * 2
    order = requests.get(f"{base}/GetOrder", params={"ApiKey": CREDENTIALS.inksoft_api_key, "OrderId": 1},
                         timeout=5).json()["Data"]
    assert sum(p["Items"][0]["Quantity"] for s in order["Shipments"] for p in s["Packages"]) == 18


def test_a_dropped_connection_over_a_socket(server: ThreadedServer) -> None:
    requests.post(f"{server.url}/__sim/faults", json={"action": "drop", "path": "GetStoreData"}, timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/{STORE}/Api2/GetStoreData",
                     params={"ApiKey": CREDENTIALS.inksoft_api_key}, timeout=5)

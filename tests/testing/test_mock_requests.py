"""mock_shipstation / mock_inksoft with plain `requests`: in process, over sockets, beside the test's
own `responses` registrations, with passthrough on and off, as decorator and context manager."""

from __future__ import annotations

import asyncio

import pytest
import requests
import responses
from flask import Flask, Response, request
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.server import ThreadedServer

from inkship.testing import (
    SHIPSTATION_URL,
    current_inksoft,
    current_shipstation,
    mock_inksoft,
    mock_shipstation,
)

ORDERS = f"{SHIPSTATION_URL}/orders"


def other_host_app() -> Flask:
    app = Flask("other_host")

    @app.get("/ping")
    def ping() -> dict:
        return {"pong": True}
    return app


@pytest.fixture
def other_host() -> ThreadedServer:
    with ThreadedServer(other_host_app()) as server:
        yield server


@pytest.mark.parametrize("sockets", [False, True], ids=["in_process", "sockets"])
def test_requests_to_the_real_host_are_served_by_the_simulator(sockets: bool) -> None:
    with mock_shipstation(sockets=sockets) as sim:
        sim.add_orders({"orderNumber": "1001", "orderKey": "k-1001"})
        answer = requests.get(ORDERS, auth=sim.auth, params={"orderStatus": "awaiting_shipment"}, timeout=5)
        refused = requests.get(ORDERS, auth=("wrong", "wrong"), timeout=5)
        assert answer.status_code == 200
        assert [o["orderNumber"] for o in answer.json()["orders"]] == ["1001"]
        assert answer.headers["X-Rate-Limit-Limit"] == "40"
        assert refused.status_code == 401
        assert [(e["method"], e["path"], e["status"]) for e in sim.journal()] == [
            ("GET", "/orders", 200), ("GET", "/orders", 401)]
        assert sim.url == SHIPSTATION_URL


def test_other_hosts_pass_through_by_default(other_host: ThreadedServer) -> None:
    with mock_shipstation():
        assert requests.get(f"{other_host.url}/ping", timeout=5).json() == {"pong": True}


def test_other_hosts_fail_when_passthrough_is_off(other_host: ThreadedServer) -> None:
    with mock_shipstation(passthrough=False) as sim:
        with pytest.raises(requests.ConnectionError, match="passthrough=False"):
            requests.get(f"{other_host.url}/ping", timeout=5)
        assert requests.get(ORDERS, auth=sim.auth, timeout=5).status_code == 200


def test_outside_the_mock_nothing_is_intercepted(other_host: ThreadedServer) -> None:
    with mock_shipstation(base_url=other_host.url) as sim:  # the other host plays ShipStation's for a while
        assert requests.get(f"{other_host.url}/ping", timeout=5).status_code == 404  # the simulator's answer
        assert sim.count(path="/ping") == 1
    assert requests.get(f"{other_host.url}/ping", timeout=5).json() == {"pong": True}


@mock_shipstation()
def test_as_a_decorator_with_the_current_handle() -> None:
    sim = current_shipstation()
    sim.add_orders({"orderNumber": "D-1"})
    assert requests.get(ORDERS, auth=sim.auth, timeout=5).json()["total"] == 1


def test_an_async_function_can_be_decorated() -> None:
    @mock_shipstation()
    async def count_orders() -> int:
        sim = current_shipstation()
        sim.add_orders({"orderNumber": "A-1"}, {"orderNumber": "A-2"})
        return int(requests.get(ORDERS, auth=sim.auth, timeout=5).json()["total"])

    assert asyncio.run(count_orders()) == 2


def test_each_use_gets_a_fresh_simulator() -> None:
    mock = mock_shipstation()
    for _ in range(2):
        with mock as sim:
            assert requests.get(ORDERS, auth=sim.auth, timeout=5).json()["total"] == 0
            sim.add_orders({"orderNumber": "once"})


def test_no_current_handle_outside_a_mock() -> None:
    with pytest.raises(RuntimeError, match="no ShipStation mock is active"):
        current_shipstation()


def test_both_mocks_nest_and_each_serves_its_own_host() -> None:
    with mock_shipstation(passthrough=False) as shipstation, mock_inksoft(passthrough=False) as inksoft:
        assert current_inksoft() is inksoft
        order = inksoft.add_order({"FirstName": "Dana"})
        found = requests.get(f"{inksoft.store_url()}/Api2/GetOrder", timeout=5, params={
            "ApiKey": inksoft.credentials.inksoft_api_key, "OrderId": order["ID"]}).json()
        assert found["Data"]["FirstName"] == "Dana"
        assert requests.get(ORDERS, auth=shipstation.auth, timeout=5).status_code == 200


def test_inksoft_serves_the_stores_asked_for_on_their_own_domains() -> None:
    stores = ["Devo_Designs", "https://shop.example.com/Apparel_Junction",
              {"StoreUri": "Club_Store", "Name": "The Club", "CustomStatuses": ["Awaiting Art"]}]
    with mock_inksoft(stores=stores, passthrough=False) as sim:
        key = sim.credentials.inksoft_api_key
        sim.add_order({"FirstName": "Jo", "ProductionStatus": "Awaiting Art"}, store="Club_Store")
        for url in ("https://stores.inksoft.com/Devo_Designs", "https://shop.example.com/Apparel_Junction",
                    "https://stores.inksoft.com/Club_Store"):
            answer = requests.get(f"{url}/Api2/GetStoreData", params={"ApiKey": key}, timeout=5)
            assert answer.status_code == 200, (url, answer.text)
        assert sim.store_url() == "https://stores.inksoft.com/Devo_Designs"
        assert sim.store_url("apparel_junction") == "https://shop.example.com/Apparel_Junction"
        club = requests.get(f"{sim.store_url('Club_Store')}/Api2/GetOrderSummaries",
                            params={"ApiKey": key}, timeout=5).json()
        assert [o["FirstName"] for o in club["Data"]] == ["Jo"]
        with pytest.raises(requests.ConnectionError):  # a store not asked for is not intercepted
            requests.get("https://stores.inksoft.com/Someone_Else/Api2/GetStoreData", timeout=5)


@responses.activate
def test_beside_the_tests_own_responses_started_first() -> None:
    responses.add(responses.GET, "https://api.example.com/rates", json={"rate": 3})
    with mock_shipstation(passthrough=False) as sim:
        assert requests.get("https://api.example.com/rates", timeout=5).json() == {"rate": 3}
        assert requests.get(ORDERS, auth=sim.auth, timeout=5).status_code == 200
    assert [call.request.url for call in responses.calls] == ["https://api.example.com/rates"]


def test_beside_the_tests_own_responses_started_inside() -> None:
    with mock_shipstation() as sim, responses.RequestsMock(assert_all_requests_are_fired=True) as mocked:
        mocked.add(responses.GET, "https://api.example.com/rates", json={"rate": 3})
        assert requests.get("https://api.example.com/rates", timeout=5).json() == {"rate": 3}
        with pytest.raises(requests.ConnectionError):  # a RequestsMock of its own knows only its own URLs
            requests.get(ORDERS, auth=sim.auth, timeout=5)
    # responses' default mock (what responses.activate starts) serves the simulator too.
    with mock_shipstation() as sim, responses.mock:
        responses.add(responses.GET, "https://api.example.com/rates", json={"rate": 4})
        assert requests.get(ORDERS, auth=sim.auth, timeout=5).status_code == 200
        assert requests.get("https://api.example.com/rates", timeout=5).json() == {"rate": 4}


@responses.activate(assert_all_requests_are_fired=True)
def test_the_tests_own_registration_for_a_simulated_url_wins() -> None:
    responses.add(responses.GET, f"{SHIPSTATION_URL}/stores", json=[{"storeId": 1, "storeName": "stub"}])
    with mock_shipstation() as sim:
        stores = requests.get(f"{SHIPSTATION_URL}/stores", auth=sim.auth, timeout=5).json()
        assert stores[0]["storeName"] == "stub"
        assert requests.get(ORDERS, auth=sim.auth, timeout=5).json()["total"] == 0
        assert sim.count(path="/stores") == 0


@pytest.mark.parametrize("sockets", [False, True], ids=["in_process", "sockets"])
def test_a_dropped_connection_is_a_connection_error(sockets: bool) -> None:
    with mock_shipstation(sockets=sockets) as sim:
        sim.add_fault("drop", method="GET", path="^/orders$", times=1)
        with pytest.raises(requests.ConnectionError):
            requests.get(ORDERS, auth=sim.auth, timeout=5)
        assert requests.get(ORDERS, auth=sim.auth, timeout=5).status_code == 200


def test_a_delay_past_the_timeout_is_a_read_timeout_without_sleeping() -> None:
    with mock_shipstation() as sim:
        sim.add_fault("delay", path="^/orders$", delay=3600)
        with pytest.raises(requests.ReadTimeout):
            requests.get(ORDERS, auth=sim.auth, timeout=5)


def test_webhooks_reach_the_tests_receiver_app() -> None:
    received: list[dict] = []
    receiver = Flask("receiver")

    @receiver.post("/hooks/ship")
    def hook() -> Response:
        received.append(request.get_json())
        return Response(status=204)

    with mock_shipstation(receivers={"https://my-app.example": receiver}) as sim:
        sim.add_webhook("https://my-app.example/hooks/ship")
        sim.add_orders({"orderNumber": "W-1"})
        sim.create_labels(["W-1"])
        [delivery] = sim.deliveries()
    assert received == [delivery["payload"]]
    assert received[0]["resource_url"].startswith(f"{SHIPSTATION_URL}/shipments?")
    assert delivery["attempts"][0]["status"] == 204


def test_credentials_given_to_the_mock_are_the_ones_accepted() -> None:
    credentials = SimCredentials(shipstation_api_key="mine", shipstation_api_secret="also-mine")
    with mock_shipstation(credentials=credentials) as sim:
        assert sim.auth == ("mine", "also-mine")
        assert requests.get(ORDERS, auth=("mine", "also-mine"), timeout=5).status_code == 200
        assert requests.get(ORDERS, auth=("sim-key", "sim-secret"), timeout=5).status_code == 401

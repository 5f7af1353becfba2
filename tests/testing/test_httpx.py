"""httpx: the documented transport one-liners, and httpx clients an SDK builds itself (AsyncShipStation,
a third-party client already run against the simulator over a socket) served in process by the mock."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from inkship.testing import (
    SHIPSTATION_URL,
    async_httpx_transport,
    httpx_transport,
    mock_inksoft,
    mock_shipstation,
)

httpx = pytest.importorskip("httpx")


def test_the_sync_transport_one_liner() -> None:
    with mock_shipstation() as sim:
        sim.add_orders({"orderNumber": "H-1"})
        client = httpx.Client(transport=httpx_transport(sim), base_url=sim.url, auth=sim.auth)
        assert client.get("/orders").json()["orders"][0]["orderNumber"] == "H-1"
        sim.add_fault("drop", path="^/stores$", times=1)
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/stores")
        sim.add_fault("delay", path="^/carriers$", delay=60)
        with pytest.raises(httpx.ReadTimeout):
            client.get("/carriers", timeout=5)


def test_the_async_transport_one_liner() -> None:
    async def count(sim: Any) -> int:
        async with httpx.AsyncClient(transport=async_httpx_transport(sim), base_url=sim.url,
                                     auth=sim.auth) as client:
            return int((await client.get("/orders")).json()["total"])

    with mock_shipstation() as sim:
        sim.add_orders({"orderNumber": "H-2"}, {"orderNumber": "H-3"})
        assert asyncio.run(count(sim)) == 2


@pytest.mark.parametrize("sockets", [False, True], ids=["in_process", "sockets"])
def test_clients_that_build_their_own_transport_are_served_too(sockets: bool) -> None:
    with mock_shipstation(sockets=sockets) as sim, mock_inksoft() as inksoft:
        sim.add_orders({"orderNumber": "H-4"})
        assert httpx.get(f"{SHIPSTATION_URL}/orders", auth=sim.auth).json()["total"] == 1
        answer = httpx.get(f"{inksoft.store_url()}/Api2/GetStoreData",
                           params={"ApiKey": inksoft.credentials.inksoft_api_key})
        assert answer.json()["Data"]["StoreUri"] == inksoft.credentials.inksoft_store
    assert httpx.HTTPTransport.handle_request.__name__ == "handle_request"
    assert httpx.HTTPTransport.handle_request.__qualname__ == "HTTPTransport.handle_request"  # restored


def test_httpx_can_be_left_alone() -> None:
    with mock_shipstation(httpx=False):
        assert httpx.HTTPTransport.handle_request.__qualname__ == "HTTPTransport.handle_request"


def test_async_shipstation_passes_in_process_under_the_mock() -> None:
    """The same calls as tests/simulators/shipstation/test_third_party_client.py, with the library's
    default v1 endpoint (the real host) and no socket."""
    pytest.importorskip("AsyncShipStation")
    from AsyncShipStation import OrderPortal, ShipStationConnection, StorePortal, V1WebhookPortal

    order = {"orderNumber": "INK-1001", "orderKey": "inksoft:1001",
             "orderDate": "2024-03-08T10:15:00.0000000", "orderStatus": "awaiting_shipment",
             "billTo": {"name": "Ada Lovelace"},
             "shipTo": {"name": "Ada Lovelace", "street1": "12 Analytical Way", "city": "Portland",
                        "state": "OR", "postalCode": "97201", "country": "US"},
             "items": [{"lineItemKey": "line-a", "sku": "TEE", "name": "Tee", "quantity": 2,
                        "unitPrice": 12.5}]}

    async def drive(key: str, secret: str) -> dict[str, Any]:
        connection = ShipStationConnection(v1_key=key, v1_secret=secret)
        await connection.start("v1")
        try:
            created = await OrderPortal.create_order(connection, **order)
            listed = await OrderPortal.where(connection, orderNumber="INK-100")
            label = await OrderPortal.create_label(connection, orderId=created[1]["orderId"],
                                                   carrierCode="ups_walleted", serviceCode="ups_ground",
                                                   confirmation="none", shipDate="2024-03-11")
            stores = await StorePortal.all(connection)
            subscribed = await connection.request("POST", "/webhooks/subscribe", "v1", json={
                "target_url": "http://receiver.test/hooks/a", "event": "SHIP_NOTIFY", "friendly_name": "lib"})
            hooks = await V1WebhookPortal.all(connection)
        finally:
            await connection.close("v1", force=True)
        return {"created": created, "listed": listed, "label": label, "stores": stores,
                "subscribed": subscribed.json(), "hooks": hooks}

    with mock_shipstation(rate_limit=None, passthrough=False) as sim:
        seen = asyncio.run(drive(*sim.auth))
        journal = sim.journal()
    assert seen["created"][0] == 200 and seen["created"][1]["orderNumber"] == "INK-1001"
    assert seen["listed"][0] == 200 and seen["listed"][1]["total"] == 1
    assert seen["label"][0] == 200 and base64.b64decode(seen["label"][1]["labelData"]).startswith(b"%PDF")
    assert seen["stores"][1][0]["storeId"] == 310001
    assert [h["Name"] for h in seen["hooks"][1]["webhooks"]] == ["lib"]
    assert [(e["method"], e["path"]) for e in journal] == [
        ("POST", "/orders/createorder"), ("GET", "/orders"), ("POST", "/orders/createlabelfororder"),
        ("GET", "/stores"), ("POST", "/webhooks/subscribe"), ("GET", "/webhooks")]

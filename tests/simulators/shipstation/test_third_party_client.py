"""A third-party ShipStation client from PyPI (AsyncShipStation), pointed at the simulator over a socket.

Only its v1 base URL is changed. Calls the library lacks or gets wrong are made with its own generic
`ShipStationConnection.request(..., "v1")`: it has no v1 shipment list, and its `V1WebhookPortal.subscribe`
sends through its v2 client (a bug in 0.2.1.8), so subscribing goes through `request` too. Its
`unsubscribe` works but reads the empty 200 reply as JSON and reports failure.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

import pytest
import requests
from flask import Flask

pytest.importorskip("AsyncShipStation")

from AsyncShipStation import OrderPortal, ShipStationConnection, StorePortal, V1WebhookPortal  # noqa: E402
from AsyncShipStation.common.base import ConnectionConfig  # noqa: E402
from inkship.simulators.server import ThreadedServer  # noqa: E402

from tests.simulators.shipstation.conftest import CREDENTIALS, order_payload  # noqa: E402

pytestmark = pytest.mark.sockets


def connect(base_url: str) -> ShipStationConnection:
    return ShipStationConnection(v1_key=CREDENTIALS.shipstation_api_key,
                                 v1_secret=CREDENTIALS.shipstation_api_secret,
                                 config=ConnectionConfig(version="v1", v1_endpoint=base_url, timeout=10))


async def drive(base_url: str) -> dict[str, Any]:
    connection = connect(base_url)
    await connection.start("v1")
    try:
        payload = order_payload()
        created_status, created = await OrderPortal.create_order(
            connection, orderNumber=payload["orderNumber"], orderStatus="awaiting_shipment",
            billTo=payload["billTo"], shipTo=payload["shipTo"], orderKey=payload["orderKey"],
            orderDate="2024-03-08T10:15:00.0000000", items=payload["items"], taxAmount=4.0, gift=False)
        batch_status, batch = await OrderPortal.create_or_update_orders(
            connection, [order_payload("INK-1002", "inksoft:1002"), order_payload("INK-1003", "inksoft:1003")]
        )
        listed_status, listed = await OrderPortal.where(
            connection, orderNumber="INK-100", sortBy="OrderDate", sortDir="DESC", pageSize=2
        )
        label_status, label = await OrderPortal.create_label(
            connection,
            orderId=created["orderId"],
            carrierCode="ups_walleted",
            serviceCode="ups_ground",
            confirmation="none",
            shipDate="2024-03-11",
        )
        shipments = await connection.request(
            "GET", f"{base_url}/shipments", "v1", params={"includeShipmentItems": "true"}
        )
        stores_status, stores = await StorePortal.all(connection)
        subscribed = await connection.request(
            "POST",
            f"{base_url}/webhooks/subscribe",
            "v1",
            json={
                "target_url": "http://receiver.test/hooks/a",
                "event": "SHIP_NOTIFY",
                "friendly_name": "lib",
            },
        )
        hooks_status, hooks = await V1WebhookPortal.all(connection)
        gone_status, _ = await V1WebhookPortal.unsubscribe(connection, subscribed.json()["id"])
        after_status, after = await V1WebhookPortal.all(connection)
    finally:
        await connection.close("v1", force=True)
    return {
        "created": (created_status, created),
        "batch": (batch_status, batch),
        "listed": (listed_status, listed),
        "label": (label_status, label),
        "shipments": shipments.json(),
        "stores": (stores_status, stores),
        "hooks": (hooks_status, hooks),
        "gone": gone_status,
        "after": (after_status, after),
    }


def test_async_shipstation_against_the_simulator(
    make_app: Callable[..., Flask], threaded_server: Callable[[Any], ThreadedServer]
) -> None:
    server = threaded_server(make_app(rate_limit=None))
    seen = asyncio.run(drive(server.url))
    status, created = seen["created"]
    assert status == 200 and created["orderNumber"] == "INK-1001" and created["orderTotal"] == 59.0
    status, batch = seen["batch"]
    assert status == 200 and batch["hasErrors"] is False and len(batch["results"]) == 2
    status, listed = seen["listed"]
    assert status == 200 and listed["total"] == 3 and listed["pages"] == 2
    assert [o["orderNumber"] for o in listed["orders"]] == [
        "INK-1003",
        "INK-1002",
    ]  # equal orderDates: newest id first
    status, label = seen["label"]
    assert status == 200 and label["trackingNumber"].startswith("1Z")
    assert base64.b64decode(label["labelData"]).startswith(b"%PDF")
    [shipment] = seen["shipments"]["shipments"]
    assert shipment["orderId"] == created["orderId"] and shipment["shipDate"] == "2024-03-11"
    assert [i["lineItemKey"] for i in shipment["shipmentItems"]] == ["line-a", "line-b"]
    assert seen["stores"][1][0]["storeId"] == 310001
    status, hooks = seen["hooks"]
    assert status == 200 and [h["Name"] for h in hooks["webhooks"]] == ["lib"]
    # The library reads every reply as JSON; DELETE /webhooks/{id} answers 200 with an empty body (the
    # reference documents only the status), so the library reports its own parse failure as 500.
    assert seen["gone"] == 500 and seen["after"] == (200, {"webhooks": []})
    deletes = requests.get(f"{server.url}/__sim/journal?method=DELETE", timeout=5).json()["requests"]
    assert [entry["status"] for entry in deletes] == [200]

"""Webhooks: subscriptions, real deliveries (in process and over sockets), resource URLs, fault rules."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest
import requests
from flask import Flask, Response, request
from inkship.simulators.faults import FaultSet
from inkship.simulators.server import ThreadedServer
from inkship.simulators.transport import mount_app
from requests.adapters import BaseAdapter

from tests.simulators.shipstation.conftest import (
    AUTH,
    CREDENTIALS,
    RECEIVER,
    ApiClient,
    Receiver,
    create,
    labels,
    order_payload,
)


def subscribe(
    api: ApiClient, event: str = "SHIP_NOTIFY", store_id: int | None = None, name: str = "a"
) -> int:
    response = api.post(
        "/webhooks/subscribe",
        {
            "target_url": f"{RECEIVER}/hooks/{name}",
            "event": event,
            "store_id": store_id,
            "friendly_name": f"inkship {name}",
        },
    )
    assert response.status_code == 201
    return response.json["id"]


def payloads(receiver: Receiver) -> list[dict]:
    return [json.loads(body) for body in receiver.calls]


def test_subscribe_list_delete(api: ApiClient) -> None:
    hook_id = subscribe(api, store_id=310001)
    listed = api.get("/webhooks").json["webhooks"]
    assert listed == [
        {
            "IsLabelAPIHook": False,
            "WebHookID": hook_id,
            "SellerID": 2000001,
            "StoreID": 310001,
            "HookType": "SHIP_NOTIFY",
            "MessageFormat": "Json",
            "Url": f"{RECEIVER}/hooks/a",
            "Name": "inkship a",
            "BulkCopyBatchID": None,
            "BulkCopyRecordID": None,
            "Active": True,
            "WebhookLogs": [],
            "Seller": None,
            "Store": None,
        }
    ]
    assert api.delete(f"/webhooks/{hook_id}").status_code == 200
    assert api.get("/webhooks").json == {"webhooks": []}
    assert api.delete(f"/webhooks/{hook_id}").status_code == 404


def test_subscribe_validation(api: ApiClient) -> None:
    response = api.post("/webhooks/subscribe", {"event": "PARTY", "store_id": 5})
    assert set(response.json["ModelState"]) == {"request.target_url", "request.event", "request.store_id"}


def test_label_fires_ship_notify_whose_url_returns_the_batch(api: ApiClient, receiver: Receiver) -> None:
    subscribe(api)
    order = create(api)
    label = api.post(
        "/orders/createlabelfororder",
        {"orderId": order["orderId"], "carrierCode": "fedex", "serviceCode": "fedex_ground"},
    ).json
    [payload] = payloads(receiver)
    assert payload["resource_type"] == "SHIP_NOTIFY"
    assert payload["resource_url"].startswith("http://localhost/shipments?storeID=310001&batchId=")
    assert payload["resource_url"].endswith("&includeShipmentItems=False")
    batch = api.get(payload["resource_url"]).json
    assert [s["shipmentId"] for s in batch["shipments"]] == [label["shipmentId"]]
    assert batch["shipments"][0]["shipmentItems"] is None


def test_bulk_labels_fire_one_notice_for_the_batch(api: ApiClient, receiver: Receiver) -> None:
    subscribe(api)
    create(api, number="A", key="a")
    labels(api, orderIds=[create(api, number="Z", key="z")["orderId"]])  # an earlier, separate batch
    create(api, number="B", key="b")
    made = labels(api, orderNumbers=["A", "B"])
    assert len(receiver.calls) == 2
    batch = api.get(payloads(receiver)[1]["resource_url"].replace("False", "True")).json
    assert [s["shipmentId"] for s in batch["shipments"]] == [s["shipmentId"] for s in made["shipments"]]
    assert all(s["shipmentItems"] for s in batch["shipments"])


def test_store_filter_and_events(api: ApiClient, receiver: Receiver) -> None:
    api.client.post("/__sim/seed", json={"stores": [{"storeId": 320001, "storeName": "other"}]})
    subscribe(api, store_id=320001, name="other")
    subscribe(api, event="ORDER_NOTIFY", name="orders")
    labels(api, orderIds=[create(api)["orderId"]])
    api.post(
        "/orders/markasshipped",
        {"orderId": create(api, number="M", key="m")["orderId"], "carrierCode": "fedex"},
    )
    assert receiver.calls == []  # other store's hook; ORDER_NOTIFY not on createorder; none on markasshipped


def test_order_notify_on_store_import(api: ApiClient, receiver: Receiver) -> None:
    subscribe(api, event="ORDER_NOTIFY")
    imported = api.client.post(
        "/__sim/stores/310001/import",
        json={"orders": [order_payload("I-1", "i1"), order_payload("I-2", "i2")]},
    ).json
    [payload] = payloads(receiver)
    assert payload == {
        "resource_url": f"http://localhost/orders?storeID=310001&importBatch={imported['importBatch']}",
        "resource_type": "ORDER_NOTIFY",
    }
    create(api, number="LATER", key="later")
    assert [o["orderNumber"] for o in api.get(payload["resource_url"]).json["orders"]] == ["I-1", "I-2"]


def test_order_notify_on_create_when_switched_on(make_app: Callable[..., Flask], receiver: Receiver) -> None:
    api = ApiClient(
        make_app(
            rate_limit=None,
            fire_order_notify_on_create=True,
            public_base_url="https://ssapi11.shipstation.com",
        ).test_client()
    )
    subscribe(api, event="ORDER_NOTIFY")
    create(api)
    api.post("/orders/createorders", [order_payload("N-2", "n2"), order_payload("N-3", "n3")])
    urls = [p["resource_url"] for p in payloads(receiver)]
    assert len(urls) == 2 and all(
        u.startswith("https://ssapi11.shipstation.com/orders?storeID=310001&importBatch=") for u in urls
    )
    path = urls[1].removeprefix("https://ssapi11.shipstation.com")
    assert [o["orderNumber"] for o in api.get(path).json["orders"]] == ["N-2", "N-3"]


@pytest.mark.parametrize(
    ("action", "bodies"), [("duplicate_webhook", 2), ("empty_webhook", 1), ("drop_webhook", 0)]
)
def test_webhook_fault_rules(api: ApiClient, receiver: Receiver, action: str, bodies: int) -> None:
    subscribe(api)
    api.client.post("/__sim/faults", json={"id": "wh", "action": action, "path": "SHIP_NOTIFY", "times": 1})
    labels(api, orderIds=[create(api)["orderId"]])
    assert len(receiver.calls) == bodies
    if action == "empty_webhook":
        assert receiver.calls == [b""]
    if action == "duplicate_webhook":
        assert receiver.calls[0] == receiver.calls[1]
    [delivery] = api.client.get("/__sim/webhooks/deliveries").json["deliveries"]
    assert all(attempt["fault"] == "wh" for attempt in delivery["attempts"])
    labels(api, orderIds=[create(api, number="2", key="2")["orderId"]])  # the rule fired its one time
    assert len(receiver.calls) == bodies + 1


class Unreachable(BaseAdapter):
    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError("connection refused", request=request)

    def close(self) -> None:
        """Nothing to close."""


def test_delivery_failures_are_recorded_and_never_break_the_request(
    api: ApiClient, receiver: Receiver, webhook_session: requests.Session
) -> None:
    webhook_session.mount("http://down.test", Unreachable())
    api.post("/webhooks/subscribe", {"target_url": "http://down.test/hook", "event": "SHIP_NOTIFY"})
    subscribe(api)
    receiver.status = 500
    order = create(api)
    assert (
        api.post(
            "/orders/createlabelfororder",
            {"orderId": order["orderId"], "carrierCode": "fedex", "serviceCode": "fedex_ground"},
        ).status_code
        == 200
    )
    deliveries = api.client.get("/__sim/webhooks/deliveries").json["deliveries"]
    assert [d["attempts"][0].get("error") for d in deliveries] == ["ConnectionError", None]
    assert deliveries[1]["attempts"][0]["status"] == 500
    assert api.client.get("/__sim/ui/webhooks").status_code == 200


def test_redeliver_sends_a_past_delivery_again(api: ApiClient, receiver: Receiver) -> None:
    subscribe(api)
    labels(api, orderIds=[create(api)["orderId"]])
    [delivery] = api.client.get("/__sim/webhooks/deliveries").json["deliveries"]
    again = api.client.post("/__sim/webhooks/redeliver", json={"id": delivery["id"]}).json
    assert len(again["attempts"]) == 2
    assert receiver.calls[0] == receiver.calls[1]
    assert api.client.post("/__sim/webhooks/redeliver", json={"id": 999}).status_code == 404


def test_receiver_fetching_back_in_process(make_app: Callable[..., Flask]) -> None:
    """The receiver GETs resource_url through the same session while it handles the POST."""
    session = requests.Session()
    fetched: list[dict] = []
    hook_app = Flask("fetching_receiver")

    @hook_app.post("/hooks/a")
    def receive() -> Response:
        url = request.get_json()["resource_url"]
        fetched.append(
            session.get(
                url, auth=(CREDENTIALS.shipstation_api_key, CREDENTIALS.shipstation_api_secret), timeout=5
            ).json()
        )
        return Response(status=200)

    app = create_app_with(make_app, session, public_base_url="http://ssapi.sim")
    mount_app(session, "http://ssapi.sim", app)
    mount_app(session, RECEIVER, hook_app)
    api = ApiClient(app.test_client())
    subscribe(api)
    labels(api, orderIds=[create(api)["orderId"]])
    assert len(fetched) == 1 and fetched[0]["total"] == 1


def create_app_with(make_app: Callable[..., Flask], session: requests.Session, **config: Any) -> Flask:
    return make_app(rate_limit=None, webhook_session=session, **config)


@pytest.mark.sockets
def test_deliveries_over_sockets(
    make_app: Callable[..., Flask], threaded_server: Callable[[Any], ThreadedServer]
) -> None:
    fetched: list[dict] = []
    hook_app = Flask("socket_receiver")

    @hook_app.post("/hooks/a")
    def receive() -> Response:
        # Fetch back over a socket while the simulator is still inside the label request.
        url = request.get_json()["resource_url"]
        fetched.append(requests.get(url, headers=AUTH, timeout=5).json())
        return Response(status=204)

    hooks = threaded_server(hook_app)
    simulator = threaded_server(make_app(rate_limit=None, webhook_session=requests.Session()))
    with requests.Session() as client:
        client.headers.update(AUTH)
        client.post(
            f"{simulator.url}/webhooks/subscribe",
            json={"target_url": f"{hooks.url}/hooks/a", "event": "SHIP_NOTIFY"},
            timeout=5,
        )
        order = client.post(f"{simulator.url}/orders/createorder", json=order_payload(), timeout=5).json()
        label = client.post(
            f"{simulator.url}/orders/createlabelfororder",
            timeout=5,
            json={
                "orderId": order["orderId"],
                "carrierCode": "stamps_com",
                "serviceCode": "usps_priority_mail",
            },
        ).json()
        deliveries = client.get(f"{simulator.url}/__sim/webhooks/deliveries", timeout=5).json()["deliveries"]
    assert [s["shipmentId"] for s in fetched[0]["shipments"]] == [label["shipmentId"]]
    assert deliveries[0]["payload"]["resource_url"].startswith(f"{simulator.url}/shipments?storeID=310001")
    assert deliveries[0]["attempts"][0]["status"] == 204


def test_custom_store_labels_call_the_ship_notice_hook(api: ApiClient,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[int, str]] = []

    simulator_faults = api.client.application.extensions["inkship_sim"].faults

    def send_ship_notice(state: Any, store: dict, shipment: dict, *, session: requests.Session,
                         faults: FaultSet) -> None:
        assert faults is simulator_faults  # the simulator's rules, handed over rather than looked up
        sent.append((store["storeId"], shipment["trackingNumber"]))
        if len(sent) == 2:
            raise RuntimeError("store said no")

    monkeypatch.setitem(sys.modules, "inkship.simulators.shipstation.customstore",
                        types.SimpleNamespace(send_ship_notice=send_ship_notice))
    api.client.post("/__sim/seed", json={"stores": [{"storeId": 320001, "marketplaceName": "Custom Store"}]})
    first = create(api, advancedOptions={"storeId": 320001})
    second = create(api, number="INK-2", key="k2", advancedOptions={"storeId": 320001})
    create(api, number="MANUAL", key="manual")
    made = labels(api, all=True)["shipments"]
    assert sent == [(320001, made[0]["trackingNumber"]), (320001, made[1]["trackingNumber"])]
    by_order = {s["orderId"]: s for s in api.get("/shipments").json["shipments"]}
    assert by_order[first["orderId"]]["marketplaceNotified"] is True
    assert by_order[second["orderId"]]["notifyErrorMessage"] == "RuntimeError: store said no"
    assert by_order[second["orderId"]]["marketplaceNotified"] is False


def test_import_reports_bad_orders_and_fires_nothing_for_them(api: ApiClient, receiver: Receiver) -> None:
    subscribe(api, event="ORDER_NOTIFY")
    bad = ["junk", order_payload(orderStatus="x")]
    result = api.client.post("/__sim/stores/310001/import", json={"orders": bad})
    assert [r["success"] for r in result.json["results"]] == [False, False]
    assert receiver.calls == []
    assert api.client.post("/__sim/stores/9/import", json={"orders": []}).status_code == 404
    assert api.client.post("/__sim/stores/310001/import", json={"orders": {}}).status_code == 400

"""The shared control plane on the ShipStation simulator (seed, state, reset, journal, faults); threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from tests.simulators.shipstation.conftest import AUTH, ApiClient, create, labels, order_payload


def test_seed_document_and_state_dump(api: ApiClient) -> None:
    seeded = api.client.post(
        "/__sim/seed",
        json={
            "stores": [{"storeId": 320001, "storeName": "InkSoft", "marketplaceName": "Custom Store"}],
            "carriers": [
                {
                    "code": "dhl_express",
                    "name": "DHL Express",
                    "services": [
                        {
                            "carrierCode": "dhl_express",
                            "code": "dhl_express_worldwide",
                            "name": "DHL Express Worldwide",
                            "domestic": False,
                            "international": True,
                        }
                    ],
                }
            ],
            "warehouses": [{"warehouseName": "Overflow"}],
            "webhooks": [{"target_url": "http://receiver.test/hooks/a", "event": "SHIP_NOTIFY"}],
            "orders": [{"orderNumber": "S-1", "orderKey": "s1", "advancedOptions": {"storeId": 320001}}],
        },
    )
    assert seeded.status_code == 200
    state = seeded.json
    assert [s["storeId"] for s in state["stores"]] == [310001, 320001]
    assert state["stores"][1]["marketplaceId"] == 36
    assert [c["code"] for c in state["carriers"]][-1] == "dhl_express"
    assert [w["warehouseName"] for w in state["warehouses"]] == ["Main print shop", "Overflow"]
    assert state["webhooks"][0]["HookType"] == "SHIP_NOTIFY"
    assert state["orders"][0]["advancedOptions"]["storeId"] == 320001 and state["orders"][0]["active"] is True
    made = labels(api, orderNumbers=["S-1"], carrierCode="dhl_express")
    assert made["shipments"][0]["trackingNumber"].isdigit()
    assert api.client.post("/__sim/seed", json={"orders": [{"orderStatus": "bogus"}]}).status_code == 400


def test_reset_and_journal(api: ApiClient) -> None:
    create(api)
    assert api.client.get("/__sim/journal/count?path=/orders/createorder").json == {"count": 1}
    entry = api.client.get("/__sim/journal").json["requests"][0]
    assert entry["method"] == "POST" and entry["status"] == 200
    api.client.post("/__sim/reset")
    assert api.get("/orders").json["total"] == 0
    assert [s["storeId"] for s in api.get("/stores").json] == [310001]


def test_http_fault_rules_apply_to_the_api(api: ApiClient) -> None:
    api.client.post(
        "/__sim/faults",
        json={"action": "status", "status": 503, "method": "GET", "path": "^/orders$", "times": 1},
    )
    assert api.get("/orders").status_code == 503
    assert api.get("/orders").status_code == 200


def test_concurrent_creates_and_labels_keep_ids_unique(app: Flask) -> None:
    def work(i: int) -> tuple[int, str]:
        client = app.test_client()
        order = client.post("/orders/createorder", json=order_payload(f"C-{i}", f"c{i}"), headers=AUTH).json
        shipment = client.post("/__sim/labels", json={"orderIds": [order["orderId"]]}).json["shipments"][0]
        return order["orderId"], shipment["trackingNumber"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(40)))
    assert len({order_id for order_id, _ in results}) == 40
    assert len({tracking for _, tracking in results}) == 40
    api = ApiClient(app.test_client())
    assert api.get("/orders?orderStatus=shipped").json["total"] == 40
    assert api.get("/shipments?pageSize=500").json["total"] == 40

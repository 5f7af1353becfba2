"""The InkSoft simulator's /__sim/ routes, the shared control plane on it, fault rules on Api2, HTML views."""

from __future__ import annotations

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from inkship.simulators.transport import mount_app

from .conftest import CREDENTIALS, KEY, STORE, Api2, assert_error

BASE = "http://inksoft.test"


def test_post_orders_adds_one_or_a_list(client: FlaskClient, api: Api2) -> None:
    one = client.post("/__sim/orders", json={"FirstName": "Dana", "ShippingAddress": True})
    assert one.status_code == 201 and one.get_json()["ID"] == 1001
    assert one.get_json()["DateCreated"] == "2026-10-02T17:41:09Z"
    many = client.post("/__sim/orders?store=riverside_youth_soccer", json=[{}, {"StoreUri": STORE}])
    assert [o["StoreId"] for o in many.get_json()["orders"]] == [1202, 1201]
    assert len(api.data("GetOrderSummaries", StoreIds=[1201, 1202])) == 3


@pytest.mark.parametrize("body", [[1], "text", {"ProductionStatus": "Lost"}, {"StoreUri": "nowhere"}])
def test_post_orders_refuses_bad_partials(client: FlaskClient, body: object) -> None:
    response = client.post("/__sim/orders", json=body)
    assert response.status_code == 400 and "error" in response.get_json()


def test_patch_and_cancel_orders(client: FlaskClient, api: Api2) -> None:
    order = client.post("/__sim/orders", json={"ProductionStatus": "Open"}).get_json()
    client.post("/__sim/clock", json={"advance": 30})
    patched = client.patch(f"/__sim/orders/{order['UniqueId']}", json={"ProductionStatus": "Ready to Ship"})
    assert patched.status_code == 200 and patched.get_json()["Prepared"] is True
    assert patched.get_json()["DateModified"] == "2026-10-02T17:41:39Z"
    cancelled = client.post(f"/__sim/orders/{order['ID']}/cancel").get_json()
    assert cancelled["Status"] == "Canceled" and cancelled["Cancelled"] is True
    assert api.data("GetOrder", OrderId=order["ID"])["Cancelled"] is True
    assert client.patch("/__sim/orders/999", json={}).status_code == 404
    assert client.patch(f"/__sim/orders/{order['ID']}", json=[]).status_code == 400
    assert client.patch(f"/__sim/orders/{order['ID']}", json={"Status": "Lost"}).status_code == 400
    assert client.post("/__sim/orders/999/cancel").status_code == 404


def test_delete_order_removes_it_from_every_read(client: FlaskClient, api: Api2) -> None:
    order = client.post("/__sim/orders", json={"ShippingAddress": True}).get_json()
    kept = client.post("/__sim/orders", json={"ShippingAddress": True}).get_json()

    deleted = client.delete(f"/__sim/orders/{order['UniqueId']}")

    assert deleted.status_code == 200 and deleted.get_json()["ID"] == order["ID"]
    assert api.get("GetOrder", OrderId=order["ID"]).status_code == 404
    assert [s["ID"] for s in api.data("GetOrderSummaries")] == [kept["ID"]]
    assert client.delete(f"/__sim/orders/{order['ID']}").status_code == 404


def test_seed_state_and_reset_through_the_shared_control_plane(client: FlaskClient, api: Api2) -> None:
    seeded = client.post("/__sim/seed", json={"orders": [{"ID": 7}, {"ID": 8, "ProductionStatus": "Open"}]})
    assert [o["ID"] for o in seeded.get_json()["orders"]] == [7, 8]
    assert client.post("/__sim/seed", json={"orders": [{"ID": 7}]}).status_code == 400
    state = client.get("/__sim/state").get_json()
    assert state["sessions"] == 0 and KEY not in str(state) and CREDENTIALS.inksoft_password not in str(state)
    client.post("/__sim/reset")
    assert api.data("GetOrderSummaries") == []


def test_the_journal_records_api_calls_with_credentials_masked(client: FlaskClient, api: Api2) -> None:
    api.get("GetStoreData")
    api.post("SignIn", key=None, Username=CREDENTIALS.inksoft_username, Password=CREDENTIALS.inksoft_password,
             PublisherId=4242)
    client.get("/__sim/ui/")
    entries = client.get("/__sim/journal").get_json()["requests"]
    assert [e["path"] for e in entries] == [f"/{STORE}/Api2/GetStoreData", f"/{STORE}/Api2/SignIn"]
    assert KEY not in str(entries) and CREDENTIALS.inksoft_password not in str(entries)


def test_a_status_fault_answers_on_the_matching_method_only(client: FlaskClient, api: Api2) -> None:
    client.post("/__sim/faults", json={"id": "boom", "action": "status", "status": 503,
                                       "path": "/Api2/GetOrderSummaries$", "when": "nth", "n": 1})
    assert api.get("GetOrderSummaries").status_code == 503
    assert api.get("GetOrderSummaries").status_code == 200
    assert api.get("GetStoreData").status_code == 200
    assert client.get("/__sim/journal/count?status=503").get_json() == {"count": 1}


def test_a_malformed_fault_cuts_the_envelope(client: FlaskClient, api: Api2) -> None:
    client.post("/__sim/faults", json={"action": "malformed", "path": "GetStoreData"})
    response = api.get("GetStoreData")
    with pytest.raises(ValueError):
        response.get_json(force=True)


def test_drop_and_delay_faults_through_the_in_process_transport(app: Flask, client: FlaskClient) -> None:
    session = mount_app(requests.Session(), BASE, app)
    client.post("/__sim/faults", json=[{"action": "drop", "path": "CreateOrderShipments", "times": 1},
                                       {"action": "delay", "delay": 60, "path": "GetOrder$"}])
    with pytest.raises(requests.ConnectionError):
        session.post(f"{BASE}/{STORE}/Api2/CreateOrderShipments", data={"ApiKey": KEY}, timeout=5)
    with pytest.raises(requests.ReadTimeout):
        session.get(f"{BASE}/{STORE}/Api2/GetOrder", params={"ApiKey": KEY, "OrderId": 1}, timeout=5)
    response = session.post(f"{BASE}/{STORE}/Api2/CreateOrderShipments", data={"ApiKey": KEY}, timeout=5)
    assert_error(response, 400, "BadRequest", contains="OrderIds")


def test_views_show_stores_orders_and_shipments(client: FlaskClient, api: Api2) -> None:
    order = client.post("/__sim/orders", json={"FirstName": "Dana", "ShippingAddress": True}).get_json()
    api.post("CreateOrderShipments", OrderIds=[order["ID"]], TrackingNumber="1ZVIEW")
    assert client.get("/").headers["Location"].endswith("/__sim/ui/")
    index = client.get("/__sim/ui/").get_data(as_text=True)
    assert "demo_print_shop" in index and "xml_empty_not_wellformed" in index
    store = client.get(f"/__sim/ui/stores/{STORE}").get_data(as_text=True)
    assert "Dana" in store and "Complete" in store
    detail = client.get(f"/__sim/ui/orders/{order['UniqueId']}").get_data(as_text=True)
    assert "1ZVIEW" in detail and "Shipment created" in detail
    assert client.get("/__sim/ui/stores/nowhere").status_code == 404
    assert client.get("/__sim/ui/orders/999").status_code == 404

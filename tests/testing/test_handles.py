"""The handles: every control-plane action as a method, in process and on a running server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app as create_shipstation_app

from inkship.testing import InkSoftSim, ShipStationSim, SimulatorRefused, mock_inksoft, mock_shipstation

START = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
TWO_LINES = [{"lineItemKey": "tee", "sku": "TEE", "name": "Tee", "quantity": 2},
             {"lineItemKey": "hood", "sku": "HOOD", "name": "Hoodie", "quantity": 1}]


@pytest.fixture
def shipstation() -> ShipStationSim:
    with mock_shipstation(rate_limit=None) as sim:
        yield sim


@pytest.fixture
def inksoft() -> InkSoftSim:
    with mock_inksoft() as sim:
        yield sim


def test_orders_seeded_and_read_back(shipstation: ShipStationSim) -> None:
    added = shipstation.add_orders({"orderNumber": "1001", "orderKey": "a"},
                                   {"orderNumber": "1002", "orderStatus": "on_hold"})
    assert [o["orderNumber"] for o in added] == ["1001", "1002"]
    assert [o["orderNumber"] for o in shipstation.orders(status="on_hold")] == ["1002"]
    assert shipstation.order("1001")["orderKey"] == "a"
    with pytest.raises(KeyError, match="1003"):
        shipstation.order("1003")


def test_labels_in_bulk_and_split(shipstation: ShipStationSim) -> None:
    shipstation.add_orders({"orderNumber": "B-1"}, {"orderNumber": "B-2"},
                           {"orderNumber": "S-1", "items": TWO_LINES})
    bulk = shipstation.create_labels(["B-1", "B-2"], carrier_code="ups_walleted", service_code="ups_ground")
    assert {s["orderNumber"] for s in bulk} == {"B-1", "B-2"} and len({s["batchNumber"] for s in bulk}) == 1
    [first] = shipstation.create_labels(["S-1"], items=[{"lineItemKey": "tee", "quantity": 2}])
    assert [i["lineItemKey"] for i in first["shipmentItems"]] == ["tee"]
    assert shipstation.order("S-1")["orderStatus"] == "awaiting_shipment"  # the hoodie is still owed
    shipstation.create_labels(["S-1"], items=[{"lineItemKey": "hood", "quantity": 1}])
    assert shipstation.order("S-1")["orderStatus"] == "shipped"
    shipstation.void_label(first["shipmentId"])
    assert [s["voided"] for s in shipstation.shipments() if s["shipmentId"] == first["shipmentId"]] == [True]


def test_a_refused_control_call_says_why(shipstation: ShipStationSim) -> None:
    with pytest.raises(SimulatorRefused, match="POST /__sim/labels: the simulator answered 404"):
        shipstation.create_labels(["no-such-order"])


def test_webhooks_fired_by_imports_and_labels_and_redelivered(shipstation: ShipStationSim) -> None:
    shipstation.add_webhook("http://receiver.invalid/hook", event="ORDER_NOTIFY")
    imported = shipstation.import_orders(310001, [{
        "orderNumber": "I-1", "orderDate": "2026-11-02T08:00:00", "orderStatus": "awaiting_shipment",
        "billTo": {"name": "Buyer"}, "shipTo": {"name": "Buyer", "street1": "1 Main St", "city": "Austin",
                                                "state": "TX", "postalCode": "78701", "country": "US"},
        "items": TWO_LINES}])
    assert [r["success"] for r in imported["results"]] == [True]
    [delivery] = shipstation.deliveries()
    assert delivery["event"] == "ORDER_NOTIFY" and [h["Url"] for h in shipstation.webhooks()] == [
        "http://receiver.invalid/hook"]
    shipstation.add_fault("drop_webhook", path="ORDER_NOTIFY")
    shipstation.redeliver_webhook(delivery["id"])
    [again] = shipstation.deliveries()
    assert again["attempts"][-1]["dropped"] is True


def test_faults_near_misses_and_the_journal(shipstation: ShipStationSim) -> None:
    rule = shipstation.add_fault("status", method="GET", path="^/orders$", status=503, times=1)
    shipstation.add_faults([{"action": "status", "method": "GET", "path": "^/storez$", "status": 500}])
    first = requests.get(f"{shipstation.url}/orders", auth=shipstation.auth, timeout=5)
    second = requests.get(f"{shipstation.url}/orders", auth=shipstation.auth, timeout=5)
    requests.get(f"{shipstation.url}/stores", auth=shipstation.auth, timeout=5)
    assert (first.status_code, second.status_code) == (503, 200)
    assert [f["fired"] for f in shipstation.faults()] == [1, 0]
    assert shipstation.near_misses("GET", "/stores")[0]["reports"]
    assert shipstation.count("GET", "/orders") == 2 and shipstation.count(status=503) == 1
    assert shipstation.journal(path="/orders")[0]["fault"] == rule["id"]
    shipstation.remove_fault(rule["id"])
    shipstation.clear_faults()
    shipstation.clear_journal()
    assert shipstation.faults() == [] and shipstation.journal() == []


def test_the_clock_freezes_and_advances(shipstation: ShipStationSim) -> None:
    assert shipstation.freeze_clock(START) == START
    assert shipstation.advance_clock(3600).hour == 17
    assert shipstation.now() == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    shipstation.add_orders({"orderNumber": "T-1"})
    assert shipstation.order("T-1")["createDate"].startswith("2026-11-02T09:00")  # Pacific, as ShipStation
    shipstation.use_real_clock()
    assert shipstation.now().year >= 2026


def test_reset_empties_the_account(shipstation: ShipStationSim) -> None:
    shipstation.add_orders({"orderNumber": "R-1"})
    shipstation.reset()
    assert shipstation.orders() == [] and shipstation.state()["stores"][0]["storeId"] == 310001
    assert [s["storeName"] for s in shipstation.add_stores({"storeName": "Second"})] == ["inkship", "Second"]


def test_inksoft_orders_change_and_cancel(inksoft: InkSoftSim) -> None:
    order = inksoft.add_order({"FirstName": "Dana", "ProductionStatus": "Ready to Ship"})
    more = inksoft.add_orders([{"FirstName": "Ari"}, {"FirstName": "Lee"}], store="riverside_youth_soccer")
    assert [o["StoreId"] for o in more] == [1202, 1202]
    assert inksoft.update_order(order["ID"], {"CustomerNotes": "Rush"})["CustomerNotes"] == "Rush"
    assert inksoft.cancel_order(order["ID"])["Status"] == "Canceled"
    assert inksoft.order(order["ID"])["Status"] == "Canceled" and len(inksoft.orders()) == 3
    assert [s["StoreUri"] for s in inksoft.add_stores({"StoreId": 77, "StoreUri": "more"})][-1] == "more"


def test_inksoft_quirks_and_sessions(inksoft: InkSoftSim) -> None:
    assert inksoft.set_quirks(empty_data_false=True)["empty_data_false"] is True
    assert inksoft.quirks()["empty_data_false"] is True
    summaries = requests.get(f"{inksoft.store_url()}/Api2/GetOrderSummaries", timeout=5,
                             params={"ApiKey": inksoft.credentials.inksoft_api_key}).json()
    assert summaries["Data"] is False
    signed_in = requests.post(f"{inksoft.store_url()}/Api2/SignIn", timeout=5, data={
        "Username": inksoft.credentials.inksoft_username, "Password": inksoft.credentials.inksoft_password,
        "PublisherId": inksoft.credentials.inksoft_publisher_id})
    assert signed_in.status_code == 200 and inksoft.end_sessions() == 1


@pytest.mark.sockets
def test_handles_connect_to_a_running_simulator() -> None:
    with ThreadedServer(create_shipstation_app({"rate_limit": None})) as ss, \
            ThreadedServer(create_inksoft_app()) as ink:
        shipstation, inksoft = ShipStationSim.connect(ss.url), InkSoftSim.connect(ink.url)
        shipstation.add_orders({"orderNumber": "C-1"})
        assert requests.get(f"{ss.url}/orders", auth=shipstation.auth, timeout=5).json()["total"] == 1
        order = inksoft.add_order({"FirstName": "Kai"})
        assert inksoft.order(order["ID"])["FirstName"] == "Kai"
        with pytest.raises(SimulatorRefused, match="404"):
            inksoft.update_order(999999, {"Notes": "x"})

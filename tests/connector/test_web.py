"""`inkship serve`'s app: the SHIP_NOTIFY receiver (token, body, forged resource_url, duplicates) and
/healthz, with both simulators in process and the ShipStation simulator delivering its webhooks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.config import Config, load_config
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.state.store import StateStore
from inkship.connector.web.app import create_app, webhook_url
from inkship.simulators.transport import mount_app

from tests.connector.test_cli_support import RECEIVER, SHIPSTATION, TOKEN, Sims, make_sims, write_config

CREATE_SHIPMENTS = "/demo_print_shop/Api2/CreateOrderShipments"


@pytest.fixture
def sims() -> Sims:
    return make_sims()


@pytest.fixture
def config(tmp_path: Path, sims: Sims) -> Config:
    return load_config(write_config(tmp_path, sims.credentials), env={})


@pytest.fixture
def receiver(sims: Sims, config: Config) -> Flask:
    def engine_factory() -> SyncEngine:
        # No waiting between retries: the outage test would otherwise back off for real.
        return SyncEngine(config, InkSoftClient(config.inksoft, session=sims.session, sleep=_no_sleep),
                          ShipStationClient(config.shipstation, session=sims.session, sleep=_no_sleep),
                          StateStore(config.state.database))

    app = create_app(config, engine_factory)
    sims.serve_receiver(app)
    return app


@pytest.fixture
def imported(sims: Sims, config: Config, receiver: Flask) -> None:
    """The demo shop imported into ShipStation, with the receiver subscribed to SHIP_NOTIFY."""
    with StateStore(config.state.database) as state:
        SyncEngine(config, InkSoftClient(config.inksoft, session=sims.session),
                   ShipStationClient(config.shipstation, session=sims.session), state).run_import()
    ShipStationClient(config.shipstation, session=sims.session).subscribe_webhook(
        webhook_url(RECEIVER, TOKEN), "SHIP_NOTIFY", 310001)


def _no_sleep(seconds: float) -> None:
    return None


def _post(receiver: Flask, body: Any, token: str = TOKEN, **kw: Any) -> Any:
    return receiver.test_client().post(f"/webhooks/shipstation/{token}", json=body, **kw)


def _ship_notice(batch_id: int) -> dict:
    return {"resource_url": f"{SHIPSTATION}/shipments?storeID=310001&batchId={batch_id}"
                            "&includeShipmentItems=False", "resource_type": "SHIP_NOTIFY"}


def _packages(sims: Sims) -> list[dict]:
    return [package for order in sims.inksoft_state()["orders"]
            for shipment in order.get("Shipments") or [] for package in shipment["Packages"]]


def test_healthz(receiver: Flask) -> None:
    response = receiver.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"ok": True}


@pytest.mark.usefixtures("imported")
def test_a_label_is_written_back_through_the_webhook(sims: Sims) -> None:
    [label] = sims.create_labels({"orderNumbers": [_number(sims, "Ortiz")], "carrierCode": "ups_walleted"})

    [delivery] = sims.shipstation_state()["deliveries"]
    assert [a["status"] for a in delivery["attempts"]] == [200]
    [package] = _packages(sims)
    assert package["TrackingNumber"] == label["trackingNumber"]
    assert package["CarrierName"] == "UPS"


@pytest.mark.usefixtures("imported")
def test_a_duplicate_webhook_writes_nothing_more(sims: Sims, receiver: Flask) -> None:
    [label] = sims.create_labels({"orderNumbers": [_number(sims, "Whitaker")]})
    notice = sims.shipstation_state()["deliveries"][0]["payload"]

    again = _post(receiver, notice)

    assert again.status_code == 200
    assert again.get_json()["report"]["counts"]["duplicate"] == 1
    assert len(sims.journal(sims.inksoft, path_prefix=CREATE_SHIPMENTS)) == 1
    assert [p["TrackingNumber"] for p in _packages(sims)] == [label["trackingNumber"]]


@pytest.mark.usefixtures("imported")
def test_a_wrong_token_is_404_without_detail_and_fetches_nothing(sims: Sims, receiver: Flask,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    before = len(sims.journal(sims.shipstation))
    response = _post(receiver, _ship_notice(1), token="guess")
    unknown = receiver.test_client().post("/webhooks/elsewhere", json=_ship_notice(1))

    assert response.status_code == 404
    assert response.get_data() == unknown.get_data()
    assert len(sims.journal(sims.shipstation)) == before
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("body", [None, b"", b"{not json", b"[]", b'{"resource_type": "SHIP_NOTIFY"}',
                                  b'{"resource_url": 5, "resource_type": "SHIP_NOTIFY"}'])
def test_an_empty_or_malformed_body_is_400(receiver: Flask, body: bytes | None) -> None:
    response = receiver.test_client().post(f"/webhooks/shipstation/{TOKEN}", data=body,
                                           content_type="application/json")

    assert response.status_code == 400
    assert response.get_json()["ok"] is False


@pytest.mark.usefixtures("imported")
def test_a_forged_resource_url_is_refused_and_never_fetched(sims: Sims, receiver: Flask) -> None:
    foreign_requests: list[str] = []
    foreign = Flask("foreign")

    @foreign.route("/<path:anything>")
    def record(anything: str) -> str:
        foreign_requests.append(anything)
        return "{}"

    mount_app(sims.session, "http://evil.test", foreign)
    before = len(sims.journal(sims.shipstation))

    response = _post(receiver, {"resource_url": "http://evil.test/shipments?batchId=1",
                                "resource_type": "SHIP_NOTIFY"})

    assert response.status_code == 400
    assert "not on the configured ShipStation host" in response.get_json()["error"]
    assert foreign_requests == []
    assert len(sims.journal(sims.shipstation)) == before
    assert sims.journal(sims.inksoft, path_prefix=CREATE_SHIPMENTS) == []


def test_an_outage_answers_503(sims: Sims, receiver: Flask) -> None:
    sims.control(sims.shipstation, "POST", "faults", {"id": "down", "method": "GET", "path": "/shipments",
                                                       "action": "drop"})

    response = _post(receiver, _ship_notice(1))

    assert response.status_code == 503


def test_other_events_are_acknowledged_and_ignored(sims: Sims, receiver: Flask) -> None:
    response = _post(receiver, {"resource_url": f"{SHIPSTATION}/orders?importBatch=x",
                                "resource_type": "ORDER_NOTIFY"})

    assert response.status_code == 200
    assert response.get_json()["report"]["counts"]["ignored"] == 1
    assert sims.journal(sims.shipstation) == []


def test_the_custom_store_endpoint_is_served_when_enabled(sims: Sims, config: Config) -> None:
    enabled = replace(config, custom_store=replace(config.custom_store, enabled=True, username="ss",
                                                   password="custom-store-password"))
    disabled_app = create_app(config, lambda: None)
    enabled_app = create_app(enabled, lambda: None)

    path = enabled.custom_store.path
    assert disabled_app.test_client().get(path).status_code == 404
    assert enabled_app.test_client().get(f"{path}?action=export").status_code == 401


def _number(sims: Sims, surname: str) -> str:
    return next(o["orderNumber"] for o in sims.shipstation_state()["orders"]
                if o["shipTo"]["name"].endswith(surname))

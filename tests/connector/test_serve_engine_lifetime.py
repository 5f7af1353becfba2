"""Issue 12: `inkship serve` keeps one engine, and so one state store, for as long as it serves, instead
of building them for every webhook; the command builds it before serving and closes it after."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests
from flask import Flask
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.commands.context import Runtime
from inkship.connector.config import Config
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.state.store import StateStore
from inkship.connector.web.app import create_app, shared_engine, webhook_url
from inkship.connector.web.server import WaitressServer, server_settings

from tests.connector import test_web
from tests.connector.test_cli_support import (
    RECEIVER,
    TOKEN,
    Sims,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    write_config,
)

sims, config = test_web.sims, test_web.config  # the receiver tests' fixtures


class EngineFactory:
    def __init__(self, sims: Sims, config: Config) -> None:
        self.sims, self.config, self.engines = sims, config, []

    def __call__(self) -> SyncEngine:
        engine = SyncEngine(self.config, InkSoftClient(self.config.inksoft, session=self.sims.session),
                            ShipStationClient(self.config.shipstation, session=self.sims.session),
                            StateStore(self.config.state.database))
        self.engines.append(engine)
        return engine


def _import_and_subscribe(sims: Sims, config: Config) -> None:
    with StateStore(config.state.database) as state:
        SyncEngine(config, InkSoftClient(config.inksoft, session=sims.session),
                   ShipStationClient(config.shipstation, session=sims.session), state).run_import()
    ShipStationClient(config.shipstation, session=sims.session).subscribe_webhook(
        webhook_url(RECEIVER, TOKEN), "SHIP_NOTIFY", 310001)


def test_one_engine_serves_every_webhook(sims: Sims, config: Config) -> None:
    factory = EngineFactory(sims, config)
    app: Flask = create_app(config, factory)
    sims.serve_receiver(app)
    _import_and_subscribe(sims, config)
    orders = [o["orderNumber"] for o in sims.shipstation_state()["orders"]]

    for number in orders[:3]:
        sims.create_labels({"orderNumbers": [number]})

    deliveries = sims.shipstation_state()["deliveries"]
    assert len(deliveries) == 3 and all(d["attempts"][-1]["status"] == 200 for d in deliveries)
    assert len(factory.engines) == 1


@pytest.mark.sockets
def test_concurrent_webhooks_over_sockets_share_the_engine_one_at_a_time(sims: Sims, config: Config) -> None:
    factory = EngineFactory(sims, config)
    app = create_app(config, factory)
    _import_and_subscribe(sims, config)
    orders = [o["orderNumber"] for o in sims.shipstation_state()["orders"]]
    # The simulator's own deliveries go to a sink; they are posted below, over a socket, all at once.
    sink = Flask("sink")
    sink.add_url_rule("/<path:anything>", "sink", lambda anything: "", methods=["POST"])
    sims.serve_receiver(sink)
    for number in orders[:4]:
        sims.create_labels({"orderNumbers": [number]})
    notices = [d["payload"] for d in sims.shipstation_state()["deliveries"]]
    statuses: list[int] = []
    with WaitressServer(app, **server_settings(config.webhook)) as server:
        def post(notice: dict) -> None:
            response = requests.post(webhook_url(server.url, TOKEN), json=notice, timeout=30)
            statuses.append(response.status_code)

        threads = [threading.Thread(target=post, args=(notice,)) for notice in notices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert statuses == [200] * len(notices)
    assert len(factory.engines) == 1
    written = [package for order in sims.inksoft_state()["orders"]
               for shipment in order.get("Shipments") or [] for package in shipment["Packages"]]
    assert len(written) == len(notices)


@pytest.mark.usefixtures("isolated_cli")
def test_serve_builds_the_engine_before_serving_and_closes_it_after(sims: Sims, config: Path,
                                                                   tmp_path: Path) -> None:
    seen: list[bool] = []

    def serve_forever(app: Flask, host: str, port: int) -> None:
        seen.append(shared_engine(app)._engine is not None)
        served.append(app)

    served: list[Flask] = []
    path = write_config(tmp_path, sims.credentials)

    result = invoke(sims, path, "serve", runtime=Runtime(session=sims.session, serve_forever=serve_forever))

    assert result.exit_code == 0, result.output
    assert seen == [True]
    assert shared_engine(served[0])._engine is None  # closed when serving ended

"""End-to-end fixtures: both simulators, the real clients and a real state file, driven by one engine.

One `SimClock` is the time of the whole world: both simulators, the engine, the state store and the
clients' sleeps (a client that backs off advances it instead of sleeping). ShipStation webhooks are
caught by a small receiver app so a test decides when, and how often, the engine sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, request
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.config import (
    Config,
    InkSoftConfig,
    MappingConfig,
    ShipStationConfig,
    StateConfig,
    SyncConfig,
)
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.state.store import StateStore
from inkship.simulators.clock import SimClock
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app as create_shipstation_app
from inkship.simulators.transport import route_session

T0 = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
INKSOFT_HOST = "http://inksoft.sim"
SHIPSTATION_HOST = "http://ssapi.sim"
HOOKS_HOST = "http://hooks.sim"
CREDENTIALS = SimCredentials()


def hook_receiver(caught: list[dict[str, Any]]) -> Flask:
    """Stands in for `inkship serve`: keeps every webhook body for the test to hand to the engine."""
    app = Flask("hooks")

    @app.post("/shipstation")
    def receive() -> tuple[str, int]:
        caught.append(request.get_json(silent=True) or {})
        return "", 204

    return app


class World:
    """Both simulated APIs, their shared clock, and engines on one state file."""

    def __init__(self, tmp_path: Path, *, inksoft_url: str | None = None, shipstation_url: str | None = None,
                 session: requests.Session | None = None, inksoft_app: Flask | None = None,
                 shipstation_app: Flask | None = None, clock: SimClock | None = None,
                 webhooks: list[dict[str, Any]] | None = None, hooks_url: str = HOOKS_HOST,
                 rate_limit: int | None = 40) -> None:
        self.clock = clock or SimClock(frozen_at=T0)
        self.webhooks: list[dict[str, Any]] = webhooks if webhooks is not None else []
        self.hooks_url = hooks_url
        self.inksoft_app = inksoft_app or create_inksoft_app({"clock": self.clock,
                                                              "credentials": CREDENTIALS})
        self.shipstation_app = shipstation_app or create_shipstation_app({
            "clock": self.clock, "credentials": CREDENTIALS, "rate_limit": rate_limit,
            "webhook_session": route_session({HOOKS_HOST: hook_receiver(self.webhooks)})})
        self.inksoft_url = inksoft_url or INKSOFT_HOST
        self.shipstation_url = shipstation_url or SHIPSTATION_HOST
        self.session = session or route_session({INKSOFT_HOST: self.inksoft_app,
                                                 SHIPSTATION_HOST: self.shipstation_app})
        self.db_path = tmp_path / "state" / "inkship.sqlite3"
        self.sleeps: list[float] = []
        self.stores: list[StateStore] = []
        self.config = self.make_config(requests_per_minute=rate_limit or 0)

    # -- the connector side ----------------------------------------------------------------------

    def make_config(self, *, statuses: dict[str, str] | None = None, batch_read: bool = True,
                    requests_per_minute: int = 40) -> Config:
        return Config(
            inksoft=InkSoftConfig(base_url=f"{self.inksoft_url}/{CREDENTIALS.inksoft_store}",
                                  api_key=CREDENTIALS.inksoft_api_key, batch_read=batch_read),
            shipstation=ShipStationConfig(base_url=self.shipstation_url,
                                          api_key=CREDENTIALS.shipstation_api_key,
                                          api_secret=CREDENTIALS.shipstation_api_secret,
                                          requests_per_minute=requests_per_minute),
            state=StateConfig(database=str(self.db_path)),
            mapping=MappingConfig(statuses=statuses or {}),
            sync=SyncConfig(overlap_minutes=10, backfill_days=30),
        )

    def sleep(self, seconds: float) -> None:
        """A client backing off: time passes in the world, not on the wall clock."""
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    def monotonic(self) -> float:
        return self.clock.now().timestamp()

    def inksoft(self, config: Config | None = None) -> InkSoftClient:
        return InkSoftClient((config or self.config).inksoft, session=self.session, sleep=self.sleep,
                             clock=self.monotonic)

    def shipstation(self, config: Config | None = None) -> ShipStationClient:
        return ShipStationClient((config or self.config).shipstation, session=self.session, sleep=self.sleep,
                                 clock=self.monotonic)

    def store(self) -> StateStore:
        store = StateStore(self.db_path, clock=self.clock.now)
        self.stores.append(store)
        return store

    def engine(self, *, crash_at: str | None = None, config: Config | None = None) -> SyncEngine:
        """A fresh engine (fresh clients, its own connection to the state file), as a new process has."""
        config = config or self.config
        return SyncEngine(config, self.inksoft(config), self.shipstation(config), self.store(),
                          clock=self.clock.now, crash_at=crash_at)

    def close(self) -> None:
        for store in self.stores:
            store.close()

    # -- the simulated outside world -------------------------------------------------------------

    @property
    def inksoft_state(self) -> Any:
        return self.inksoft_app.extensions["inkship_sim"].state

    @property
    def shipstation_sim(self) -> Any:
        return self.shipstation_app.extensions["inkship_sim"]

    def add_orders(self, *partials: dict[str, Any]) -> list[dict[str, Any]]:
        return self.inksoft_state.add_orders(list(partials))

    def inksoft_order(self, order_id: int) -> dict[str, Any]:
        return self.inksoft_state.find_order(order_id)

    def shipstation_orders(self) -> list[dict[str, Any]]:
        return self.sim_get(self.shipstation_url, "/orders", pageSize=500)["orders"]

    def shipstation_order(self, order_number: str) -> dict[str, Any]:
        [order] = [o for o in self.shipstation_orders() if o["orderNumber"] == order_number]
        return order

    def subscribe_webhooks(self) -> None:
        self.shipstation().subscribe_webhook(f"{self.hooks_url}/shipstation", "SHIP_NOTIFY")

    def create_labels(self, **spec: Any) -> list[dict[str, Any]]:
        """A user buying labels in ShipStation (fires SHIP_NOTIFY to the subscribers)."""
        return self.sim_post(self.shipstation_url, "/__sim/labels", spec)["shipments"]

    def void_label(self, shipment_id: int) -> dict[str, Any]:
        return self.sim_post(self.shipstation_url, "/__sim/labels/void", {"shipmentId": shipment_id})

    def add_fault(self, base_url: str, **rule: Any) -> dict[str, Any]:
        return self.sim_post(base_url, "/__sim/faults", rule)

    def journal_count(self, base_url: str, **filters: Any) -> int:
        return int(self.sim_get(base_url, "/__sim/journal/count", **filters)["count"])

    def clear_journals(self) -> None:
        for base_url in (self.inksoft_url, self.shipstation_url):
            self.session.delete(f"{base_url}/__sim/journal", timeout=10).raise_for_status()

    def sim_get(self, base_url: str, route: str, **params: Any) -> Any:
        auth = (CREDENTIALS.shipstation_api_key, CREDENTIALS.shipstation_api_secret)
        response = self.session.get(f"{base_url}{route}", params=params, auth=auth, timeout=10)
        response.raise_for_status()
        return response.json()

    def sim_post(self, base_url: str, route: str, body: Any) -> Any:
        response = self.session.post(f"{base_url}{route}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path)
    yield w
    w.close()


@pytest.fixture
def socket_world(tmp_path: Path) -> Iterator[World]:
    """The same world over real sockets on port 0 (a plain `requests.Session`, no in-process routing)."""
    clock = SimClock(frozen_at=T0)
    webhooks: list[dict[str, Any]] = []
    hooks = ThreadedServer(hook_receiver(webhooks))
    hooks.start()
    inksoft_app = create_inksoft_app({"clock": clock, "credentials": CREDENTIALS})
    shipstation_app = create_shipstation_app({"clock": clock, "credentials": CREDENTIALS, "rate_limit": 40})
    with ThreadedServer(inksoft_app) as inksoft, ThreadedServer(shipstation_app) as shipstation:
        w = World(tmp_path, inksoft_url=inksoft.url, shipstation_url=shipstation.url,
                  session=requests.Session(), inksoft_app=inksoft_app, shipstation_app=shipstation_app,
                  clock=clock, webhooks=webhooks, hooks_url=hooks.url)
        try:
            yield w
        finally:
            w.close()
            w.session.close()
            hooks.stop()

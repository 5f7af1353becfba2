"""One scenario's world: both simulators, `inkship serve`'s webhook receiver and the connector, wired
on one clock, in process (routed `requests` sessions) or over real sockets (servers on port 0).

Only `start()` knows the difference between the two modes; everything else talks to base URLs through
`self.session`, to the simulators' control planes (`/__sim/`) and to the APIs the connector uses.
"""

from __future__ import annotations

import dataclasses
import secrets
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import requests
from flask import Flask
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.commands.serve import WEBHOOK_HTTP_ATTEMPTS
from inkship.connector.config import (
    Config,
    CustomStoreConfig,
    InkSoftConfig,
    MappingConfig,
    ShipStationConfig,
    StateConfig,
    SyncConfig,
    WebhookConfig,
)
from inkship.connector.customstore.export import suggested_status_mappings
from inkship.connector.engine.reports import ShipbackReport
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.state.store import StateStore
from inkship.connector.web.app import create_app as create_receiver_app
from inkship.connector.web.app import webhook_url
from inkship.scenarios.seeds import inksoft_seed, shipstation_seed
from inkship.scenarios.stores import merged_seed, scenario_stores, shipstation_stores
from inkship.simulators.clock import SimClock
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app as create_shipstation_app
from inkship.simulators.transport import mount_app

# The world's start, unless a scenario says otherwise: a Monday afternoon in Oregon.
DEFAULT_START = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
IN_PROCESS_URLS = {"inksoft": "http://inksoft.sim", "shipstation": "http://ssapi.sim",
                   "receiver": "http://inkship.sim"}
CONTROL_TIMEOUT = 60.0
APIS = ("inksoft", "shipstation")
# The ShipStation store `given.transport: custom_store` sets up, pulling from the connector's endpoint.
CUSTOM_STORE_ID = 320001
CUSTOM_STORE_USERNAME = "shipstation-user"


class WorldError(Exception):
    """A simulator refused what the scenario asked of it (a bad order, an unknown label...)."""


class ReceiverEngine(SyncEngine):
    """The engine `inkship serve` builds per webhook, keeping each report for the scenario's checks."""

    sink: list[ShipbackReport]

    def handle_webhook(self, payload: dict[str, Any]) -> ShipbackReport:
        report = super().handle_webhook(payload)
        self.sink.append(report)
        return report


class World:
    """Build with the scenario's `given`, then `start()`; `close()` stops servers and the state store."""

    def __init__(self, given: dict[str, Any], workdir: Path, *, sockets: bool = False) -> None:
        self.given = given
        self.sockets = sockets
        self.credentials = SimCredentials()
        start = given.get("clock")
        self.clock = SimClock(frozen_at=datetime.fromisoformat(start) if start else DEFAULT_START)
        self.db_path = workdir / "state" / "inkship.sqlite3"
        self.token = secrets.token_urlsafe(24)
        self.webhook_reports: list[ShipbackReport] = []
        self.sleeps: list[float] = []
        self.urls: dict[str, str] = {}
        self._stack = ExitStack()
        shipstation = given.get("shipstation") or {}
        self._webhook_session = self._closing(requests.Session())
        self.stores = scenario_stores(given, self.credentials.inksoft_store)
        self.apps: dict[str, Flask] = {
            "inksoft": self._inksoft_app(merged_seed(given.get("inksoft") or {}, self.stores)),
            "shipstation": create_shipstation_app({
                "clock": self.clock, "credentials": self.credentials,
                "rate_limit": shipstation.get("rate_limit", 40),
                "void_returns_to_awaiting": shipstation.get("void_returns_to_awaiting", True),
                "webhook_session": self._webhook_session}),
        }
        for store in self.stores:
            if store.own_simulator:
                self.apps[store.api] = self._inksoft_app(store.seed())
        # The connector's and the runner's way to the APIs: plain over sockets, routed in process.
        self.session = self._closing(requests.Session())
        self.config = Config()  # the real one needs the URLs, known once started

    def _inksoft_app(self, given: dict[str, Any]) -> Flask:
        """The InkSoft simulator seeded at creation (no round trip for thousands of generated orders)."""
        try:
            return create_inksoft_app({"clock": self.clock, "credentials": self.credentials,
                                       "quirks": given.get("quirks"), "seed": inksoft_seed(given)})
        except (ValueError, KeyError, TypeError) as exc:
            raise WorldError(f"the InkSoft simulator refused given.inksoft: {exc}") from None

    def _closing(self, session: requests.Session) -> requests.Session:
        self._stack.callback(session.close)
        return session

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> World:
        """Serve everything and seed ShipStation; on any failure, stop what was started."""
        try:
            return self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> World:
        if self.sockets:
            self.urls = {api: self._serve(app) for api, app in self.apps.items()}
        else:
            self.urls = {api: IN_PROCESS_URLS.get(api) or f"http://{api.replace(':', '-')}.sim"
                         for api in self.apps}
            for api in self.apps:
                mount_app(self.session, self.urls[api], self.apps[api])
            # ShipStation's outbound calls may target InkSoft's XML surface as a Custom Store URL.
            mount_app(self._webhook_session, self.urls["inksoft"], self.apps["inksoft"])
        self.config = self._config(self.given.get("connector") or {})
        receiver = create_receiver_app(self.config, self._receiver_engine)
        if self.sockets:
            self.urls["receiver"] = self._serve(receiver)
        else:
            self.urls["receiver"] = IN_PROCESS_URLS["receiver"]
            mount_app(self._webhook_session, self.urls["receiver"], receiver)
        subscribed = (self.given.get("connector") or {}).get("webhook")
        seed = shipstation_seed(self.given.get("shipstation") or {},
                                self.receiver_webhook_url() if subscribed else None,
                                self.config.shipstation.store_id)
        seed["stores"] = [self._store_urls(store) for store in seed.get("stores", [])]
        seed["stores"] += shipstation_stores(self.stores, seed["stores"])
        if self.custom_store:
            seed["stores"].append(self._custom_store())
        if not seed["stores"]:
            del seed["stores"]
        if seed:
            self.control("shipstation", "POST", "/seed", seed)
        return self

    @property
    def custom_store(self) -> bool:
        return self.given.get("transport", "rest") == "custom_store"

    def _store_urls(self, store: dict[str, Any]) -> dict[str, Any]:
        """A given store's `integrationUrl` may name InkSoft's API (`{inksoft}`, `{inksoft_api_key}`),
        whose address is known only once started."""
        if "integrationUrl" not in store:
            return store
        url = store["integrationUrl"].replace("{inksoft}", self.config.inksoft.base_url)
        return {**store, "integrationUrl": url.replace("{inksoft_api_key}", self.credentials.inksoft_api_key)}

    def _custom_store(self) -> dict[str, Any]:
        """The Custom Store as a shop sets it up in ShipStation, with the README's status mapping boxes."""
        settings = self.config.custom_store
        boxes = suggested_status_mappings(self.config.mapping)
        return {"storeId": CUSTOM_STORE_ID, "storeName": "Print shop (Custom Store)",
                "marketplaceName": "Custom Store", "integrationUrl": self.urls["receiver"] + settings.path,
                "credentials": {"username": settings.username, "password": settings.password},
                "statusMappings": [{"orderStatus": status, "statusKey": ", ".join(names)}
                                   for status, names in boxes.items()]}

    def _serve(self, app: Flask) -> str:
        server = ThreadedServer(app).start()
        self._stack.callback(server.stop)
        return server.url

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the connector -------------------------------------------------------------------------

    def _config(self, given: dict[str, Any]) -> Config:
        """The scenario's connector settings over what the runner decides: URLs, credentials, database."""
        def section(cls: type, base: dict[str, Any], name: str) -> Any:
            return cls(**{**base, **(given.get(name) or {})})

        creds = self.credentials
        mapping = section(MappingConfig, {}, "mapping")
        # One write-back at a time unless the scenario says otherwise: a scenario's faults fall on the Nth
        # call and its expected counts are exact, so the order of its calls must not vary from run to run.
        inksoft = section(InkSoftConfig, {"base_url": f"{self.urls['inksoft']}/{creds.inksoft_store}",
                                          "api_key": creds.inksoft_api_key, "write_concurrency": 1},
                          "inksoft")
        if self.stores:
            inksoft = dataclasses.replace(inksoft, base_url="", stores=tuple(
                store.config(self.urls[store.api]) for store in self.stores))
        return Config(
            inksoft=inksoft,
            shipstation=section(ShipStationConfig, {
                "base_url": self.urls["shipstation"], "api_key": creds.shipstation_api_key,
                "api_secret": creds.shipstation_api_secret}, "shipstation"),
            state=StateConfig(database=str(self.db_path)),
            mapping=dataclasses.replace(mapping, statuses=dict(given.get("statuses") or {})),
            webhook=WebhookConfig(token=self.token),
            sync=section(SyncConfig, {}, "sync"),
            custom_store=CustomStoreConfig(enabled=self.custom_store, username=CUSTOM_STORE_USERNAME,
                                           password=self.token),
        )

    def sleep(self, seconds: float) -> None:
        """A client backing off: time passes in the world, not on the wall clock."""
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    def monotonic(self) -> float:
        return self.clock.now().timestamp()

    def engine(self, *, crash_at: str | None = None, engine_class: type[SyncEngine] = SyncEngine,
               **http_kw: Any) -> SyncEngine:
        """A fresh connector process: new clients and its own connection to the state database."""
        options = {"session": self.session, "sleep": self.sleep, "clock": self.monotonic, **http_kw}
        return engine_class(self.config, InkSoftClient(self.config.inksoft, **options),
                            ShipStationClient(self.config.shipstation, **options),
                            self._open_state(), clock=self.clock.now, crash_at=crash_at)

    def _receiver_engine(self) -> SyncEngine:
        engine = cast(ReceiverEngine, self.engine(engine_class=ReceiverEngine,
                                                  max_attempts=WEBHOOK_HTTP_ATTEMPTS))
        engine.sink = self.webhook_reports
        return engine

    def _open_state(self) -> StateStore:
        return StateStore(self.db_path, clock=self.clock.now, claim_seconds=self.config.state.claim_seconds)

    def state_store(self) -> StateStore:
        store = self._open_state()
        self._stack.callback(store.close)
        return store

    def inksoft_orders(self, store: str | None = None) -> dict[int, dict[str, Any]]:
        """InkSoft's orders by ID, as its simulator shows them: every order of the shared simulator, or
        one `given.stores` store's (in whichever simulator it lives)."""
        if store is None:
            return {o["ID"]: o for o in self.control("inksoft", "GET", "/state")["orders"]}
        found = next((s for s in self.stores if s.name == store), None)
        if found is None:
            raise WorldError(f"no store {store!r} in given.stores")
        dump = self.control(found.api, "GET", "/state")
        store_id = next(s["StoreId"] for s in dump["stores"] if s["StoreUri"].lower() == found.uri.lower())
        return {o["ID"]: o for o in dump["orders"] if o["StoreId"] == store_id}

    def receiver_webhook_url(self) -> str:
        return webhook_url(self.urls["receiver"], self.token)

    # -- the simulators' control planes --------------------------------------------------------

    def control(self, api: str, method: str, route: str, body: Any = None, **params: Any) -> Any:
        response = self.session.request(method, f"{self.urls[api]}/__sim{route}", json=body,
                                        params=params or None, timeout=CONTROL_TIMEOUT)
        if response.status_code >= 400:
            raise WorldError(f"the {api} simulator refused {method} /__sim{route}: "
                             f"HTTP {response.status_code} {response.text[:500]}")
        return response.json()

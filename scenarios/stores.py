"""Several InkSoft stores in a scenario: `given.stores` declares each store the connector serves (its
InkSoft store, its orders, its ShipStation store, its own status table or credentials), and
`expect.stores.<name>` checks one store's side of the world.

A store lives in the one InkSoft simulator (beside the default store, under its own URL name), or with
`own_simulator: true` in a simulator of its own (at its own base URL), so two stores can both have an
order 1001 as two InkSoft accounts can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inkship.connector.config import StoreConfig

# Fields of a `given.stores` entry that are the connector's `[[inksoft.stores]]` keys as they are.
CONNECTOR_KEYS = ("shipstation_store_id", "statuses", "order_number_prefix", "api_key")


@dataclass
class ScenarioStore:
    """One `given.stores` entry."""

    name: str
    uri: str  # the InkSoft StoreUri
    own_simulator: bool
    inksoft_store: dict[str, Any]  # the simulator's store record (StoreId, Name, CustomStatuses...)
    orders: list[dict[str, Any]]
    connector: dict[str, Any] = field(default_factory=dict)

    @property
    def api(self) -> str:
        """The world's name for the InkSoft simulator this store is in."""
        return f"inksoft:{self.name}" if self.own_simulator else "inksoft"

    def seed(self) -> dict[str, Any]:
        """Its part of its simulator's seed document: the store, and its orders."""
        return {"stores": [{**self.inksoft_store, "StoreUri": self.uri}],
                "orders": [{**order, "StoreUri": self.uri} for order in self.orders]}

    def config(self, inksoft_url: str) -> StoreConfig:
        return StoreConfig(name=self.name, base_url=f"{inksoft_url}/{self.uri}", **self.connector)


def scenario_stores(given: dict[str, Any], default_uri: str) -> list[ScenarioStore]:
    """The stores a scenario declares (none: the single default store, as before)."""
    return [ScenarioStore(name=entry["name"], uri=entry.get("uri", default_uri),
                          own_simulator=entry.get("own_simulator", False),
                          inksoft_store=dict(entry.get("inksoft_store") or {}),
                          orders=list(entry.get("orders") or []),
                          connector={key: entry[key] for key in CONNECTOR_KEYS if key in entry})
            for entry in given.get("stores") or []]


def merged_seed(seed: dict[str, Any], stores: list[ScenarioStore]) -> dict[str, Any]:
    """The shared simulator's seed document with the stores that live in it added."""
    stores_seed = list(seed.get("stores") or [])
    orders = list(seed.get("orders") or [])
    for store in stores:
        if not store.own_simulator:
            part = store.seed()
            stores_seed += part["stores"]
            orders += part["orders"]
    return {**seed, "stores": stores_seed, "orders": orders}


def shipstation_stores(stores: list[ScenarioStore], known: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ShipStation stores the scenario's stores send orders to and `given.shipstation.stores` does not
    set up: made as manual stores named after the InkSoft store."""
    have = {entry.get("storeId") for entry in known}
    wanted = {store.connector["shipstation_store_id"]: store.name for store in stores
              if store.connector.get("shipstation_store_id") is not None}
    return [{"storeId": store_id, "storeName": f"{name} (inkship)"}
            for store_id, name in wanted.items() if store_id not in have]


def store_report(report: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    """One store's part of a sync's report: its lines, and ok/error as that store saw them."""
    if report is None:
        return None
    part = dict(report)
    for pass_name in ("import", "shipback"):
        lines = report.get(pass_name)
        if lines is not None:
            part[pass_name] = [line for line in lines if line.get("store") in (name, None)]
    errors = report.get("store_errors") or {}
    part.update(ok=name not in errors, error=errors.get(name))
    return part

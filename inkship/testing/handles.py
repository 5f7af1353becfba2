"""Handles that drive a simulator from a test: the `/__sim/` control plane as typed Python methods.

Every method is one control-plane call (docs/architecture.md, "Control plane"), so a handle works the
same on a simulator in this process and on a server, `inkship sim`'s included:
`ShipStationSim.connect("http://127.0.0.1:8081")`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from inkship.simulators.credentials import SimCredentials
from inkship.testing.channel import ControlChannel

SHIPSTATION_URL = "https://ssapi.shipstation.com"
INKSOFT_HOST_URL = "https://stores.inksoft.com"


class SimHandle:
    """What both simulators answer: reset, seed, state, journal, faults, near misses and the clock."""

    def __init__(self, channel: ControlChannel, url: str, credentials: SimCredentials,
                 app: Any = None, server_url: str | None = None) -> None:
        self._control = channel
        #: The base URL your code calls: the real host in process, the server's URL over sockets.
        self.url = url.rstrip("/")
        #: The credentials the simulator accepts (give them to the code under test).
        self.credentials = credentials
        #: The simulator's Flask app, when it runs in this process (for `httpx_transport` and the like).
        self.app = app
        #: Where the simulator listens when it runs on a socket (`sockets=True`); None in process.
        self.server_url = server_url

    # -- state ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """State, journal, fault rules and clock back to how the simulator started."""
        self._control.call("POST", "/__sim/reset")

    def seed(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """Merge a seed document (the simulator's own format, see the docs); returns the whole state."""
        return dict(self._control.call("POST", "/__sim/seed", json_body=dict(document)) or {})

    def state(self) -> dict[str, Any]:
        """The whole state as JSON data (secrets masked)."""
        return dict(self._control.call("GET", "/__sim/state"))

    # -- journal -------------------------------------------------------------------------------

    def journal(self, method: str | None = None, path: str | None = None, path_prefix: str | None = None,
                status: int | None = None) -> list[dict[str, Any]]:
        """Requests the API received (not control calls), oldest first, credentials masked.

        Each entry: `id`, `time`, `method`, `path`, `query`, `body`, `status`, `fault` (a rule id or None).
        """
        found = self._control.call("GET", "/__sim/journal", params={
            "method": method, "path": path, "path_prefix": path_prefix, "status": status})
        return list(found["requests"])

    def count(self, method: str | None = None, path: str | None = None, path_prefix: str | None = None,
              status: int | None = None) -> int:
        """How many journal entries match, e.g. `count("GET", "/orders")`."""
        return int(self._control.call("GET", "/__sim/journal/count", params={
            "method": method, "path": path, "path_prefix": path_prefix, "status": status})["count"])

    def clear_journal(self) -> None:
        self._control.call("DELETE", "/__sim/journal")

    # -- faults --------------------------------------------------------------------------------

    def add_fault(self, action: str, *, method: str = "*", path: str = ".*", **rule: Any) -> dict[str, Any]:
        """Add one fault rule; returns it with its `id`.

        `action`: `status` (answer `status`, default 500, with `body` and `headers`), `delay` (`delay`
        seconds; in process, a delay at least the request's timeout raises its ReadTimeout, a shorter
        one is skipped), `empty`, `malformed` (half the body), `drop` (the connection; `stage` before or
        after the handler), or, on ShipStation, `duplicate_webhook`, `empty_webhook`, `drop_webhook`
        (`path` then matches the event name). `method` is a verb or "*"; `path` a regular expression
        searched in the request path. When: `when="always"` (default), `when="nth", n=3` (the third
        call; `repeat=True` every third), `when="probability", probability=0.2, seed=1`; `times` caps
        how often it fires. Example: `add_fault("status", method="GET", path="^/orders$", status=503,
        times=1)`.
        """
        return dict(self._control.call("POST", "/__sim/faults",
                                       json_body={"action": action, "method": method, "path": path, **rule}))

    def add_faults(self, rules: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Add several rules given as dicts (the YAML and JSON form); none is added if one is wrong."""
        return list(self._control.call("POST", "/__sim/faults", json_body=[dict(r) for r in rules])["faults"])

    def faults(self) -> list[dict[str, Any]]:
        """The rules in force, each with `calls` (requests that matched) and `fired` (faults applied)."""
        return list(self._control.call("GET", "/__sim/faults")["faults"])

    def remove_fault(self, rule_id: str) -> None:
        self._control.call("DELETE", f"/__sim/faults/{rule_id}")

    def clear_faults(self) -> None:
        self._control.call("DELETE", "/__sim/faults")

    def near_misses(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        """Which fault rules almost matched a request (or the recent ones): why did my fault not fire?"""
        return list(self._control.call("GET", "/__sim/near-misses",
                                       params={"method": method, "path": path})["near_misses"])

    # -- clock ---------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The simulator's current time (aware UTC)."""
        return datetime.fromisoformat(self._control.call("GET", "/__sim/clock")["now"])

    def freeze_clock(self, at: datetime | None = None) -> datetime:
        """Stop the simulator's clock at `at` (aware, or naive meaning UTC), or now; returns the time."""
        state = self._control.call("POST", "/__sim/clock",
                                   json_body={"freeze": at.isoformat() if at else None})
        return datetime.fromisoformat(state["now"])

    def advance_clock(self, seconds: float) -> datetime:
        """Move the simulator's clock forward (frozen or not): holds release, rate windows reset."""
        return datetime.fromisoformat(
            self._control.call("POST", "/__sim/clock", json_body={"advance": seconds})["now"])

    def use_real_clock(self) -> None:
        """Back to the wall clock, with no offset."""
        self._control.call("POST", "/__sim/clock", json_body={"real": True})


class ShipStationSim(SimHandle):
    """The ShipStation API v1 simulator: orders, labels as a user makes them, webhooks, stores."""

    @classmethod
    def connect(cls, base_url: str, credentials: SimCredentials | None = None) -> ShipStationSim:
        """A handle on a running simulator (e.g. `inkship sim`), by its base URL."""
        return cls(ControlChannel(base_url=base_url), base_url, credentials or SimCredentials.from_env(),
                   server_url=base_url)

    @property
    def auth(self) -> tuple[str, str]:
        """`(api_key, api_secret)` for `requests`' `auth=`."""
        return (self.credentials.shipstation_api_key, self.credentials.shipstation_api_secret)

    def add_orders(self, *orders: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Seed orders (partial ShipStation orders: defaults fill the rest); returns them as stored.

        Example: `add_orders({"orderNumber": "1001", "orderStatus": "awaiting_shipment",
        "items": [{"sku": "TEE", "quantity": 2}]})`. An `orderKey` seen before updates that order.
        """
        state = self.seed({"orders": [dict(o) for o in orders]})
        return _stored_orders(state["orders"], orders)

    def add_stores(self, *stores: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Seed stores (`storeId`, `storeName`, `marketplaceName`...); returns every store."""
        return list(self.seed({"stores": [dict(s) for s in stores]})["stores"])

    def add_webhook(self, target_url: str, event: str = "SHIP_NOTIFY", store_id: int | None = None,
                    friendly_name: str = "test") -> list[dict[str, Any]]:
        """Subscribe `target_url` to `event` (as `POST /webhooks/subscribe` would); returns all hooks."""
        hook = {"target_url": target_url, "event": event, "store_id": store_id,
                "friendly_name": friendly_name}
        return list(self.seed({"webhooks": [hook]})["webhooks"])

    def import_orders(self, store_id: int, orders: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        """Orders arriving from a store's sales channel, as a store refresh imports them (fires
        ORDER_NOTIFY to subscribers). Each is a complete order as `createorder` takes it; the answer's
        `results` say, order by order, what was refused and why."""
        return dict(self._control.call("POST", f"/__sim/stores/{store_id}/import",
                                       json_body={"orders": [dict(o) for o in orders]}))

    def orders(self, status: str | None = None) -> list[dict[str, Any]]:
        """Every order (active or deleted: see each one's `active`), optionally of one `orderStatus`."""
        found = self.state()["orders"]
        return [o for o in found if status is None or o["orderStatus"] == status]

    def order(self, order_number: str) -> dict[str, Any]:
        """The active order with this number; KeyError if there is none."""
        for found in self.orders():
            if found["orderNumber"] == order_number and found.get("active", True):
                return found
        raise KeyError(f"no ShipStation order numbered {order_number!r}")

    def shipments(self) -> list[dict[str, Any]]:
        """Every shipment (label), with its items, voided ones included (`voided`)."""
        return list(self.state()["shipments"])

    def create_labels(self, order_numbers: Iterable[str] | None = None, *,
                      order_ids: Iterable[int] | None = None, all_awaiting: bool = False,
                      carrier_code: str | None = None, service_code: str | None = None,
                      items: Iterable[Mapping[str, Any]] | None = None,
                      packages: int | None = None) -> list[dict[str, Any]]:
        """Buy labels as a user does in the ShipStation app; returns the new shipments.

        Bulk: several `order_numbers` (or `order_ids`, or `all_awaiting=True`) in one batch. Split:
        one order with `items=[{"lineItemKey": ..., "quantity": n}]` ships only those units (the order
        stays awaiting until every unit is on a label). `packages=n`: one label per package. Fires
        SHIP_NOTIFY to the webhook subscribers.
        """
        spec: dict[str, Any] = {"carrierCode": carrier_code, "serviceCode": service_code,
                                "packages": packages}
        if all_awaiting:
            spec["all"] = True
        if order_numbers is not None:
            spec["orderNumbers"] = list(order_numbers)
        if order_ids is not None:
            spec["orderIds"] = list(order_ids)
        if items is not None:
            spec["items"] = [dict(i) for i in items]
        made = self._control.call("POST", "/__sim/labels",
                                  json_body={k: v for k, v in spec.items() if v is not None})
        return list(made["shipments"])

    def void_label(self, shipment_id: int) -> dict[str, Any]:
        """Void a label (the order returns to awaiting_shipment, as the app does)."""
        return dict(self._control.call("POST", "/__sim/labels/void", json_body={"shipmentId": shipment_id}))

    def webhooks(self) -> list[dict[str, Any]]:
        """The webhook subscriptions."""
        return list(self.state()["webhooks"])

    def deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery made (event, url, payload, attempts with status or error)."""
        return list(self._control.call("GET", "/__sim/webhooks/deliveries")["deliveries"])

    def redeliver_webhook(self, delivery_id: int) -> dict[str, Any]:
        """Fire a past delivery again (a late or repeated webhook); webhook fault rules apply again."""
        return dict(self._control.call("POST", "/__sim/webhooks/redeliver", json_body={"id": delivery_id}))


class InkSoftSim(SimHandle):
    """The InkSoft API 2 simulator: publishers, stores, users, orders and their shipments, quirks."""

    @classmethod
    def connect(cls, base_url: str, credentials: SimCredentials | None = None) -> InkSoftSim:
        """A handle on a running simulator (e.g. `inkship sim`), by its base URL."""
        return cls(ControlChannel(base_url=base_url), base_url, credentials or SimCredentials.from_env(),
                   server_url=base_url)

    #: The API base of each store the mock serves, by StoreUri in lower case (set by `mock_inksoft`).
    store_urls: Mapping[str, str] = MappingProxyType({})

    def store_url(self, store_uri: str | None = None) -> str:
        """A store's API base, e.g. `https://stores.inksoft.com/Devo_Designs` (call `.../Api2/GetOrder`);
        default: the first store the mock serves, else the simulator's own store."""
        if store_uri is None:
            return next(iter(self.store_urls.values()), f"{self.url}/{self.credentials.inksoft_store}")
        return self.store_urls.get(store_uri.lower(), f"{self.url}/{store_uri}")

    def add_order(self, order: Mapping[str, Any], store: str | None = None) -> dict[str, Any]:
        """Add an order from a partial one (InkSoft field names; defaults fill the rest); returns it
        whole. `store`: a StoreUri (default: the order's StoreUri or StoreId, else the first store)."""
        return dict(self._control.call("POST", "/__sim/orders", json_body=dict(order),
                                       params={"store": store}))

    def add_orders(self, orders: Iterable[Mapping[str, Any]],
                   store: str | None = None) -> list[dict[str, Any]]:
        """Add several partial orders at once (none is added if one is refused)."""
        added = self._control.call("POST", "/__sim/orders", json_body=[dict(o) for o in orders],
                                   params={"store": store})
        return list(added["orders"])

    def update_order(self, order_id: int | str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change an order as a shop user would (its DateModified moves); returns it."""
        return dict(self._control.call("PATCH", f"/__sim/orders/{order_id}", json_body=dict(changes)))

    def cancel_order(self, order_id: int | str) -> dict[str, Any]:
        return dict(self._control.call("POST", f"/__sim/orders/{order_id}/cancel"))

    def add_stores(self, *stores: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Seed stores (`StoreId`, `StoreUri`, `Name`, `Domain`, `CustomStatuses`); returns every store."""
        return list(self.seed({"stores": [dict(s) for s in stores]})["stores"])

    def orders(self) -> list[dict[str, Any]]:
        """Every order, with its shipments (`ShipmentPackages` / packages) as the simulator keeps them."""
        return list(self.state()["orders"])

    def order(self, order_id: int) -> dict[str, Any]:
        for found in self.orders():
            if found["ID"] == order_id:
                return found
        raise KeyError(f"no InkSoft order {order_id}")

    def set_quirks(self, **switches: Any) -> dict[str, Any]:
        """Turn quirk switches on or off (e.g. `empty_data_false=True`); returns every switch."""
        return dict(self._control.call("POST", "/__sim/quirks", json_body=switches)["quirks"])

    def quirks(self) -> dict[str, Any]:
        return dict(self._control.call("GET", "/__sim/quirks")["quirks"])

    def end_sessions(self) -> int:
        """Expire every SignIn session (to exercise a client's re-sign-in); returns how many ended."""
        return int(self._control.call("DELETE", "/__sim/sessions")["ended"])


def _stored_orders(stored: list[dict[str, Any]], given: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The stored version of each seeded order: by orderKey when given, else the newest with its number."""
    result = []
    for wanted in given:
        key, number = wanted.get("orderKey"), wanted.get("orderNumber")
        candidates = [o for o in stored if (key and o["orderKey"] == key)
                      or (not key and number is not None and o["orderNumber"] == number)]
        if candidates:
            result.append(candidates[-1])
    return result

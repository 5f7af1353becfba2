"""The ShipStation simulator's in-memory account (no Flask): a thin facade over one backend per resource
family (backends/: orders, shipments and labels, fulfillments, stores, catalog, webhooks).

Every public method takes the state's RLock, then delegates. Events that must reach the outside (webhooks,
Custom Store ship notices) are queued in `pending` and sent by the routes after the lock is released, so a
receiver that calls back into the simulator over a socket never deadlocks.

Switches (config keys of `create_app`, passed here):
  void_returns_to_awaiting      a voided label puts a shipped order back to awaiting_shipment (default on;
                                not documented, the UI does it)
  fire_order_notify_on_create   createorder(s) fire ORDER_NOTIFY (default off; undocumented)
  quirks["pages_zero"]          `/shipments` reports `pages: 0` when every result fits on one page, as the
                                documented example does (default off)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import wraps
from types import MappingProxyType
from typing import Any, TypeVar

from inkship.simulators.shipstation import seed
from inkship.simulators.shipstation.backends.catalog import CatalogBackend
from inkship.simulators.shipstation.backends.fulfillments import FulfillmentsBackend
from inkship.simulators.shipstation.backends.orders import OrdersBackend, render_order
from inkship.simulators.shipstation.backends.shared import Notification, Shared
from inkship.simulators.shipstation.backends.shipments import ShipmentsBackend
from inkship.simulators.shipstation.backends.stores import StoresBackend
from inkship.simulators.shipstation.backends.webhooks import WebhooksBackend

__all__ = ["Notification", "ShipStationState"]

F = TypeVar("F", bound=Callable[..., Any])


def locked(method: F) -> F:
    """Run under the state lock, after releasing any holds whose date has come."""
    @wraps(method)
    def run(self: ShipStationState, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.order_book.release_due_holds()
            return method(self, *args, **kwargs)
    return run  # type: ignore[return-value]


class ShipStationState:
    def __init__(self, clock: Any, *, void_returns_to_awaiting: bool = True,
                 fire_order_notify_on_create: bool = False, quirks: Mapping[str, bool] | None = None,
                 rng_seed: int = 20240310) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.void_returns_to_awaiting = void_returns_to_awaiting
        self.fire_order_notify_on_create = fire_order_notify_on_create
        self.quirks = {"pages_zero": False, **(quirks or {})}
        self._rng_seed = rng_seed
        self.reset()

    # ------------------------------------------------------------------ lifecycle

    def reset(self) -> None:
        with self.lock:
            self.shared = Shared(self.clock, self._rng_seed)
            self.store_book = StoresBackend(self.shared)
            self.catalog = CatalogBackend(self.shared)
            self.order_book = OrdersBackend(self.shared, self.store_book, self.catalog,
                                            fire_order_notify_on_create=self.fire_order_notify_on_create)
            self.shipment_book = ShipmentsBackend(
                self.shared, self.order_book, self.store_book, self.catalog,
                void_returns_to_awaiting=self.void_returns_to_awaiting, pages_zero=self.quirks["pages_zero"])
            self.fulfillment_book = FulfillmentsBackend(self.shared, self.order_book)
            self.hooks = WebhooksBackend(self.shared, self.store_book)
            self.seed(seed.DEFAULTS)

    # The records as plain mappings, for hooks and tests that read them under the lock.
    # Read only: a change must go through the methods, which keep the indexes right.
    @property
    def orders(self) -> Mapping[int, dict]:
        return MappingProxyType(self.order_book.orders)

    @property
    def keys(self) -> Mapping[str, int]:
        return MappingProxyType(self.order_book.keys)

    @property
    def stores(self) -> dict[int, dict]:
        return self.store_book.stores

    @property
    def carriers(self) -> dict[str, dict]:
        return self.catalog.carriers

    @property
    def shipments(self) -> Mapping[int, dict]:
        return MappingProxyType(self.shipment_book.shipments)

    @property
    def rng(self) -> Any:
        return self.shared.rng

    def next_id(self, kind: str) -> int:
        return self.shared.next_id(kind)

    @locked
    def seed(self, data: Mapping[str, Any]) -> None:
        """Merge a seed document: stores, carriers, warehouses, tags, webhooks, then partial orders."""
        now = self.clock.now()
        for store in data.get("stores", []):
            self.store_book.seed(store, now)
        for carrier in data.get("carriers", []):
            self.catalog.seed_carrier(carrier)
        for warehouse in data.get("warehouses", []):
            self.catalog.seed_warehouse(warehouse, now)
        for tag in data.get("tags", []):
            self.catalog.seed_tag(tag)
        for hook in data.get("webhooks", []):
            self.hooks.subscribe(hook)
        for partial in data.get("orders", []):
            self.order_book.upsert(seed.order(partial, now), prefix="apiOrder")

    @locked
    def dump(self) -> dict:
        return {
            "now": self.clock.now().isoformat(),
            "stores": self.store_book.dump(),
            "carriers": list(self.catalog.carriers.values()),
            "warehouses": self.catalog.list_warehouses(),
            "orders": self.order_book.dump(),
            "shipments": self.shipment_book.dump(),
            "fulfillments": self.fulfillment_book.dump(),
            "webhooks": self.hooks.listing()["webhooks"],
            "deliveries": self.hooks.dump_deliveries(),
        }

    def take_pending(self) -> list[Notification]:
        with self.lock:
            return self.shared.take_pending()

    # ------------------------------------------------------------------ orders

    @locked
    def upsert_order(self, payload: Any, *, prefix: str = "apiOrder",
                     import_batch: str | None = None) -> dict:
        return render_order(self.order_book.upsert(payload, prefix=prefix, import_batch=import_batch))

    @locked
    def create_order(self, payload: Any) -> dict:
        return self.order_book.create_one(payload)

    @locked
    def create_orders(self, payloads: Any) -> dict:
        return self.order_book.create_many(payloads)

    @locked
    def import_orders(self, store_id: int, payloads: Iterable[Mapping[str, Any]]) -> dict:
        return self.order_book.import_from_store(store_id, payloads)

    @locked
    def get_order(self, order_id: Any) -> dict:
        return render_order(self.order_book.record(order_id))

    @locked
    def delete_order(self, order_id: Any) -> dict:
        return self.order_book.delete(order_id)

    @locked
    def hold_until(self, body: Mapping[str, Any]) -> dict:
        return self.order_book.hold_until(body)

    @locked
    def restore_from_hold(self, body: Mapping[str, Any]) -> dict:
        return self.order_book.restore_from_hold(body)

    @locked
    def change_tag(self, body: Mapping[str, Any], add: bool) -> dict:
        return self.order_book.change_tag(body, add)

    @locked
    def mark_as_shipped(self, body: Mapping[str, Any]) -> dict:
        return self.fulfillment_book.mark_as_shipped(body)

    @locked
    def list_orders(self, args: Mapping[str, str], *, encode: Callable[[Any], bytes] | None = None) -> dict:
        """`GET /orders`; with `encode` (value -> JSON bytes) each order comes encoded, kept on the
        record until it changes, so a page costs no re-encoding."""
        return self.order_book.listing(args, encode)

    @locked
    def list_orders_by_tag(self, args: Mapping[str, str]) -> dict:
        return self.order_book.listing_by_tag(args)

    @locked
    def locked_order_keys(self) -> set[str]:
        return self.order_book.locked_keys()

    @locked
    def order_record(self, order_id: int) -> dict:
        """A copy of the stored order, active or not (for hooks such as the Custom Store ship notice)."""
        return dict(self.order_book.record(order_id, active_only=False))

    # ------------------------------------------------------------------ labels and shipments

    @locked
    def create_label_for_order(self, body: Any) -> dict:
        return self.shipment_book.create_label_for_order(body)

    @locked
    def create_labels(self, spec: Mapping[str, Any]) -> dict:
        return self.shipment_book.create_labels(spec)

    @locked
    def create_orderless_label(self, body: Any) -> dict:
        return self.shipment_book.create_orderless_label(body)

    @locked
    def void_label(self, body: Any) -> dict:
        return self.shipment_book.void(body)

    @locked
    def shipment(self, shipment_id: int) -> dict:
        """The stored record (for hooks such as the Custom Store ship notice)."""
        return self.shipment_book.record(shipment_id)

    @locked
    def mark_notified(self, shipment_id: int, error: str | None) -> None:
        self.shipment_book.mark_notified(shipment_id, error)

    @locked
    def list_shipments(self, args: Mapping[str, str]) -> dict:
        return self.shipment_book.listing(args)

    @locked
    def list_fulfillments(self, args: Mapping[str, str]) -> dict:
        return self.fulfillment_book.listing(args)

    # ------------------------------------------------------------------ stores, carriers, warehouses

    def get_store_record(self, store_id: Any) -> dict:
        return self.store_book.record(store_id)

    @locked
    def list_stores(self, args: Mapping[str, str]) -> list[dict]:
        return self.store_book.listing(args)

    @locked
    def get_store(self, store_id: Any) -> dict:
        return self.store_book.view(self.store_book.record(store_id), True)

    @locked
    def stores_to_refresh(self, store_id: Any) -> list[dict]:
        return self.store_book.to_refresh(store_id)

    @locked
    def record_refresh(self, store: dict, refresh_date: datetime | None) -> datetime:
        return self.store_book.record_refresh(store, refresh_date)

    @locked
    def refresh_status(self, store_id: Any) -> dict:
        return self.store_book.refresh_status(store_id)

    @locked
    def list_carriers(self) -> list[dict]:
        return self.catalog.list_carriers()

    @locked
    def carrier_options(self, code: Any, kind: str) -> list[dict]:
        return self.catalog.carrier_options(code, kind)

    @locked
    def list_warehouses(self) -> list[dict]:
        return self.catalog.list_warehouses()

    @locked
    def list_tags(self) -> list[dict]:
        return self.catalog.list_tags()

    # ------------------------------------------------------------------ webhooks

    @locked
    def list_webhooks(self) -> dict:
        return self.hooks.listing()

    @locked
    def subscribe_webhook(self, body: Any) -> dict:
        return self.hooks.subscribe(body)

    @locked
    def unsubscribe_webhook(self, hook_id: Any) -> None:
        self.hooks.unsubscribe(hook_id)

    @locked
    def subscribers(self, event: str, store_id: int | None) -> list[dict]:
        return self.hooks.subscribers(event, store_id)

    @locked
    def record_delivery(self, delivery: dict) -> dict:
        return self.hooks.record_delivery(delivery)

    @locked
    def delivery(self, delivery_id: Any) -> dict:
        return self.hooks.delivery(delivery_id)

"""The ShipStation simulator's in-memory account and its rules (no Flask): orders, labels, stores, webhooks.

Every public method takes the state's RLock. Events that must reach the outside (webhooks, Custom Store
ship notices) are queued in `pending` and sent by the routes after the lock is released, so a receiver
that calls back into the simulator over a socket never deadlocks.

Switches (config keys of `create_app`, passed here):
  void_returns_to_awaiting      a voided label puts a shipped order back to awaiting_shipment (default on;
                                not documented, the UI does it)
  fire_order_notify_on_create   createorder(s) fire ORDER_NOTIFY (default off; undocumented)
  quirks["pages_zero"]          `/shipments` reports `pages: 0` when every result fits on one page, as the
                                documented example does (default off)
"""

from __future__ import annotations

import copy
import itertools
import random
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar

from inkship.simulators.shipstation import labels, models, pacific, seed
from inkship.simulators.shipstation.models import ModelStateError, NotFoundError, ServerFault

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
MAX_CREATE_ORDERS = 100
WEBHOOK_EVENTS = ("ORDER_NOTIFY", "ITEM_ORDER_NOTIFY", "SHIP_NOTIFY", "ITEM_SHIP_NOTIFY",
                  "FULFILLMENT_SHIPPED", "FULFILLMENT_REJECTED")
REFRESH_COMPLETED = (2, "Completed")

F = TypeVar("F", bound=Callable[..., Any])


def locked(method: F) -> F:
    """Run under the state lock, after releasing any holds whose date has come."""
    @wraps(method)
    def run(self: ShipStationState, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self._release_due_holds()
            return method(self, *args, **kwargs)
    return run  # type: ignore[return-value]


@dataclass
class Notification:
    """Something to send once the lock is released: a webhook event, or a Custom Store ship notice."""

    kind: str  # "webhook" | "ship_notice"
    event: str = ""
    store_id: int | None = None
    resource_path: str = ""
    shipment_ids: list[int] = field(default_factory=list)


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
            self.rng = random.Random(self._rng_seed)
            self._ids = {name: itertools.count(start) for name, start in seed.ID_STARTS.items()}
            self.stores: dict[int, dict] = {}
            self.carriers: dict[str, dict] = {}
            self.warehouses: dict[int, dict] = {}
            self.orders: dict[int, dict] = {}
            self.inactive: set[int] = set()
            self.keys: dict[str, int] = {}
            self.held: set[int] = set()
            self.import_batches: dict[int, str] = {}
            self.shipments: dict[int, dict] = {}
            self.fulfillments: dict[int, dict] = {}
            self.webhooks: dict[int, dict] = {}
            self.tags: dict[int, dict] = {}
            self.deliveries: list[dict] = []
            self.pending: list[Notification] = []
            self.seed(seed.DEFAULTS)

    def next_id(self, kind: str) -> int:
        return next(self._ids[kind])

    @locked
    def seed(self, data: Mapping[str, Any]) -> None:
        """Merge a seed document: stores, carriers, warehouses, tags, webhooks, then partial orders."""
        now = self.clock.now()
        for store in data.get("stores", []):
            store_id = store.get("storeId") or self.next_id("store")
            self.stores[store_id] = seed.store(store_id, store, self.stores.get(store_id), now)
        for carrier in data.get("carriers", []):
            self.carriers[carrier["code"]] = seed.carrier(carrier)
        for warehouse in data.get("warehouses", []):
            warehouse_id = warehouse.get("warehouseId") or self.next_id("warehouse")
            self.warehouses[warehouse_id] = seed.warehouse(warehouse_id, warehouse, now)
        for tag in data.get("tags", []):
            self.tags[tag["tagId"]] = {"tagId": tag["tagId"], "name": tag["name"], "color": tag.get("color")}
        for hook in data.get("webhooks", []):
            self.subscribe_webhook(hook)
        for partial in data.get("orders", []):
            self.upsert_order(seed.order(partial, now), prefix="apiOrder")

    @locked
    def dump(self) -> dict:
        return {
            "now": self.clock.now().isoformat(),
            "stores": [self._store_view(s, True) for s in self.stores.values()],
            "carriers": list(self.carriers.values()),
            "warehouses": models.render(list(self.warehouses.values())),
            "orders": [dict(_render_order(o), active=o["orderId"] not in self.inactive)
                       for o in self.orders.values()],
            "shipments": [labels.render_shipment(s, include_items=True) for s in self.shipments.values()],
            "fulfillments": models.render(list(self.fulfillments.values())),
            "webhooks": self.list_webhooks()["webhooks"],
            "deliveries": copy.deepcopy(self.deliveries),
        }

    def take_pending(self) -> list[Notification]:
        with self.lock:
            pending, self.pending = self.pending, []
            return pending

    # ------------------------------------------------------------------ orders

    def _release_due_holds(self) -> None:
        today = pacific.today(self.clock.now())
        for order_id in [i for i in self.held if self.orders[i]["holdUntilDate"] <= today]:
            order = self.orders[order_id]
            self.held.discard(order_id)
            if order["orderStatus"] == "on_hold":
                order.update(orderStatus="awaiting_shipment", holdUntilDate=None,
                             modifyDate=max(order["modifyDate"], pacific.start_of_day(today)))
                order.pop("_json", None)

    def _default_store_id(self) -> int:
        manual = [s for s in self.stores.values() if s["marketplaceName"] == seed.MANUAL_MARKETPLACE]
        return min(s["storeId"] for s in manual or self.stores.values())

    def _default_warehouse_id(self) -> int | None:
        defaults = [w for w in self.warehouses.values() if w["isDefault"]] or list(self.warehouses.values())
        return defaults[0]["warehouseId"] if defaults else None

    @locked
    def upsert_order(self, payload: Any, *, prefix: str = "apiOrder",
                     import_batch: str | None = None) -> dict:
        """createorder: upsert by orderKey (generated when omitted), full replace; locked when shipped."""
        errors = models.validate_order(payload, prefix)
        key = payload.get("orderKey") if isinstance(payload, Mapping) else None
        existing_id = self.keys.get(key) if key else None
        existing = self.orders.get(existing_id) if existing_id else None
        if existing and existing["orderStatus"] in models.LOCKED_STATUSES:
            errors.setdefault(f"{prefix}.orderKey", []).append(
                f"The order with orderKey '{key}' is {existing['orderStatus']} and can no longer be updated."
            )
        requested_store = (
            (payload.get("advancedOptions") or {}).get("storeId") if isinstance(payload, Mapping) else None
        )
        if not existing and requested_store is not None and requested_store not in self.stores:
            errors.setdefault(f"{prefix}.advancedOptions.storeId", []).append(
                f"The storeId {requested_store} was not found."
            )
        if errors:
            raise ModelStateError(errors)
        order_id = existing_id or self.next_id("order")
        store_id = (
            existing["advancedOptions"]["storeId"]
            if existing
            else requested_store or self._default_store_id()
        )
        record = models.build_order(
            payload,
            order_id=order_id,
            order_key=key or str(uuid.UUID(int=self.rng.getrandbits(128))),
            now=self.clock.now(),
            previous=existing,
            store_id=store_id,
            warehouse_id=self._default_warehouse_id(),
            next_item_id=lambda: self.next_id("item"),
        )
        self.orders[order_id] = record
        self.keys[record["orderKey"]] = order_id
        self._track_hold(record)
        if import_batch:
            self.import_batches[order_id] = import_batch
        return _render_order(record)

    def _track_hold(self, order: dict) -> None:
        if order["orderStatus"] == "on_hold" and order["holdUntilDate"]:
            self.held.add(order["orderId"])
        else:
            self.held.discard(order["orderId"])

    @locked
    def create_order(self, payload: Any) -> dict:
        if isinstance(payload, list):
            raise models.deserialise_error("apiOrder", "object", payload)
        order = self.upsert_order(payload, prefix="apiOrder")
        if self.fire_order_notify_on_create:
            self._queue_order_notify(order["advancedOptions"]["storeId"], [order["orderId"]])
        return order

    @locked
    def create_orders(self, payloads: Any) -> dict:
        """createorders: an array of at most 100; each order succeeds or fails on its own."""
        if not isinstance(payloads, list):
            raise models.deserialise_error("apiOrders", "array", payloads)
        if len(payloads) > MAX_CREATE_ORDERS:
            raise ModelStateError(
                {
                    "apiOrders": [
                        f"A maximum of {MAX_CREATE_ORDERS} orders can be created or updated at a time."
                    ]
                }
            )
        results = []
        created: dict[int, list[int]] = {}
        for payload in payloads:
            given = payload if isinstance(payload, Mapping) else {}
            try:
                order = self.upsert_order(payload, prefix="apiOrder")
            except ModelStateError as exc:
                results.append(
                    {
                        "orderId": 0,
                        "orderNumber": given.get("orderNumber"),
                        "orderKey": given.get("orderKey"),
                        "success": False,
                        "errorMessage": str(exc),
                    }
                )
                continue
            created.setdefault(order["advancedOptions"]["storeId"], []).append(order["orderId"])
            results.append(
                {
                    "orderId": order["orderId"],
                    "orderNumber": order["orderNumber"],
                    "orderKey": order["orderKey"],
                    "success": True,
                    "errorMessage": None,
                }
            )
        if self.fire_order_notify_on_create:
            for store_id, order_ids in created.items():
                self._queue_order_notify(store_id, order_ids)
        return {"hasErrors": any(not r["success"] for r in results), "results": results}

    @locked
    def import_orders(self, store_id: int, payloads: Iterable[Mapping[str, Any]]) -> dict:
        """Orders arriving through a store refresh (the Custom Store hook, `/__sim/stores/<id>/import`).

        They get the store's id and one importBatch GUID; ORDER_NOTIFY fires for the batch.
        Returns `{"importBatch", "results"}` like createorders.
        """
        store = self.get_store_record(store_id)
        batch = str(uuid.UUID(int=self.rng.getrandbits(128)))
        results = []
        imported = []
        for payload in payloads:
            if not isinstance(payload, Mapping):
                results.append({"orderKey": None, "success": False, "errorMessage": "Not an order object."})
                continue
            payload = {
                **payload,
                "advancedOptions": {**(payload.get("advancedOptions") or {}), "storeId": store["storeId"]},
            }
            try:
                order = self.upsert_order(payload, prefix="apiOrder", import_batch=batch)
            except ModelStateError as exc:
                results.append(
                    {"orderKey": payload.get("orderKey"), "success": False, "errorMessage": str(exc)}
                )
                continue
            imported.append(order["orderId"])
            results.append(
                {
                    "orderId": order["orderId"],
                    "orderKey": order["orderKey"],
                    "success": True,
                    "errorMessage": None,
                }
            )
        if imported:
            self._queue_order_notify(store["storeId"], imported, batch)
        return {"importBatch": batch, "results": results}

    def _queue_order_notify(self, store_id: int, order_ids: list[int], batch: str | None = None) -> None:
        batch = batch or str(uuid.UUID(int=self.rng.getrandbits(128)))
        for order_id in order_ids:
            self.import_batches[order_id] = batch
        self.pending.append(
            Notification(
                "webhook", "ORDER_NOTIFY", store_id, f"/orders?storeID={store_id}&importBatch={batch}"
            )
        )

    def _order(self, order_id: Any, *, active_only: bool = True) -> dict:
        try:
            order = self.orders[int(order_id)]
        except (KeyError, TypeError, ValueError):
            raise NotFoundError(f"Order {order_id} was not found.") from None
        if active_only and order["orderId"] in self.inactive:
            raise NotFoundError(f"Order {order_id} was not found.")
        return order

    @locked
    def get_order(self, order_id: Any) -> dict:
        return _render_order(self._order(order_id))

    @locked
    def delete_order(self, order_id: Any) -> dict:
        """Soft delete: the order turns inactive, leaves every list, and frees its orderKey (inferred)."""
        order = self._order(order_id)
        self.inactive.add(order["orderId"])
        self.held.discard(order["orderId"])
        self.keys.pop(order["orderKey"], None)
        return {"success": True, "message": "The requested order has been deleted."}

    def _touch(self, order: dict, **changes: Any) -> None:
        order.update(changes, modifyDate=self.clock.now())
        order.pop("_json", None)
        self._track_hold(order)

    @locked
    def hold_until(self, body: Mapping[str, Any]) -> dict:
        order = self._order(_require(body, "orderId", "request"))
        try:
            until = pacific.parse_date(str(body.get("holdUntilDate") or ""))
        except ValueError as exc:
            raise ModelStateError({"request.holdUntilDate": [str(exc)]}) from None
        if order["orderStatus"] in models.LOCKED_STATUSES:
            return {"success": False, "message": f"The order is {order['orderStatus']} and cannot be held."}
        self._touch(order, orderStatus="on_hold", holdUntilDate=until)
        self._release_due_holds()
        return {"success": True, "message": "Order held successfully."}

    @locked
    def restore_from_hold(self, body: Mapping[str, Any]) -> dict:
        order = self._order(_require(body, "orderId", "request"))
        if order["orderStatus"] != "on_hold":
            return {"success": False, "message": "The order is not on hold."}
        self._touch(order, orderStatus="awaiting_shipment", holdUntilDate=None)
        return {"success": True, "message": "Order restored successfully."}

    @locked
    def change_tag(self, body: Mapping[str, Any], add: bool) -> dict:
        order = self._order(_require(body, "orderId", "request"))
        tag_id = _require(body, "tagId", "request")
        if tag_id not in self.tags:
            raise ModelStateError({"request.tagId": [f"The tagId {tag_id} was not found."]})
        tags = [t for t in order["tagIds"] or [] if t != tag_id] + ([tag_id] if add else [])
        self._touch(order, tagIds=tags or None)
        return {"success": True, "message": "Tag added successfully." if add else "Tag removed successfully."}

    @locked
    def mark_as_shipped(self, body: Mapping[str, Any]) -> dict:
        """Shipped without a label: a fulfillment row, no shipment, no webhook."""
        order = self._order(_require(body, "orderId", "request"))
        carrier = _require(body, "carrierCode", "request")
        for flag in ("notifyCustomer", "notifySalesChannel"):
            if body.get(flag) is not None and not isinstance(body[flag], bool):
                raise ModelStateError(
                    {f"request.{flag}": [f"The value '{body[flag]}' is not valid for Boolean."]}
                )
        now = self.clock.now()
        ship_date = _date_or_today(body.get("shipDate"), now, "request.shipDate")
        fulfillment_id = self.next_id("fulfillment")
        self.fulfillments[fulfillment_id] = {
            "fulfillmentId": fulfillment_id,
            "orderId": order["orderId"],
            "orderNumber": order["orderNumber"],
            "userId": None,
            "customerEmail": order["customerEmail"],
            "trackingNumber": body.get("trackingNumber"),
            "createDate": now,
            "shipDate": ship_date,
            "voidDate": None,
            "deliveryDate": None,
            "carrierCode": carrier,
            "fulfillmentProviderCode": None,
            "fulfillmentServiceCode": None,
            "fulfillmentFee": 0.0,
            "voidRequested": False,
            "voided": False,
            "marketplaceNotified": bool(body.get("notifySalesChannel")),
            "notifyErrorMessage": None,
            "shipTo": copy.deepcopy(order["shipTo"]),
        }
        self._touch(order, orderStatus="shipped", shipDate=ship_date)
        return {"orderId": order["orderId"], "orderNumber": order["orderNumber"]}

    @locked
    def list_orders(self, args: Mapping[str, str]) -> dict:
        query = _Query(args)
        wanted = self._filter_orders(query)
        sort_key = {"orderdate": "orderDate", "modifydate": "modifyDate", "createdate": "createDate"}
        return _page(query, "orders", wanted, sort_key, lambda o: o["orderId"], _render_order)

    @locked
    def list_orders_by_tag(self, args: Mapping[str, str]) -> dict:
        query = _Query(args)
        tag_id = query.int("tagid")
        wanted = [o for o in self._filter_orders(query) if tag_id in (o["tagIds"] or [])]
        return _page(query, "orders", wanted, {}, lambda o: o["orderId"], _render_order)

    def _filter_orders(self, query: _Query) -> list[dict]:
        """Active orders passing every given filter (only the given ones are checked: lists must be fast)."""
        checks: list[Callable[[dict], bool]] = [lambda o: o["orderId"] not in self.inactive]
        if number := query.text("ordernumber"):
            checks.append(lambda o: o["orderNumber"].startswith(number))  # a prefix match, as documented
        if customer := (query.text("customername") or "").lower():
            checks.append(lambda o: customer in _customer_text(o))
        if keyword := (query.text("itemkeyword") or "").lower():
            checks.append(lambda o: any(keyword in _item_text(item) for item in o["items"]))
        if status := query.text("orderstatus"):
            checks.append(lambda o: o["orderStatus"] == status)
        if (store_id := query.int("storeid")) is not None:
            checks.append(lambda o: o["advancedOptions"]["storeId"] == store_id)
        if batch := query.text("importbatch"):
            checks.append(lambda o: self.import_batches.get(o["orderId"]) == batch)
        for field_name in ("createDate", "modifyDate", "orderDate", "paymentDate"):
            bounds = query.range(field_name.lower())
            if bounds != (None, None):
                checks.append(_range_check(field_name, bounds))
        return [order for order in self.orders.values() if all(check(order) for check in checks)]

    # ------------------------------------------------------------------ labels and shipments

    def _carrier(self, code: Any, service: Any) -> None:
        carrier = self.carriers.get(code)
        if carrier is None:
            raise ServerFault(f"Invalid carrierCode '{code}'.", "System.ArgumentException")
        if service and service not in {s["code"] for s in carrier["services"]}:
            raise ServerFault(
                f"Invalid serviceCode '{service}' for carrier '{code}'.", "System.ArgumentException"
            )

    def _units_on_labels(self, order_id: int) -> dict[int, int]:
        shipped: dict[int, int] = {}
        for shipment in self.shipments.values():
            if shipment["orderId"] == order_id and not shipment["voided"]:
                for item in shipment["_items"]:
                    shipped[item["orderItemId"]] = shipped.get(item["orderItemId"], 0) + item["quantity"]
        return shipped

    def _remaining_units(self, order: dict) -> dict[int, int]:
        shipped = self._units_on_labels(order["orderId"])
        return {
            item_id: qty - shipped.get(item_id, 0)
            for item_id, qty in models.shippable_units(order).items()
            if qty - shipped.get(item_id, 0) > 0
        }

    def _label_items(self, order: dict, split: list[Mapping[str, Any]] | None) -> list[dict]:
        remaining = self._remaining_units(order)
        by_key = {item.get("lineItemKey") or item.get("sku"): item for item in order["items"]}
        if split is None:
            wanted = [
                (item, remaining[item["orderItemId"]])
                for item in order["items"]
                if item["orderItemId"] in remaining
            ]
        else:
            wanted = []
            for part in split:
                item = by_key.get(part.get("lineItemKey"))
                quantity = part.get("quantity")
                if item is None or not isinstance(quantity, int) or quantity < 1:
                    raise ModelStateError(
                        {"items": [f"No line {part.get('lineItemKey')!r} to ship {quantity} of."]}
                    )
                left = remaining.get(item["orderItemId"], 0)
                if quantity > left:
                    raise ModelStateError({"items": [f"Only {left} of {part['lineItemKey']!r} left."]})
                wanted.append((item, quantity))
        return [models.shipment_item(item, quantity) for item, quantity in wanted]

    def _label_for_order(
        self, order: dict, request: Mapping[str, Any], *, split: list | None, packages: int, batch_id: int
    ) -> list[dict]:
        """One label (or one per package) for an order; the order ships once every unit is on a label."""
        if order["orderStatus"] in ("awaiting_payment", "cancelled"):
            raise ModelStateError(
                {
                    "request.orderId": [
                        f"Order {order['orderNumber']} is {order['orderStatus']}; a label cannot be created."
                    ]
                }
            )
        carrier = request.get("carrierCode") or order["carrierCode"] or "stamps_com"
        self._carrier(carrier, request.get("serviceCode") or order["serviceCode"])
        items = self._label_items(order, split)
        if not items and models.shippable_units(order):
            raise ModelStateError(
                {"request.orderId": [f"Order {order['orderNumber']} has nothing left to ship."]}
            )
        now = self.clock.now()
        ship_date = _date_or_today(request.get("shipDate"), now, "request.shipDate")
        created = []
        for package_items in _split_units(items, packages):
            shipment_id = self.next_id("shipment")
            shipment = labels.new_shipment(
                shipment_id=shipment_id,
                order=order,
                request={**request, "carrierCode": carrier},
                items=package_items,
                now=now,
                ship_date=ship_date,
                rng=self.rng,
                batch_id=batch_id,
                warehouse_id=order["advancedOptions"].get("warehouseId"),
            )
            self.shipments[shipment_id] = shipment
            created.append(shipment)
        if not self._remaining_units(order):
            self._touch(
                order,
                orderStatus="shipped",
                shipDate=ship_date,
                carrierCode=carrier,
                serviceCode=created[0]["serviceCode"],
            )
        else:
            self._touch(order)
        return created

    def _queue_ship_notify(self, shipments: list[dict]) -> None:
        by_store: dict[int | None, list[dict]] = {}
        for shipment in shipments:
            by_store.setdefault(shipment["_store"], []).append(shipment)
        for store_id, group in by_store.items():
            batch_id = group[0]["_batch"]
            self.pending.append(
                Notification(
                    "webhook",
                    "SHIP_NOTIFY",
                    store_id,
                    f"/shipments?storeID={store_id}&batchId={batch_id}&includeShipmentItems=False",
                )
            )
            store = self.stores.get(store_id or 0)
            if store and store["marketplaceName"] == seed.CUSTOM_STORE_MARKETPLACE:
                self.pending.append(
                    Notification(
                        "ship_notice", store_id=store_id, shipment_ids=[s["shipmentId"] for s in group]
                    )
                )

    @locked
    def create_label_for_order(self, body: Any) -> dict:
        """`/orders/createlabelfororder`: unknown order or bad codes give ShipStation's 500."""
        if not isinstance(body, Mapping):
            raise models.deserialise_error("request", "object", body)
        if body.get("testLabel") is not None and not isinstance(body["testLabel"], bool):
            raise ModelStateError(
                {"request.testLabel": [f"The value '{body['testLabel']}' is not valid for Boolean."]}
            )
        try:
            order = self._order(body.get("orderId"))
        except NotFoundError:
            raise ServerFault(
                "Object reference not set to an instance of an object.", "System.NullReferenceException"
            ) from None
        shipment = self._label_for_order(order, body, split=None, packages=1, batch_id=self.next_id("batch"))[
            0
        ]
        self._queue_ship_notify([shipment])
        return {
            "shipmentId": shipment["shipmentId"],
            "shipmentCost": shipment["shipmentCost"],
            "insuranceCost": shipment["insuranceCost"],
            "trackingNumber": shipment["trackingNumber"],
            "labelData": shipment["_label"],
            "formData": None,
        }

    @locked
    def create_labels(self, spec: Mapping[str, Any]) -> dict:
        """The app's "Create labels" (control plane): one, many or all orders; split by items; packages.

        All labels of one call form one batch per store, announced by one SHIP_NOTIFY each.
        """
        orders = self._orders_for_labels(spec)
        split = spec.get("items")
        packages = 1 if spec.get("packages") is None else spec["packages"]
        if not isinstance(packages, int) or isinstance(packages, bool) or packages < 1:
            raise ModelStateError({"packages": ["packages must be a positive integer."]})
        if split is not None and len(orders) != 1:
            raise ModelStateError({"items": ["Split labels (items) need exactly one order."]})
        request = {
            k: spec[k]
            for k in (
                "carrierCode",
                "serviceCode",
                "packageCode",
                "shipDate",
                "confirmation",
                "weight",
                "dimensions",
            )
            if spec.get(k) is not None
        }
        batches: dict[int, int] = {}
        created = []
        for order in orders:
            store_id = order["advancedOptions"]["storeId"]
            batch_id = batches.setdefault(store_id, self.next_id("batch"))
            created += self._label_for_order(
                order, request, split=split, packages=packages, batch_id=batch_id
            )
        self._queue_ship_notify(created)
        return {
            "shipments": [labels.render_shipment(s, include_items=True) for s in created],
            "batchIds": sorted(set(batches.values())),
        }

    def _orders_for_labels(self, spec: Mapping[str, Any]) -> list[dict]:
        if spec.get("all"):
            return [
                o
                for o in self.orders.values()
                if o["orderId"] not in self.inactive and o["orderStatus"] == "awaiting_shipment"
            ]
        if spec.get("orderIds"):
            return [self._order(order_id) for order_id in spec["orderIds"]]
        if spec.get("orderNumbers"):
            found = []
            for number in spec["orderNumbers"]:
                matches = [
                    o
                    for o in self.orders.values()
                    if o["orderNumber"] == number and o["orderId"] not in self.inactive
                ]
                if not matches:
                    raise NotFoundError(f"Order number {number} was not found.")
                found += matches
            return found
        raise ModelStateError({"orderIds": ["Give orderIds, orderNumbers or all: true."]})

    @locked
    def create_orderless_label(self, body: Any) -> dict:
        """`/shipments/createlabel`: a label with no order (orderId and orderNumber null, no webhook)."""
        if not isinstance(body, Mapping):
            raise models.deserialise_error("request", "object", body)
        missing = [
            f
            for f in ("carrierCode", "serviceCode", "shipDate", "weight", "shipFrom", "shipTo")
            if not body.get(f)
        ]
        if missing:
            raise ModelStateError({f"request.{f}": [f"The {f} field is required."] for f in missing})
        self._carrier(body["carrierCode"], body["serviceCode"])
        now = self.clock.now()
        shipment_id = self.next_id("shipment")
        shipment = labels.new_shipment(
            shipment_id=shipment_id,
            order=None,
            request=body,
            items=[],
            now=now,
            ship_date=_date_or_today(body["shipDate"], now, "request.shipDate"),
            rng=self.rng,
            batch_id=None,
            warehouse_id=self._default_warehouse_id(),
        )
        self.shipments[shipment_id] = shipment
        return labels.render_shipment(shipment, include_items=False, with_label=True)

    @locked
    def void_label(self, body: Any) -> dict:
        if not isinstance(body, Mapping):
            raise models.deserialise_error("request", "object", body)
        shipment = self.shipments.get(_as_int(body.get("shipmentId")))
        if shipment is None:
            raise NotFoundError(f"Shipment {body.get('shipmentId')} was not found.")
        if shipment["voided"]:
            return {"approved": False, "message": "Label has already been voided."}
        shipment.update(voided=True, voidDate=self.clock.now())
        order = self.orders.get(shipment["orderId"] or 0)
        if (
            order
            and self.void_returns_to_awaiting
            and order["orderStatus"] == "shipped"
            and self._remaining_units(order)
        ):
            self._touch(order, orderStatus="awaiting_shipment", shipDate=None)
        return {"approved": True, "message": "Label voided successfully"}

    @locked
    def shipment(self, shipment_id: int) -> dict:
        """The stored record (for hooks such as the Custom Store ship notice)."""
        return self.shipments[shipment_id]

    @locked
    def mark_notified(self, shipment_id: int, error: str | None) -> None:
        self.shipments[shipment_id].update(marketplaceNotified=error is None, notifyErrorMessage=error)

    @locked
    def list_shipments(self, args: Mapping[str, str]) -> dict:
        query = _Query(args)
        include_items = query.bool("includeshipmentitems")
        text_filters = [
            (field, query.text(name))
            for field, name in (
                ("orderNumber", "ordernumber"),
                ("carrierCode", "carriercode"),
                ("serviceCode", "servicecode"),
                ("trackingNumber", "trackingnumber"),
            )
        ]
        recipient = (query.text("recipientname") or "").lower()
        country = query.text("recipientcountrycode")
        ints = [
            (field, query.int(name))
            for field, name in (("orderId", "orderid"), ("_store", "storeid"), ("_batch", "batchid"))
        ]
        ranges = [
            (field, query.range(name))
            for field, name in (
                ("createDate", "createdate"),
                ("shipDate", "shipdate"),
                ("voidDate", "voiddate"),
            )
        ]

        def keep(s: dict) -> bool:
            ship_to = s["shipTo"] or {}
            return (
                all(not value or s[f] == value for f, value in text_filters)
                and all(value is None or s[f] == value for f, value in ints)
                and (not recipient or recipient in (ship_to.get("name") or "").lower())
                and (not country or ship_to.get("country") == country)
                and all(_within(s[f], bounds) for f, bounds in ranges)
            )

        wanted = [s for s in self.shipments.values() if keep(s)]
        page = _page(
            query,
            "shipments",
            wanted,
            {"shipdate": "shipDate", "createdate": "createDate"},
            lambda s: (s["createDate"], s["shipmentId"]),
            lambda s: labels.render_shipment(s, include_items=include_items),
        )
        if self.quirks["pages_zero"] and page["pages"] == 1:
            page["pages"] = 0
        return page

    @locked
    def list_fulfillments(self, args: Mapping[str, str]) -> dict:
        query = _Query(args)
        ints = [(f, query.int(f.lower())) for f in ("fulfillmentId", "orderId")]
        texts = [(f, query.text(f.lower())) for f in ("orderNumber", "trackingNumber")]
        recipient = (query.text("recipientname") or "").lower()
        ranges = [(f, query.range(f.lower())) for f in ("createDate", "shipDate")]
        wanted = [
            f
            for f in self.fulfillments.values()
            if all(v is None or f[k] == v for k, v in ints)
            and all(not v or f[k] == v for k, v in texts)
            and (not recipient or recipient in ((f["shipTo"] or {}).get("name") or "").lower())
            and all(_within(f[k], bounds) for k, bounds in ranges)
        ]
        return _page(
            query,
            "fulfillments",
            wanted,
            {"shipdate": "shipDate", "createdate": "createDate"},
            lambda f: (f["createDate"], f["fulfillmentId"]),
            models.render,
        )

    # ------------------------------------------------------------------ stores, carriers, warehouses

    def get_store_record(self, store_id: Any) -> dict:
        try:
            return self.stores[int(store_id)]
        except (KeyError, TypeError, ValueError):
            raise NotFoundError(f"Store {store_id} was not found.") from None

    def _store_view(self, store: dict, with_mappings: bool) -> dict:
        view = models.render({k: v for k, v in store.items() if k not in ("statusMappings", "credentials")})
        if with_mappings:
            view["statusMappings"] = copy.deepcopy(store["statusMappings"])
        return view

    @locked
    def list_stores(self, args: Mapping[str, str]) -> list[dict]:
        query = _Query(args)
        show_inactive = query.bool("showinactive")
        marketplace = query.int("marketplaceid")
        return [
            self._store_view(s, False)
            for s in self.stores.values()
            if (show_inactive or s["active"]) and (marketplace is None or s["marketplaceId"] == marketplace)
        ]

    @locked
    def get_store(self, store_id: Any) -> dict:
        return self._store_view(self.get_store_record(store_id), True)

    @locked
    def stores_to_refresh(self, store_id: Any) -> list[dict]:
        if store_id in (None, ""):
            return [s for s in self.stores.values() if s["active"]]
        return [self.get_store_record(store_id)]

    @locked
    def record_refresh(self, store: dict, refresh_date: datetime | None) -> datetime:
        """Note a refresh attempt; returns the window start (given date, else the store's last refresh)."""
        now = self.clock.now()
        start = refresh_date or store["refreshDate"] or store["createDate"]
        store.update(lastRefreshAttempt=now, refreshDate=now, _refreshStatus=REFRESH_COMPLETED)
        return start

    @locked
    def refresh_status(self, store_id: Any) -> dict:
        store = self.get_store_record(store_id)
        status_id, status = store["_refreshStatus"]
        return {
            "storeId": store["storeId"],
            "refreshStatusId": status_id,
            "refreshStatus": status,
            "lastRefreshAttempt": pacific.render_datetime(store["lastRefreshAttempt"]),
            "refreshDate": pacific.render_datetime(store["refreshDate"]),
        }

    @locked
    def list_carriers(self) -> list[dict]:
        return [
            {k: v for k, v in c.items() if k not in ("services", "packages")} for c in self.carriers.values()
        ]

    @locked
    def carrier_options(self, code: Any, kind: str) -> list[dict]:
        carrier = self.carriers.get(code)
        if carrier is None:
            raise ModelStateError({"carrierCode": [f"The carrierCode '{code}' is not valid."]})
        return copy.deepcopy(carrier[kind])

    @locked
    def list_warehouses(self) -> list[dict]:
        return models.render(list(self.warehouses.values()))

    @locked
    def list_tags(self) -> list[dict]:
        return copy.deepcopy(list(self.tags.values()))

    # ------------------------------------------------------------------ webhooks

    @locked
    def list_webhooks(self) -> dict:
        return {"webhooks": copy.deepcopy(list(self.webhooks.values()))}

    @locked
    def subscribe_webhook(self, body: Any) -> dict:
        if not isinstance(body, Mapping):
            raise models.deserialise_error("request", "object", body)
        errors = {}
        if not body.get("target_url"):
            errors["request.target_url"] = ["The target_url field is required."]
        if body.get("event") not in WEBHOOK_EVENTS:
            errors["request.event"] = [f"The value '{body.get('event')}' is not a valid event."]
        store_id = body.get("store_id")
        if store_id is not None and store_id not in self.stores:
            errors["request.store_id"] = [f"The store_id {store_id} was not found."]
        if errors:
            raise ModelStateError(errors)
        hook_id = self.next_id("webhook")
        self.webhooks[hook_id] = {
            "IsLabelAPIHook": False,
            "WebHookID": hook_id,
            "SellerID": seed.SELLER_ID,
            "StoreID": store_id,
            "HookType": body["event"],
            "MessageFormat": "Json",
            "Url": body["target_url"],
            "Name": body.get("friendly_name"),
            "BulkCopyBatchID": None,
            "BulkCopyRecordID": None,
            "Active": True,
            "WebhookLogs": [],
            "Seller": None,
            "Store": None,
        }
        return {"id": hook_id}

    @locked
    def unsubscribe_webhook(self, hook_id: Any) -> None:
        try:
            del self.webhooks[int(hook_id)]
        except (KeyError, ValueError):
            raise NotFoundError(f"Webhook {hook_id} was not found.") from None

    @locked
    def subscribers(self, event: str, store_id: int | None) -> list[dict]:
        return [
            dict(h)
            for h in self.webhooks.values()
            if h["Active"] and h["HookType"] == event and h["StoreID"] in (None, store_id)
        ]

    @locked
    def record_delivery(self, delivery: dict) -> dict:
        delivery["id"] = self.next_id("delivery")
        self.deliveries.append(delivery)
        return delivery

    @locked
    def delivery(self, delivery_id: Any) -> dict:
        for delivery in self.deliveries:
            if str(delivery["id"]) == str(delivery_id):
                return delivery
        raise NotFoundError(f"Delivery {delivery_id} was not found.")


# ---------------------------------------------------------------------- query helpers


def _render_order(order: dict) -> dict:
    """The order's JSON, kept on the record until the next change (`_touch` drops it): listing
    1,000 orders must not re-render every one on every page. Callers must not mutate the result."""
    if "_json" not in order:
        order["_json"] = models.render(order)
    return order["_json"]


def _require(body: Mapping[str, Any], name: str, prefix: str) -> Any:
    if not isinstance(body, Mapping):
        raise models.deserialise_error(prefix, "object", body)
    if body.get(name) in (None, ""):
        raise ModelStateError({f"{prefix}.{name}": [f"The {name} field is required."]})
    return body[name]


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _date_or_today(text: Any, now: datetime, field_name: str) -> date:
    if not text:
        return pacific.today(now)
    try:
        return pacific.parse_date(str(text))
    except ValueError as exc:
        raise ModelStateError({field_name: [str(exc)]}) from None


def _customer_text(order: dict) -> str:
    names = [
        order.get("customerUsername"),
        order.get("customerEmail"),
        (order.get("shipTo") or {}).get("name"),
        (order.get("billTo") or {}).get("name"),
    ]
    return " ".join(n for n in names if n).lower()


def _item_text(item: dict) -> str:
    options = " ".join(f"{o.get('name')} {o.get('value')}" for o in item.get("options") or [])
    return f"{item.get('sku') or ''} {item.get('name') or ''} {options}".lower()


def _split_units(items: list[dict], packages: int) -> list[list[dict]]:
    """Multi-package: one shipment per package, the units dealt out in line order as evenly as they go
    (2 packages for 2 + 1 units: [2 of A], [1 of B]). A package beyond the unit count lists no items.
    How ShipStation itself lists a multi-package label's items is not documented (inferred)."""
    units = [item for item in items for _ in range(item["quantity"])]
    size, extra = divmod(len(units), packages)
    parts, start = [], 0
    for package in range(packages):
        end = start + size + (1 if package < extra else 0)
        counts: dict[int, int] = {}
        for unit in units[start:end]:
            counts[unit["orderItemId"]] = counts.get(unit["orderItemId"], 0) + 1
        parts.append(
            [
                {**item, "quantity": counts[item["orderItemId"]]}
                for item in items
                if item["orderItemId"] in counts
            ]
        )
        start = end
    return parts


def _range_check(field_name: str, bounds: tuple[datetime | None, datetime | None]) -> Callable[[dict], bool]:
    return lambda record: _within(record[field_name], bounds)


def _within(value: datetime | date | None, bounds: tuple[datetime | None, datetime | None]) -> bool:
    start, end = bounds
    if start is None and end is None:
        return True
    if value is None:
        return False
    if not isinstance(value, datetime):  # a date-only field: compare Pacific calendar days
        return (start is None or value >= pacific.today(start)) and (
            end is None or value <= pacific.today(end)
        )
    return (start is None or value >= start) and (end is None or value <= end)


class _Query:
    """Query parameters read case-insensitively (`storeID` in resource URLs, `storeId` in the docs)."""

    def __init__(self, args: Mapping[str, str]) -> None:
        self.args = {k.lower(): v for k, v in args.items()}

    def text(self, name: str) -> str | None:
        value = self.args.get(name)
        return value if value not in (None, "") else None

    def int(self, name: str) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise ModelStateError({name: [f"The value '{value}' is not valid for Int32."]}) from None

    def bool(self, name: str) -> bool:
        value = self.text(name)
        if value is None:
            return False
        if value.lower() not in ("true", "false"):
            raise ModelStateError({name: [f"The value '{value}' is not valid for Boolean."]})
        return value.lower() == "true"

    def range(self, name: str) -> tuple[datetime | None, datetime | None]:
        return self._when(name + "start"), self._when(name + "end")

    def _when(self, name: str) -> datetime | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return pacific.parse_pacific(value)
        except ValueError as exc:
            raise ModelStateError({name: [str(exc)]}) from None


def _page(
    query: _Query,
    collection: str,
    records: list[dict],
    sort_fields: Mapping[str, str],
    default_key: Callable[[dict], Any],
    render: Callable[[dict], Any],
) -> dict:
    """Sort, then cut one page. pageSize above 500 is a 400 (a modelling choice: never silently clamp)."""
    page = query.int("page") or 1
    size = query.int("pagesize") or DEFAULT_PAGE_SIZE
    if size < 1 or size > MAX_PAGE_SIZE:
        raise ModelStateError({"pageSize": [f"The pageSize must be between 1 and {MAX_PAGE_SIZE}."]})
    if page < 1:
        raise ModelStateError({"page": ["The page must be 1 or more."]})
    sort_by = (query.text("sortby") or "").lower()
    descending = (query.text("sortdir") or "ASC").upper() == "DESC"
    if sort_by and sort_by not in sort_fields:
        raise ModelStateError({"sortBy": [f"The value '{query.text('sortby')}' is not valid for sortBy."]})
    if sort_by:
        field_name = sort_fields[sort_by]
        # Nulls sort first, like SQL Server; the id keeps equal keys in a stable order.
        records.sort(
            key=lambda r: (r[field_name] is not None, r[field_name] or 0, default_key(r)), reverse=descending
        )
    else:
        records.sort(key=default_key, reverse=descending)
    total = len(records)
    chunk = records[(page - 1) * size : page * size]
    return {collection: [render(r) for r in chunk], "total": total, "page": page, "pages": -(-total // size)}

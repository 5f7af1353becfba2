"""Orders: createorder(s) upserts by orderKey, store imports, holds, tags, soft delete, listing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from inkship.simulators.shipstation import models, pacific
from inkship.simulators.shipstation.backends.catalog import CatalogBackend
from inkship.simulators.shipstation.backends.query import Query, page, range_check, require
from inkship.simulators.shipstation.backends.shared import Notification, Shared
from inkship.simulators.shipstation.backends.stores import StoresBackend
from inkship.simulators.shipstation.models import ModelStateError, NotFoundError

MAX_CREATE_ORDERS = 100


class OrdersBackend:
    def __init__(self, shared: Shared, stores: StoresBackend, catalog: CatalogBackend, *,
                 fire_order_notify_on_create: bool) -> None:
        self.shared = shared
        self.stores = stores
        self.catalog = catalog
        self.fire_order_notify_on_create = fire_order_notify_on_create
        self.orders: dict[int, dict] = {}
        self.inactive: set[int] = set()
        self.keys: dict[str, int] = {}
        self.held: set[int] = set()
        self.import_batches: dict[int, str] = {}

    # ------------------------------------------------------------------ records

    def record(self, order_id: Any, *, active_only: bool = True) -> dict:
        try:
            order = self.orders[int(order_id)]
        except (KeyError, TypeError, ValueError):
            raise NotFoundError(f"Order {order_id} was not found.") from None
        if active_only and order["orderId"] in self.inactive:
            raise NotFoundError(f"Order {order_id} was not found.")
        return order

    def find(self, order_id: Any) -> dict | None:
        """The stored order with this id, active or not; None when there is none."""
        return self.orders.get(order_id or 0)

    def touch(self, order: dict, **changes: Any) -> None:
        """Change an order: its modifyDate moves and its cached JSON is dropped."""
        order.update(changes, modifyDate=self.shared.clock.now())
        order.pop("_json", None)
        self._track_hold(order)

    def locked_keys(self) -> set[str]:
        """The orderKeys of orders a store refresh may no longer change (shipped or cancelled)."""
        return {key for key, order_id in self.keys.items()
                if self.orders[order_id]["orderStatus"] in models.LOCKED_STATUSES}

    def dump(self) -> list[dict]:
        return [dict(render_order(o), active=o["orderId"] not in self.inactive) for o in self.orders.values()]

    # ------------------------------------------------------------------ holds

    def release_due_holds(self) -> None:
        today = pacific.today(self.shared.clock.now())
        for order_id in [i for i in self.held if self.orders[i]["holdUntilDate"] <= today]:
            order = self.orders[order_id]
            self.held.discard(order_id)
            if order["orderStatus"] == "on_hold":
                order.update(orderStatus="awaiting_shipment", holdUntilDate=None,
                             modifyDate=max(order["modifyDate"], pacific.start_of_day(today)))
                order.pop("_json", None)

    def _track_hold(self, order: dict) -> None:
        if order["orderStatus"] == "on_hold" and order["holdUntilDate"]:
            self.held.add(order["orderId"])
        else:
            self.held.discard(order["orderId"])

    def hold_until(self, body: Mapping[str, Any]) -> dict:
        order = self.record(require(body, "orderId", "request"))
        try:
            until = pacific.parse_date(str(body.get("holdUntilDate") or ""))
        except ValueError as exc:
            raise ModelStateError({"request.holdUntilDate": [str(exc)]}) from None
        if order["orderStatus"] in models.LOCKED_STATUSES:
            return {"success": False, "message": f"The order is {order['orderStatus']} and cannot be held."}
        self.touch(order, orderStatus="on_hold", holdUntilDate=until)
        self.release_due_holds()
        return {"success": True, "message": "Order held successfully."}

    def restore_from_hold(self, body: Mapping[str, Any]) -> dict:
        order = self.record(require(body, "orderId", "request"))
        if order["orderStatus"] != "on_hold":
            return {"success": False, "message": "The order is not on hold."}
        self.touch(order, orderStatus="awaiting_shipment", holdUntilDate=None)
        return {"success": True, "message": "Order restored successfully."}

    def change_tag(self, body: Mapping[str, Any], add: bool) -> dict:
        order = self.record(require(body, "orderId", "request"))
        tag_id = require(body, "tagId", "request")
        if not self.catalog.has_tag(tag_id):
            raise ModelStateError({"request.tagId": [f"The tagId {tag_id} was not found."]})
        tags = [t for t in order["tagIds"] or [] if t != tag_id] + ([tag_id] if add else [])
        self.touch(order, tagIds=tags or None)
        return {"success": True, "message": "Tag added successfully." if add else "Tag removed successfully."}

    # ------------------------------------------------------------------ create, import, delete

    def upsert(self, payload: Any, *, prefix: str = "apiOrder", import_batch: str | None = None) -> dict:
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
        if not existing and requested_store is not None and not self.stores.exists(requested_store):
            errors.setdefault(f"{prefix}.advancedOptions.storeId", []).append(
                f"The storeId {requested_store} was not found."
            )
        if errors:
            raise ModelStateError(errors)
        order_id = existing_id or self.shared.next_id("order")
        store_id = (
            existing["advancedOptions"]["storeId"]
            if existing
            else requested_store or self.stores.default_store_id()
        )
        record = models.build_order(
            payload,
            order_id=order_id,
            order_key=key or self.shared.guid(),
            now=self.shared.clock.now(),
            previous=existing,
            store_id=store_id,
            warehouse_id=self.catalog.default_warehouse_id(),
            next_item_id=lambda: self.shared.next_id("item"),
        )
        self.orders[order_id] = record
        self.keys[record["orderKey"]] = order_id
        self._track_hold(record)
        if import_batch:
            self.import_batches[order_id] = import_batch
        return render_order(record)

    def create_one(self, payload: Any) -> dict:
        if isinstance(payload, list):
            raise models.deserialise_error("apiOrder", "object", payload)
        order = self.upsert(payload, prefix="apiOrder")
        if self.fire_order_notify_on_create:
            self._queue_order_notify(order["advancedOptions"]["storeId"], [order["orderId"]])
        return order

    def create_many(self, payloads: Any) -> dict:
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
                order = self.upsert(payload, prefix="apiOrder")
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

    def import_from_store(self, store_id: int, payloads: Iterable[Mapping[str, Any]]) -> dict:
        """Orders arriving through a store refresh (the Custom Store hook, `/__sim/stores/<id>/import`).

        They get the store's id and one importBatch GUID; ORDER_NOTIFY fires for the batch.
        Returns `{"importBatch", "results"}` like createorders.
        """
        store = self.stores.record(store_id)
        batch = self.shared.guid()
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
                order = self.upsert(payload, prefix="apiOrder", import_batch=batch)
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
        batch = batch or self.shared.guid()
        for order_id in order_ids:
            self.import_batches[order_id] = batch
        self.shared.pending.append(
            Notification(
                "webhook", "ORDER_NOTIFY", store_id, f"/orders?storeID={store_id}&importBatch={batch}"
            )
        )

    def delete(self, order_id: Any) -> dict:
        """Soft delete: the order turns inactive, leaves every list, and frees its orderKey (inferred)."""
        order = self.record(order_id)
        self.inactive.add(order["orderId"])
        self.held.discard(order["orderId"])
        self.keys.pop(order["orderKey"], None)
        return {"success": True, "message": "The requested order has been deleted."}

    # ------------------------------------------------------------------ lists

    def listing(self, args: Mapping[str, str]) -> dict:
        query = Query(args)
        wanted = self._filter(query)
        sort_key = {"orderdate": "orderDate", "modifydate": "modifyDate", "createdate": "createDate"}
        return page(query, "orders", wanted, sort_key, lambda o: o["orderId"], render_order)

    def list_by_tag(self, args: Mapping[str, str]) -> dict:
        query = Query(args)
        tag_id = query.int("tagid")
        wanted = [o for o in self._filter(query) if tag_id in (o["tagIds"] or [])]
        return page(query, "orders", wanted, {}, lambda o: o["orderId"], render_order)

    def _filter(self, query: Query) -> list[dict]:
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
                checks.append(range_check(field_name, bounds))
        return [order for order in self.orders.values() if all(check(order) for check in checks)]

    def awaiting_shipment(self) -> list[dict]:
        return [o for o in self.orders.values()
                if o["orderId"] not in self.inactive and o["orderStatus"] == "awaiting_shipment"]

    def by_number(self, number: Any) -> list[dict]:
        return [o for o in self.orders.values()
                if o["orderNumber"] == number and o["orderId"] not in self.inactive]


def render_order(order: dict) -> dict:
    """The order's JSON, kept on the record until the next change (`touch` drops it): listing
    1,000 orders must not re-render every one on every page. Callers must not mutate the result."""
    if "_json" not in order:
        order["_json"] = models.render(order)
    return order["_json"]


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

"""Orders: createorder(s) upserts by orderKey, store imports, holds, tags, soft delete, listing."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from inkship.simulators.shipstation import models, pacific
from inkship.simulators.shipstation.backends.catalog import CatalogBackend
from inkship.simulators.shipstation.backends.order_index import DATE_FILTERS, SORT_FIELDS, OrderIndexes
from inkship.simulators.shipstation.backends.query import Query, paging, require
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
        self.import_batches: dict[int, str] = {}
        self.indexes = OrderIndexes(lambda o: self.import_batches.get(o["orderId"]))
        # Orders on hold until a date: the date by id, and a heap to find the due ones without a scan.
        self._held: dict[int, date] = {}
        self._hold_queue: list[tuple[date, int]] = []

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
        """Change an order: its modifyDate moves."""
        order.update(changes, modifyDate=self.shared.clock.now())
        self._changed(order)

    def _changed(self, order: dict) -> None:
        """After any change to a stored order: drop its cached JSON, re-place it in every index."""
        order.pop("_json", None)
        order.pop("_wire", None)
        self._track_hold(order)
        if order["orderId"] in self.inactive:
            self.indexes.discard(order["orderId"])
        else:
            self.indexes.put(order)

    def locked_keys(self) -> set[str]:
        """The orderKeys of orders a store refresh may no longer change (shipped or cancelled)."""
        return {self.orders[order_id]["orderKey"]
                for status in models.LOCKED_STATUSES for order_id in self.indexes.statuses.members(status)}

    def dump(self) -> list[dict]:
        return [dict(render_order(o), active=o["orderId"] not in self.inactive) for o in self.orders.values()]

    # ------------------------------------------------------------------ holds

    def release_due_holds(self) -> None:
        """Orders whose hold date has come go back to awaiting_shipment (checked before every call)."""
        if not self._hold_queue:
            return
        today = pacific.today(self.shared.clock.now())
        while self._hold_queue and self._hold_queue[0][0] <= today:
            until, order_id = heapq.heappop(self._hold_queue)
            if self._held.get(order_id) != until:
                continue  # released, deleted or held again since: a stale entry
            del self._held[order_id]
            order = self.orders[order_id]
            if order["orderStatus"] == "on_hold":
                order.update(orderStatus="awaiting_shipment", holdUntilDate=None,
                             modifyDate=max(order["modifyDate"], pacific.start_of_day(today)))
                self._changed(order)

    def _track_hold(self, order: dict) -> None:
        order_id = order["orderId"]
        until = order["holdUntilDate"]
        if order["orderStatus"] == "on_hold" and until and order_id not in self.inactive:
            if self._held.get(order_id) != until:
                self._held[order_id] = until
                heapq.heappush(self._hold_queue, (until, order_id))
        else:
            self._held.pop(order_id, None)

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
        """createorder: upsert by orderKey (generated when omitted), full replace; locked when shipped.
        Returns the stored record (render it with `render_order` to answer with it)."""
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
        if import_batch:
            self.import_batches[order_id] = import_batch
        self._changed(record)
        return record

    def create_one(self, payload: Any) -> dict:
        if isinstance(payload, list):
            raise models.deserialise_error("apiOrder", "object", payload)
        order = self.upsert(payload, prefix="apiOrder")
        if self.fire_order_notify_on_create:
            self._queue_order_notify(order["advancedOptions"]["storeId"], [order["orderId"]])
        return render_order(order)

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
            self.indexes.put(self.orders[order_id])
        self.shared.pending.append(
            Notification(
                "webhook", "ORDER_NOTIFY", store_id, f"/orders?storeID={store_id}&importBatch={batch}"
            )
        )

    def delete(self, order_id: Any) -> dict:
        """Soft delete: the order turns inactive, leaves every list, and frees its orderKey (inferred)."""
        order = self.record(order_id)
        self.inactive.add(order["orderId"])
        self._changed(order)
        self.keys.pop(order["orderKey"], None)
        return {"success": True, "message": "The requested order has been deleted."}

    # ------------------------------------------------------------------ lists

    def listing(self, args: Mapping[str, str], encode: Callable[[Any], bytes] | None = None) -> dict:
        """`GET /orders`; with `encode`, each order comes as its encoded JSON (kept until it changes)."""
        return self._page(Query(args), [], SORT_FIELDS, encode)

    def listing_by_tag(self, args: Mapping[str, str]) -> dict:
        query = Query(args)
        tag_id = query.int("tagid")
        return self._page(query, [lambda o: tag_id in (o["tagIds"] or [])], {}, None)

    def _page(self, query: Query, predicates: list[Callable[[dict], bool]], sort_fields: Mapping[str, str],
              encode: Callable[[Any], bytes] | None) -> dict:
        narrowed, checks, ranges = self._filters(query)
        chosen = paging(query, sort_fields)
        ids, total = self.indexes.select(
            chosen, narrowed=narrowed, ranges=ranges, predicates=checks + predicates,
            get=self.orders.__getitem__,
            cache_key=query.filters_key())
        orders = [self.orders[i] for i in ids]
        rendered = [render_order(o) for o in orders] if encode is None else [wire(o, encode) for o in orders]
        return chosen.envelope("orders", rendered, total)

    def _filters(self, query: Query) -> tuple[list[int] | None, list[Callable[[dict], bool]], dict]:
        """The given filters: ids a selective index narrows to (orderNumber, importBatch), the checks
        left for each order, and the date ranges. Only the given filters cost anything."""
        narrowed: list[int] | None = None
        checks: list[Callable[[dict], bool]] = []
        if number := query.text("ordernumber"):
            narrowed = self.indexes.with_number_prefix(number)  # a prefix match, as documented
        if customer := (query.text("customername") or "").lower():
            checks.append(lambda o: customer in _customer_text(o))
        if keyword := (query.text("itemkeyword") or "").lower():
            checks.append(lambda o: any(keyword in _item_text(item) for item in o["items"]))
        if status := query.text("orderstatus"):
            checks.append(lambda o: o["orderStatus"] == status)
        if (store_id := query.int("storeid")) is not None:
            checks.append(lambda o: o["advancedOptions"]["storeId"] == store_id)
        if batch := query.text("importbatch"):
            members = self.indexes.batches.members(batch)
            narrowed = members if narrowed is None else sorted(set(narrowed) & set(members))
        ranges = {}
        for field_name in DATE_FILTERS:
            bounds = query.range(field_name.lower())
            if bounds != (None, None):
                ranges[field_name] = bounds
        return narrowed, checks, ranges

    def awaiting_shipment(self) -> list[dict]:
        return [self.orders[i] for i in sorted(self.indexes.statuses.members("awaiting_shipment"))]

    def by_number(self, number: Any) -> list[dict]:
        return [self.orders[i] for i in self.indexes.with_number(str(number))] if number is not None else []


def render_order(order: dict) -> dict:
    """The order's JSON, kept on the record until the next change (`touch` drops it): listing
    1,000 orders must not re-render every one on every page. Callers must not mutate the result."""
    if "_json" not in order:
        order["_json"] = models.render(order)
    return order["_json"]


def wire(order: dict, encode: Callable[[Any], bytes]) -> bytes:
    """The order's JSON (encoded), kept on the record until the next change, like `render_order`."""
    if "_wire" not in order:
        order["_wire"] = encode(render_order(order))
    return order["_wire"]


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

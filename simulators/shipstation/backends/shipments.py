"""Labels and shipments: labels for orders (whole, split by items, multi-package), orderless labels,
voids, and the `/shipments` list. An order ships once every unit is on a label that is not voided."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inkship.simulators.indexes import Groups, QueryCache, SortedIndex
from inkship.simulators.shipstation import labels, models
from inkship.simulators.shipstation.backends.catalog import CatalogBackend
from inkship.simulators.shipstation.backends.orders import OrdersBackend
from inkship.simulators.shipstation.backends.query import (
    Query,
    as_int,
    date_or_today,
    index_bounds,
    nulls_first,
    paging,
    select,
)
from inkship.simulators.shipstation.backends.shared import Notification, Shared
from inkship.simulators.shipstation.backends.stores import StoresBackend
from inkship.simulators.shipstation.models import ModelStateError, NotFoundError, ServerFault

SORT_FIELDS = {"shipdate": "shipDate", "createdate": "createDate"}
_LABEL_OPTIONS = ("carrierCode", "serviceCode", "packageCode", "shipDate", "confirmation", "weight",
                  "dimensions")


class ShipmentsBackend:
    def __init__(self, shared: Shared, orders: OrdersBackend, stores: StoresBackend, catalog: CatalogBackend,
                 *, void_returns_to_awaiting: bool, pages_zero: bool) -> None:
        self.shared = shared
        self.orders = orders
        self.stores = stores
        self.catalog = catalog
        self.void_returns_to_awaiting = void_returns_to_awaiting
        self.pages_zero = pages_zero
        self.shipments: dict[int, dict] = {}
        # The list's default order, (createDate, shipmentId), is also its createDate order.
        self._sorted = {"createDate": SortedIndex(nulls_first("createDate")),
                        "shipDate": SortedIndex(nulls_first("shipDate", lambda s: (s["createDate"],)))}
        self._voided = SortedIndex(nulls_first("voidDate"))
        self._of_order = Groups(lambda s: s["orderId"])
        self._of_batch = Groups(lambda s: s["_batch"])
        self._cache = QueryCache()

    def record(self, shipment_id: int) -> dict:
        return self.shipments[shipment_id]

    def _changed(self, shipment: dict) -> None:
        """After any change to a shipment: drop its cached JSON, re-place it in every index."""
        shipment_id = shipment["shipmentId"]
        shipment.pop("_json", None)
        for index in self._sorted.values():
            index.put(shipment_id, shipment)
        self._of_order.put(shipment_id, shipment)
        self._of_batch.put(shipment_id, shipment)
        if shipment["voided"]:
            self._voided.put(shipment_id, shipment)
        else:
            self._voided.discard(shipment_id)
        self._cache.changed()

    def _rendered(self, shipment: dict, include_items: bool) -> dict:
        """A listed shipment's JSON, kept until it changes (callers must not mutate it)."""
        cached = shipment.setdefault("_json", {})
        if include_items not in cached:
            cached[include_items] = labels.render_shipment(shipment, include_items=include_items)
        return cached[include_items]

    def dump(self) -> list[dict]:
        return [labels.render_shipment(s, include_items=True) for s in self.shipments.values()]

    def mark_notified(self, shipment_id: int, error: str | None) -> None:
        shipment = self.shipments[shipment_id]
        shipment.update(marketplaceNotified=error is None, notifyErrorMessage=error)
        self._changed(shipment)

    # ------------------------------------------------------------------ units

    def _units_on_labels(self, order_id: int) -> dict[int, int]:
        """Units of each line on this order's labels that are not voided: reads only its own labels."""
        shipped: dict[int, int] = {}
        for shipment in (self.shipments[i] for i in self._of_order.members(order_id)):
            if not shipment["voided"]:
                for item in shipment["_items"]:
                    shipped[item["orderItemId"]] = shipped.get(item["orderItemId"], 0) + item["quantity"]
        return shipped

    def remaining_units(self, order: dict) -> dict[int, int]:
        shipped = self._units_on_labels(order["orderId"])
        return {
            item_id: qty - shipped.get(item_id, 0)
            for item_id, qty in models.shippable_units(order).items()
            if qty - shipped.get(item_id, 0) > 0
        }

    def _label_items(self, order: dict, split: list[Mapping[str, Any]] | None) -> list[dict]:
        remaining = self.remaining_units(order)
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

    # ------------------------------------------------------------------ labels

    def _add(self, shipment: dict) -> None:
        self.shipments[shipment["shipmentId"]] = shipment
        self._changed(shipment)

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
        self.catalog.check_carrier(carrier, request.get("serviceCode") or order["serviceCode"])
        items = self._label_items(order, split)
        if not items and models.shippable_units(order):
            raise ModelStateError(
                {"request.orderId": [f"Order {order['orderNumber']} has nothing left to ship."]}
            )
        now = self.shared.clock.now()
        ship_date = date_or_today(request.get("shipDate"), now, "request.shipDate")
        created = []
        for package_items in split_units(items, packages):
            shipment = labels.new_shipment(
                shipment_id=self.shared.next_id("shipment"),
                order=order,
                request={**request, "carrierCode": carrier},
                items=package_items,
                now=now,
                ship_date=ship_date,
                rng=self.shared.rng,
                batch_id=batch_id,
                warehouse_id=order["advancedOptions"].get("warehouseId"),
            )
            self._add(shipment)
            created.append(shipment)
        if not self.remaining_units(order):
            self.orders.touch(
                order,
                orderStatus="shipped",
                shipDate=ship_date,
                carrierCode=carrier,
                serviceCode=created[0]["serviceCode"],
            )
        else:
            self.orders.touch(order)
        return created

    def _queue_ship_notify(self, shipments: list[dict]) -> None:
        by_store: dict[int | None, list[dict]] = {}
        for shipment in shipments:
            by_store.setdefault(shipment["_store"], []).append(shipment)
        for store_id, group in by_store.items():
            batch_id = group[0]["_batch"]
            self.shared.pending.append(
                Notification(
                    "webhook",
                    "SHIP_NOTIFY",
                    store_id,
                    f"/shipments?storeID={store_id}&batchId={batch_id}&includeShipmentItems=False",
                )
            )
            if self.stores.is_custom_store(store_id):
                self.shared.pending.append(
                    Notification(
                        "ship_notice", store_id=store_id, shipment_ids=[s["shipmentId"] for s in group]
                    )
                )

    def create_label_for_order(self, body: Any) -> dict:
        """`/orders/createlabelfororder`: unknown order or bad codes give ShipStation's 500."""
        if not isinstance(body, Mapping):
            raise models.deserialise_error("request", "object", body)
        if body.get("testLabel") is not None and not isinstance(body["testLabel"], bool):
            raise ModelStateError(
                {"request.testLabel": [f"The value '{body['testLabel']}' is not valid for Boolean."]}
            )
        try:
            order = self.orders.record(body.get("orderId"))
        except NotFoundError:
            raise ServerFault(
                "Object reference not set to an instance of an object.", "System.NullReferenceException"
            ) from None
        batch_id = self.shared.next_id("batch")
        [shipment] = self._label_for_order(order, body, split=None, packages=1, batch_id=batch_id)
        self._queue_ship_notify([shipment])
        return {
            "shipmentId": shipment["shipmentId"],
            "shipmentCost": shipment["shipmentCost"],
            "insuranceCost": shipment["insuranceCost"],
            "trackingNumber": shipment["trackingNumber"],
            "labelData": shipment["_label"],
            "formData": None,
        }

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
        request = {k: spec[k] for k in _LABEL_OPTIONS if spec.get(k) is not None}
        batches: dict[int, int] = {}
        created = []
        for order in orders:
            store_id = order["advancedOptions"]["storeId"]
            batch_id = batches.setdefault(store_id, self.shared.next_id("batch"))
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
            return self.orders.awaiting_shipment()
        if spec.get("orderIds"):
            return [self.orders.record(order_id) for order_id in spec["orderIds"]]
        if spec.get("orderNumbers"):
            found: list[dict] = []
            for number in spec["orderNumbers"]:
                matches = self.orders.by_number(number)
                if not matches:
                    raise NotFoundError(f"Order number {number} was not found.")
                found += matches
            return found
        raise ModelStateError({"orderIds": ["Give orderIds, orderNumbers or all: true."]})

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
        self.catalog.check_carrier(body["carrierCode"], body["serviceCode"])
        now = self.shared.clock.now()
        shipment = labels.new_shipment(
            shipment_id=self.shared.next_id("shipment"),
            order=None,
            request=body,
            items=[],
            now=now,
            ship_date=date_or_today(body["shipDate"], now, "request.shipDate"),
            rng=self.shared.rng,
            batch_id=None,
            warehouse_id=self.catalog.default_warehouse_id(),
        )
        self._add(shipment)
        return labels.render_shipment(shipment, include_items=False, with_label=True)

    def void(self, body: Any) -> dict:
        if not isinstance(body, Mapping):
            raise models.deserialise_error("request", "object", body)
        shipment = self.shipments.get(as_int(body.get("shipmentId")))
        if shipment is None:
            raise NotFoundError(f"Shipment {body.get('shipmentId')} was not found.")
        if shipment["voided"]:
            return {"approved": False, "message": "Label has already been voided."}
        shipment.update(voided=True, voidDate=self.shared.clock.now())
        self._changed(shipment)
        order = self.orders.find(shipment["orderId"])
        if (
            order
            and self.void_returns_to_awaiting
            and order["orderStatus"] == "shipped"
            and self.remaining_units(order)
        ):
            self.orders.touch(order, orderStatus="awaiting_shipment", shipDate=None)
        return {"approved": True, "message": "Label voided successfully"}

    # ------------------------------------------------------------------ list

    def listing(self, args: Mapping[str, str]) -> dict:
        query = Query(args)
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
        ranges = {field: query.range(field.lower()) for field in ("createDate", "shipDate", "voidDate")}
        ranges = {field: bounds for field, bounds in ranges.items() if bounds != (None, None)}

        def keep(s: dict) -> bool:
            ship_to = s["shipTo"] or {}
            return (
                all(not value or s[f] == value for f, value in text_filters)
                and all(value is None or s[f] == value for f, value in ints)
                and (not recipient or recipient in (ship_to.get("name") or "").lower())
                and (not country or ship_to.get("country") == country)
            )

        chosen = paging(query, SORT_FIELDS)
        field_name = chosen.sort_field or "createDate"
        ids, total = select(
            chosen, self._sorted[field_name], field_name, self._cache,
            narrowed=self._narrowed(dict(ints), ranges.get("voidDate")), ranges=ranges, predicates=[keep],
            get=self.shipments.__getitem__,
            cache_key=query.filters_key())
        rendered = [self._rendered(self.shipments[i], include_items) for i in ids]
        listing = chosen.envelope("shipments", rendered, total)
        if self.pages_zero and listing["pages"] == 1:
            listing["pages"] = 0
        return listing

    def _narrowed(self, ints: dict[str, int | None], voided: tuple | None) -> list[int] | None:
        """The few shipments a selective filter names (an order's, a batch's, or voided in a range)."""
        if ints["orderId"] is not None:
            return self._of_order.members(ints["orderId"])
        if ints["_batch"] is not None:
            return self._of_batch.members(ints["_batch"])
        if voided is not None:
            return list(self._voided.ids(*index_bounds(voided)))
        return None


def split_units(items: list[dict], packages: int) -> list[list[dict]]:
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

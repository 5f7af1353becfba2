"""The three views as read for one reconcile (`read.py` fills them), and lookups over them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from inkship.connector.mapping.orders import MappedOrder, Skip
from inkship.connector.state.store import LedgerRow, Link

# What the mapping says an InkSoft order should be in ShipStation (a MappedOrder), or why it is not
# sent at all (a Skip): `map_order` with the engine's status table and settings.
Expected = Callable[[dict[str, Any]], MappedOrder | Skip]


@dataclass
class Views:
    """InkSoft orders (by id) and the ids asked for that InkSoft no longer has; ShipStation's orders and
    labels of the store; the state database's links and ledger; and which InkSoft ids are compared."""

    in_scope: set[int]
    inksoft: dict[int, dict[str, Any]]
    inksoft_gone: set[int]
    shipstation_orders: list[dict[str, Any]]
    shipments: list[dict[str, Any]]
    links: list[Link]
    ledger: list[LedgerRow] = field(default_factory=list)

    @cached_property
    def links_by_inksoft_id(self) -> dict[int, list[Link]]:
        found: dict[int, list[Link]] = {}
        for link in self.links:
            found.setdefault(link.inksoft_id, []).append(link)
        return found

    @cached_property
    def shipstation_by_key(self) -> dict[str, dict[str, Any]]:
        return {order["orderKey"]: order for order in self.shipstation_orders if order.get("orderKey")}

    @cached_property
    def labels_by_order_id(self) -> dict[int, list[dict[str, Any]]]:
        found: dict[int, list[dict[str, Any]]] = {}
        for shipment in sorted(self.shipments, key=lambda s: s.get("shipmentId") or 0):
            if isinstance(shipment.get("orderId"), int):
                found.setdefault(shipment["orderId"], []).append(shipment)
        return found

    @cached_property
    def shipments_by_id(self) -> dict[int, dict[str, Any]]:
        return {s["shipmentId"]: s for s in self.shipments if isinstance(s.get("shipmentId"), int)}

    @cached_property
    def ledger_by_shipment(self) -> dict[int, LedgerRow]:
        return {row.shipment_id: row for row in self.ledger}

    @cached_property
    def ledger_by_order_key(self) -> dict[str, list[LedgerRow]]:
        found: dict[str, list[LedgerRow]] = {}
        for row in self.ledger:
            found.setdefault(row.order_key, []).append(row)
        return found

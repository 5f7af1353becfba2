"""What the state machine reads of the world, straight from the simulators' state (no API call, so no
checking ever spends the connector's rate limit or trips a fault rule), and what it expects of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

# The mapping the machine's connector is configured with: InkSoft status -> ShipStation status.
# "Ready to Ship", "Open", "Complete" (and cancelled) come from the default table; "Awaiting Art" is a
# store's custom status mapped by configuration. Every other status maps to nothing.
CONFIGURED_STATUSES = {"Awaiting Art": "on_hold"}
MAPPED_STATUSES = ("Ready to Ship", "Open", "Complete", "Awaiting Art")
UNMAPPED_STATUSES = ("In Production", "At Embroiderer", "Scheduled")


def has_address(order: dict[str, Any]) -> bool:
    address = order.get("ShippingAddress")
    return isinstance(address, dict) and all(address.get(k) for k in ("Street1", "City", "CountryCode"))


def is_cancelled(order: dict[str, Any]) -> bool:
    return order.get("Status") == "Canceled"


def importable(order: dict[str, Any]) -> bool:
    """The model's own rule: an address, a status the table maps, not cancelled."""
    return has_address(order) and order.get("ProductionStatus") in MAPPED_STATUSES and not is_cancelled(order)


def number_of(order_number: Any) -> int | None:
    """The InkSoft ID a ShipStation orderNumber stands for (no number prefix is configured)."""
    text = str(order_number or "")
    return int(text) if text.isdigit() else None


@dataclass
class Snapshot:
    """Both simulators' state at one moment."""

    inksoft: dict[int, dict[str, Any]]
    ss_orders: list[dict[str, Any]]
    shipments: list[dict[str, Any]]

    @classmethod
    def take(cls, world: Any) -> Snapshot:
        """Read without copying: a snapshot is only read, and lives until the next step changes the world."""
        dump = world.shipstation_sim.state.dump()
        inksoft_state = world.inksoft_state
        with inksoft_state.lock:
            inksoft = dict(inksoft_state.orders)
        return cls(inksoft, dump["orders"], dump["shipments"])

    def packages(self, order_id: int) -> list[str]:
        """Tracking numbers of the InkSoft order's packages, one per package."""
        return [str(p.get("TrackingNumber")) for s in self.inksoft[order_id].get("Shipments") or []
                for p in s.get("Packages") or []]

    def all_packages(self) -> Counter[str]:
        return Counter(t for order_id in self.inksoft for t in self.packages(order_id))

    def ss_order_for(self, order_id: int) -> dict[str, Any] | None:
        found = [o for o in self.ss_orders if number_of(o["orderNumber"]) == order_id]
        return found[0] if found else None

    def remaining_units(self, ss_order: dict[str, Any]) -> dict[str, int]:
        """Units of each line not yet on a live label."""
        remaining = Counter({item["lineItemKey"]: item["quantity"] for item in ss_order["items"]})
        for shipment in self.shipments:
            if shipment["orderId"] == ss_order["orderId"] and not shipment["voided"]:
                remaining.subtract({i["lineItemKey"]: i["quantity"] for i in shipment["shipmentItems"] or []})
        return {key: n for key, n in remaining.items() if n > 0}

    def labelable(self) -> list[dict[str, Any]]:
        """ShipStation orders a user can buy a label for now."""
        return [o for o in self.ss_orders if o["active"] and o["orderStatus"] == "awaiting_shipment"
                and self.remaining_units(o)]

    def items_agree(self, order_id: int) -> bool:
        """ShipStation has the InkSoft order's lines and quantities (not so when InkSoft changed them
        while the order could not be imported: its labels may then carry units InkSoft does not owe)."""
        ss_order = self.ss_order_for(order_id)
        inksoft = {item.get("ItemGuid"): item.get("Quantity") for item in self.inksoft[order_id]["Items"]}
        shipstation = {i["lineItemKey"]: i["quantity"] for i in (ss_order or {}).get("items") or []}
        return ss_order is not None and shipstation == inksoft

    def shipments_of(self, order_id: int) -> list[dict[str, Any]]:
        return [s for s in self.shipments if number_of(s["orderNumber"]) == order_id]


def comparable(ss_order: dict[str, Any]) -> dict[str, Any]:
    """What must agree between a ShipStation order and the mapped InkSoft order."""
    ship_to = ss_order.get("shipTo") or {}
    return {
        "orderKey": ss_order.get("orderKey"),
        "orderNumber": ss_order.get("orderNumber"),
        "shipTo": {k: ship_to.get(k) for k in ("name", "street1", "city", "state", "postalCode", "country")},
        "items": sorted((i.get("lineItemKey"), i.get("quantity")) for i in ss_order.get("items") or []),
        "customerNotes": ss_order.get("customerNotes"),
        "internalNotes": ss_order.get("internalNotes"),
        "orderStatus": ss_order.get("orderStatus"),
    }

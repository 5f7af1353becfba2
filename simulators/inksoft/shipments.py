"""CreateOrderShipments rules (reference §8.3, §12): what a new package covers and how the order moves."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from inkship.simulators.inksoft.orders import IdSequence


@dataclass(frozen=True)
class ShipmentRequest:
    """One CreateOrderShipments call; `items` holds (OrderRetailItemSizeId or ItemGuid, quantity) pairs."""

    tracking_number: str
    tracking_url: str | None = None
    carrier_name: str | None = None
    service: str | None = None
    shipped_date: datetime | None = None
    items: tuple[tuple[str, int], ...] | None = None
    mark_completed: bool = False
    notify_customer: bool = False


def item_refs(order: dict) -> dict[str, int]:
    """Every way a caller may name a line (size id as text, ItemGuid in lower case) -> its size id."""
    refs: dict[str, int] = {}
    for item in order["Items"]:
        size_id = item["OrderRetailItemSizeId"]
        refs[str(size_id)] = size_id
        if item.get("ItemGuid"):
            refs[str(item["ItemGuid"]).lower()] = size_id
    return refs


def unshipped_quantities(order: dict) -> dict[int, int]:
    """OrderRetailItemSizeId -> quantity not yet on any package."""
    refs = item_refs(order)
    shipped: Counter[int] = Counter()
    for shipment in order.get("Shipments") or []:
        for package in shipment.get("Packages") or []:
            for line in package.get("Items") or []:
                ref = line.get("OrderRetailItemSizeId") or line.get("ItemGuid")
                if ref is not None and str(ref).lower() in refs:
                    shipped[refs[str(ref).lower()]] += int(line.get("Quantity") or 0)
    return {item["OrderRetailItemSizeId"]: max(0, int(item.get("Quantity") or 0)
                                                - shipped[item["OrderRetailItemSizeId"]])
            for item in order["Items"]}


def package_lines(order: dict, wanted: list[tuple[int, int]] | None) -> dict[int, int]:
    """Size id -> quantity the new package covers: `wanted`, or with None every unshipped quantity.

    Raises ValueError when a wanted quantity exceeds what is still unshipped.
    """
    unshipped = unshipped_quantities(order)
    if wanted is None:
        return {size_id: qty for size_id, qty in unshipped.items() if qty}
    lines: Counter[int] = Counter()
    for size_id, qty in wanted:
        lines[size_id] += qty
    for size_id, qty in lines.items():
        if qty > unshipped[size_id]:
            raise ValueError(f"Quantity {qty} of item {size_id} on order {order['ID']} exceeds the "
                             f"{unshipped[size_id]} not yet shipped")
    return dict(lines)


def append_shipment(order: dict, request: ShipmentRequest, lines: dict[int, int], ids: IdSequence,
                    now: datetime) -> dict:
    """Append one Shipment with one Package and move the order: Shipped, and Complete when all is shipped."""
    guid_of = {item["OrderRetailItemSizeId"]: item.get("ItemGuid") for item in order["Items"]}
    package = {
        "ID": ids.take("package"), "ShippedDate": request.shipped_date or now,
        "TrackingNumber": request.tracking_number, "TrackingUrl": request.tracking_url,
        "ShippingServiceType": request.service, "Status": "Shipped", "CarrierName": request.carrier_name,
        "ShippingLabelFileName": None, "LabelCost": None,
        "Items": [{"ID": ids.take("package_item"), "OrderRetailItemSizeId": size_id,
                   "ItemGuid": guid_of[size_id], "Quantity": qty} for size_id, qty in lines.items()],
    }
    shipment = {"ID": ids.take("shipment"), "OrderId": order["ID"], "PackageCount": 1, "DateCreated": now,
                "LastModified": now, "Notes": None, "Pickup": False, "PickedUpBy": None,
                "ToAddress": order.get("ShippingAddress"), "FromAddress": None, "Packages": [package]}
    order["Shipments"] = [*(order.get("Shipments") or []), shipment]
    order.update(Shipped=True, Status="Shipped", DateModified=now)
    if request.mark_completed or not any(unshipped_quantities(order).values()):
        order["ProductionStatus"] = "Complete"
    order["Timeline"] = [*(order.get("Timeline") or []),
                         {"Event": "Shipment created", "Comment": request.tracking_number}]
    if request.notify_customer:
        order["Timeline"].append({"Event": "Shipment notification sent", "Comment": order.get("Email")})
    return shipment

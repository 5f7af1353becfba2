"""A ShipStation shipment → the InkSoft write-back, as ShipStation's own InkSoft connection sends it.

Sent: tracking number, carrier, service and the items shipped. Never sent: the carrier's charge
(`shipmentCost`) nor the note to the buyer (ShipStation's InkSoft article marks both "not sent").
Pure: the caller reads InkSoft and ShipStation and passes both in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from inkship.connector.errors import OrderRejected
from inkship.connector.mapping import fields as f
from inkship.connector.mapping.items import ItemRef, item_aliases, ordered_quantities
from inkship.connector.mapping.keys import order_ref_for
from inkship.connector.mapping.reading import FieldRejected, objects_in, quantity_of

_CARRIER_NAMES = {
    "stamps_com": "USPS", "usps": "USPS", "endicia": "USPS",
    "ups": "UPS", "ups_walleted": "UPS",
    "fedex": "FedEx", "fedex_walleted": "FedEx",
    "dhl_express": "DHL Express", "dhl_express_worldwide": "DHL Express",
    "dhl_global_mail": "DHL eCommerce", "canada_post": "Canada Post", "ontrac": "OnTrac",
}
# Service codes whose readable name is not just the code's words.
_SERVICE_NAMES = {
    "usps_parcel_select": "USPS Parcel Select Ground",
    "fedex_home_delivery": "FedEx Home Delivery",
    "ups_next_day_air_early_am": "UPS Next Day Air Early",
}
_SERVICE_WORDS = {"usps": "USPS", "ups": "UPS", "fedex": "FedEx", "dhl": "DHL", "2day": "2Day",
                  "am": "AM", "us": "US"}


@dataclass(frozen=True)
class InkSoftShipment:
    """What is written to InkSoft for one ShipStation label (CreateOrderShipments and its inferred extras).

    `items` are (item reference, quantity) pairs in the order's line order; a reference is an
    ItemGuid (text) or an OrderRetailItemSizeId (int), see orders.item_ref_for.
    """

    tracking_number: str
    carrier: str
    service: str | None
    ship_date: date
    items: list[tuple[ItemRef, int]] = field(default_factory=list)
    mark_completed: bool = False
    # ShipStation has already emailed the buyer; a second email from InkSoft would be a duplicate.
    notify_customer: bool = False


def carrier_name(code: str) -> str:
    """A readable carrier name for a ShipStation carrier code; an unknown code is returned as is."""
    return _CARRIER_NAMES.get(code.strip().lower(), code.strip())


def service_name(code: str) -> str:
    """A readable name for a ShipStation service code: `usps_priority_mail` → `USPS Priority Mail`."""
    code = code.strip().lower()
    if code in _SERVICE_NAMES:
        return _SERVICE_NAMES[code]
    return " ".join(_SERVICE_WORDS.get(word, word.capitalize()) for word in code.split("_") if word)


def _canonical(quantities: Mapping[ItemRef, int], aliases: Mapping[str, ItemRef]) -> dict[ItemRef, int]:
    """Quantities keyed by each line's own reference, whichever of its ids (or their text) named it."""
    merged: dict[ItemRef, int] = {}
    for key, quantity in quantities.items():
        ref = aliases.get(str(key), key)
        merged[ref] = merged.get(ref, 0) + max(int(quantity), 0)
    return merged


def shipped_quantities(order: Mapping) -> dict[ItemRef, int]:
    """Units the InkSoft order's recorded packages already cover, per item reference.

    A package without items (InkSoft without the item list, or a write-back with none) covers every
    unit still unshipped when it was recorded, as InkSoft itself reads it.
    """
    ordered = ordered_quantities(order)
    aliases = item_aliases(order)
    shipped = dict.fromkeys(ordered, 0)
    for where, shipment in objects_in(order.get(f.SHIPMENTS), f.SHIPMENTS):
        for package_field, package in objects_in(shipment.get(f.PACKAGES), f"{where}.{f.PACKAGES}"):
            items = list(objects_in(package.get(f.PACKAGE_ITEMS), f"{package_field}.{f.PACKAGE_ITEMS}"))
            if not items:
                shipped.update(ordered)
                continue
            for item_field, item in items:
                ref = _package_item_ref(item, aliases)
                if ref is None:  # names no line: nothing of this order to count
                    continue
                quantity = quantity_of(item.get(f.PACKAGE_ITEM_QUANTITY),
                                       f"{item_field}.{f.PACKAGE_ITEM_QUANTITY}")
                shipped[ref] = shipped.get(ref, 0) + quantity
    return shipped


def _package_item_ref(item: Mapping, aliases: Mapping[str, ItemRef]) -> ItemRef | None:
    for key in (f.ITEM_GUID, f.ITEM_SIZE_ID):
        if item.get(key) is not None:
            return aliases.get(str(item[key]), item[key])
    return None


def _tracking_key(tracking: str) -> str:
    return "".join(tracking.split()).upper()


def find_package_with_tracking(order: Mapping, tracking: str) -> dict | None:
    """The InkSoft package already carrying `tracking` (blanks and case ignored), or None."""
    wanted = _tracking_key(tracking)
    for where, shipment in objects_in(order.get(f.SHIPMENTS), f.SHIPMENTS):
        for _, package in objects_in(shipment.get(f.PACKAGES), f"{where}.{f.PACKAGES}"):
            recorded = package.get(f.PACKAGE_TRACKING)
            if isinstance(recorded, str) and wanted and _tracking_key(recorded) == wanted:
                return package
    return None


def _required_text(shipment: Mapping, key: str, ref: str) -> str:
    value = shipment.get(key)
    if not isinstance(value, str) or not value.strip():
        raise OrderRejected(f"shipment has no {key}", order=ref, field=key)
    return value.strip()


def _ship_date(shipment: Mapping, ref: str) -> date:
    # shipDate is a date; createDate a naive Pacific datetime whose date part is the Pacific date.
    for key in ("shipDate", "createDate"):
        value = shipment.get(key)
        if isinstance(value, str) and value.strip():
            try:
                return date.fromisoformat(value.strip()[:10])
            except ValueError:
                raise OrderRejected(f"shipment {key} is not a date: {value!r}", order=ref,
                                    field=key) from None
    raise OrderRejected("shipment has no shipDate", order=ref, field="shipDate")


def writeback_for(shipment: Mapping[str, Any], order: Mapping[str, Any],
                  already_shipped: Mapping[ItemRef, int]) -> InkSoftShipment | None:
    """The InkSoft write-back for one ShipStation shipment of `order`, or None when there is none.

    Items are matched by `lineItemKey` (lines ShipStation added, and our discount line, match
    nothing and are ignored) and capped at what is still unshipped after `already_shipped` (usually
    `shipped_quantities(order)`). A shipment whose `shipmentItems` is null (items not requested)
    covers every unshipped unit; an empty list is a label that carries none (a package of a
    multi-package label dealt no unit). `mark_completed` is true only when, after this shipment,
    every unit of the order has shipped.

    None means nothing to write: the label is voided, or it carries no unit the order still owes
    (no items, only lines InkSoft does not have, or units already shipped). Such a write-back would
    go without items, and InkSoft reads a package without items as "the rest of the order shipped".
    Raises OrderRejected for a shipment without tracking number, carrier or date, or an order
    whose lines cannot be read.
    """
    if shipment.get("voided") is True:
        return None
    ref = order_ref_for(order)
    tracking = _required_text(shipment, "trackingNumber", ref)
    carrier = _required_text(shipment, "carrierCode", ref)
    service = shipment.get("serviceCode")
    ship_date = _ship_date(shipment, ref)
    try:
        ordered = ordered_quantities(order)
        aliases = item_aliases(order)
        shipped = _canonical(already_shipped, aliases)
        remaining = {line: max(quantity - shipped.get(line, 0), 0) for line, quantity in ordered.items()}
        requested = _requested(shipment, aliases, remaining)
    except FieldRejected as rejected:
        raise FieldRejected(rejected.reason, rejected.field, order=ref) from None
    taken = {line: min(quantity, remaining.get(line, 0)) for line, quantity in requested.items()}
    items = [(line, taken[line]) for line in ordered if taken.get(line, 0) > 0]
    if not items:
        return None
    complete = all(shipped.get(line, 0) + taken.get(line, 0) >= quantity
                   for line, quantity in ordered.items())
    return InkSoftShipment(
        tracking_number=tracking,
        carrier=carrier_name(carrier),
        service=service_name(service) if isinstance(service, str) and service.strip() else None,
        ship_date=ship_date,
        items=items,
        mark_completed=complete,
    )


def _requested(shipment: Mapping, aliases: Mapping[str, ItemRef],
               remaining: Mapping[ItemRef, int]) -> dict[ItemRef, int]:
    """Units this shipment carries per order line; all remaining units when its items were not
    requested (null), none when it lists none."""
    if shipment.get("shipmentItems") is None:
        return dict(remaining)
    requested: dict[ItemRef, int] = {}
    for where, item in objects_in(shipment.get("shipmentItems"), "shipmentItems"):
        key = item.get("lineItemKey")
        line = aliases.get(str(key)) if key is not None else None
        if line is not None:
            requested[line] = requested.get(line, 0) + quantity_of(item.get("quantity"), f"{where}.quantity")
    return requested

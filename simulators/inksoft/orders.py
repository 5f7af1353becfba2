"""Full InkSoft orders from partial ones (defaults, derived flags and totals, production cards) and summaries.

Shapes follow the reference's §9.8b example order. A scenario may describe a line's production card on
the item itself with the keys in CARD_KEYS_ON_ITEM (ProductSku, ColorwayName, Size...); they move to the
generated card, so the stored item keeps InkSoft's shape.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from inkship.simulators.inksoft.times import parse_date_fields

PRODUCTION_STATUSES = ("Open", "Scheduled", "In Production", "Ready to Ship", "Ready for Pickup", "Complete")
ORDER_STATUSES = ("Processing", "Fulfilled", "Shipped", "Canceled")
PAYMENT_STATUSES = ("Paid", "NotPaid", "PartiallyPaid", "RefundDue", "Refunded")
WORKFLOW_FLAGS = ("Authorized", "Paid", "Confirmed", "Ordered", "Received", "Prepared", "Shipped",
                  "Cancelled")

CARD_KEYS_ON_ITEM = ("ProductName", "ProductSku", "ProductStyleName", "ColorwayName", "Size", "PrintMethod",
                     "ArtName", "PreviewUrl")

# When a key changes, the keys derived from it are recomputed unless the change sets them too.
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "Items": ("ProductionCards", "RetailAmount", "TotalAmount", "AmountDue", "TotalWeight"),
    "ShippingAmount": ("TotalAmount", "AmountDue"),
    "TaxAmount": ("TotalAmount", "AmountDue"),
    "TotalDiscount": ("TotalAmount", "AmountDue"),
    "ProductionStatus": ("Prepared",),
    "Status": ("Shipped", "Cancelled"),
    "PaymentStatus": ("Authorized", "Paid", "AmountDue"),
}

_FIRST_IDS = {"order": 1001, "item": 90001, "item_size": 120001, "product": 301, "style": 2201, "art": 88001,
              "shipment": 7001, "package": 8001, "package_item": 9001}
_GUID_NAMESPACE = uuid.UUID("6f1c0c3e-52a4-4c61-9a0e-0d5cf4b1e7a2")


class IdSequence:
    """Counters for every kind of integer id; ids a scenario gives move the counter past them."""

    def __init__(self) -> None:
        self._next = dict(_FIRST_IDS)

    def take(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] = value + 1
        return value

    def claim(self, kind: str, given: Any) -> int:
        """The given id if there is one (and keep defaults clear of it), else a fresh one."""
        if given is None:
            return self.take(kind)
        value = int(given)
        self._next[kind] = max(self._next[kind], value + 1)
        return value


def stable_guid(kind: str, *parts: object) -> str:
    """A GUID derived from integer ids, so a seeded simulator gives the same GUIDs on every run."""
    return str(uuid.uuid5(_GUID_NAMESPACE, ":".join([kind, *map(str, parts)])))


def squash_status(text: str) -> str:
    """Statuses compare loosely: "Ready to Ship" == "ReadyToShip", and both cancel spellings are one."""
    return re.sub(r"[\s_-]", "", str(text)).lower().replace("cancelled", "canceled")


def canonical(value: str, allowed: Iterable[str], field: str) -> str:
    """The vocabulary's spelling of `value` (compared with squash_status); ValueError if it has none."""
    wanted = squash_status(value)
    for name in allowed:
        if squash_status(name) == wanted:
            return name
    raise ValueError(f"{field} {value!r} is not one of {', '.join(allowed)}")


def derive_flags(order: dict) -> dict[str, bool]:
    """The workflow booleans consistent with the order's statuses and shipments."""
    payment = order["PaymentStatus"]
    return {
        "Authorized": payment != "NotPaid",
        "Paid": payment in ("Paid", "RefundDue", "Refunded"),
        "Confirmed": True,
        "Ordered": False,
        "Received": False,
        "Prepared": order["ProductionStatus"] in ("Ready to Ship", "Ready for Pickup", "Complete"),
        "Shipped": order["Status"] == "Shipped" or bool(order.get("Shipments")),
        "Cancelled": order["Status"] == "Canceled",
    }


def default_address(first: str, last: str) -> dict:
    """The address an order gets when a scenario asks for one with `ShippingAddress: true`."""
    return {"Name": f"{first} {last}", "FirstName": first, "LastName": last, "CompanyName": None,
            "Street1": "77 Alder Way", "Street2": None, "City": "Eugene", "State": "OR",
            "StateName": "Oregon", "Country": "United States", "CountryCode": "US", "PostCode": "97401",
            "Phone": "541-555-0142"}


def complete_order(partial: dict, store: dict, ids: IdSequence, now: datetime,
                   production_statuses: Iterable[str] = PRODUCTION_STATUSES) -> dict:
    """A full Order from a partial one: every omitted field gets a default consistent with the rest.

    Raises ValueError on a status outside the vocabularies (custom production statuses included).
    """
    given: dict = parse_date_fields(copy.deepcopy(partial))  # type: ignore[assignment]
    given.pop("StoreUri", None)
    order_id = ids.claim("order", given.get("ID"))
    first, last = given.get("FirstName", "Jordan"), given.get("LastName", "Lee")
    production = canonical(given.get("ProductionStatus", "Ready to Ship"), production_statuses,
                           "ProductionStatus")
    status = canonical(given.get("Status", "Shipped" if given.get("Shipments") else "Processing"),
                       ORDER_STATUSES, "Status")
    payment = canonical(given.get("PaymentStatus", "Paid"), PAYMENT_STATUSES, "PaymentStatus")
    items = [_complete_item(item, store, ids) for item in given.get("Items") or [{}]]
    shipping_amount = given.get("ShippingAmount", 6.5)
    order: dict[str, Any] = {
        "ID": order_id, "UniqueId": stable_guid("order", store["StoreId"], order_id),
        "StoreId": store["StoreId"], "StoreName": store["Name"],
        "Email": f"customer{order_id}@example.com", "FirstName": first, "LastName": last,
        "DateCreated": now, "DateModified": now,
        "ProductionStatus": production, "Status": status, "PaymentStatus": payment,
        **dict.fromkeys(WORKFLOW_FLAGS, False), "ApprovalRequired": False, "ApprovalDate": None,
        "ShippingAddress": None, "BillingAddress": None,
        "ShippingMethod": {"ID": 1, "Name": "Standard Shipping", "VendorName": "USPS",
                           "Price": shipping_amount},
        "PaymentMethod": "Credit Card", "DiscountCode": None, "CouponCode": None, "TotalDiscount": 0,
        "GiftMessage": None, "Notes": None, "Timeline": [{"Event": "Order placed", "Comment": None}],
        "CustomerNotes": None, "TotalWeight": None, "WeightUnit": "Ounces",
        "RetailAmount": None, "ShippingAmount": shipping_amount, "TaxAmount": 0, "TotalAmount": None,
        "AmountDue": None, "CurrencyCode": "USD", "OrderType": "WebOrder",
        "Items": items, "ProductionCards": None, "Shipments": [],
    }
    order.update({k: v for k, v in given.items() if k != "Items"})
    order.update(ID=order_id, ProductionStatus=production, Status=status, PaymentStatus=payment, Items=items)
    for key in ("ShippingAddress", "BillingAddress"):
        if order[key] is True:
            order[key] = default_address(first, last)
    order.update({key: value for key, value in derive_flags(order).items() if key not in given})
    if order["ProductionCards"] is None:
        order["ProductionCards"] = _cards_for(items, given.get("Items") or [{}], store)
    _fill_totals(order)
    order["Shipments"] = [_complete_shipment(s, order_id, ids, now) for s in order["Shipments"]]
    return order


def _complete_item(partial: dict, store: dict, ids: IdSequence) -> dict:
    size_id = ids.claim("item_size", partial.get("OrderRetailItemSizeId"))
    quantity, price = partial.get("Quantity", 1), partial.get("UnitPrice", 14.0)
    card = _card_facts(partial, size_id, store)
    item = {
        "OrderRetailItemId": ids.claim("item", partial.get("OrderRetailItemId")),
        "OrderRetailItemSizeId": size_id, "ItemGuid": stable_guid("item", store["StoreId"], size_id),
        "ProductId": ids.claim("product", partial.get("ProductId")),
        "ProductStyleId": ids.claim("style", partial.get("ProductStyleId")),
        "FullName": f"{card['ProductName']} - {card['ColorwayName']} - {card['Size']}",
        "Quantity": quantity, "UnitPrice": price, "ItemTotal": round(quantity * price, 2),
        "ArtId": ids.claim("art", partial.get("ArtId")), "Weight": 6.0, "StockLocation": "A-01",
        "SidePreviews": [{"SideName": "Front",
                          "DesignOnProductUrl": f"https://{store['Domain']}/images/preview/{size_id}-front.png"}],
    }
    item.update({k: v for k, v in partial.items() if k not in CARD_KEYS_ON_ITEM})
    return item


def _card_facts(partial: dict, size_id: int, store: dict) -> dict:
    colour = partial.get("ColorwayName", "Black")
    facts = {"ProductName": "Classic Tee", "ProductSku": f"TEE-{colour[:3].upper()}",
             "ProductStyleName": colour, "ColorwayName": colour, "Size": "L", "PrintMethod": "Screen Print",
             "ArtName": "Store Logo",
             "PreviewUrl": f"https://{store['Domain']}/images/preview/{size_id}.png"}
    facts.update({k: partial[k] for k in CARD_KEYS_ON_ITEM if k in partial})
    return facts


def _cards_for(items: list[dict], partials: list[dict], store: dict) -> list[dict]:
    """One card per product, colour, print method and art; each size of it one card item."""
    cards: dict[tuple, dict] = {}
    for item, partial in zip(items, partials, strict=True):
        facts = _card_facts(partial, item["OrderRetailItemSizeId"], store)
        key = (facts["ProductName"], facts["ProductSku"], facts["ColorwayName"], facts["PrintMethod"],
               facts["ArtName"])
        card = cards.setdefault(key, {
            "ProductName": facts["ProductName"], "ProductSku": facts["ProductSku"],
            "ProductStyleName": facts["ProductStyleName"], "ColorwayName": facts["ColorwayName"],
            "PreviewUrl": facts["PreviewUrl"], "PrintMethod": facts["PrintMethod"],
            "Art": {"Name": facts["ArtName"]}, "Items": []})
        card["Items"].append({"Size": facts["Size"], "Quantity": item["Quantity"],
                              "OrderRetailItemSizeId": item["OrderRetailItemSizeId"]})
    return list(cards.values())


def _fill_totals(order: dict) -> None:
    items = order["Items"]
    if order["RetailAmount"] is None:
        order["RetailAmount"] = round(sum(item.get("ItemTotal") or 0 for item in items), 2)
    if order["TotalAmount"] is None:
        order["TotalAmount"] = round(order["RetailAmount"] + (order["ShippingAmount"] or 0)
                                     + (order["TaxAmount"] or 0) - (order["TotalDiscount"] or 0), 2)
    if order["AmountDue"] is None:
        order["AmountDue"] = 0 if order["PaymentStatus"] == "Paid" else order["TotalAmount"]
    weights = [item["Weight"] * item["Quantity"] for item in items
               if isinstance(item.get("Weight"), int | float)]
    if order["TotalWeight"] is None and weights:
        order["TotalWeight"] = round(sum(weights), 2)


def _complete_shipment(partial: dict, order_id: int, ids: IdSequence, now: datetime) -> dict:
    packages = [{"ID": ids.claim("package", p.get("ID")), "ShippedDate": now, "TrackingNumber": None,
                 "TrackingUrl": None, "ShippingServiceType": None, "Status": "Shipped", "CarrierName": None,
                 "ShippingLabelFileName": None, "LabelCost": None,
                 **p,
                 "Items": [{**i, "ID": ids.claim("package_item", i.get("ID"))} for i in p.get("Items", [])]}
                for p in partial.get("Packages", [])]
    return {"ID": ids.claim("shipment", partial.get("ID")), "OrderId": order_id, "DateCreated": now,
            "LastModified": now, "Notes": None, "Pickup": False, "PickedUpBy": None, "ToAddress": None,
            "FromAddress": None, **{k: v for k, v in partial.items() if k != "ID"},
            "PackageCount": len(packages), "Packages": packages}


def summary_of(order: dict, include_cards: bool) -> dict:
    """The OrderSummary (reference §9.2) of a full order, plus the inferred DateModified."""
    method = order.get("ShippingMethod") or {}
    cards = order.get("ProductionCards") or []
    return {
        "ID": order["ID"], "UserId": (order.get("User") or {}).get("ID"),
        "Customer": f"{order.get('FirstName') or ''} {order.get('LastName') or ''}".strip(),
        "FirstName": order.get("FirstName"), "LastName": order.get("LastName"),
        "CompanyName": (order.get("ShippingAddress") or {}).get("CompanyName"),
        "Email": order.get("Email"), "IpAddress": order.get("IpAddress"),
        "DateCreated": order.get("DateCreated"), "DateModified": order.get("DateModified"),
        **{key: order.get(key) for key in (
            "PaymentDueDate", "EstimatedShipDate", "ConfirmedShipDate", "EstimatedDeliveryDate_Min",
            "EstimatedDeliveryDate_Max", "ReadyForPickupNotificationSentDate", "PaymentMethod",
            "PaymentStatus", "TotalDiscount", "TotalAmount", "AmountDue", "ProcessAmount", "ProposalId",
            "OrderType", "Status", "ProductionStatus", *WORKFLOW_FLAGS, "StoreName", "StoreId")},
        "ShippingMethodId": method.get("ID"), "ShippingMethodName": method.get("Name"),
        "ShippingVendorId": method.get("VenforId"), "VendorType": method.get("VendorName"),
        "ExportedToQuickBooks": bool(order.get("ExportedToQuickbooks")),
        "DateExportedToQuickBooks": order.get("DateExportedToQuickbooks"),
        "ProductionCardCount": len(cards), "JobCount": len(cards),
        "ProductionCards": cards if include_cards else None,
    }

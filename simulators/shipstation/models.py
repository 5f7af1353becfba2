"""ShipStation v1 records: validate an incoming Order, fill the documented defaults, render records as JSON.

Records keep instants as aware UTC datetimes and date-only fields as `date`; rendering turns them into
the naive Pacific strings of the real API. No state and no Flask here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from inkship.simulators.copies import json_copy
from inkship.simulators.shipstation import pacific

ORDER_STATUSES = ("awaiting_payment", "awaiting_shipment", "pending_fulfillment", "shipped", "on_hold",
                  "cancelled", "rejected_fulfillment")
LOCKED_STATUSES = ("shipped", "cancelled")
ADDRESS_FIELDS = ("name", "company", "street1", "street2", "street3", "city", "state", "postalCode",
                  "country", "phone", "residential")
# The int beside the unit name in real payloads ("WeightUnits"); the mapping is seen in captured
# payloads for ounces (1); grams and pounds are inferred.
WEIGHT_UNITS = {"pounds": 3, "ounces": 1, "grams": 2}
DATETIME_FIELDS = ("orderDate", "createDate", "modifyDate", "paymentDate", "shipByDate", "voidDate",
                   "deliveryDate", "refreshDate", "lastRefreshAttempt")
DATE_FIELDS = ("shipDate", "holdUntilDate")
_BOOLEANS = {
    (): ("gift",),
    ("advancedOptions",): ("nonMachinable", "saturdayDelivery", "containsAlcohol"),
    ("insuranceOptions",): ("insureShipment",),
    ("shipTo",): ("residential",),
    ("billTo",): ("residential",),
}


class ModelStateError(Exception):
    """A 400 in ASP.NET Web API shape: field keys (with the parameter prefix) to reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in errors.items()))
        self.errors = errors


class NotFoundError(Exception):
    """A 404 for an unknown id."""


class ServerFault(Exception):
    """A 500 with the .NET exception details ShipStation leaks (e.g. label for an unknown order)."""

    def __init__(self, message: str, exception_type: str = "System.Exception") -> None:
        super().__init__(message)
        self.exception_type = exception_type


def deserialise_error(prefix: str, expected: str, got: Any) -> ModelStateError:
    """The Json.NET message for an object where an array was expected, or the other way round."""
    kind = "array (e.g. [1,2,3])" if isinstance(got, list) else "object (e.g. {\"name\":\"value\"})"
    need = "JSON array (e.g. [1,2,3])" if expected == "array" else "JSON object (e.g. {\"name\":\"value\"})"
    return ModelStateError({prefix: [
        f"Cannot deserialize the current JSON {kind} into type 'ShipStation.Api.{expected.title()}' "
        f"because the type requires a {need} to deserialize correctly."]})


def validate_order(order: Any, prefix: str) -> dict[str, list[str]]:
    """Model-state errors for one Order payload ({} when it is acceptable)."""
    if not isinstance(order, Mapping):
        return deserialise_error(prefix, "object", order).errors
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(f"{prefix}.{field}", []).append(message)

    if not isinstance(order.get("orderNumber"), str) or not order["orderNumber"].strip():
        fail("orderNumber", "The orderNumber field is required.")
    if order.get("orderStatus") not in ORDER_STATUSES:
        fail("orderStatus", f"The value '{order.get('orderStatus')}' is not a valid orderStatus.")
    if order.get("orderDate") is None:
        fail("orderDate", "The orderDate field is required.")
    for field in ("orderDate", "paymentDate", "shipByDate"):
        _check_text(order.get(field), pacific.parse_pacific, field, fail)
    for field in DATE_FIELDS:
        _check_text(order.get(field), pacific.parse_date, field, fail)
    for field in ("billTo", "shipTo"):
        if not isinstance(order.get(field), Mapping):
            fail(field, f"The {field} field is required.")
    for path, names in _BOOLEANS.items():
        parent = order.get(path[0]) if path else order
        for name in names:
            value = parent.get(name) if isinstance(parent, Mapping) else None
            if value is not None and not isinstance(value, bool):
                fail(".".join((*path, name)), f"The value '{value}' is not valid for Boolean.")
    items = order.get("items")
    if items is not None and not isinstance(items, list):
        fail("items", "The items field must be an array.")
    for index, item in enumerate(items if isinstance(items, list) else []):
        where = f"items[{index}]"
        if not isinstance(item, Mapping):
            fail(where, "An order item must be an object.")
            continue
        if not isinstance(item.get("name"), str):
            fail(f"{where}.name", "The name field is required.")
        quantity = item.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            fail(f"{where}.quantity", f"The value '{quantity}' is not valid for Int32.")
        for field in ("unitPrice", "taxAmount", "shippingAmount"):
            if not _is_number(item.get(field, 0)):
                fail(f"{where}.{field}", f"The value '{item.get(field)}' is not valid for Decimal.")
        if item.get("adjustment") is not None and not isinstance(item["adjustment"], bool):
            fail(f"{where}.adjustment", f"The value '{item['adjustment']}' is not valid for Boolean.")
    for field in ("amountPaid", "taxAmount", "shippingAmount"):
        if not _is_number(order.get(field, 0)):
            fail(field, f"The value '{order.get(field)}' is not valid for Decimal.")
    return errors


def _check_text(value: Any, parse: Any, field: str, fail: Any) -> None:
    if value is None:
        return
    try:
        parse(value) if isinstance(value, str) else parse("")
    except ValueError:
        fail(field, f"The value '{value}' is not valid for {field}.")


def _is_number(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def address(given: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if given is None:
        return None
    full = {field: given.get(field) for field in ADDRESS_FIELDS}
    full["addressVerified"] = given.get("addressVerified") or "Address not yet validated"
    return full


def weight(given: Mapping[str, Any] | None) -> dict[str, Any]:
    given = given or {}
    units = given.get("units") or "ounces"
    return {"value": given.get("value") or 0, "units": units, "WeightUnits": WEIGHT_UNITS.get(units, 1)}


def build_order(payload: Mapping[str, Any], *, order_id: int, order_key: str, now: datetime,
                previous: Mapping[str, Any] | None, store_id: int, warehouse_id: int | None,
                next_item_id: Any) -> dict[str, Any]:
    """The stored Order for a validated payload: a full replace of `previous`, ids and dates kept."""
    def opt(name: str, default: Any = None) -> Any:
        value = payload.get(name)
        return default if value is None else json_copy(value)

    def when(name: str) -> datetime | None:
        return pacific.parse_pacific(payload[name]) if payload.get(name) else None

    def day(name: str) -> date | None:
        return pacific.parse_date(payload[name]) if payload.get(name) else None

    old_items = {_item_identity(item): item for item in (previous or {}).get("items", [])}
    items = [_build_item(item, old_items.get(_item_identity(item)), now, next_item_id)
             for item in payload.get("items") or []]
    advanced: dict[str, Any] = {
                "warehouseId": warehouse_id, "nonMachinable": False, "saturdayDelivery": False,
                "containsAlcohol": False, "mergedOrSplit": False, "mergedIds": [], "parentId": None,
                "storeId": store_id, "customField1": None, "customField2": None, "customField3": None,
                "source": None, "billToParty": None, "billToAccount": None, "billToPostalCode": None,
                "billToCountryCode": None, "billToMyOtherAccount": None}
    advanced.update({k: v for k, v in opt("advancedOptions", {}).items() if v is not None})
    advanced["storeId"] = store_id  # honoured only at creation: the caller decides which id it is
    for read_only in ("mergedOrSplit", "mergedIds", "parentId"):
        advanced[read_only] = (previous or {}).get("advancedOptions", {}).get(read_only, advanced[read_only])
    record = {
        "orderId": order_id, "orderNumber": payload["orderNumber"], "orderKey": order_key,
        "orderDate": when("orderDate"),
        "createDate": previous["createDate"] if previous else now, "modifyDate": now,
        "paymentDate": when("paymentDate"), "shipByDate": when("shipByDate"),
        "orderStatus": payload["orderStatus"], "customerId": (previous or {}).get("customerId"),
        "customerUsername": opt("customerUsername"), "customerEmail": opt("customerEmail"),
        "billTo": address(payload["billTo"]), "shipTo": address(payload["shipTo"]), "items": items,
        "orderTotal": 0.0, "amountPaid": opt("amountPaid", 0.0), "taxAmount": opt("taxAmount", 0.0),
        "shippingAmount": opt("shippingAmount", 0.0), "customerNotes": opt("customerNotes"),
        "internalNotes": opt("internalNotes"), "gift": opt("gift", False), "giftMessage": opt("giftMessage"),
        "paymentMethod": opt("paymentMethod"), "requestedShippingService": opt("requestedShippingService"),
        "carrierCode": opt("carrierCode"), "serviceCode": opt("serviceCode"),
        "packageCode": opt("packageCode"), "confirmation": opt("confirmation", "none"),
        "shipDate": day("shipDate"), "holdUntilDate": day("holdUntilDate"),
        "weight": weight(payload.get("weight") or _items_weight(items)), "dimensions": opt("dimensions"),
        "insuranceOptions": {"provider": None, "insureShipment": False, "insuredValue": 0.0,
                             **opt("insuranceOptions", {})},
        "internationalOptions": {"contents": None, "customsItems": None, "nonDelivery": None,
                                 **opt("internationalOptions", {})},
        "advancedOptions": advanced, "tagIds": opt("tagIds"), "userId": None,
        "externallyFulfilled": False, "externallyFulfilledBy": None, "externallyFulfilledById": None,
        "externallyFulfilledByName": None, "labelMessages": None,
    }
    record["orderTotal"] = order_total(record)
    return record


def _item_identity(item: Mapping[str, Any]) -> Any:
    return item.get("lineItemKey") or item.get("sku") or item.get("name")


def _build_item(item: Mapping[str, Any], previous: Mapping[str, Any] | None, now: datetime,
                next_item_id: Any) -> dict[str, Any]:
    built: dict[str, Any] = {"orderItemId": previous["orderItemId"] if previous else next_item_id()}
    for field in ("lineItemKey", "sku", "name", "imageUrl"):
        built[field] = json_copy(item.get(field))
    for field in ("warehouseLocation", "productId", "fulfillmentSku", "upc"):
        built[field] = item.get(field)
    built.update({
        "weight": weight(item.get("weight")), "quantity": item.get("quantity", 1),
        "unitPrice": item.get("unitPrice") or 0.0, "taxAmount": item.get("taxAmount"),
        "shippingAmount": item.get("shippingAmount"), "options": json_copy(item.get("options") or []),
        "adjustment": bool(item.get("adjustment")),
        "createDate": previous["createDate"] if previous else now, "modifyDate": now,
    })
    return built


def _items_weight(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    ounces = sum(_ounces(item["weight"]) * item["quantity"] for item in items)
    return {"value": round(ounces, 2), "units": "ounces"} if ounces else None


def _ounces(given: Mapping[str, Any]) -> float:
    per_unit = {"pounds": 16.0, "ounces": 1.0, "grams": 0.035274}
    return float(given.get("value") or 0) * per_unit.get(given.get("units") or "ounces", 1.0)


def weight_in_ounces(given: Mapping[str, Any] | None) -> float:
    return _ounces(given or {})


def order_total(order: Mapping[str, Any]) -> float:
    """Items + tax + shipping (the documented field is computed; the formula is inferred)."""
    items = sum(float(item["unitPrice"] or 0) * item["quantity"] for item in order["items"])
    return round(items + float(order["taxAmount"] or 0) + float(order["shippingAmount"] or 0), 2)


def shippable_units(order: Mapping[str, Any]) -> dict[int, int]:
    """orderItemId -> quantity for the physical lines (adjustments such as discounts never ship)."""
    return {item["orderItemId"]: item["quantity"] for item in order["items"] if not item["adjustment"]}


def shipment_item(item: Mapping[str, Any], quantity: int) -> dict[str, Any]:
    fields = ("orderItemId", "lineItemKey", "sku", "name", "imageUrl", "weight", "unitPrice",
              "warehouseLocation", "options", "productId", "fulfillmentSku")
    return {**{field: json_copy(item.get(field)) for field in fields}, "quantity": quantity}


def render(record: Any) -> Any:
    """A record as the API's JSON: instants in naive Pacific text, date-only fields as yyyy-MM-dd.
    Keys starting with "_" are the simulator's own and never shown."""
    if isinstance(record, list):
        return [_render_value(value) for value in record]
    if not isinstance(record, dict):  # records are plain dicts; the ABC check of Mapping costs more
        return record
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key[:1] == "_":
            continue
        if isinstance(value, datetime) and key in DATE_FIELDS:
            out[key] = pacific.render_date(value)
        else:
            out[key] = _render_value(value)
    return out


def _render_value(value: Any) -> Any:
    # Text, numbers, booleans and None are most values: answered here, without a call per value.
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, datetime):
        return pacific.render_datetime(value)
    if isinstance(value, date):
        return pacific.render_date(value)
    return render(value)

"""One InkSoft order → one ShipStation order payload (or a Skip saying why not). Pure: no I/O, no clock.

Every field ShipStation's own InkSoft connection imports lands in its ShipStation field (inksoft-api.md
§9.8a). The parts live beside this module, each named for what it maps: `addresses`, `items` (lines,
options, discount line), `images`, `weights`, `payments`, `notes`, `keys` (orderKey, fingerprint) and
`reading` (typed reading of InkSoft JSON). Choices made here:
- `customField1` = InkSoft store name (a publisher has several stores), `customField2` = UniqueId;
- codes, coupon, total and every `TotalAdjustments` entry go, readably, into `internalNotes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inkship.connector.config import MappingConfig
from inkship.connector.mapping import addresses, items, limits, notes, payments
from inkship.connector.mapping import fields as f
from inkship.connector.mapping.keys import fingerprint, is_order_id, order_key_for, order_ref_for
from inkship.connector.mapping.reading import (
    FieldRejected,
    date_at,
    money_at,
    number_at,
    optional_object_at,
    reject,
    shown,
    text_at,
)
from inkship.connector.mapping.status import StatusTable, status_of
from inkship.connector.mapping.times import to_pacific_text
from inkship.connector.mapping.weights import weight, weight_units


@dataclass(frozen=True)
class MappedOrder:
    """A ShipStation order ready to send, with what the connector keys and compares it by."""

    order_key: str
    inksoft_id: int
    payload: dict[str, Any]
    fingerprint: str


@dataclass(frozen=True)
class Skip:
    """An order that is not imported, and why; `field` names the InkSoft field at fault."""

    order_ref: str
    reason: str
    field: str | None = None


def map_order(order: Any, table: StatusTable, settings: MappingConfig, store_id: int | None,
              *, store_domain: str | None = None, order_key: str | None = None) -> MappedOrder | Skip:
    """The ShipStation order for an InkSoft order, or a Skip naming the field that stops it. Never raises.

    `store_id` is ShipStation's store (advancedOptions.storeId, honoured at creation only);
    `store_domain` replaces InkSoft's `REPLACE_DOMAIN_WITH` image host; `order_key` is the key the
    order was imported under before (default: `order_key_for`). Every value is checked against
    ShipStation's limits (`limits.violations`), so a mapped order is one ShipStation takes.
    """
    ref = order_ref_for(order)
    if not isinstance(order, dict):
        return Skip(ref, f"order is a {type(order).__name__}, not an object", None)
    try:
        return _map(order, table, settings, store_id, store_domain, order_key)
    except FieldRejected as rejected:
        return Skip(ref, rejected.reason, rejected.field)
    except Exception as unexpected:  # a safety net: map_order's contract is to never raise
        return Skip(ref, f"unexpected order data ({type(unexpected).__name__})", None)


def _map(order: dict, table: StatusTable, settings: MappingConfig, store_id: int | None,
         store_domain: str | None, kept_key: str | None) -> MappedOrder:
    order_key = kept_key or order_key_for(order)
    inksoft_id = order.get(f.ORDER_ID)
    if not is_order_id(inksoft_id):
        raise reject(f"{f.ORDER_ID} is not a positive integer InkSoft would write: {shown(inksoft_id)}",
                     f.ORDER_ID)
    order_number = f"{settings.order_number_prefix}{inksoft_id}"
    if limits.utf16_length(order_number) > limits.ORDER_NUMBER:
        raise reject(f"order number {order_number!r} is longer than {limits.ORDER_NUMBER}", f.ORDER_ID)

    order_status = _shipstation_status(order, table)
    ship_to = addresses.ship_to(order)
    order_date = date_at(order.get(f.DATE_CREATED), f.DATE_CREATED)
    if order_date is None:
        raise reject(f"order has no {f.DATE_CREATED}", f.DATE_CREATED)
    email = text_at(order.get(f.EMAIL), f.EMAIL)
    if email is not None and limits.utf16_length(email) > limits.EMAIL:
        raise reject(f"{f.EMAIL} is longer than {limits.EMAIL} characters: {shown(email)}", f.EMAIL)
    units = weight_units(order, settings)
    paid = payments.is_paid(order)
    payment_date = payments.payment_date(order, order_date) if paid else None
    discount = money_at(order.get(f.TOTAL_DISCOUNT), f.TOTAL_DISCOUNT)
    codes = [code for code in (text_at(order.get(f.DISCOUNT_CODE), f.DISCOUNT_CODE),
                               text_at(order.get(f.COUPON_CODE), f.COUPON_CODE)) if code]
    gift_message = text_at(order.get(f.GIFT_MESSAGE), f.GIFT_MESSAGE, limits.GIFT_MESSAGE)
    total_weight = number_at(order.get(f.TOTAL_WEIGHT), f.TOTAL_WEIGHT, minimum=0, maximum=limits.WEIGHT_MAX)
    lines = items.lines(order, settings, units, store_domain)
    if discount:
        lines.append(items.discount_line(discount, codes))

    advanced: dict[str, Any] = {
        "customField1": _store_label(order),
        "customField2": text_at(order.get(f.UNIQUE_ID), f.UNIQUE_ID, limits.CUSTOM_FIELD),
        "source": "InkSoft",
    }
    if store_id is not None:
        advanced["storeId"] = store_id
    payload = {
        "orderNumber": order_number,
        "orderKey": order_key,
        "orderDate": to_pacific_text(order_date),
        "paymentDate": to_pacific_text(payment_date) if payment_date else None,
        "orderStatus": order_status,
        "customerUsername": email,
        "customerEmail": email,
        "billTo": addresses.bill_to(order, ship_to),
        "shipTo": ship_to,
        "items": lines,
        "amountPaid": payments.amount_paid(order, paid),
        "taxAmount": money_at(order.get(f.TAX_AMOUNT), f.TAX_AMOUNT),
        "shippingAmount": money_at(order.get(f.SHIPPING_AMOUNT), f.SHIPPING_AMOUNT),
        "customerNotes": text_at(order.get(f.CUSTOMER_NOTES), f.CUSTOMER_NOTES, limits.NOTES),
        "internalNotes": notes.internal_notes(order, discount),
        "gift": gift_message is not None,
        "giftMessage": gift_message,
        "paymentMethod": text_at(order.get(f.PAYMENT_METHOD), f.PAYMENT_METHOD, limits.PAYMENT_METHOD),
        "requestedShippingService": _shipping_service(order),
        "weight": weight(total_weight, units),
        "advancedOptions": advanced,
    }
    for violation in limits.violations(payload):  # a safety net behind the readers' own limits
        raise reject(violation.text(), violation.field)
    return MappedOrder(order_key, inksoft_id, payload, fingerprint(payload))


def _shipstation_status(order: dict, table: StatusTable) -> str:
    for key in (f.STATUS, f.PRODUCTION_STATUS):
        text_at(order.get(key), key)  # a status that is not text is reported by name
    inksoft_status = status_of(order)
    if not inksoft_status:
        raise reject(f"order has no {f.PRODUCTION_STATUS}", f.PRODUCTION_STATUS)
    code = table.lookup(inksoft_status)
    if code is None:
        raise reject(f"InkSoft status {shown(inksoft_status)} maps to no ShipStation status "
                     f"(add it under [mapping.statuses])", f.PRODUCTION_STATUS)
    return code


def _store_label(order: dict) -> str | None:
    name = text_at(order.get(f.STORE_NAME), f.STORE_NAME, limits.CUSTOM_FIELD)
    store_id = order.get(f.STORE_ID)
    if name is None and isinstance(store_id, int) and not isinstance(store_id, bool):
        return f"InkSoft store {store_id}"
    return name


def _shipping_service(order: dict) -> str | None:
    method = optional_object_at(order.get(f.SHIPPING_METHOD), f.SHIPPING_METHOD)
    if method is not None:
        name = text_at(method.get(f.SHIPPING_METHOD_NAME), f"{f.SHIPPING_METHOD}.{f.SHIPPING_METHOD_NAME}",
                       limits.SHIPPING_METHOD)
        if name:
            return name
    return text_at(order.get(f.SUMMARY_SHIPPING_METHOD_NAME), f.SUMMARY_SHIPPING_METHOD_NAME,
                   limits.SHIPPING_METHOD)

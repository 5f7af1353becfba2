"""One InkSoft order → one ShipStation order payload (or a Skip saying why not). Pure: no I/O, no clock.

Every field ShipStation's own InkSoft connection imports lands in its ShipStation field (inksoft-api.md
§9.8a). Choices where the references leave room, in one place:
- discounts: one adjustment line (`adjustment: true`, negative `unitPrice`, sku `total-discount`) for
  `TotalDiscount`; codes, coupon, total and every `TotalAdjustments` entry also go, readably, into
  `internalNotes` (adjustments are listed, not priced as lines: whether TotalDiscount already
  includes them is unknown, and listing them cannot double-count);
- `sku` = production card `ProductSku` + "-" + card size (`YPT-NVY` + `YM` → `YPT-NVY-YM`);
- `customField1` = InkSoft store name (a publisher has several stores), `customField2` = UniqueId;
- `billTo` = the billing address when InkSoft has one, else only the ship-to name;
- `paymentDate` (paid orders only) = the earliest non-voided payment, else the order date (web
  orders are paid at checkout);
- weights: InkSoft's own unit, else `settings.weight_unit`, else ounces (inferred); a line without a
  weight gets `settings.default_weight` (in `settings.weight_unit`, else ounces) or none at all.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from inkship.connector.config import MappingConfig
from inkship.connector.errors import OrderRejected
from inkship.connector.mapping import fields as f
from inkship.connector.mapping import limits
from inkship.connector.mapping.status import StatusTable, normalize_status, status_of
from inkship.connector.mapping.times import parse_inksoft_datetime, to_pacific_text

ItemRef = str | int  # an InkSoft line: ItemGuid, else OrderRetailItemSizeId
DISCOUNT_LINE_KEY = "inksoft-discount"
DISCOUNT_SKU = "total-discount"
DEFAULT_WEIGHT_UNIT = "ounces"  # inferred: US print shops weigh garments in ounces
_WEIGHT_UNITS = {"ounces": "ounces", "ounce": "ounces", "oz": "ounces",
                 "pounds": "pounds", "pound": "pounds", "lb": "pounds", "lbs": "pounds",
                 "grams": "grams", "gram": "grams", "g": "grams", "gm": "grams"}
_STATE_REQUIRED = frozenset({"US", "CA"})
_ISO2 = re.compile(r"^[A-Z]{2}$")
_UNIQUE_ID = re.compile(r"^[^\s:]+$")
_PLACEHOLDER_URL = re.compile(
    rf"^(?:(https?):)?(?://)?{f.IMAGE_HOST_PLACEHOLDER}(?=[/?#:]|$)", re.IGNORECASE)
_BARE_HOST = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?=[/?#]|$)")


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


# ---------------------------------------------------------------- typed reading of InkSoft JSON

class FieldRejected(OrderRejected):
    """OrderRejected as the mapping raises it: `.reason` is the bare reason, `.field` the InkSoft field."""

    def __init__(self, reason: str, field: str | None, *, order: str | None = None) -> None:
        super().__init__(reason, order=order, field=field)
        self.reason = reason


def _reject(message: str, field: str) -> FieldRejected:
    return FieldRejected(message, field)


def _object(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        what = "missing" if value is None else f"a {type(value).__name__}, not an object"
        raise _reject(f"{field} is {what}", field)
    return value


def _dict(value: Any, field: str) -> dict | None:
    return None if value is None else _object(value, field)


def _list(value: Any, field: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _reject(f"{field} is a {type(value).__name__}, not a list", field)
    return value


def objects_in(value: Any, field: str) -> Iterator[tuple[str, dict]]:
    """Each object of an InkSoft list, with the path that names it in messages."""
    for number, entry in enumerate(_list(value, field)):
        where = f"{field}[{number}]"
        yield where, _object(entry, where)


def _text(value: Any, field: str, limit: int | None = None) -> str | None:
    """Cleaned, trimmed, cut text; None when InkSoft has nothing (absent, null or blank)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _reject(f"{field} is a {type(value).__name__}, not text", field)
    return limits.fit(value, limit) or None


def _number(value: Any, field: str, *, minimum: float | None = None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not math.isfinite(value)):
        raise _reject(f"{field} is not a number: {value!r}", field)
    if minimum is not None and value < minimum:
        raise _reject(f"{field} is below {minimum:g}: {value!r}", field)
    return value


def quantity_of(value: Any, field: str) -> int:
    """A whole, non-negative quantity, or OrderRejected naming `field`."""
    number = _number(value, field, minimum=0)
    if number is None or number != int(number):
        raise _reject(f"{field} is not a whole quantity: {value!r}", field)
    return int(number)


def _money(value: Any, field: str) -> float | None:
    number = _number(value, field)
    # Always a float, and never -0.0, so the fingerprint does not move when InkSoft writes 0 for 0.0.
    return None if number is None else float(round(number, 2)) + 0.0


def _date(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_inksoft_datetime(value)
    except (ValueError, OverflowError):
        raise _reject(f"{field} is not a date InkSoft writes: {value!r}", field) from None


# ---------------------------------------------------------------- keys and references

def order_ref_for(order: Any) -> str:
    """A readable reference for messages: `#58231`, or `unknown` when even the ID is missing."""
    order_id = order.get(f.ORDER_ID) if isinstance(order, dict) else None
    valid = isinstance(order_id, int | str) and not isinstance(order_id, bool) and str(order_id).strip()
    return f"#{str(order_id).strip()}" if valid else "unknown"


def order_key_for(order: Mapping) -> str:
    """ShipStation's upsert key: `inksoft:<UniqueId>`, else `inksoft:<StoreId>:<ID>`.

    GUIDs are compared case-insensitively, so the key is lower-cased; a UniqueId never holds a
    colon, so the two shapes cannot collide. Raises OrderRejected when neither can be built.
    """
    unique_id = order.get(f.UNIQUE_ID)
    if unique_id is not None and not isinstance(unique_id, str):
        raise _reject(f"{f.UNIQUE_ID} is a {type(unique_id).__name__}, not text", f.UNIQUE_ID)
    if unique_id and unique_id.strip():
        if not _UNIQUE_ID.match(unique_id.strip()):
            raise _reject(f"{f.UNIQUE_ID} is not an identifier: {unique_id!r}", f.UNIQUE_ID)
        return f"inksoft:{unique_id.strip().lower()}"
    store_id, order_id = order.get(f.STORE_ID), order.get(f.ORDER_ID)
    for name, value in ((f.STORE_ID, store_id), (f.ORDER_ID, order_id)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _reject(f"order has no {f.UNIQUE_ID} and no integer {name}", name)
    return f"inksoft:{store_id}:{order_id}"


def item_ref_for(item: Mapping, field: str = f.ITEMS) -> ItemRef:
    """An InkSoft line's reference: its ItemGuid (text), else its OrderRetailItemSizeId (int).

    The type tells the InkSoft client which id it is; `lineItemKey` is the reference as text.
    """
    guid = _text(item.get(f.ITEM_GUID), f"{field}.{f.ITEM_GUID}")
    if guid:
        return guid
    size_id = item.get(f.ITEM_SIZE_ID)
    if isinstance(size_id, bool) or not isinstance(size_id, int):
        raise _reject(f"{field} has neither {f.ITEM_GUID} nor an integer {f.ITEM_SIZE_ID}", field)
    return size_id


def item_aliases(order: Mapping) -> dict[str, ItemRef]:
    """Every way an InkSoft line can be named (GUID, size id) → its item reference.

    A shipment may name a line by its size id after InkSoft gave it a GUID, or the reverse.
    """
    aliases: dict[str, ItemRef] = {}
    for field, item in objects_in(order.get(f.ITEMS), f.ITEMS):
        ref = item_ref_for(item, field)
        for key in (f.ITEM_SIZE_ID, f.ITEM_GUID):
            if item.get(key) is not None:
                aliases[str(item[key])] = ref
        aliases[str(ref)] = ref
    return aliases


def ordered_quantities(order: Mapping) -> dict[ItemRef, int]:
    """Units ordered per item reference. Raises OrderRejected naming a line it cannot read."""
    ordered: dict[ItemRef, int] = {}
    for field, item in objects_in(order.get(f.ITEMS), f.ITEMS):
        ref = item_ref_for(item, field)
        quantity = quantity_of(item.get(f.ITEM_QUANTITY), f"{field}.{f.ITEM_QUANTITY}")
        ordered[ref] = ordered.get(ref, 0) + quantity
    return ordered


def fingerprint(payload: Mapping) -> str:
    """sha256 of the payload's canonical JSON: equal content, equal fingerprint."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def resolve_image_url(url: str | None, store_domain: str | None) -> str | None:
    """An image URL ShipStation can load, or None.

    InkSoft leaves `REPLACE_DOMAIN_WITH` as the host, with or without a scheme: it becomes the store's
    domain. A URL without a scheme gets https. Without a domain to put in, a placeholder or
    root-relative URL is dropped rather than guessed; so is anything that is not http(s).
    """
    if not url:
        return None
    domain = store_domain.split("://")[-1].strip("/") if store_domain else None
    placeholder = _PLACEHOLDER_URL.match(url)
    if placeholder:
        return f"{placeholder.group(1) or 'https'}://{domain}{url[placeholder.end():]}" if domain else None
    if url.startswith("//"):
        return f"https:{url}"
    if url.startswith("/"):
        return f"https://{domain}{url}" if domain else None
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    return f"https://{url}" if _BARE_HOST.match(url) else None


# ---------------------------------------------------------------- the order

def map_order(order: Any, table: StatusTable, settings: MappingConfig, store_id: int | None,
              *, store_domain: str | None = None) -> MappedOrder | Skip:
    """The ShipStation order for an InkSoft order, or a Skip naming the field that stops it. Never raises.

    `store_id` is ShipStation's store (advancedOptions.storeId, honoured at creation only);
    `store_domain` replaces InkSoft's `REPLACE_DOMAIN_WITH` image host.
    """
    ref = order_ref_for(order)
    if not isinstance(order, dict):
        return Skip(ref, f"order is a {type(order).__name__}, not an object", None)
    try:
        return _map(order, table, settings, store_id, store_domain)
    except FieldRejected as rejected:
        return Skip(ref, rejected.reason, rejected.field)
    except Exception as unexpected:  # a safety net: map_order's contract is to never raise
        return Skip(ref, f"unexpected order data ({type(unexpected).__name__})", None)


def _map(order: dict, table: StatusTable, settings: MappingConfig, store_id: int | None,
         store_domain: str | None) -> MappedOrder:
    order_key = order_key_for(order)
    inksoft_id = order.get(f.ORDER_ID)
    if isinstance(inksoft_id, bool) or not isinstance(inksoft_id, int):
        raise _reject(f"{f.ORDER_ID} is not an integer: {inksoft_id!r}", f.ORDER_ID)
    order_number = f"{settings.order_number_prefix}{inksoft_id}"
    if limits.utf16_length(order_number) > limits.ORDER_NUMBER:
        raise _reject(f"order number {order_number!r} is longer than {limits.ORDER_NUMBER}", f.ORDER_ID)

    order_status = _shipstation_status(order, table)
    ship_to = _ship_to(order)
    order_date = _date(order.get(f.DATE_CREATED), f.DATE_CREATED)
    if order_date is None:
        raise _reject(f"order has no {f.DATE_CREATED}", f.DATE_CREATED)
    email = _text(order.get(f.EMAIL), f.EMAIL)
    units = _weight_units(order, settings)
    paid = _is_paid(order)
    payment_date = _payment_date(order, order_date) if paid else None
    discount = _money(order.get(f.TOTAL_DISCOUNT), f.TOTAL_DISCOUNT)
    codes = [code for code in (_text(order.get(f.DISCOUNT_CODE), f.DISCOUNT_CODE),
                               _text(order.get(f.COUPON_CODE), f.COUPON_CODE)) if code]
    gift_message = _text(order.get(f.GIFT_MESSAGE), f.GIFT_MESSAGE, limits.GIFT_MESSAGE)
    total_weight = _number(order.get(f.TOTAL_WEIGHT), f.TOTAL_WEIGHT, minimum=0)
    items = _lines(order, settings, units, store_domain)
    if discount:
        items.append(_discount_line(discount, codes))

    advanced: dict[str, Any] = {
        "customField1": _store_label(order),
        "customField2": _text(order.get(f.UNIQUE_ID), f.UNIQUE_ID, limits.CUSTOM_FIELD),
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
        "billTo": _bill_to(order, ship_to),
        "shipTo": ship_to,
        "items": items,
        "amountPaid": _amount_paid(order, paid),
        "taxAmount": _money(order.get(f.TAX_AMOUNT), f.TAX_AMOUNT),
        "shippingAmount": _money(order.get(f.SHIPPING_AMOUNT), f.SHIPPING_AMOUNT),
        "customerNotes": _text(order.get(f.CUSTOMER_NOTES), f.CUSTOMER_NOTES, limits.NOTES),
        "internalNotes": _internal_notes(order, discount),
        "gift": gift_message is not None,
        "giftMessage": gift_message,
        "paymentMethod": _text(order.get(f.PAYMENT_METHOD), f.PAYMENT_METHOD, limits.PAYMENT_METHOD),
        "requestedShippingService": _shipping_service(order),
        "weight": _weight(total_weight, units),
        "advancedOptions": advanced,
    }
    return MappedOrder(order_key, inksoft_id, payload, fingerprint(payload))


def _shipstation_status(order: dict, table: StatusTable) -> str:
    for key in (f.STATUS, f.PRODUCTION_STATUS):
        _text(order.get(key), key)  # a status that is not text is reported by name
    inksoft_status = status_of(order)
    if not inksoft_status:
        raise _reject(f"order has no {f.PRODUCTION_STATUS}", f.PRODUCTION_STATUS)
    code = table.lookup(inksoft_status)
    if code is None:
        raise _reject(f"InkSoft status {inksoft_status!r} maps to no ShipStation status "
                      f"(add it under [mapping.statuses])", f.PRODUCTION_STATUS)
    return code


def _is_paid(order: dict) -> bool:
    status = order.get(f.PAYMENT_STATUS)
    return order.get(f.PAID_FLAG) is True or (isinstance(status, str) and normalize_status(status) == "paid")


def _payment_date(order: dict, order_date: datetime) -> datetime:
    dates = []
    for where, payment in objects_in(order.get(f.PAYMENTS), f.PAYMENTS):
        paid_at = _date(payment.get(f.PAYMENT_DATE), f"{where}.{f.PAYMENT_DATE}")
        if paid_at and not payment.get(f.PAYMENT_VOIDED):
            dates.append(paid_at)
    return min(dates, default=order_date)


def _amount_paid(order: dict, paid: bool) -> float | None:
    total = _money(order.get(f.TOTAL_AMOUNT), f.TOTAL_AMOUNT)
    due = _money(order.get(f.AMOUNT_DUE), f.AMOUNT_DUE)
    if total is not None and due is not None:
        return round(max(total - due, 0.0), 2)
    if not paid:
        return 0.0
    return total


def _store_label(order: dict) -> str | None:
    name = _text(order.get(f.STORE_NAME), f.STORE_NAME, limits.CUSTOM_FIELD)
    store_id = order.get(f.STORE_ID)
    if name is None and isinstance(store_id, int) and not isinstance(store_id, bool):
        return f"InkSoft store {store_id}"
    return name


def _shipping_service(order: dict) -> str | None:
    method = _dict(order.get(f.SHIPPING_METHOD), f.SHIPPING_METHOD)
    if method is not None:
        name = _text(method.get(f.SHIPPING_METHOD_NAME), f"{f.SHIPPING_METHOD}.{f.SHIPPING_METHOD_NAME}",
                     limits.SHIPPING_METHOD)
        if name:
            return name
    return _text(order.get(f.SUMMARY_SHIPPING_METHOD_NAME), f.SUMMARY_SHIPPING_METHOD_NAME,
                 limits.SHIPPING_METHOD)


def _weight(value: float | None, units: str) -> dict[str, Any] | None:
    return None if value is None else {"value": float(value), "units": units}


def _weight_units(order: dict, settings: MappingConfig) -> str:
    unit = _text(order.get(f.WEIGHT_UNIT), f.WEIGHT_UNIT)
    if unit is None:
        return settings.weight_unit or DEFAULT_WEIGHT_UNIT
    units = _WEIGHT_UNITS.get(unit.casefold())
    if units is None:
        raise _reject(f"{f.WEIGHT_UNIT} {unit!r} is not ounces, pounds or grams", f.WEIGHT_UNIT)
    return units


# ---------------------------------------------------------------- addresses

def _person_name(address: dict, field: str) -> str | None:
    name = _text(address.get(f.ADDR_NAME), f"{field}.{f.ADDR_NAME}", limits.ADDRESS_NAME)
    if name:
        return name
    parts = [_text(address.get(key), f"{field}.{key}") for key in (f.ADDR_FIRST_NAME, f.ADDR_LAST_NAME)]
    joined = " ".join(part for part in parts if part)
    return limits.fit(joined, limits.ADDRESS_NAME) or None


def _address(address: dict, field: str) -> dict[str, Any]:
    def text(key: str, limit: int) -> str | None:
        return _text(address.get(key), f"{field}.{key}", limit)

    country = _text(address.get(f.ADDR_COUNTRY_CODE), f"{field}.{f.ADDR_COUNTRY_CODE}")
    if country is not None:
        country = country.upper()
        if not _ISO2.match(country):
            raise _reject(f"{field}.{f.ADDR_COUNTRY_CODE} is not an ISO 3166 two-letter code: {country!r}",
                          f"{field}.{f.ADDR_COUNTRY_CODE}")
    return {
        "name": _person_name(address, field),
        "company": text(f.ADDR_COMPANY, limits.ADDRESS_COMPANY),
        "street1": text(f.ADDR_STREET1, limits.ADDRESS_LINE),
        "street2": text(f.ADDR_STREET2, limits.ADDRESS_LINE),
        "street3": None,
        "city": text(f.ADDR_CITY, limits.ADDRESS_CITY),
        "state": text(f.ADDR_STATE, limits.ADDRESS_STATE),
        "postalCode": text(f.ADDR_POSTCODE, limits.POSTAL_CODE),
        "country": country,
        "phone": text(f.ADDR_PHONE, limits.PHONE),
        "residential": None,
    }


def _ship_to(order: dict) -> dict[str, Any]:
    field = f.SHIPPING_ADDRESS
    raw = order.get(field)
    if raw is None or raw == {}:
        raise _reject("no shipping address", field)
    ship_to = _address(_object(raw, field), field)
    required = [("name", f.ADDR_NAME), ("street1", f.ADDR_STREET1), ("city", f.ADDR_CITY),
                ("country", f.ADDR_COUNTRY_CODE)]
    if ship_to["country"] in _STATE_REQUIRED:
        required.append(("state", f.ADDR_STATE))
    for key, inksoft_name in required:
        if not ship_to[key]:
            raise _reject(f"shipping address has no {inksoft_name}", f"{field}.{inksoft_name}")
    if ship_to["phone"] is None:
        ship_to["phone"] = _user_phone(order)
    return ship_to


def _user_phone(order: dict) -> str | None:
    user = _dict(order.get(f.USER), f.USER)
    phones = _list(user.get(f.USER_PHONES), f"{f.USER}.{f.USER_PHONES}") if user else []
    if not phones:
        return None
    where, first = next(objects_in(phones, f"{f.USER}.{f.USER_PHONES}"))
    return _text(first.get(f.PHONE_NUMBER), f"{where}.{f.PHONE_NUMBER}", limits.PHONE)


def _bill_to(order: dict, ship_to: dict[str, Any]) -> dict[str, Any]:
    raw = _dict(order.get(f.BILLING_ADDRESS), f.BILLING_ADDRESS)
    if raw:
        bill_to = _address(raw, f.BILLING_ADDRESS)
        if any(bill_to.values()):
            return bill_to
    return {key: (ship_to["name"] if key == "name" else None) for key in ship_to}


# ---------------------------------------------------------------- lines

def _card_index(order: dict) -> dict[str, tuple[dict, dict]]:
    """Production card and card item for each item reference (size id or GUID) they name."""
    index: dict[str, tuple[dict, dict]] = {}
    for card_field, card in objects_in(order.get(f.PRODUCTION_CARDS), f.PRODUCTION_CARDS):
        for _, card_item in objects_in(card.get(f.CARD_ITEMS), f"{card_field}.{f.CARD_ITEMS}"):
            for key in (f.ITEM_GUID, f.ITEM_SIZE_ID):
                if card_item.get(key) is not None:
                    index.setdefault(str(card_item[key]), (card, card_item))
    return index


def _card_for(item: dict, index: dict[str, tuple[dict, dict]]) -> tuple[dict, dict]:
    for key in (f.ITEM_GUID, f.ITEM_SIZE_ID):
        if item.get(key) is not None and str(item[key]) in index:
            return index[str(item[key])]
    return {}, {}


def _lines(order: dict, settings: MappingConfig, units: str, store_domain: str | None) -> list[dict]:
    index = _card_index(order)
    lines: list[dict] = []
    seen: set[str] = set()
    for field, item in objects_in(order.get(f.ITEMS), f.ITEMS):
        line = _line(item, field, _card_for(item, index), settings, units, store_domain)
        if line["lineItemKey"] in seen:
            raise _reject(f"{field} repeats line reference {line['lineItemKey']!r}", field)
        seen.add(line["lineItemKey"])
        lines.append(line)
    return lines


def _line(item: dict, field: str, joined: tuple[dict, dict], settings: MappingConfig, units: str,
          store_domain: str | None) -> dict[str, Any]:
    card, card_item = joined
    key = str(item_ref_for(item, field))
    if limits.utf16_length(key) > limits.LINE_ITEM_KEY:
        raise _reject(f"{field} line reference is longer than {limits.LINE_ITEM_KEY}", field)
    size = _text(card_item.get(f.CARD_ITEM_SIZE), f"{f.PRODUCTION_CARDS}.{f.CARD_ITEMS}.{f.CARD_ITEM_SIZE}")
    product_sku = _text(card.get(f.CARD_SKU), f"{f.PRODUCTION_CARDS}.{f.CARD_SKU}")
    sku = "-".join(part for part in (product_sku, size) if part) if product_sku else None
    name = (_text(item.get(f.ITEM_NAME), f"{field}.{f.ITEM_NAME}", limits.ITEM_NAME)
            or _text(card.get(f.CARD_PRODUCT_NAME), f"{f.PRODUCTION_CARDS}.{f.CARD_PRODUCT_NAME}",
                     limits.ITEM_NAME))
    if name is None:
        raise _reject(f"{field} has no {f.ITEM_NAME}", f"{field}.{f.ITEM_NAME}")
    weight = _number(item.get(f.ITEM_WEIGHT), f"{field}.{f.ITEM_WEIGHT}", minimum=0)
    if weight is None and settings.default_weight is not None:
        weight, units = settings.default_weight, settings.weight_unit or DEFAULT_WEIGHT_UNIT
    location = (_text(item.get(f.ITEM_STOCK_LOCATION), f"{field}.{f.ITEM_STOCK_LOCATION}", limits.LOCATION)
                or limits.fit(settings.default_location or "", limits.LOCATION) or None)
    return {
        "lineItemKey": key,
        "sku": limits.fit(sku, limits.SKU) if sku else None,
        "name": name,
        "imageUrl": resolve_image_url(_image_url(item, card, field), store_domain),
        "weight": _weight(weight, units),
        "quantity": quantity_of(item.get(f.ITEM_QUANTITY), f"{field}.{f.ITEM_QUANTITY}"),
        "unitPrice": _money(item.get(f.ITEM_UNIT_PRICE), f"{field}.{f.ITEM_UNIT_PRICE}"),
        "warehouseLocation": location,
        "options": _options(item, field, card, size),
        "adjustment": False,
    }


def _image_url(item: dict, card: dict, field: str) -> str | None:
    preview = _text(card.get(f.CARD_PREVIEW_URL), f"{f.PRODUCTION_CARDS}.{f.CARD_PREVIEW_URL}")
    if preview:
        return preview
    for where, side in objects_in(item.get(f.ITEM_SIDE_PREVIEWS), f"{field}.{f.ITEM_SIDE_PREVIEWS}"):
        url = _text(side.get(f.PREVIEW_DESIGN_ON_PRODUCT), f"{where}.{f.PREVIEW_DESIGN_ON_PRODUCT}")
        if url:
            return url
    return None


def _options(item: dict, field: str, card: dict, size: str | None) -> list[dict[str, str]]:
    """Design, Color, Size, Print method, Style, then add-ons and personalisation; empty ones left out.

    Names and values are cut to ShipStation's 30 characters and at most 10 options are kept (the
    standard ones come first). Style is shown only when it says more than Color.
    """
    art = _dict(card.get(f.CARD_ART), f"{f.PRODUCTION_CARDS}.{f.CARD_ART}") or {}
    color = _text(card.get(f.CARD_COLOR), f"{f.PRODUCTION_CARDS}.{f.CARD_COLOR}")
    style = _text(card.get(f.CARD_STYLE), f"{f.PRODUCTION_CARDS}.{f.CARD_STYLE}")
    pairs: list[tuple[str | None, str | None]] = [
        ("Design", _text(art.get(f.CARD_ART_NAME), f"{f.PRODUCTION_CARDS}.{f.CARD_ART}.{f.CARD_ART_NAME}")),
        ("Color", color),
        ("Size", size),
        ("Print method", _text(card.get(f.CARD_PRINT_METHOD), f"{f.PRODUCTION_CARDS}.{f.CARD_PRINT_METHOD}")),
        ("Style", style if style and (color is None or style.casefold() != color.casefold()) else None),
    ]
    for where, addon in objects_in(item.get(f.ITEM_ADDONS), f"{field}.{f.ITEM_ADDONS}"):
        pairs.append(("Add-on", _text(addon.get("Name"), f"{where}.Name")))
    for where, value in objects_in(item.get(f.ITEM_PERSONALIZATIONS), f"{field}.{f.ITEM_PERSONALIZATIONS}"):
        pairs.append((_text(value.get("Name"), f"{where}.Name") or "Personalization",
                      _text(value.get("Value"), f"{where}.Value")))
    options = [{"name": limits.fit(name, limits.OPTION_NAME), "value": limits.fit(value, limits.OPTION_VALUE)}
               for name, value in pairs if name and value]
    return options[:limits.OPTIONS_PER_ITEM]


def _discount_line(discount: float, codes: list[str]) -> dict[str, Any]:
    label = f"Discount ({', '.join(codes)})" if codes else "Discount"
    return {"lineItemKey": DISCOUNT_LINE_KEY, "sku": DISCOUNT_SKU,
            "name": limits.fit(label, limits.ITEM_NAME), "imageUrl": None, "weight": None, "quantity": 1,
            "unitPrice": -abs(discount), "warehouseLocation": None, "options": [], "adjustment": True}


# ---------------------------------------------------------------- notes

def _internal_notes(order: dict, discount: float | None) -> str | None:
    """InkSoft's Notes, then discount and coupon information, then the Timeline as readable lines."""
    lines = [_text(order.get(f.NOTES), f.NOTES)]
    discount_code = _text(order.get(f.DISCOUNT_CODE), f.DISCOUNT_CODE)
    coupon_code = _text(order.get(f.COUPON_CODE), f.COUPON_CODE)
    lines.append(f"Discount code: {discount_code}" if discount_code else None)
    lines.append(f"Coupon code: {coupon_code}" if coupon_code else None)
    lines.append(f"Total discount: {discount:.2f}" if discount else None)
    for where, adjustment in objects_in(order.get(f.TOTAL_ADJUSTMENTS), f.TOTAL_ADJUSTMENTS):
        amount = _money(adjustment.get(f.ADJUSTMENT_AMOUNT), f"{where}.{f.ADJUSTMENT_AMOUNT}")
        parts = [_text(adjustment.get(f.ADJUSTMENT_TYPE), f"{where}.{f.ADJUSTMENT_TYPE}") or "Adjustment",
                 _text(adjustment.get(f.ADJUSTMENT_DESCRIPTION), f"{where}.{f.ADJUSTMENT_DESCRIPTION}"),
                 None if amount is None else f"{amount:.2f}"]
        lines.append("Adjustment: " + " · ".join(part for part in parts if part))
    activity = []
    for where, entry in objects_in(order.get(f.TIMELINE), f.TIMELINE):
        event = _text(entry.get(f.TIMELINE_EVENT), f"{where}.{f.TIMELINE_EVENT}")
        comment = _text(entry.get(f.TIMELINE_COMMENT), f"{where}.{f.TIMELINE_COMMENT}")
        if event or comment:
            activity.append("- " + ": ".join(part for part in (event, comment) if part))
    if activity:
        lines.append("Activity:")
        lines.extend(activity)
    notes = "\n".join(line for line in lines if line)
    return limits.fit(notes, limits.NOTES) or None

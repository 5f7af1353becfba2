"""Custom Store export (`action=export`): InkSoft orders modified in a UTC window, mapped by the shared
mapping and rendered as ShipStation's Custom Store XML, one page at a time."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

import jinja2
from inkship.connector.config import MappingConfig
from inkship.connector.errors import OrderRejected
from inkship.connector.mapping import fields as f
from inkship.connector.mapping import limits
from inkship.connector.mapping.keys import exported_key_for, order_ref_for
from inkship.connector.mapping.orders import MappedOrder, Skip, map_order
from inkship.connector.mapping.status import DEFAULT_STATUS_TABLE, StatusTable, normalize_status, status_of
from inkship.connector.mapping.times import parse_inksoft_datetime, to_custom_store_date
from markupsafe import Markup

log = logging.getLogger(__name__)

#: Orders per export page. ShipStation walks `page=1..pages`; the protocol leaves the size to the store.
PAGE_SIZE = 100

# Amounts are decimal(9,2): at most 7 digits, a point and 2 digits (10 characters without a sign).
MONEY_WIDTH = 10
# Limits the mapping has no use for (reference §4.1); the rest live in connector.mapping.limits.
ORDER_ID_LIMIT = 50
ORDER_STATUS_LIMIT = 50
CUSTOMER_CODE_LIMIT = 50
WEIGHT_UNITS = {"pounds": "Pounds", "ounces": "Ounces", "grams": "Grams"}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CENTS = Decimal("0.01")
_TEMPLATES = Path(__file__).parent / "templates"


def clean_text(value: Any, limit: int | None = None) -> str:
    """Free text made safe for the export, by the mapping's own rule (`limits.fit`): characters XML 1.0
    forbids removed, blanks trimmed, cut to `limit` UTF-16 units (ending in "…" when cut). Values the
    mapping already fitted pass unchanged, so both transports carry the same text.

    Line ends become LF first: every XML parser turns CR and CRLF into LF, CDATA or not, so that is
    what ShipStation reads anyway, and the limit is then counted on what it reads."""
    if value is None:
        return ""
    return limits.fit(str(value).replace("\r\n", "\n").replace("\r", "\n"), limit)


def cdata(value: Any) -> Markup:
    """Wrap text in CDATA; a `]]>` inside it is split across two sections so it cannot end the first."""
    text = "" if value is None else str(value)
    # CDATA is the escaping here: nothing inside it is markup, and `]]>` cannot close it early.
    return Markup("<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>")  # noqa: S704


def _amount(value: Any) -> Decimal:
    """A finite Decimal for an amount; missing or unreadable amounts are 0."""
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        return Decimal(0)
    return amount if amount.is_finite() else Decimal(0)


def _within_money_range(text: str, field: str, order: dict) -> str:
    """`text` when it fits the protocol's decimal(9,2); else the order cannot be exported."""
    if len(text.lstrip("-")) > MONEY_WIDTH:
        raise OrderRejected(f"{text} does not fit the Custom Store's decimal(9,2)",
                            order=order_ref_for(order), field=field)
    return text


def money(value: Any) -> str:
    """A decimal with exactly two places (`12.50`); missing, unreadable or absurd amounts are 0.00."""
    try:
        return str(_amount(value).quantize(_CENTS, rounding=ROUND_HALF_UP))
    except InvalidOperation:  # more digits than Decimal's context holds
        return "0.00"


def order_total(payload: dict) -> Decimal:
    """The total ShipStation computes for an order it receives over the API (items + tax + shipping),
    so an order shows the same total whichever transport brought it."""
    items = sum((_amount(item.get("unitPrice")) * _quantity(item) for item in payload.get("items") or []),
                Decimal(0))
    return items + _amount(payload.get("taxAmount")) + _amount(payload.get("shippingAmount"))


def _decimal_text(value: Any) -> str | None:
    """A number as plain decimal text (`0.00001`, never `1e-05`), or None when it is not one."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return format(number, "f") if number.is_finite() else None


def _quantity(item: dict) -> int:
    return int(item.get("quantity") or 0)


def _export_item(item: dict) -> dict:
    weight = item.get("weight") or {}
    units = WEIGHT_UNITS.get(str(weight.get("units") or "").lower())
    has_weight = _decimal_text(weight.get("value")) is not None and units is not None
    options = [{"name": clean_text(option.get("name"), limits.OPTION_NAME),
                "value": clean_text(option.get("value"), limits.OPTION_VALUE)}
               for option in (item.get("options") or [])[:limits.OPTIONS_PER_ITEM]]
    return {
        "line_item_id": clean_text(item.get("lineItemKey"), limits.LINE_ITEM_KEY),
        "sku": clean_text(item.get("sku"), limits.SKU),
        "name": clean_text(item.get("name"), limits.ITEM_NAME),
        "image_url": clean_text(item.get("imageUrl")),
        "weight": _decimal_text(weight["value"]) if has_weight else None,
        "weight_units": units if has_weight else None,
        "quantity": _quantity(item),
        "unit_price": money(item.get("unitPrice")),
        "location": clean_text(item.get("warehouseLocation"), limits.LOCATION),
        "adjustment": bool(item.get("adjustment")),
        "options": options,
    }


def _address(address: dict | None) -> dict:
    address = address or {}
    return {
        "name": clean_text(address.get("name"), limits.ADDRESS_NAME),
        "company": clean_text(address.get("company"), limits.ADDRESS_COMPANY),
        "address1": clean_text(address.get("street1"), limits.ADDRESS_LINE),
        "address2": clean_text(address.get("street2"), limits.ADDRESS_LINE),
        "city": clean_text(address.get("city"), limits.ADDRESS_CITY),
        "state": clean_text(address.get("state"), limits.ADDRESS_STATE),
        "postal_code": clean_text(address.get("postalCode"), limits.POSTAL_CODE),
        "country": clean_text(address.get("country")).upper(),
        "phone": clean_text(address.get("phone"), limits.PHONE),
    }


def _utc_text(value: Any) -> str:
    return to_custom_store_date(parse_inksoft_datetime(value))


def _last_modified(order: dict) -> str:
    """InkSoft's modification date (`DateModified`, an inferred field: see the InkSoft simulator);
    without a readable one, the creation date, which map_order has checked and which never moves."""
    try:
        return _utc_text(order.get(f.DATE_MODIFIED))
    except ValueError:
        return _utc_text(order.get(f.DATE_CREATED))


def status_names(settings: MappingConfig) -> dict[str, str]:
    """Every InkSoft status the connector maps, by its normalised form, spelled as configured."""
    names = {normalize_status(name): name for name in DEFAULT_STATUS_TABLE}
    names.update((normalize_status(name), name) for name in settings.statuses)
    return names


def export_status(order: dict, settings: MappingConfig) -> str:
    """The OrderStatus to export: InkSoft's status, spelled as in the connector's status table, so the
    strings typed into ShipStation's mapping boxes (`suggested_status_mappings`) always match, whether
    InkSoft writes "Ready to Ship" or "ReadyToShip"."""
    status = status_of(order)
    return status_names(settings).get(normalize_status(status), status)


def suggested_status_mappings(settings: MappingConfig) -> dict[str, list[str]]:
    """ShipStation status → the store statuses to enter, comma-separated, in that status's box of the
    Custom Store setup (the same table the REST transport applies)."""
    table = StatusTable.from_config(settings.statuses)
    boxes: dict[str, list[str]] = {}
    for name in status_names(settings).values():
        code = table.lookup(name)
        if code is not None:
            boxes.setdefault(code, []).append(name)
    return boxes


def export_order(mapped: MappedOrder, order: dict, settings: MappingConfig,
                 unique_id_keys_before: datetime | None = None) -> dict:
    """One order as the export template sees it: the mapped ShipStation payload (the same one the REST
    transport sends) in Custom Store fields, with InkSoft's own status string so ShipStation's
    status mapping applies. LastModified is InkSoft's modification date, which nothing here moves.
    Raises OrderRejected for an order the protocol cannot carry (an amount beyond decimal(9,2))."""
    payload = mapped.payload
    ship_to = _address(payload.get("shipTo"))
    bill_to = _address(payload.get("billTo"))
    email = clean_text(payload.get("customerEmail"))
    advanced = payload.get("advancedOptions") or {}
    fields: dict[str, Any] = {
        "order_id": clean_text(exported_key_for(order, mapped.order_key, unique_id_keys_before),
                               ORDER_ID_LIMIT),
        "order_number": clean_text(payload.get("orderNumber"), limits.ORDER_NUMBER),
        "order_date": _utc_text(order.get(f.DATE_CREATED)),
        "order_status": clean_text(export_status(order, settings), ORDER_STATUS_LIMIT),
        "last_modified": _last_modified(order),
        "shipping_method": clean_text(payload.get("requestedShippingService"), limits.SHIPPING_METHOD),
        "payment_method": clean_text(payload.get("paymentMethod"), limits.PAYMENT_METHOD),
        "order_total": _within_money_range(money(order_total(payload)), "OrderTotal", order),
        "tax_amount": money(payload["taxAmount"]) if payload.get("taxAmount") is not None else None,
        "shipping_amount": money(payload.get("shippingAmount")),
        "customer_notes": clean_text(payload.get("customerNotes"), limits.NOTES),
        "internal_notes": clean_text(payload.get("internalNotes"), limits.NOTES),
        "gift": bool(payload.get("gift")),
        "gift_message": clean_text(payload.get("giftMessage"), limits.GIFT_MESSAGE),
        "custom_fields": [(f"CustomField{n}", clean_text(advanced.get(f"customField{n}"),
                                                         limits.CUSTOM_FIELD)) for n in (1, 2, 3)],
        "customer_code": clean_text(payload.get("customerUsername") or email or ship_to["name"],
                                    CUSTOMER_CODE_LIMIT),
        "bill_to": {**bill_to, "name": bill_to["name"] or ship_to["name"],
                    # An address ShipStation's e-mail pattern refuses would fail the whole document.
                    "email": email if _EMAIL.fullmatch(email) else ""},
        "ship_to": ship_to,
        # A line with nothing to ship is left out: the protocol's Quantity runs from 1 (reference §4.1).
        "items": [_export_item(item) for item in payload.get("items") or [] if _quantity(item) >= 1],
    }
    for item in fields["items"]:
        _within_money_range(item["unit_price"], "UnitPrice", order)
    return fields


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters["cdata"] = cdata


def render_export(orders: list[dict], pages: int) -> str:
    """The whole export document. No orders still gives a well-formed `<Orders pages="0"/>`."""
    return _environment.get_template("export.xml.j2").render(orders=orders, pages=pages)


class OrderSource(Protocol):
    """The part of `InkSoftClient` the export reads."""

    def iter_order_summaries(self, modified_from: datetime, modified_to: datetime | None) -> Any: ...

    def get_orders(self, ids: list[int]) -> list[dict]: ...


@dataclass
class ExportPage:
    """One page of the export: the rendered orders, the total page count and what was left out."""

    orders: list[dict]
    pages: int
    skipped: list[Skip] = field(default_factory=list)

    def render(self) -> str:
        return render_export(self.orders, self.pages)


def export_page(source: OrderSource, table: StatusTable, settings: MappingConfig, store_id: int | None,
                start: datetime, end: datetime, page: int, *, store_domain: str | None = None,
                page_size: int = PAGE_SIZE, unique_id_keys_before: datetime | None = None) -> ExportPage:
    """Orders modified in [start, end] (UTC), page `page` (1-based; below 1 means 1) of `page_size`.

    Pages are cut from the window's order ids sorted ascending, a key that does not move while
    ShipStation walks the pages. Only that page's orders are read in full; the page count is taken
    before mapping, so a page whose orders are all left out is simply short. `unique_id_keys_before`:
    see `exported_key_for`."""
    ids = sorted({summary.get(f.ORDER_ID) for summary in source.iter_order_summaries(start, end)
                  if isinstance(summary.get(f.ORDER_ID), int)})
    pages = math.ceil(len(ids) / page_size)
    first = (max(page, 1) - 1) * page_size
    wanted = ids[first:first + page_size]
    result = ExportPage(orders=[], pages=pages)
    if not wanted:
        return result
    position = {order_id: index for index, order_id in enumerate(wanted)}
    for order in sorted(source.get_orders(wanted), key=lambda order: position.get(order.get(f.ORDER_ID), 0)):
        mapped = map_order(order, table, settings, store_id, store_domain=store_domain)
        if isinstance(mapped, MappedOrder):
            try:
                result.orders.append(export_order(mapped, order, settings, unique_id_keys_before))
                continue
            except OrderRejected as rejected:
                mapped = Skip(order_ref_for(order), rejected.message, rejected.field)
        log.info("custom store export: order %s left out: %s", mapped.order_ref, mapped.reason)
        result.skipped.append(mapped)
    return result

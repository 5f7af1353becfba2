"""Model binding of `createorder`/`createorders`, as ASP.NET Web API does it before the action runs.

ShipStation is ASP.NET (shipstation-api.md §5: 400 bodies are Web API model-state errors). Its binder
reads the whole `apiOrders` parameter at once, so one value it cannot bind or validate fails the whole
call with a 400 and no order is created, however good the other 99 are. This is what makes a batch
with one bad order fail as a whole against the real API (inferred from the framework):
- an int field (§7.2 `quantity` is int) holds a .NET Int32: a larger JSON integer does not bind;
- a number field (prices, amounts, weights) holds a .NET decimal: past ±7.9e28 (DECIMAL_MAX),
  or not finite (NaN, Infinity), it does not bind;
- `orderNumber` and `orderKey` are at most 50 characters (the Custom Store's OrderNumber/OrderID limits,
  shipstation-custom-store.md §4.1; inferred to hold for the JSON API's validation attributes too).
Per-order rules (required fields, statuses, locked orders) stay with the state, one result per order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from inkship.simulators.shipstation.models import ModelStateError

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
DECIMAL_MAX = 79_228_162_514_264_337_593_543_950_335
MAX_LENGTHS = {"orderNumber": 50, "orderKey": 50}

# Where the Order type has ints and decimals (shipstation-api.md §7.1, §7.2, §7.4, §7.5).
ORDER_DECIMALS = ("amountPaid", "taxAmount", "shippingAmount")
ITEM_INTS = ("quantity", "productId")
ITEM_DECIMALS = ("unitPrice", "taxAmount", "shippingAmount")
ADVANCED_INTS = ("storeId", "warehouseId", "billToMyOtherAccount", "mergedOrSplit", "parentId")


def check_binding(prefix: str, payload: Any) -> Any:
    """`payload` unchanged when every order in it binds; else ModelStateError for the whole request,
    each key naming the value (`apiOrders[3].items[0].quantity`), as Json.NET's messages do."""
    if isinstance(payload, list):
        orders = [(f"{prefix}[{index}]", order) for index, order in enumerate(payload)]
    else:
        orders = [(prefix, payload)]
    errors: dict[str, list[str]] = {}
    for where, order in orders:
        if isinstance(order, Mapping):
            for field, message in _order_errors(order):
                errors.setdefault(f"{where}.{field}", []).append(message)
    if errors:
        raise ModelStateError(errors)
    return payload


def _order_errors(order: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for name, limit in MAX_LENGTHS.items():
        value = order.get(name)
        if isinstance(value, str) and len(value) > limit:
            yield name, f"The field {name} must be a string with a maximum length of {limit}."
    for name in ORDER_DECIMALS:
        yield from _decimal(order.get(name), name)
    yield from _weight(order.get("weight"), "weight")
    for name in ("dimensions", "insuranceOptions"):
        nested = order.get(name)
        if isinstance(nested, Mapping):
            for key, value in nested.items():
                yield from _decimal(value, f"{name}.{key}")
    advanced = order.get("advancedOptions")
    if isinstance(advanced, Mapping):
        for name in ADVANCED_INTS:
            yield from _int32(advanced.get(name), f"advancedOptions.{name}")
    tag_ids = order.get("tagIds")
    for index, tag in enumerate(tag_ids if isinstance(tag_ids, list) else []):
        yield from _int32(tag, f"tagIds[{index}]")
    items = order.get("items")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, Mapping):
            continue
        where = f"items[{index}]"
        for name in ITEM_INTS:
            yield from _int32(item.get(name), f"{where}.{name}")
        for name in ITEM_DECIMALS:
            yield from _decimal(item.get(name), f"{where}.{name}")
        yield from _weight(item.get("weight"), f"{where}.weight")


def _int32(value: Any, field: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, int) and not isinstance(value, bool) and not INT32_MIN <= value <= INT32_MAX:
        yield field, f"JSON integer {value} is too large or small for an Int32. Path '{field}'."


def _decimal(value: Any, field: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > DECIMAL_MAX:
        yield field, f"Value was either too large or too small for a Decimal. Path '{field}'."


def _weight(weight: Any, field: str) -> Iterator[tuple[str, str]]:
    if isinstance(weight, Mapping):
        yield from _decimal(weight.get("value"), f"{field}.value")

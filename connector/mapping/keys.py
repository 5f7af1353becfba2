"""What an InkSoft order is known by: its readable reference, ShipStation's upsert key (`orderKey`),
and the fingerprint that tells whether a mapped order changed. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeGuard

from inkship.connector.mapping import fields as f
from inkship.connector.mapping.reading import reject, shown
from inkship.connector.mapping.times import parse_inksoft_datetime

# The state database keeps ids as SQLite integers (signed 64-bit); InkSoft's are far smaller.
MAX_ORDER_ID = 2**63 - 1


def is_order_id(value: Any) -> TypeGuard[int]:
    """Whether `value` can be an InkSoft order or store id: a positive integer that fits in SQLite."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ORDER_ID


def order_ref_for(order: Any) -> str:
    """A readable reference for messages: `#58231`, or `unknown` when even the ID is missing."""
    order_id = order.get(f.ORDER_ID) if isinstance(order, dict) else None
    valid = isinstance(order_id, int | str) and not isinstance(order_id, bool) and str(order_id).strip()
    if not valid:
        return "unknown"
    text = str(order_id).strip()
    return f"#{text}" if len(text) <= 40 else f"#{text[:37]}..."


def order_key_for(order: Mapping) -> str:
    """ShipStation's upsert key: `inksoft:<StoreId>:<ID>`, what InkSoft keeps unique (an order id within
    its store; inksoft-api.md §12 keys orders by `(ID, StoreId)`), so orders of two stores never share one.

    Orders imported by earlier versions were keyed `inksoft:<UniqueId>`; they keep that key, which the
    state's link holds (the engine looks it up before mapping). Raises OrderRejected naming the field.
    """
    for name in (f.STORE_ID, f.ORDER_ID):
        value = order.get(name)
        if not is_order_id(value):
            raise reject(f"{name} is not a positive integer InkSoft would write: {shown(value)}", name)
    return f"inksoft:{order[f.STORE_ID]}:{order[f.ORDER_ID]}"


def unique_id_key_for(order: Mapping) -> str | None:
    """The key 0.1 gave an order with a UniqueId (`inksoft:<UniqueId>`, lower-cased), None without one."""
    unique_id = order.get(f.UNIQUE_ID)
    if isinstance(unique_id, str) and unique_id.strip():
        return f"inksoft:{unique_id.strip().lower()}"
    return None


def exported_key_for(order: Mapping, key: str, unique_id_keys_before: datetime | None) -> str:
    """The Custom Store OrderID of an order mapped under `key`. The export keeps no links, so an order
    created before a database made by 0.1 was upgraded (`unique_id_keys_before`) keeps the key 0.1
    exported it under: a new OrderID would make ShipStation import it a second time."""
    legacy = unique_id_key_for(order)
    if unique_id_keys_before is None or legacy is None:
        return key
    try:
        created = parse_inksoft_datetime(str(order.get(f.DATE_CREATED)))
    except ValueError:
        return key
    return legacy if created < unique_id_keys_before else key


def fingerprint(payload: Mapping) -> str:
    """sha256 of the payload's canonical JSON: equal content, equal fingerprint."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()

"""What an InkSoft order is known by: its readable reference, ShipStation's upsert key (`orderKey`),
and the fingerprint that tells whether a mapped order changed. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, TypeGuard

from inkship.connector.mapping import fields as f
from inkship.connector.mapping.reading import reject, shown

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


def fingerprint(payload: Mapping) -> str:
    """sha256 of the payload's canonical JSON: equal content, equal fingerprint."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()

"""What an InkSoft order is known by: its readable reference, ShipStation's upsert key (`orderKey`),
and the fingerprint that tells whether a mapped order changed. Pure."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from inkship.connector.mapping import fields as f
from inkship.connector.mapping.reading import reject

_UNIQUE_ID = re.compile(r"^[^\s:]+$")


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
        raise reject(f"{f.UNIQUE_ID} is a {type(unique_id).__name__}, not text", f.UNIQUE_ID)
    if unique_id and unique_id.strip():
        if not _UNIQUE_ID.match(unique_id.strip()):
            raise reject(f"{f.UNIQUE_ID} is not an identifier: {unique_id!r}", f.UNIQUE_ID)
        return f"inksoft:{unique_id.strip().lower()}"
    store_id, order_id = order.get(f.STORE_ID), order.get(f.ORDER_ID)
    for name, value in ((f.STORE_ID, store_id), (f.ORDER_ID, order_id)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise reject(f"order has no {f.UNIQUE_ID} and no integer {name}", name)
    return f"inksoft:{store_id}:{order_id}"


def fingerprint(payload: Mapping) -> str:
    """sha256 of the payload's canonical JSON: equal content, equal fingerprint."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()

"""What a scenario's `given` puts into each simulator: seed documents, with generated orders expanded."""

from __future__ import annotations

from typing import Any

SHIPSTATION_SEED_KEYS = ("stores", "carriers", "warehouses", "orders")


def _fill(value: Any, placeholder: str, n: int) -> Any:
    """A copy of `value` with `placeholder` replaced by `n` in every string inside it."""
    if isinstance(value, str):
        return value.replace(placeholder, str(n))
    if isinstance(value, dict):
        return {key: _fill(inner, placeholder, n) for key, inner in value.items()}
    if isinstance(value, list):
        return [_fill(inner, placeholder, n) for inner in value]
    return value


def generated_orders(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """`count` copies of the template ('{n}' → 1..count), IDs from `first_id` on, and with `lines`,
    `lines.count` items each ('{line}' → 1..lines.count)."""
    lines = spec.get("lines")
    items = ([_fill(lines.get("item") or {}, "{line}", i) for i in range(1, lines["count"] + 1)]
             if lines else None)
    orders = []
    for n in range(1, spec["count"] + 1):
        order = _fill(spec.get("order") or {}, "{n}", n)
        if items is not None:
            order["Items"] = _fill(items, "{n}", n)
        if "first_id" in spec:
            order["ID"] = spec["first_id"] + n - 1
        orders.append(order)
    return orders


def inksoft_seed(given: dict[str, Any]) -> dict[str, Any]:
    """The InkSoft seed document: stores (merged over the defaults by StoreUri) and every order."""
    orders = list(given.get("orders") or [])
    if "generate" in given:
        orders += generated_orders(given["generate"])
    return {"stores": list(given.get("stores") or []), "orders": orders}


def shipstation_seed(given: dict[str, Any], webhook_target: str | None,
                     store_id: int | None) -> dict[str, Any]:
    """The ShipStation seed document; with a webhook target, a SHIP_NOTIFY subscription to it."""
    seed = {key: given[key] for key in SHIPSTATION_SEED_KEYS if key in given}
    if webhook_target:
        seed["webhooks"] = [{"target_url": webhook_target, "event": "SHIP_NOTIFY", "store_id": store_id}]
    return seed

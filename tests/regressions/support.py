"""Order shorthands and counts shared by the issue-10 regression tests."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import INKSOFT_HOST, World

WRITE_PATH = "/demo_print_shop/Api2/CreateOrderShipments"


def ready(order_id: int, **fields: Any) -> dict[str, Any]:
    return {"ID": order_id, "ProductionStatus": "Ready to Ship", "ShippingAddress": True,
            "Items": [{"Quantity": 2}], **fields}


def packages(world: World, order_id: int) -> list[dict[str, Any]]:
    return [p for s in world.inksoft_order(order_id)["Shipments"] for p in s["Packages"]]


def inksoft_writes(world: World) -> int:
    return world.journal_count(INKSOFT_HOST, method="POST", path_prefix=WRITE_PATH)


def refs(report: Any, outcome: str) -> list[str]:
    return sorted(line.order_ref for line in report.of(outcome))

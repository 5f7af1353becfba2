"""The account's catalog: carriers with their services and packages, warehouses, order tags."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from inkship.simulators.shipstation import models, seed
from inkship.simulators.shipstation.backends.shared import Shared
from inkship.simulators.shipstation.models import ModelStateError, ServerFault


class CatalogBackend:
    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.carriers: dict[str, dict] = {}
        self.warehouses: dict[int, dict] = {}
        self.tags: dict[int, dict] = {}

    def seed_carrier(self, given: Mapping[str, Any]) -> None:
        self.carriers[given["code"]] = seed.carrier(given)

    def seed_warehouse(self, given: Mapping[str, Any], now: datetime) -> None:
        warehouse_id = given.get("warehouseId") or self.shared.next_id("warehouse")
        self.warehouses[warehouse_id] = seed.warehouse(warehouse_id, given, now)

    def seed_tag(self, given: Mapping[str, Any]) -> None:
        tag_id = given["tagId"]
        self.tags[tag_id] = {"tagId": tag_id, "name": given["name"], "color": given.get("color")}

    def default_warehouse_id(self) -> int | None:
        defaults = [w for w in self.warehouses.values() if w["isDefault"]] or list(self.warehouses.values())
        return defaults[0]["warehouseId"] if defaults else None

    def check_carrier(self, code: Any, service: Any) -> None:
        """A label's carrier and service must exist: ShipStation answers a bad one with a 500."""
        carrier = self.carriers.get(code)
        if carrier is None:
            raise ServerFault(f"Invalid carrierCode '{code}'.", "System.ArgumentException")
        if service and service not in {s["code"] for s in carrier["services"]}:
            raise ServerFault(
                f"Invalid serviceCode '{service}' for carrier '{code}'.", "System.ArgumentException"
            )

    def list_carriers(self) -> list[dict]:
        return [
            {k: v for k, v in c.items() if k not in ("services", "packages")} for c in self.carriers.values()
        ]

    def carrier_options(self, code: Any, kind: str) -> list[dict]:
        carrier = self.carriers.get(code)
        if carrier is None:
            raise ModelStateError({"carrierCode": [f"The carrierCode '{code}' is not valid."]})
        return copy.deepcopy(carrier[kind])

    def list_warehouses(self) -> list[dict]:
        return models.render(list(self.warehouses.values()))

    def list_tags(self) -> list[dict]:
        return copy.deepcopy(list(self.tags.values()))

    def has_tag(self, tag_id: Any) -> bool:
        return tag_id in self.tags

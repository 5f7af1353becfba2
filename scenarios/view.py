"""What expectations see of a scenario's world (`expectations.Observed`): both simulators' state and
journals through their control planes, the state database, and the connector's reports."""

from __future__ import annotations

import re
from typing import Any

from inkship.connector.engine.reports import ShipbackReport
from inkship.connector.mapping.keys import order_key_for
from inkship.connector.state.store import StateStore
from inkship.scenarios.stores import store_report
from inkship.scenarios.world import APIS, World


class WorldView:
    """What the expectations see (`expectations.Observed`), read once per check and cached."""

    def __init__(self, world: World, report: dict[str, Any] | None, webhook_reports: list[ShipbackReport],
                 marks: dict[str, int]) -> None:
        self.world = world
        self._report = report
        self._webhook_reports = webhook_reports
        self._marks = marks
        self._dumps: dict[str, dict[str, Any]] = {}

    def dump(self, api: str) -> dict[str, Any]:
        if api not in self._dumps:
            self._dumps[api] = self.world.control(api, "GET", "/state")
        return self._dumps[api]

    def _inksoft(self, inksoft_id: int) -> dict[str, Any] | None:
        return next((o for o in self.dump("inksoft")["orders"] if o["ID"] == inksoft_id), None)

    def _shipstation_orders(self, order_key: str) -> list[dict[str, Any]]:
        return [o for o in self.dump("shipstation")["orders"] if o["orderKey"] == order_key and o["active"]]

    def _labels(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        return sorted((s for s in self.dump("shipstation")["shipments"] if s["orderId"] == order["orderId"]),
                      key=lambda s: s["shipmentId"])

    def shipstation_order(self, inksoft_id: int) -> tuple[str, dict[str, Any] | None]:
        inksoft = self._inksoft(inksoft_id)
        if inksoft is None:
            return f"(InkSoft has no order {inksoft_id})", None
        key = order_key_for(inksoft)
        found = self._shipstation_orders(key)
        return key, {**found[0], "labels": self._labels(found[0])} if found else None

    def inksoft_order(self, inksoft_id: int) -> dict[str, Any] | None:
        order = self._inksoft(inksoft_id)
        if order is None:
            return None
        packages = [p for shipment in order.get("Shipments") or [] for p in shipment.get("Packages") or []]
        linked = self._shipstation_orders(order_key_for(order))
        labels = [label for ss_order in linked for label in self._labels(ss_order)]
        return {**order, "packages": packages,
                "tracking": sorted(p.get("TrackingNumber") or "" for p in packages),
                "label_tracking": sorted(label["trackingNumber"] for label in labels if not label["voided"])}

    def shipstation_counts(self) -> dict[str, int]:
        state = self.dump("shipstation")
        return {"order_count": sum(1 for o in state["orders"] if o["active"]),
                "label_count": sum(1 for s in state["shipments"] if not s["voided"])}

    def shipstation_stores(self) -> dict[int, dict[str, Any]]:
        return {store["storeId"]: store for store in self.dump("shipstation")["stores"]}

    def report(self) -> dict[str, Any] | None:
        return self._report

    def webhook_lines(self) -> list[dict[str, Any]]:
        return [line.to_dict() for report in self._webhook_reports for line in report.lines]

    def calls(self, api: str, method: str | None, path: str | None) -> int:
        def wanted(entry: dict[str, Any]) -> bool:
            verb = entry["method"]
            verb_ok = method is None or (verb != "GET" if method == "write" else verb == method)
            return verb_ok and (path is None or re.search(path, entry["path"]) is not None)

        return sum(1 for entry in journal_since(self.world, api, self._marks.get(api, 0)) if wanted(entry))

    def ledger_counts(self) -> dict[str, int]:
        counts: dict[str, int] = self._state().counts()["ledger"]
        return counts

    def open_problems(self) -> list[dict[str, Any]]:
        return [{"order_ref": p.order_ref, "kind": p.kind, "field": p.field, "message": p.message}
                for p in self._state().open_problems()]

    def _state(self) -> StateStore:
        return self.world.state_store()

    def for_store(self, name: str) -> StoreView:
        return StoreView(self, name)


class StoreView(WorldView):
    """One `given.stores` store's side of the world: its InkSoft orders (in whichever simulator), its
    lines of the report, its rows of the state database; ShipStation and the calls are shared."""

    def __init__(self, whole: WorldView, name: str) -> None:
        super().__init__(whole.world, whole._report, whole._webhook_reports, whole._marks)
        self._dumps = whole._dumps
        self.name = name
        self._orders: dict[int, dict[str, Any]] | None = None

    def _inksoft(self, inksoft_id: int) -> dict[str, Any] | None:
        if self._orders is None:
            self._orders = self.world.inksoft_orders(self.name)
        return self._orders.get(inksoft_id)

    def report(self) -> dict[str, Any] | None:
        return store_report(self._report, self.name)

    def webhook_lines(self) -> list[dict[str, Any]]:
        return [line for line in super().webhook_lines() if line.get("store") in (self.name, None)]

    def _state(self) -> StateStore:
        return self.world.state_store().for_store(self.name)


def journal_since(world: World, api: str, mark: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = world.control(api, "GET", "/journal")["requests"]
    return [entry for entry in entries if entry["id"] > mark]


def journal_marks(world: World) -> dict[str, int]:
    """The last journal entry id of each API: calls after it belong to what comes next. (Ids count
    from 1 and the runner never clears a journal, so the count is the last id.)"""
    return {api: int(world.control(api, "GET", "/journal/count")["count"]) for api in APIS}

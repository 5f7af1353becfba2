"""Playing one scenario in its world: the `faults`, each step in order, and the expectations (after a
step, and at the end) checked against what the world shows (`scenarios.view`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from inkship.connector.engine.crashpoints import SimulatedCrash
from inkship.connector.engine.reports import ImportReport, ShipbackReport
from inkship.connector.errors import InkshipError
from inkship.connector.mapping.keys import order_key_for
from inkship.connector.state.store import DEFAULT_CLAIM_SECONDS
from inkship.scenarios import expectations
from inkship.scenarios.loader import STEP_EXTRAS, Scenario, seconds_of
from inkship.scenarios.view import WorldView, journal_marks
from inkship.scenarios.world import APIS, CUSTOM_STORE_ID, World, WorldError

# Orders sent to the InkSoft simulator per control-plane call when a scenario generates many.
ADD_ORDERS_CHUNK = 500


class ScenarioFailure(AssertionError):
    """Expectations that did not hold, one line each: `file:line: subject: field f: expected x, got y`."""


def _pass_lines(report: ImportReport | ShipbackReport | None) -> list[dict[str, Any]] | None:
    return [line.to_dict() for line in report.lines] if report is not None else None


class ScenarioRun:
    """Plays one scenario; `run()` raises ScenarioFailure (expectations) or WorldError (a bad request)."""

    def __init__(self, scenario: Scenario, world: World) -> None:
        self.scenario = scenario
        self.world = world
        self.report: dict[str, Any] | None = None
        self.labels: dict[int, list[dict[str, Any]]] = {}
        self.actions: dict[str, Callable[[Any], None]] = {
            "sync": self.sync, "labels": self.create_labels, "void": self.void, "add_orders": self.add_orders,
            "update_order": self.update_order, "cancel_order": self.cancel_order,
            "redeliver_webhooks": self.redeliver_webhooks, "advance": self.advance, "restart": self.restart,
            "faults": self.faults, "quirks": self.quirks, "refresh": self.refresh}

    def run(self) -> None:
        data = self.scenario.data
        self.add_faults(data.get("faults") or [])
        marks, webhooks_seen = journal_marks(self.world), 0
        for index, step in enumerate(data["steps"]):
            action = next((key for key in step if key not in STEP_EXTRAS), None)
            if action is not None:
                marks, webhooks_seen = journal_marks(self.world), len(self.world.webhook_reports)
                with self._step_context(index, action):
                    self.actions[action](step[action])
            if "expect" in step:
                self.check(step["expect"], ["steps", index, "expect"], marks, webhooks_seen,
                           f" after step {index + 1} ({action or 'expect'})")
        if "expect" in data:
            self.check(data["expect"], ["expect"], {}, 0, "")

    @contextmanager
    def _step_context(self, index: int, action: str) -> Iterator[None]:
        """Errors of a step say where the step is: `file:line: step n (action): ...`."""
        try:
            yield
        except (WorldError, ScenarioFailure) as exc:
            where = f"{self.scenario.where(['steps', index])}: step {index + 1} ({action}): {exc}"
            raise type(exc)(where) from None

    def check(self, expect: dict[str, Any], where: list[str | int], marks: dict[str, int], webhooks_seen: int,
              scope: str) -> None:
        view = WorldView(self.world, self.report, self.world.webhook_reports[webhooks_seen:], marks)
        mismatches = expectations.check(expect, view, where, scope)
        if mismatches:
            raise ScenarioFailure("\n".join(f"{self.scenario.where(m.where)}: {m.text()}"
                                            for m in mismatches))

    # -- faults ----------------------------------------------------------------------------------

    def add_faults(self, rules: list[dict[str, Any]]) -> None:
        for api in APIS:
            mine = [{k: v for k, v in rule.items() if k != "api"} for rule in rules if rule["api"] == api]
            if mine:
                self.world.control(api, "POST", "/faults", mine)

    # -- steps -----------------------------------------------------------------------------------

    def sync(self, options: dict[str, Any] | None) -> None:
        """A connector run as a new process on the same database; a crash or an error is reported."""
        options = options or {}
        which, dry_run = options.get("pass", "both"), options.get("dry_run", False)
        crash_at = options.get("crash_at")
        engine = self.world.engine(crash_at=crash_at)
        report: dict[str, Any] = {"ok": True, "crashed": False, "error": None, "import": None,
                                  "shipback": None}
        try:
            if which == "both":
                run = engine.sync(dry_run=dry_run)
                report.update({"ok": run.ok, "error": run.error, "import": _pass_lines(run.import_report),
                               "shipback": _pass_lines(run.shipback_report),
                               "store_errors": {part.store: part.error for part in run.stores if part.error}})
            elif which == "import":
                report["import"] = _pass_lines(engine.run_import(dry_run=dry_run))
            else:
                report["shipback"] = _pass_lines(engine.run_shipback(dry_run=dry_run))
        except SimulatedCrash:
            report.update(ok=False, crashed=True, error=f"crashed at {crash_at}")
        except InkshipError as exc:
            report.update(ok=False, error=str(exc))
        finally:
            engine.close()
        self.report = report
        if crash_at and not report["crashed"]:
            raise ScenarioFailure(f"expected the connector to crash at {crash_at}, "
                                  "but the run got through without reaching it")


    def _shipstation_order_for(self, inksoft_id: int, inksoft: dict[int, dict[str, Any]],
                               shipstation: list[dict[str, Any]]) -> dict[str, Any]:
        if inksoft_id not in inksoft:
            raise WorldError(f"InkSoft has no order {inksoft_id}")
        key = order_key_for(inksoft[inksoft_id])
        found = [o for o in shipstation if o["orderKey"] == key and o["active"]]
        if not found:
            raise WorldError(f"InkSoft order #{inksoft_id} has no ShipStation order to label (not imported?)")
        return found[0]

    def create_labels(self, options: dict[str, Any]) -> None:
        """A user in ShipStation ticking orders and pressing "Create labels" (fires SHIP_NOTIFY)."""
        inksoft = self.world.inksoft_orders(options.get("store"))
        shipstation = self.world.control("shipstation", "GET", "/state")["orders"]
        spec: dict[str, Any] = {key: options[name] for name, key in (
            ("carrier", "carrierCode"), ("service", "serviceCode"), ("package", "packageCode"),
            ("packages", "packages"), ("ship_date", "shipDate")) if name in options}
        if options["orders"] == "all":
            spec["all"] = True
        else:
            targets = [self._shipstation_order_for(i, inksoft, shipstation) for i in options["orders"]]
            spec["orderIds"] = [order["orderId"] for order in targets]
            if "items" in options:
                lines = [item for item in targets[0]["items"] if not item.get("adjustment")]
                try:
                    spec["items"] = [{"lineItemKey": lines[part["line"] - 1]["lineItemKey"],
                                      "quantity": part["quantity"]} for part in options["items"]]
                except IndexError:
                    raise WorldError(f"the ShipStation order has {len(lines)} line(s)") from None
        shipments = self.world.control("shipstation", "POST", "/labels", spec)["shipments"]
        by_key = {order_key_for(order): inksoft_id for inksoft_id, order in inksoft.items()}
        for shipment in shipments:
            inksoft_id = by_key.get(shipment["orderKey"])
            if inksoft_id is not None:
                self.labels.setdefault(inksoft_id, []).append(shipment)

    def void(self, options: dict[str, Any]) -> None:
        made = self.labels.get(options["order"]) or []
        if not made:
            raise WorldError(f"InkSoft order #{options['order']} has no label made in this scenario")
        number = options.get("label", len(made))
        if number > len(made):
            raise WorldError(f"InkSoft order #{options['order']} has {len(made)} label(s) made in this "
                             f"scenario; there is no label {number}")
        shipment_id = made[number - 1]["shipmentId"]
        self.world.control("shipstation", "POST", "/labels/void", {"shipmentId": shipment_id})

    def add_orders(self, orders: list[dict[str, Any]]) -> None:
        for first in range(0, len(orders), ADD_ORDERS_CHUNK):
            self.world.control("inksoft", "POST", "/orders", orders[first:first + ADD_ORDERS_CHUNK])

    def update_order(self, options: dict[str, Any]) -> None:
        self.world.control("inksoft", "PATCH", f"/orders/{options['id']}", options["set"])

    def cancel_order(self, inksoft_id: int) -> None:
        self.world.control("inksoft", "POST", f"/orders/{inksoft_id}/cancel")

    def redeliver_webhooks(self, which: str) -> None:
        """ShipStation sends past deliveries again: the last, all, or those a fault dropped (late ones)."""
        deliveries = self.world.control("shipstation", "GET", "/webhooks/deliveries")["deliveries"]
        if which == "last":
            chosen = deliveries[-1:]
        elif which == "dropped":
            chosen = [d for d in deliveries if d["attempts"] and all(a.get("dropped") for a in d["attempts"])]
        else:
            chosen = deliveries
        if not chosen:
            raise WorldError(f"no webhook deliveries to redeliver ({which}); is the receiver subscribed "
                             "(given.connector.webhook: true)?")
        for delivery in chosen:
            self.world.control("shipstation", "POST", "/webhooks/redeliver", {"id": delivery["id"]})

    def advance(self, by: Any) -> None:
        if isinstance(by, dict):
            target = datetime.fromisoformat(by["to"])
            now = self.world.clock.now()
            if target < now:
                raise WorldError(f"the clock is at {now.isoformat()}; it does not go back to {by['to']}")
            self.world.clock.advance((target - now).total_seconds())
        else:
            self.world.clock.advance(seconds_of(by))

    def restart(self, options: dict[str, Any] | None) -> None:
        """The connector comes back after a crash, once the dead process's ledger claims have lapsed."""
        after = (options or {}).get("after")
        self.world.clock.advance(seconds_of(after) if after is not None else DEFAULT_CLAIM_SECONDS + 1)

    def faults(self, options: dict[str, Any]) -> None:
        clear = options.get("clear")
        for api in APIS if clear == "all" else [clear] if clear else []:
            self.world.control(api, "DELETE", "/faults")
        self.add_faults(options.get("add") or [])

    def refresh(self, options: dict[str, Any] | None) -> None:
        """The user presses "Update store" in ShipStation: the Custom Store (or the given one) is pulled."""
        store_id = (options or {}).get("store", CUSTOM_STORE_ID)
        creds = self.world.credentials
        response = self.world.session.post(
            f"{self.world.urls['shipstation']}/stores/refreshstore", params={"storeId": store_id},
            auth=(creds.shipstation_api_key, creds.shipstation_api_secret), timeout=60)
        if response.status_code >= 400:
            raise WorldError(f"ShipStation refused the refresh of store {store_id}: "
                             f"HTTP {response.status_code} {response.text[:500]}")

    def quirks(self, switches: dict[str, Any]) -> None:
        self.world.control("inksoft", "POST", "/quirks", switches)

"""The `tamper` and `reconcile` steps: changing the simulators' state behind the connector's back (as
a person in InkSoft's or ShipStation's admin would; `forget_link` loses a row of the connector's own
state), and running `inkship reconcile` on the world.

A `reconcile` step without `fix` also checks that reconcile changed nothing anywhere: both simulators'
state dumps and the state database are compared before and after.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from inkship.connector.engine.importer import SHIPSTATION_READ_ONLY
from inkship.connector.reconcile.run import reconcile
from inkship.scenarios.world import World, WorldError

# Finds the (active) ShipStation order of an InkSoft order, as the `labels` step does.
FindOrder = Callable[[int], dict[str, Any]]
# Ids for packages and shipments a tamper step makes, far above the simulator's own.
TAMPER_IDS_FROM = 900_000


class ChangedByReconcile(AssertionError):
    """A reconcile without fix changed something: the failure names what."""


def run_reconcile(world: World, options: dict[str, Any] | None) -> dict[str, Any]:
    """`inkship reconcile [--since] [--fix]` as a new connector process; returns its JSON report."""
    options = options or {}
    fix = bool(options.get("fix"))
    since = options.get("since")
    moment = datetime.fromisoformat(since) if since else None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    before = None if fix else snapshot(world)
    engine = world.engine()
    try:
        report = reconcile(engine, store=next(iter(engine.contexts)), since=moment, fix=fix).to_dict()
    finally:
        engine.close()
    if before is not None:
        changed = [part for part, value in snapshot(world).items() if value != before[part]]
        if changed:
            raise ChangedByReconcile(f"reconcile without fix changed {', '.join(changed)}")
    return report


def snapshot(world: World) -> dict[str, Any]:
    """Everything reconcile could change: both simulators' state (less their clock) and every table."""
    dumps = {api: {k: v for k, v in world.control(api, "GET", "/state").items() if k != "now"}
             for api in ("inksoft", "shipstation")}
    with sqlite3.connect(world.db_path) as conn:
        database = list(conn.iterdump())
    return {**dumps, "state database": database}


def tamper(world: World, options: dict[str, Any], find_order: FindOrder) -> None:
    if "delete_inksoft_order" in options:
        world.control("inksoft", "DELETE", f"/orders/{options['delete_inksoft_order']}")
    if "delete_shipstation_order" in options:
        order = find_order(options["delete_shipstation_order"])
        _shipstation_api(world, "DELETE", f"/orders/{order['orderId']}")
    if "edit_shipstation_order" in options:
        _edit_shipstation_order(world, options["edit_shipstation_order"], find_order)
    if "inksoft_packages" in options:
        _edit_packages(world, options["inksoft_packages"])
    if "forget_link" in options:
        _forget_link(world, options["forget_link"])


def _forget_link(world: World, inksoft_id: int) -> None:
    """The state database loses an order's link (restored from an old backup, say)."""
    state = world.state_store()
    links = [link for link in state.all_links() if link.inksoft_id == inksoft_id]
    if not links:
        raise WorldError(f"the state database has no link for InkSoft order #{inksoft_id}")
    for link in links:
        state.delete_link(link.order_key)


def _shipstation_api(world: World, method: str, path: str, body: Any = None) -> Any:
    """A call to ShipStation's API with the account's keys: what its web app does for a user."""
    creds = world.credentials
    response = world.session.request(method, f"{world.urls['shipstation']}{path}", json=body, timeout=60,
                                     auth=(creds.shipstation_api_key, creds.shipstation_api_secret))
    if response.status_code >= 400:
        raise WorldError(f"ShipStation refused {method} {path}: "
                         f"HTTP {response.status_code} {response.text[:500]}")
    return response.json()


def _edit_shipstation_order(world: World, options: dict[str, Any], find_order: FindOrder) -> None:
    """Change fields (dotted paths, list indexes from 0 as in expectations) and remove lines (numbered
    from 1, as the `labels` step numbers them), then save the order as ShipStation's editor does."""
    order = _shipstation_api(world, "GET", f"/orders/{find_order(options['order'])['orderId']}")
    for path, value in (options.get("set") or {}).items():
        _set_dotted(order, str(path), value)
    lines = order.get("items") or []
    for number in sorted(options.get("remove_lines") or [], reverse=True):
        if not 1 <= number <= len(lines):
            raise WorldError(f"the ShipStation order has {len(lines)} line(s); there is no line {number}")
        del lines[number - 1]
    payload = {key: value for key, value in order.items() if key not in SHIPSTATION_READ_ONLY}
    _shipstation_api(world, "POST", "/orders/createorder", payload)


def _set_dotted(target: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def _edit_packages(world: World, options: dict[str, Any]) -> None:
    """Write an InkSoft order's packages by hand: `duplicate` package n (numbered from 1 in the order's
    shipments), `remove` it, or `retrack` it with `tracking`."""
    order_id = options["order"]
    orders = world.control("inksoft", "GET", "/state")["orders"]
    order = next((o for o in orders if o["ID"] == order_id), None)
    if order is None:
        raise WorldError(f"InkSoft has no order {order_id}")
    shipments = copy.deepcopy(order.get("Shipments") or [])
    places = [(shipment, index) for shipment in shipments
              for index in range(len(shipment.get("Packages") or []))]
    number = options.get("duplicate") or options.get("remove") or options.get("retrack")
    if not isinstance(number, int) or not 1 <= number <= len(places):
        raise WorldError(f"InkSoft order #{order_id} has {len(places)} package(s); "
                         f"there is no package {number}")
    shipment, index = places[number - 1]
    if "duplicate" in options:
        twin = copy.deepcopy(shipment)
        twin["ID"] = TAMPER_IDS_FROM + len(shipments)
        twin["Packages"] = [{**copy.deepcopy(shipment["Packages"][index]), "ID": TAMPER_IDS_FROM + number}]
        shipments.append(twin)
    elif "remove" in options:
        del shipment["Packages"][index]
        shipments = [s for s in shipments if s.get("Packages")]
    else:
        shipment["Packages"][index]["TrackingNumber"] = options["tracking"]
    world.control("inksoft", "PATCH", f"/orders/{order_id}", {"Shipments": shipments})

"""`inkship demo` end to end over real sockets: its summary, and the simulators' final state."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import requests
from click.testing import CliRunner
from inkship.connector.cli import main

from inkship.demo.data import base_orders
from inkship.demo.story import Demo, demo_session
from tests.connector.test_cli_support import isolated_cli  # noqa: F401 - a fixture

pytestmark = [pytest.mark.sockets, pytest.mark.usefixtures("isolated_cli")]

# The demo's story: five orders of the shop reach ShipStation (three ready to ship, one awaiting art
# held, one unpaid), four are skipped (two without an address, one unmapped status, one cancelled);
# the team store's two orders, both ready, go to the team store's own ShipStation store.
IMPORTED, SKIPPED = 5, 4
READY = 3
TEAM = 2


def _state(base_url: str) -> dict:
    with requests.Session() as session:
        response = session.get(f"{base_url}/__sim/state", timeout=10)
        response.raise_for_status()
        return response.json()


def test_demo_command_summary() -> None:
    result = CliRunner().invoke(main, ["demo"])

    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Orders imported into ShipStation ({IMPORTED + TEAM}):" in out
    assert "InkSoft stores (2), one ShipStation account:" in out
    team_line = f'-> ShipStation store 310002 "Riverside Rovers team store": {TEAM} imported, {TEAM} packages'
    assert team_line in out
    assert "  team  1010  Luis Romero  [shipped]" in out
    assert "Design: RYS Crest 2026" in out and "Size: YM" in out
    assert f"Skipped ({SKIPPED}):" in out
    assert "no shipping address" in out and "At Embroiderer" in out
    assert f"Labels created in ShipStation ({READY + 1 + TEAM}):" in out
    assert f"Written back to InkSoft ({4 + TEAM} packages):" in out
    backstop_line = next(line for line in out.splitlines() if line.startswith("Polling backstop:"))
    assert "written" not in backstop_line
    assert "API calls made by the connector:" in out and "CreateOrderShipments" in out
    assert out.rstrip().endswith("Demo OK: every label is in InkSoft exactly once.")


def test_demo_json_with_more_orders() -> None:
    extra = 6
    result = CliRunner().invoke(main, ["--json", "demo", "--orders", str(len(base_orders()) + extra)])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["problems"] == []
    assert len(data["imported"]) == IMPORTED + TEAM + extra
    assert len(data["labels"]) == READY + extra + 1 + TEAM
    assert [(s["name"], s["shipstation_store"]["id"], s["imported"]) for s in data["stores"]] == [
        ("main", 310001, IMPORTED + extra), ("team", 310002, TEAM)]
    assert data["backstop"]["counts"]["written"] == 0
    assert data["webhook_deliveries"] >= 1
    assert sum(data["api_calls"]["InkSoft"].values()) > 0


def test_demo_rejects_fewer_orders_than_its_story() -> None:
    result = CliRunner().invoke(main, ["demo", "--orders", "2"])

    assert result.exit_code == 2
    assert "--orders" in result.output


def test_demo_final_state_in_both_simulators() -> None:
    demo = Demo(echo=lambda text: None)
    with demo_session(demo) as result:
        shipstation = _state(demo.shipstation.url)
        inksoft = _state(demo.inksoft.url)

    assert result.ok, result.problems
    orders = {o["orderKey"]: o for o in shipstation["orders"] if o["orderKey"].startswith("inksoft:")}
    assert Counter(o["orderStatus"] for o in orders.values()) == {
        "shipped": READY + TEAM, "on_hold": 1, "awaiting_payment": 1}
    by_store = Counter(o["advancedOptions"]["storeId"] for o in orders.values())
    assert by_store == {310001: IMPORTED, 310002: TEAM}
    live = [s for s in shipstation["shipments"] if not s["voided"]]
    assert len(live) == READY + 1 + TEAM
    assert Counter(s["orderNumber"] for s in live).most_common(1)[0][1] == 2  # the split order

    by_id = {o["ID"]: o for o in inksoft["orders"]}
    packages = {p["TrackingNumber"]: (order_id, p) for order_id, o in by_id.items()
                for s in o.get("Shipments") or [] for p in s["Packages"]}
    assert sorted(packages) == sorted(s["trackingNumber"] for s in live)
    shipped = {order_id for order_id, _ in packages.values()}
    assert len(shipped) == READY + TEAM
    assert Counter(by_id[order_id]["StoreId"] for order_id in shipped) == {12: READY, 13: TEAM}
    for order_id in shipped:
        assert by_id[order_id]["Status"] == "Shipped"
        assert by_id[order_id]["ProductionStatus"] == "Complete"
    # Every unit of the split order is on exactly one of its two packages.
    [split_id] = [i for i, n in Counter(i for i, _ in packages.values()).items() if n == 2]
    shipped_units: Counter[int] = Counter()
    for order_id, package in packages.values():
        if order_id == split_id:
            shipped_units.update({i["OrderRetailItemSizeId"]: i["Quantity"] for i in package["Items"]})
    assert shipped_units == {i["OrderRetailItemSizeId"]: i["Quantity"] for i in by_id[split_id]["Items"]}
    # Orders without an address, with an unmapped status or cancelled never reached ShipStation.
    assert all(o["Shipments"] == [] for i, o in by_id.items() if i not in shipped)
    assert len(orders) == IMPORTED + TEAM

"""`inkship reconcile` through click's CliRunner against both simulators in process, seeded with the demo
shop: exit codes, the JSON document, that a run without --fix changes nothing anywhere, and that a second
--fix finds nothing left to fix."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from inkship.connector.commands.reconcile import chosen_store
from inkship.connector.config import load_config
from inkship.connector.errors import ConfigError

from tests.connector.test_cli_support import (
    SHIPSTATION,
    Sims,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    json_lines,
    make_sims,
    write_config,
)

pytestmark = pytest.mark.usefixtures("isolated_cli")

# The documented JSON interface (README, "Reconcile"): fields may be added, never renamed or dropped.
REPORT_FIELDS = {"ok", "fix", "scope", "counts", "summary", "drift", "remaining", "calls", "errors"}
DRIFT_FIELDS = {"order", "inksoft_id", "order_key", "kind", "field", "inksoft", "shipstation", "state",
                "shipment_id", "repair", "needs_person", "fixed", "message"}
SCOPE_FIELDS = {"since", "store", "inksoft_orders", "shipstation_orders", "shipments", "links"}
SUMMARY_FIELDS = {"drift", "fixable", "fixed", "needs_person", "remaining"}


@pytest.fixture
def sims() -> Sims:
    return make_sims()


@pytest.fixture
def config(tmp_path: Path, sims: Sims) -> Path:
    path = write_config(tmp_path, sims.credentials)
    assert invoke(sims, path, "sync").exit_code == 0
    return path


def shipstation_api(sims: Sims, method: str, path: str, body: Any = None) -> Any:
    """ShipStation's API with the account's keys, as its web app acts for a user."""
    creds = sims.credentials
    response = sims.session.request(method, f"{SHIPSTATION}{path}", json=body, timeout=10,
                                    auth=(creds.shipstation_api_key, creds.shipstation_api_secret))
    assert response.status_code < 300, response.text
    return response.json()


def our_orders(sims: Sims) -> list[dict[str, Any]]:
    return sorted((o for o in sims.shipstation_state()["orders"] if o["active"]), key=lambda o: o["orderId"])


def everything(sims: Sims, config: Path) -> dict[str, Any]:
    """Both simulators' state (less their clocks) and every row of the state database."""
    with sqlite3.connect(config.parent / "state.sqlite3") as conn:
        database = list(conn.iterdump())
    return {"inksoft": sims.inksoft_state(),
            "shipstation": {k: v for k, v in sims.shipstation_state().items() if k != "now"},
            "database": database}


def test_no_drift_after_a_sync_exits_0(sims: Sims, config: Path) -> None:
    result = invoke(sims, config, "reconcile")

    assert result.exit_code == 0, result.output
    assert "no drift: the three views agree" in result.output
    assert "reconciled store demo_print_shop" in result.output


def test_the_json_report_keeps_its_documented_fields(sims: Sims, config: Path) -> None:
    shipstation_api(sims, "DELETE", f"/orders/{our_orders(sims)[0]['orderId']}")

    result = invoke(sims, config, "reconcile", "--json")

    assert result.exit_code == 1, result.output
    [report] = json_lines(result.stdout)
    assert set(report) == REPORT_FIELDS
    assert set(report["scope"]) == SCOPE_FIELDS
    assert set(report["summary"]) == SUMMARY_FIELDS
    [drift] = report["drift"]
    assert set(drift) == DRIFT_FIELDS
    assert (drift["kind"], drift["repair"], drift["fixed"]) == ("missing_in_shipstation", "reimport", False)
    assert report["ok"] is False and report["remaining"] is None
    assert report["calls"]["shipstation"] == 2  # one page of orders, one of labels


def test_without_fix_nothing_changes_anywhere(sims: Sims, config: Path) -> None:
    first, second = our_orders(sims)[:2]
    shipstation_api(sims, "DELETE", f"/orders/{first['orderId']}")
    edited = {k: v for k, v in second.items() if k not in ("orderId", "active", "createDate", "modifyDate")}
    shipstation_api(sims, "POST", "/orders/createorder",
                    {**edited, "shipTo": {**second["shipTo"], "city": "Salem"}})
    ready = [o for o in our_orders(sims)
             if o["orderStatus"] == "awaiting_shipment" and o["orderId"] != second["orderId"]]
    sims.create_labels({"orderNumbers": [ready[-1]["orderNumber"]]})
    before = everything(sims, config)

    result = invoke(sims, config, "reconcile")

    assert result.exit_code == 1, result.output
    assert "missing_in_shipstation" in result.output and "content shipTo.city" in result.output
    assert "writeback_missing tracking" in result.output
    assert "can be repaired with --fix" in result.output
    assert everything(sims, config) == before


def test_fix_repairs_and_a_second_fix_finds_nothing(sims: Sims, config: Path) -> None:
    orders = our_orders(sims)
    shipstation_api(sims, "DELETE", f"/orders/{orders[0]['orderId']}")
    [shipment] = sims.create_labels({"orderNumbers": [orders[1]["orderNumber"]]})

    fixed = invoke(sims, config, "--json", "reconcile", "--fix")
    again = invoke(sims, config, "--json", "reconcile", "--fix")

    assert fixed.exit_code == 1, fixed.output
    [report] = json_lines(fixed.stdout)
    assert {(d["kind"], d["fixed"]) for d in report["drift"]} == {("missing_in_shipstation", True),
                                                                  ("writeback_missing", True)}
    assert report["remaining"] == []
    assert again.exit_code == 0, again.output
    assert json_lines(again.stdout)[0]["drift"] == []
    tracking = [p["TrackingNumber"] for o in sims.inksoft_state()["orders"] for s in o.get("Shipments") or []
                for p in s["Packages"]]
    assert tracking == [shipment["trackingNumber"]]
    assert orders[0]["orderKey"] in {o["orderKey"] for o in our_orders(sims)}
    status = invoke(sims, config, "status")
    assert "reconcile at" in status.output and "1 reimport, 1 write_back" in status.output


def test_store_names_the_configured_store_and_refuses_any_other(sims: Sims, config: Path) -> None:
    ours = invoke(sims, config, "reconcile", "--store", "demo_print_shop")
    other = invoke(sims, config, "reconcile", "--store", "team_store")
    other_json = invoke(sims, config, "--json", "reconcile", "--store", "team_store")

    assert ours.exit_code == 0, ours.output
    assert other.exit_code == 2
    assert "no store named 'team_store'; configured stores: demo_print_shop" in other.output
    [error] = json_lines(other_json.stdout)
    assert (error["ok"], error["key"]) == (False, "--store")


def test_since_takes_a_date_and_refuses_anything_else(sims: Sims, config: Path) -> None:
    dated = invoke(sims, config, "--json", "reconcile", "--since", "2026-01-01")
    wrong = invoke(sims, config, "reconcile", "--since", "last tuesday")

    assert dated.exit_code == 0, dated.output
    assert json_lines(dated.stdout)[0]["scope"]["since"] == "2026-01-01T00:00:00+00:00"
    assert wrong.exit_code == 2
    assert "--since" in wrong.output


def test_missing_configuration_exits_2(sims: Sims, tmp_path: Path) -> None:
    result = invoke(sims, None, "reconcile")

    assert result.exit_code == 2
    assert "fix:" in result.output


def test_the_custom_store_transport_is_refused_with_exit_2(sims: Sims, config: Path) -> None:
    config.write_text(config.read_text() + "\n[custom_store]\nenabled = true\nusername = \"ss\"\n"
                      "password = \"a-long-custom-store-password\"\n")

    result = invoke(sims, config, "reconcile")

    assert result.exit_code == 2, result.output
    assert "custom_store.enabled" in result.output and "REST API" in result.output


def test_with_several_stores_one_must_be_named(tmp_path: Path) -> None:
    path = tmp_path / "stores.toml"
    path.write_text('[inksoft]\napi_key = "k"\n[shipstation]\napi_key = "a"\napi_secret = "b"\n'
                    '[[inksoft.stores]]\nname = "main"\nbase_url = "https://stores.inksoft.com/Main"\n'
                    '[[inksoft.stores]]\nname = "rovers"\nbase_url = "https://stores.inksoft.com/Rovers"\n')
    config = load_config(str(path))

    assert chosen_store(config, "ROVERS") == "rovers"
    with pytest.raises(ConfigError, match=r"several stores are configured \(main, rovers\)"):
        chosen_store(config, None)

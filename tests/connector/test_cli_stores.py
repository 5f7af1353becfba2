"""The commands with several InkSoft stores: `sync` reports each store and goes on past a failing one
(exit 1), `status` and `--json` break figures down per store, `doctor` checks each store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inkship.simulators.inksoft.defaults import SECOND_STORE_URI

from tests.connector.test_cli_support import (
    INKSOFT,
    SHIPSTATION,
    Sims,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    make_sims,
)

pytestmark = pytest.mark.usefixtures("isolated_cli")

TEAM_SHIPSTATION_STORE = 310002


@pytest.fixture
def sims() -> Sims:
    sims = make_sims()
    sims.control(sims.shipstation, "POST", "seed", {"stores": [
        {"storeId": TEAM_SHIPSTATION_STORE, "storeName": "Riverside team store"}]})
    sims.control(sims.inksoft, "POST", "seed", {"orders": [
        {"StoreUri": SECOND_STORE_URI, "ID": 88001, "ShippingAddress": True,
         "ProductionStatus": "Ready to Ship"},
        {"StoreUri": SECOND_STORE_URI, "ID": 88002, "ProductionStatus": "Ready to Ship"}]})
    return sims


def write_two_stores(directory: Path, sims: Sims, team_key: str | None = None) -> Path:
    creds = sims.credentials
    team_login = f'api_key = "{team_key}"\n' if team_key else ""
    path = directory / "inkship.toml"
    path.write_text(f"""
[inksoft]
api_key = "{creds.inksoft_api_key}"

[[inksoft.stores]]
name = "main"
base_url = "{INKSOFT}/{creds.inksoft_store}"

[[inksoft.stores]]
name = "team"
base_url = "{INKSOFT}/{SECOND_STORE_URI}"
shipstation_store_id = {TEAM_SHIPSTATION_STORE}
{team_login}
[shipstation]
base_url = "{SHIPSTATION}"
api_key = "{creds.shipstation_api_key}"
api_secret = "{creds.shipstation_api_secret}"
store_id = 310001
requests_per_minute = 0

[state]
database = "{directory / 'state.sqlite3'}"
""")
    return path


def test_sync_reports_each_store_and_status_breaks_figures_down(sims: Sims, tmp_path: Path) -> None:
    config = write_two_stores(tmp_path, sims)
    result = invoke(sims, config, "sync")
    assert result.exit_code == 0, result.output
    main, team = result.output.split("Store team:")
    assert main.startswith("Store main:") and "skipped: #88002 [ShippingAddress]" in team
    stores = {order["orderNumber"]: order["advancedOptions"]["storeId"]
              for order in sims.shipstation_state()["orders"]}
    assert stores["88001"] == TEAM_SHIPSTATION_STORE and 310001 in stores.values()

    document = json.loads(invoke(sims, config, "--json", "status").stdout)
    assert set(document["stores"]) == {"main", "team"}
    assert document["stores"]["team"]["orders_linked"] == 1
    assert document["stores"]["team"]["open_problems"] == 1
    assert document["stores"]["main"]["orders_linked"] == document["counts"]["orders_linked"] - 1
    assert [p["order_ref"] for p in document["problems"] if p["store"] == "team"] == ["#88002"]
    text = invoke(sims, config, "status").output
    assert "by store:" in text and "  team: 1 orders linked" in text
    assert "order #88002 (store team): skipped" in text


def test_a_store_with_refused_credentials_does_not_stop_the_others(sims: Sims, tmp_path: Path) -> None:
    config = write_two_stores(tmp_path, sims, team_key="wrong-team-key")
    result = invoke(sims, config, "--json", "sync")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["report"]["stores"]["main"]["ok"] is True
    assert "not valid" in document["report"]["stores"]["team"]["error"]
    assert "wrong-team-key" not in result.output
    assert all(order["advancedOptions"]["storeId"] == 310001 for order in sims.shipstation_state()["orders"])


def test_doctor_checks_each_store(sims: Sims, tmp_path: Path) -> None:
    config = write_two_stores(tmp_path, sims, team_key="wrong-team-key")
    result = invoke(sims, config, "--json", "doctor")
    checks = {check["name"]: check for check in json.loads(result.stdout)["checks"]}
    assert checks["InkSoft store main"]["outcome"] == "ok"
    assert checks["InkSoft store team"]["outcome"] == "fail"
    assert "inksoft" in checks["InkSoft store team"]["fix"]
    assert checks["ShipStation store for team"]["outcome"] == "ok"
    assert "Riverside team store" in checks["ShipStation store for team"]["detail"]
    assert result.exit_code == 2 and "wrong-team-key" not in result.output


def test_sync_store_syncs_the_named_store_only(sims: Sims, tmp_path: Path) -> None:
    config = write_two_stores(tmp_path, sims)
    result = invoke(sims, config, "sync", "--store", "team")
    assert result.exit_code == 0, result.output
    assert [o["orderNumber"] for o in sims.shipstation_state()["orders"]] == ["88001"]
    unknown = invoke(sims, config, "sync", "--store", "tigers")
    assert unknown.exit_code == 2
    assert "no store named 'tigers'; configured stores: main, team" in unknown.output

"""The pytest plugin: its fixtures here, and in separate pytest runs its laziness, its single
registration, --inkship-sockets and --inkship-scenarios."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from inkship.testing import SHIPSTATION_URL

KIT_PLUGIN = "inkship.testing.pytest_plugin"


def run_pytest(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a session of its own: rootdir, ini and conftests are the directory's, not ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "INKSHIP_"))}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-q", "-rN", *args], cwd=directory, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_fixtures_give_handles_on_the_real_hosts(shipstation_sim, inksoft_sim, sim_clock) -> None:
    shipstation_sim.add_orders({"orderNumber": "F-1"})
    listed = requests.get(f"{SHIPSTATION_URL}/orders", auth=shipstation_sim.auth, timeout=5).json()
    assert listed["total"] == 1
    summaries = requests.get(f"{inksoft_sim.store_url()}/Api2/GetOrderSummaries", timeout=5,
                             params={"ApiKey": inksoft_sim.credentials.inksoft_api_key})
    assert summaries.status_code == 200
    sim_clock.advance(86400)  # one clock for both simulators
    assert abs((shipstation_sim.now() - inksoft_sim.now()).total_seconds()) < 60


def test_the_print_shop_is_seeded(print_shop) -> None:
    shipstation, inksoft = print_shop.shipstation, print_shop.inksoft
    awaiting = [o["orderNumber"] for o in shipstation.orders(status="awaiting_shipment")]
    assert awaiting == ["PS-1001", "PS-1002"]
    assert shipstation.order("PS-1004")["orderStatus"] == "shipped"
    assert len(shipstation.shipments()) == 1
    assert len(inksoft.orders()) == 5
    answer = requests.get(f"{SHIPSTATION_URL}/orders", auth=shipstation.auth, timeout=5,
                          params={"orderStatus": "on_hold"})
    assert [o["orderNumber"] for o in answer.json()["orders"]] == ["PS-1003"]


def test_the_plugins_are_registered_once_in_this_run(pytestconfig: pytest.Config) -> None:
    modules = [getattr(p, "__name__", "") for p in pytestconfig.pluginmanager.get_plugins()]
    assert modules.count(KIT_PLUGIN) == 1
    assert modules.count("inkship.scenarios.plugin") == 1


class OnlyTheKitOption:
    def getoption(self, name: str, default: object = None) -> object:
        return name == "--inkship-sockets"


def test_the_projects_scenarios_follow_the_kits_sockets_option(monkeypatch: pytest.MonkeyPatch) -> None:
    from inkship.scenarios.plugin import SOCKETS_ENV, sockets_wanted
    monkeypatch.delenv(SOCKETS_ENV, raising=False)
    assert sockets_wanted(OnlyTheKitOption()) is True  # type: ignore[arg-type]


LAZY_TEST = '''
import sys

HEAVY = ("flask", "werkzeug", "requests", "responses", "urllib3", "httpx", "inkship.simulators",
         "inkship.testing.mock")


def test_nothing_heavy_was_imported(pytestconfig):
    plugins = [getattr(p, "__name__", "") for p in pytestconfig.pluginmanager.get_plugins()]
    assert plugins.count("inkship.testing.pytest_plugin") == 1
    assert [m for m in HEAVY if m in sys.modules] == []
'''


@pytest.mark.parametrize("extra", [[], ["-p", KIT_PLUGIN]], ids=["entry_point", "entry_point_and_-p"])
def test_loading_the_plugin_imports_nothing_heavy_and_registers_once(tmp_path: Path,
                                                                    extra: list[str]) -> None:
    (tmp_path / "test_lazy.py").write_text(LAZY_TEST, encoding="utf-8")
    outcome = run_pytest(tmp_path, *extra, "test_lazy.py")
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert "1 passed" in outcome.stdout


SOCKETS_TEST = '''
import requests


def test_over_sockets(shipstation_sim):
    assert shipstation_sim.server_url.startswith("http://127.0.0.1:")
    shipstation_sim.add_orders({"orderNumber": "S-1"})
    answer = requests.get("https://ssapi.shipstation.com/orders", auth=shipstation_sim.auth, timeout=5)
    assert answer.json()["total"] == 1
'''


@pytest.mark.sockets
def test_inkship_sockets_runs_the_same_tests_over_real_sockets(tmp_path: Path) -> None:
    (tmp_path / "test_sockets.py").write_text(SOCKETS_TEST, encoding="utf-8")
    assert run_pytest(tmp_path, "test_sockets.py").returncode == 1  # in process: no server URL
    outcome = run_pytest(tmp_path, "--inkship-sockets", "test_sockets.py")
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr


PASSING = """\
name: passes
given:
  shipstation:
    orders: [{orderNumber: "1001"}]
expect:
  shipstation:
    orders: {"1001": {orderStatus: awaiting_shipment}}
"""
FAILING = """\
name: fails
given:
  shipstation:
    orders: [{orderNumber: "1001"}]
expect:
  shipstation:
    order_count: 2
"""


def test_inkship_scenarios_collects_the_users_own_files(tmp_path: Path) -> None:
    scenarios = tmp_path / "my_scenarios"
    scenarios.mkdir()
    (scenarios / "passes.yaml").write_text(PASSING, encoding="utf-8")
    (scenarios / "fails.yaml").write_text(FAILING, encoding="utf-8")
    (tmp_path / "elsewhere.yaml").write_text("not: a scenario\n", encoding="utf-8")
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    pass\n", encoding="utf-8")
    outcome = run_pytest(tmp_path, "--inkship-scenarios", "my_scenarios")
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert f"{scenarios / 'fails.yaml'}:7: ShipStation order_count: expected 2, got 1" in outcome.stdout
    assert "Traceback" not in outcome.stdout
    assert "1 failed, 2 passed" in outcome.stdout
    # A path named on the command line is what runs, even with the option (say, from addopts).
    named = run_pytest(tmp_path, "--inkship-scenarios", "my_scenarios", "test_plain.py")
    assert named.returncode == 0 and "1 passed" in named.stdout, named.stdout


def test_a_missing_scenario_directory_is_a_usage_error(tmp_path: Path) -> None:
    outcome = run_pytest(tmp_path, "--inkship-scenarios", "nowhere")
    assert outcome.returncode == pytest.ExitCode.USAGE_ERROR
    assert "nowhere: no such directory" in outcome.stderr

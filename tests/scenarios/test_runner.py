"""The runner end to end: failures are specific (a broken expectation, a broken file, a connector bug),
the CLI's summary, exit code and JUnit XML, socket mode, the pytest plugin, and simulated sleeping."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import inkship.connector.mapping.addresses as mapping_addresses
import inkship.connector.mapping.status as mapping_status
import pytest
from click.testing import CliRunner
from defusedxml import ElementTree
from inkship.connector.cli import main
from inkship.scenarios.loader import load_scenario
from inkship.scenarios.plugin import SOCKETS_ENV, sockets_wanted
from inkship.scenarios.runner import ERROR, FAILED, PASSED, SCENARIO_DIR, run_scenario
from inkship.scenarios.steps import ScenarioRun
from inkship.scenarios.world import World

QUICK = """\
name: quick
description: one order, imported
given:
  inksoft:
    orders:
      - {ID: 1001, ShippingAddress: true}
steps:
  - sync: {}
expect:
  shipstation:
    orders:
      1001: {orderStatus: awaiting_shipment, shipTo.city: Eugene}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_passing_scenario(tmp_path):
    result = run_scenario(write(tmp_path, "quick.yaml", QUICK))
    assert (result.outcome, result.name, result.message) == (PASSED, "quick", "")


def test_a_broken_expectation_names_file_line_order_field_and_both_values(tmp_path):
    path = write(tmp_path, "quick.yaml", QUICK.replace("shipTo.city: Eugene", "shipTo.city: Portland"))
    result = run_scenario(path)
    assert result.outcome == FAILED
    assert result.message == (f"{path}:12: ShipStation order for InkSoft #1001: field shipTo.city: "
                              "expected 'Portland', got 'Eugene'")


def test_a_broken_scenario_file_is_an_error_naming_the_line(tmp_path):
    path = write(tmp_path, "quick.yaml", QUICK.replace("  - sync: {}", "  - sync: {dryrun: true}"))
    result = run_scenario(path)
    assert result.outcome == ERROR
    assert result.message == f"{path}:8: steps.0.sync.dryrun: unknown key 'dryrun'; did you mean 'dry_run'?"


def test_a_mapping_bug_that_drops_a_field_is_caught_by_the_field_by_field_scenario(monkeypatch):
    real = mapping_addresses.ship_to
    monkeypatch.setattr(mapping_addresses, "ship_to", lambda order: {**real(order), "city": None})
    result = run_scenario(SCENARIO_DIR / "import" / "every_imported_field.yaml")
    assert result.outcome == FAILED
    assert result.message.endswith("ShipStation order for InkSoft #58231: field shipTo.city: "
                                   "expected 'Eugene', got None")


def test_a_wrong_status_table_is_caught(monkeypatch):
    wrong = {**mapping_status.DEFAULT_STATUS_TABLE, "Ready to Ship": "on_hold"}
    monkeypatch.setattr(mapping_status, "DEFAULT_STATUS_TABLE", wrong)
    result = run_scenario(SCENARIO_DIR / "import" / "default_status_table.yaml")
    assert result.outcome == FAILED
    assert result.message.endswith("ShipStation order for InkSoft #6002: field orderStatus: "
                                   "expected 'awaiting_shipment', got 'on_hold'")


def test_a_crash_point_never_reached_fails_the_scenario(tmp_path):
    text = QUICK.replace("  - sync: {}", "  - sync: {crash_at: shipback.after_inksoft_write}")
    path = write(tmp_path, "crash.yaml", text)
    result = run_scenario(path)
    assert result.outcome == FAILED
    assert result.message == (f"{path}:8: step 1 (sync): expected the connector to crash at "
                              "shipback.after_inksoft_write, but the run got through without reaching it")


def test_a_step_the_simulators_refuse_is_an_error_naming_the_step(tmp_path):
    text = QUICK.replace("  - sync: {}", "  - sync: {}\n  - void: {order: 1001}")
    path = write(tmp_path, "void.yaml", text)
    result = run_scenario(path)
    assert result.outcome == ERROR
    assert result.message == f"{path}:9: step 2 (void): InkSoft order #1001 has no label made in this " \
                             "scenario"


def test_a_given_order_the_simulator_refuses_is_an_error_naming_given(tmp_path):
    path = write(tmp_path, "bad.yaml", QUICK.replace("{ID: 1001, ShippingAddress: true}",
                                                     "{ID: 1001, ProductionStatus: Knitting}"))
    result = run_scenario(path)
    assert result.outcome == ERROR
    assert result.message.startswith(f"{path}:3: the InkSoft simulator refused given.inksoft:")
    assert "Knitting" in result.message


def test_backoffs_advance_the_simulated_clock_instead_of_sleeping():
    scenario = load_scenario(SCENARIO_DIR / "resilience" / "inksoft_rate_limit_storm.yaml")
    with tempfile.TemporaryDirectory() as workdir:
        world = World(scenario.data["given"], Path(workdir)).start()
        with world:
            before = world.clock.now()
            ScenarioRun(scenario, world).run()
            assert world.sleeps.count(20.0) == 4
            assert (world.clock.now() - before).total_seconds() >= 80 + 300


def test_the_cli_prints_a_summary_writes_junit_and_exits_1_on_a_failure(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    write(suite, "a_good.yaml", QUICK)
    write(suite, "b_bad.yaml", QUICK.replace("awaiting_shipment", "shipped"))
    junit = tmp_path / "junit.xml"
    outcome = CliRunner().invoke(main, ["scenario", "run", str(suite), "--junit-xml", str(junit)])
    assert outcome.exit_code == 1, outcome.output
    lines = outcome.output.splitlines()
    assert lines[0].startswith(f"PASSED  {suite / 'a_good.yaml'}  quick")
    assert lines[1].startswith(f"FAILED  {suite / 'b_bad.yaml'}  quick")
    assert "field orderStatus: expected 'shipped', got 'awaiting_shipment'" in lines[2]
    assert lines[-1].startswith("2 scenarios in process: 1 passed, 1 failed, 0 errors")
    suite_xml = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite_xml is not None
    assert (suite_xml.get("tests"), suite_xml.get("failures"), suite_xml.get("errors")) == ("2", "1", "0")
    failed = [case for case in suite_xml.iter("testcase") if case.find("failure") is not None]
    assert [case.get("classname") for case in failed] == ["scenarios.b_bad"]


def test_the_cli_gives_one_json_document_with_json(tmp_path):
    path = write(tmp_path, "q.yaml", QUICK.replace("awaiting_shipment", "on_hold"))
    outcome = CliRunner().invoke(main, ["--json", "scenario", "run", str(path)])
    assert outcome.exit_code == 1
    document = json.loads(outcome.output)
    assert (document["ok"], document["counts"]) == (False, {"passed": 0, "failed": 1, "error": 0})
    [only] = document["scenarios"]
    assert (only["name"], only["outcome"]) == ("quick", "failed")
    assert "field orderStatus: expected 'on_hold', got 'awaiting_shipment'" in only["message"]


def test_the_cli_exits_0_when_all_pass(tmp_path):
    outcome = CliRunner().invoke(main, ["scenario", "run", str(write(tmp_path, "q.yaml", QUICK))])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.splitlines()[-1].startswith("1 scenarios in process: 1 passed, 0 failed, 0 errors")


def test_the_readme_example_runs(tmp_path):
    readme = (SCENARIO_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Scenarios", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    result = run_scenario(write(tmp_path, "readme.yaml", example))
    assert (result.outcome, result.message) == (PASSED, "")


SOCKET_SCENARIOS = ["happy_path.yaml", "shipback/lost_webhooks_polling_backstop.yaml",
                    "shipback/duplicate_webhooks.yaml", "resilience/crash_between_writeback_and_ledger.yaml",
                    "resilience/inksoft_dropped_connections.yaml", "resilience/shipstation_timeouts.yaml"]


@pytest.mark.sockets
def test_a_handful_of_scenarios_pass_over_real_sockets():
    outcome = CliRunner().invoke(main, ["scenario", "run", "--sockets",
                                        *(str(SCENARIO_DIR / name) for name in SOCKET_SCENARIOS)])
    assert outcome.exit_code == 0, outcome.output
    assert f"{len(SOCKET_SCENARIOS)} scenarios over sockets: {len(SOCKET_SCENARIOS)} passed" in outcome.output


def test_the_pytest_plugin_collects_yaml_files_and_reports_failures_readably(tmp_path, capsys, monkeypatch):
    write(tmp_path, "good.yaml", QUICK)
    write(tmp_path, "bad.yaml", QUICK.replace("shipTo.city: Eugene", "shipTo.city: Salem"))
    write(tmp_path, "broken.yaml", QUICK.replace("orderStatus:", "orderstatus:").replace("steps:", "stepz:"))
    monkeypatch.chdir(tmp_path)  # a session of its own: rootdir and ini are the temporary directory's
    code = pytest.main(["-p", "inkship.scenarios.plugin", "-p", "no:cacheprovider", "-q", "-rN",
                        str(tmp_path)])
    output = capsys.readouterr().out
    assert code == pytest.ExitCode.TESTS_FAILED, output
    assert f"{tmp_path / 'bad.yaml'}:12: ShipStation order for InkSoft #1001: field shipTo.city: " \
           "expected 'Salem', got 'Eugene'" in output
    assert f"{tmp_path / 'broken.yaml'}:1: the scenario: 'steps' is a required property" in output
    assert "Traceback" not in output
    assert "2 failed, 1 passed" in output


class OptionConfig:
    def __init__(self, sockets: bool) -> None:
        self.sockets = sockets

    def getoption(self, name: str, default: object = None) -> object:
        return self.sockets


@pytest.mark.parametrize(("option", "env", "wanted"),
                         [(False, "", False), (True, "", True), (False, "1", True)])
def test_socket_mode_is_asked_for_by_option_or_environment(monkeypatch, option, env, wanted):
    monkeypatch.setenv(SOCKETS_ENV, env)
    assert sockets_wanted(OptionConfig(option)) is wanted

"""Loading scenario files: the schema, and mistakes reported with file, line and what was expected."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from inkship.scenarios.loader import ScenarioFileError, load_scenario, parse_scenario, schema, seconds_of
from inkship.scenarios.runner import SCENARIO_DIR, discover

GOOD = """\
name: tiny
description: one sync
steps:
  - sync: {}
"""


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    return caught.value.problems


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_every_bundled_scenario_loads_asserts_something_and_there_are_at_least_thirty():
    files = discover([SCENARIO_DIR])
    assert len(files) >= 30
    scenarios = [load_scenario(path) for path in files]
    names = [scenario.name for scenario in scenarios]
    assert len(set(names)) == len(names)
    silent = [s.path.name for s in scenarios
              if "expect" not in s.data and not any("expect" in step for step in s.data["steps"])]
    assert silent == []


def test_a_good_file_loads_with_node_lines():
    scenario = parse_scenario(GOOD, "s.yaml")
    assert scenario.name == "tiny"
    assert scenario.line_of(["steps", 0, "sync"]) == 4
    assert scenario.where(["steps", 0]) == "s.yaml:4"


def test_a_misspelt_key_is_named_with_its_line_and_a_suggestion():
    text = GOOD + "  - labels: {orders: [1001], carier: ups_walleted}\n"
    [(line, message)] = problems(text)
    assert line == 5
    assert message == "steps.1.labels.carier: unknown key 'carier'; did you mean 'carrier'?"


def test_a_wrong_value_names_the_path_and_what_was_allowed():
    text = GOOD.replace("sync: {}", "sync: {pass: imports}")
    [(line, message)] = problems(text)
    assert line == 4
    assert message == "steps.0.sync.pass: 'imports' is not one of 'both', 'import', 'shipback'"


def test_a_malformed_duration_says_which_forms_are_accepted():
    [(line, message)] = problems(GOOD + "  - advance: 5 minutes\n")
    assert line == 5 and "'5 minutes' is not valid here" in message and "5m" in message


def test_a_missing_required_key_is_reported():
    [(line, message)] = problems("name: x\nsteps:\n  - sync:\n")
    assert line == 1 and "'description' is a required property" in message


def test_two_actions_in_one_step_are_refused():
    [(line, message)] = problems(GOOD + "  - {advance: 5m, sync: {}}\n")
    assert line == 5 and "one action per step, found advance, sync" in message


def test_every_problem_of_a_file_is_reported_at_once_in_line_order():
    text = GOOD.replace("sync: {}", "sync: {dry_run: maybe}") + "  - void: {order: 0}\n"
    found = problems(text)
    assert [line for line, _ in found] == [4, 5]
    assert "steps.1.void.order: 0 is less than the minimum of 1" in found[1][1]


def test_yaml_syntax_errors_carry_their_line(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(GOOD + "expect:\n  shipstation: {order_count: [1}\n", encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(broken)
    assert str(caught.value).startswith(f"{broken}:6: not valid YAML")


@pytest.mark.parametrize(("text", "seconds"), [(90, 90.0), ("90s", 90.0), ("5m", 300.0), ("2h", 7200.0),
                                               ("1d", 86400.0), ("1.5m", 90.0)])
def test_durations(text, seconds):
    assert seconds_of(text) == seconds

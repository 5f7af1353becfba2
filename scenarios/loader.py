"""Read a scenario file: YAML, checked against `schema.json`, every mistake reported with its file and line.

The YAML is parsed twice from the same text: once as data, once as PyYAML's composed node tree, whose
marks give the line of any JSON path (a schema error, a failing expectation).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).with_name("schema.json")
# Step keys that are not actions: a step has exactly one action, and may carry these besides.
STEP_EXTRAS = frozenset({"note", "expect"})

JsonPath = Sequence[str | int]


class ScenarioFileError(Exception):
    """A scenario file that cannot be run as written: `file:line: what is wrong`."""

    def __init__(self, path: Path | str, problems: Iterable[tuple[int | None, str]]) -> None:
        self.path = str(path)
        self.problems = sorted(problems, key=lambda p: (p[0] or 0, p[1]))
        super().__init__("\n".join(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}"
                                   for line, message in self.problems))


@dataclass
class Scenario:
    """A scenario as data, with the line of every node for messages."""

    path: Path
    data: dict[str, Any]
    nodes: yaml.Node | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return str(self.data["name"])

    def line_of(self, json_path: JsonPath) -> int | None:
        """The 1-based line of the node at `json_path`, or of its nearest ancestor that exists."""
        return line_of(self.nodes, json_path)

    def where(self, json_path: JsonPath) -> str:
        line = self.line_of(json_path)
        return f"{self.path}:{line}" if line else str(self.path)


@cache
def schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def load_scenario(path: Path | str) -> Scenario:
    """Parse and check one file; raises ScenarioFileError naming the file, the line and what was expected."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError(path, [(None, f"cannot be read: {exc}")]) from None
    return parse_scenario(text, path)


def parse_scenario(text: str, path: Path | str = "<scenario>") -> Scenario:
    path = Path(path)
    try:
        nodes = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ScenarioFileError(path, [(mark.line + 1 if mark else None,
                                        f"not valid YAML: {exc.problem or exc}")]) from None
    if not isinstance(data, dict):
        raise ScenarioFileError(path, [(1, "a scenario is a mapping with name, description, steps...")])
    scenario = Scenario(path, data, nodes)
    problems = [(scenario.line_of(where), message) for where, message in _schema_problems(data)]
    problems += [(scenario.line_of(where), message) for where, message in _step_problems(data)]
    if problems:
        raise ScenarioFileError(path, problems)
    return scenario


def _schema_problems(data: dict[str, Any]) -> list[tuple[JsonPath, str]]:
    validator = jsonschema.Draft202012Validator(schema())
    found = []
    for error in validator.iter_errors(data):
        # For oneOf/anyOf, the branch that got furthest says best what was meant.
        error = jsonschema.exceptions.best_match([error])
        where = list(error.absolute_path)
        found.append(_describe(error, where))
    return found


def _describe(error: jsonschema.ValidationError, where: list[str | int]) -> tuple[JsonPath, str]:
    at = _dotted(where)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        if extra:
            key = extra[0]
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(allowed)}"
            return [*where, key], f"{_dotted([*where, key])}: unknown key {key!r}{hint}"
    if error.validator == "required":
        return where, f"{at or 'the scenario'}: {error.message}"
    if error.validator == "enum":
        return where, f"{at}: {error.instance!r} is not one of {', '.join(map(repr, error.validator_value))}"
    description = _description(error)
    if error.validator == "pattern" and description:
        return where, f"{at}: {error.instance!r} is not valid here: {description}"
    hint = f" ({description})" if description and error.validator in ("oneOf", "type") else ""
    return where, f"{at or 'the scenario'}: {error.message}{hint}"


def _description(error: jsonschema.ValidationError | None) -> str | None:
    """The nearest description in the schema, from the failing node up through oneOf parents."""
    while error is not None:
        if isinstance(error.schema, dict) and error.schema.get("description"):
            return str(error.schema["description"])
        error = error.parent
    return None


def _step_problems(data: dict[str, Any]) -> list[tuple[JsonPath, str]]:
    """A step is one action (plus an optional note and expect), or an expect alone."""
    found: list[tuple[JsonPath, str]] = []
    for index, step in enumerate(data.get("steps") or []):
        if not isinstance(step, dict):
            continue
        actions = [key for key in step if key not in STEP_EXTRAS]
        if len(actions) > 1:
            found.append((["steps", index, actions[1]],
                          f"steps.{index}: one action per step, found {', '.join(actions)}; "
                          "put each in its own step"))
        elif not actions and "expect" not in step:
            found.append((["steps", index], f"steps.{index}: a step needs an action or an expect"))
    return found


def _dotted(where: Iterable[str | int]) -> str:
    return ".".join(str(part) for part in where)


def line_of(node: yaml.Node | None, json_path: JsonPath) -> int | None:
    """Walk the composed node tree along `json_path`; the 1-based line of the deepest entry reached
    (a mapping entry's key line, a list item's own line)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in json_path:
        entry = _child(node, part)
        if entry is None:
            break
        line, node = entry
    return line


def _child(node: yaml.Node, part: str | int) -> tuple[int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                return key.start_mark.line + 1, value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item.start_mark.line + 1, item
    return None


DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds_of(duration: float | int | str) -> float:
    """`90`, `"90s"`, `"5m"`, `"2h"`, `"1d"` → seconds (the schema admits only these forms)."""
    if isinstance(duration, int | float):
        return float(duration)
    match = DURATION.match(duration)
    if match is None:
        raise ValueError(f"not a duration: {duration!r}")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]

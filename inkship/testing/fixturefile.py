"""Test-kit scenario files: your integration's world in YAML, run by the pytest plugin
(`--inkship-scenarios DIR`) or `run_fixture(load_fixture(path))`; `inkship record` writes them too.

    name: Ships what is awaiting
    given:
      clock: 2026-11-02T16:00:00Z            # optional: freeze the simulators' clock
      shipstation: {orders: [...]}           # a seed document; the key starts mock_shipstation
      inksoft: {stores: [My_Store], orders: [...]}   # `stores` as mock_inksoft's; the rest a seed document
    faults:
      shipstation: [{action: status, method: GET, path: ^/orders$, status: 500, times: 1}]
    run:                                     # your code, called while the mocks serve the real hosts
      call: my_integration.cli:main
      argv: [--dry-run]                      # main(argv) gets one list; `args: [...]` are passed one by one
      env: {SHIPSTATION_API_KEY: "{shipstation.api_key}", SHIPSTATION_API_SECRET: "{shipstation.api_secret}"}
      # also {shipstation.url}, {inksoft.api_key}, {inksoft.url}, {inksoft.store}, {scenario_dir}
      exit_code: 0
    exchanges: [...]                         # recorded requests and answers, replayed and compared
    expect:
      shipstation:
        orders: {"1001": {orderStatus: shipped}}
        order_count: 1
        label_count: {at_least: 1}
      inksoft:
        orders: {1001: {Status: Shipped}}
      calls: {"shipstation GET /orders": 1}

Expected values use the project's scenario matchers (present, absent, contains, matches, at_most,
at_least, count). Every problem is reported with its file and line.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from inkship.scenarios.expectations import compare
from inkship.scenarios.loader import Scenario
from inkship.simulators.clock import SimClock
from inkship.testing.channel import SimulatorRefused
from inkship.testing.handles import SimHandle
from inkship.testing.mock import mock_inksoft, mock_shipstation

_RULES = {"type": "array", "items": {"type": "object", "required": ["action"]}}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "given": {"type": "object", "additionalProperties": False, "properties": {
            "clock": {},  # a timestamp: YAML reads an unquoted one as a datetime already
            "shipstation": {"type": ["object", "null"]},
            "inksoft": {"type": ["object", "null"]}}},
        "faults": {"type": "object", "additionalProperties": False,
                   "properties": {"shipstation": _RULES, "inksoft": _RULES}},
        "run": {"type": "object", "required": ["call"], "additionalProperties": False, "properties": {
            "call": {"type": "string", "pattern": r"^[\w.]+:[\w.]+$"},
            "args": {"type": "array"},
            "argv": {"type": "array", "items": {"type": "string"}},
            "env": {"type": "object", "additionalProperties": {"type": "string"}},
            "exit_code": {}}},
        "exchanges": {"type": "array", "items": {
            "type": "object", "required": ["request", "response"], "properties": {
                "api": {"enum": ["shipstation", "inksoft"]},
                "request": {"type": "object", "required": ["method", "path"]},
                "response": {"type": "object", "required": ["status"]}}}},
        "expect": {"type": "object", "additionalProperties": False, "properties": {
            "shipstation": {"type": "object", "additionalProperties": False, "properties": {
                "orders": {"type": "object"}, "order_count": {}, "label_count": {}}},
            "inksoft": {"type": "object", "additionalProperties": False, "properties": {
                "orders": {"type": "object"}}},
            "calls": {"type": "object", "propertyNames": {
                "pattern": r"^(shipstation|inksoft)( (GET|POST|PUT|PATCH|DELETE))?( /\S*)?$"}}}},
    },
}
_PLACEHOLDER = re.compile(r"\{(shipstation|inksoft)\.(\w+)\}")
SCENARIO_DIR = "{scenario_dir}"  # in run.args and run.env: the folder of the scenario file


class FixtureError(AssertionError):
    """A scenario file that failed or cannot run: each line `file:line: what`."""


# A test-kit scenario file as data, with the line of every node for messages (the project's own type).
Fixture = Scenario


def load_fixture(path: Path | str) -> Fixture:
    path = Path(path)
    return parse_fixture(path.read_text(encoding="utf-8"), path)


def parse_fixture(text: str, path: Path | str = "<scenario>") -> Fixture:
    """Parse and check a scenario file; raises FixtureError naming the line of each problem."""
    path = Path(path)
    try:
        data, nodes = yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        raise FixtureError(f"{path}: not YAML: {exc}") from None
    fixture = Fixture(path, data if isinstance(data, dict) else {}, nodes)
    if not isinstance(data, dict):
        raise FixtureError(f"{path}: a scenario file is a YAML mapping (name, given, run, expect...)")
    problems = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    if problems:
        raise FixtureError("\n".join(f"{fixture.where(list(e.path))}: "
                                     f"{'.'.join(map(str, e.path)) or 'the file'}: {e.message}"
                                     for e in problems))
    return fixture


@contextmanager
def open_simulators(fixture: Fixture, *, sockets: bool = False) -> Iterator[dict[str, SimHandle]]:
    """The mocks the file's `given` asks for, seeded, with its clock and faults; handles by API name."""
    given = fixture.data.get("given") or {}
    start = given.get("clock")
    try:
        clock = SimClock(frozen_at=start if isinstance(start, datetime) or start is None
                         else datetime.fromisoformat(str(start)))
    except ValueError:
        raise FixtureError(f"{fixture.where(['given', 'clock'])}: not a timestamp: {start!r}") from None
    handles: dict[str, SimHandle] = {}
    with ExitStack() as stack:
        try:
            if "shipstation" in given:
                handles["shipstation"] = stack.enter_context(mock_shipstation(
                    sockets=sockets, clock=clock, seed=given["shipstation"] or {}))
            if "inksoft" in given:
                inksoft = dict(given["inksoft"] or {})
                stores = inksoft.pop("stores", None)
                handles["inksoft"] = stack.enter_context(mock_inksoft(
                    stores=stores, sockets=sockets, clock=clock, seed=inksoft))
            for api, rules in (fixture.data.get("faults") or {}).items():
                if api not in handles:
                    raise FixtureError(f"{fixture.where(['faults', api])}: faults for {api}, "
                                       f"but given has no {api}")
                handles[api].add_faults(rules)
        except (ValueError, KeyError, TypeError, SimulatorRefused) as exc:
            raise FixtureError(f"{fixture.where(['given'])}: the simulators refused the file: {exc}") \
                from None
        yield handles


def _fill(value: Any, handles: dict[str, SimHandle], scenario_dir: Path) -> Any:
    if not isinstance(value, str):
        return value
    value = value.replace(SCENARIO_DIR, str(scenario_dir))

    def lookup(match: re.Match[str]) -> str:
        handle = handles.get(match.group(1))
        if handle is None:
            raise FixtureError(f"{match.group(0)}: given has no {match.group(1)}")
        name = match.group(2)
        known = {"url": handle.url,
                 "api_key": (handle.credentials.shipstation_api_key if match.group(1) == "shipstation"
                             else handle.credentials.inksoft_api_key),
                 "api_secret": handle.credentials.shipstation_api_secret,
                 "store": handle.credentials.inksoft_store,
                 "username": handle.credentials.inksoft_username,
                 "password": handle.credentials.inksoft_password}
        if name not in known:
            raise FixtureError(f"{match.group(0)}: unknown; use one of {', '.join(sorted(known))}")
        return str(known[name])
    return _PLACEHOLDER.sub(lookup, value)


def _call(fixture: Fixture, handles: dict[str, SimHandle]) -> list[str]:
    run = fixture.data["run"]
    module_name, _, attribute = run["call"].partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        return [f"{fixture.where(['run', 'call'])}: cannot load {run['call']}: {exc}"]
    here = fixture.path.resolve().parent
    args = [_fill(a, handles, here) for a in run.get("args") or []]
    if "argv" in run:  # a `main(argv)` entry point takes its command line as one list
        args.append([_fill(a, handles, here) for a in run["argv"]])
    env = {k: _fill(v, handles, here) for k, v in (run.get("env") or {}).items()}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        try:
            result = target(*args)
        except SystemExit as exit_:
            result = exit_.code
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if "exit_code" in run and (result or 0) != run["exit_code"]:
        return [f"{fixture.where(['run', 'exit_code'])}: {run['call']} returned {result!r}, "
                f"expected {run['exit_code']!r}"]
    return []


def _check(fixture: Fixture, handles: dict[str, SimHandle]) -> list[str]:
    expect = fixture.data.get("expect") or {}
    problems: list[tuple[tuple[str | int, ...], str, Any, Any]] = []
    shipstation = expect.get("shipstation") or {}
    if shipstation:
        state = handles["shipstation"].state()
        active = [o for o in state["orders"] if o.get("active", True)]
        by_number = {o["orderNumber"]: o for o in active}
        for number, wanted in (shipstation.get("orders") or {}).items():
            problems.append((("shipstation", "orders", number), f"ShipStation order {number}", wanted,
                             by_number.get(str(number))))
        counts = {"order_count": len(active),
                  "label_count": sum(not s.get("voided") for s in state["shipments"])}
        for name in ("order_count", "label_count"):
            if name in shipstation:
                problems.append((("shipstation", name), f"ShipStation {name}", shipstation[name],
                                 counts[name]))
    inksoft = expect.get("inksoft") or {}
    if inksoft:
        orders = {o["ID"]: o for o in handles["inksoft"].state()["orders"]}
        for order_id, wanted in (inksoft.get("orders") or {}).items():
            problems.append((("inksoft", "orders", order_id), f"InkSoft order {order_id}", wanted,
                             orders.get(int(order_id))))
    for key, wanted in (expect.get("calls") or {}).items():
        api, *rest = key.split(" ")
        method = next((p for p in rest if not p.startswith("/")), None)
        path = next((p for p in rest if p.startswith("/")), None)
        count = handles[api].count(method=method, path=path)
        problems.append((("calls", key), f"calls {key}", wanted, count))
    found = []
    for where, subject, wanted, actual in problems:
        if actual is None and isinstance(wanted, dict):
            found.append(f"{fixture.where(['expect', *where])}: {subject}: not found")
            continue
        for field_name, message, _ in compare(wanted, actual, "", (), actual):
            label = f"{subject}: field {field_name}" if field_name else subject
            found.append(f"{fixture.where(['expect', *where])}: {label}: {message}")
    return found


def run_fixture(fixture: Fixture, *, sockets: bool = False) -> None:
    """Play the file on fresh simulators: replay its exchanges, run its code, check its expectations.
    Raises FixtureError with every problem found."""
    for api in ("shipstation", "inksoft"):
        if api in (fixture.data.get("expect") or {}) and api not in (fixture.data.get("given") or {}):
            raise FixtureError(f"{fixture.where(['expect', api])}: expectations on {api}, "
                               f"but given has no {api}")
    from inkship.testing.replay import replay_exchanges
    with open_simulators(fixture, sockets=sockets) as handles:
        problems = []
        if fixture.data.get("exchanges"):
            report = replay_exchanges(fixture.data, handles)
            problems += [f"{fixture.where(['exchanges', d.index - 1])}: {d.text()}"
                         for d in report.differences]
        if "run" in fixture.data:
            problems += _call(fixture, handles)
        problems += _check(fixture, handles)
    if problems:
        raise FixtureError("\n".join(problems))

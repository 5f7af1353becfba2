"""Run scenario files: load and check one, play it on fresh simulators and a fresh state database,
and the `inkship scenario run` command (summary, JUnit XML, exit 1 on any failure).

Each scenario gets its own world (simulators, receiver, temporary directory), so scenarios never leak
into each other and run in any order or in parallel.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from inkship.connector.commands.context import EXIT_SOME_FAILED, CliContext, exit_with
from inkship.scenarios.loader import Scenario, ScenarioFileError, load_scenario
from inkship.scenarios.steps import ScenarioFailure, ScenarioRun
from inkship.scenarios.world import World, WorldError

SCENARIO_DIR = Path(__file__).parent
SUFFIXES = (".yaml", ".yml")
PASSED, FAILED, ERROR = "passed", "failed", "error"


def execute(scenario: Scenario, *, sockets: bool = False) -> None:
    """Play a loaded scenario in a new world; raises ScenarioFailure or WorldError (or a connector crash)."""
    with tempfile.TemporaryDirectory(prefix="inkship-scenario-") as workdir:
        try:
            world = World(scenario.data.get("given") or {}, Path(workdir), sockets=sockets).start()
        except WorldError as exc:
            raise WorldError(f"{scenario.where(['given'])}: {exc}") from None
        with world:
            ScenarioRun(scenario, world).run()


@dataclass
class ScenarioResult:
    path: Path
    name: str
    outcome: str  # passed | failed (an expectation) | error (a broken file, a refused step, a crash)
    seconds: float
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == PASSED


def run_scenario(path: Path | str, *, sockets: bool = False) -> ScenarioResult:
    """Load, check and play one file; every way it can go wrong becomes a result, never an exception."""
    path = Path(path)
    started = time.perf_counter()

    def result(outcome: str, message: str = "", name: str = path.stem) -> ScenarioResult:
        return ScenarioResult(path, name, outcome, time.perf_counter() - started, message)

    try:
        scenario = load_scenario(path)
    except ScenarioFileError as exc:
        return result(ERROR, str(exc))
    try:
        execute(scenario, sockets=sockets)
    except ScenarioFailure as exc:
        return result(FAILED, str(exc), scenario.name)
    except WorldError as exc:
        return result(ERROR, str(exc), scenario.name)
    except Exception:  # noqa: BLE001 - a connector that crashes is a result to report, not to raise
        return result(ERROR, f"{path}: the run crashed:\n{traceback.format_exc()}", scenario.name)
    return result(PASSED, name=scenario.name)


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """Scenario files under each directory (recursively, sorted) and each file named."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def junit_xml(results: list[ScenarioResult], suite: str = "inkship scenarios") -> ET.ElementTree:
    cases = ET.Element("testsuite", {
        "name": suite, "tests": str(len(results)),
        "failures": str(sum(r.outcome == FAILED for r in results)),
        "errors": str(sum(r.outcome == ERROR for r in results)),
        "time": f"{sum(r.seconds for r in results):.3f}"})
    for r in results:
        case = ET.SubElement(cases, "testcase", {"classname": f"scenarios.{r.path.stem}", "name": r.name,
                                                 "file": str(r.path), "time": f"{r.seconds:.3f}"})
        if not r.ok:
            kind = "failure" if r.outcome == FAILED else "error"
            ET.SubElement(case, kind, {"message": r.message.splitlines()[0] if r.message else kind}).text = \
                r.message
    root = ET.Element("testsuites")
    root.append(cases)
    return ET.ElementTree(root)


@contextmanager
def quiet_logs(verbosity: int) -> Iterator[None]:
    """Scenarios inject faults, so the connector warns on purpose: its logs only with -v."""
    if verbosity > 0:
        yield
        return
    before = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(before)


@click.group()
def scenario() -> None:
    """Scenario files: the whole flow, end to end, on the simulators, offline."""


@scenario.command("run")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--junit-xml", "junit_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results as JUnit XML, for CI systems.")
@click.option("--sockets", is_flag=True,
              help="Serve the simulators and the webhook receiver on real local sockets (port 0).")
def run(paths: tuple[Path, ...], junit_path: Path | None, sockets: bool) -> None:
    """Run scenario files (default: the bundled suite); exit 1 if any fails. The connector's own
    logs are shown with -v."""
    files = discover(paths or [SCENARIO_DIR])
    if not files:
        raise click.UsageError("no scenario files (*.yaml) found")
    cli = click.get_current_context().find_object(CliContext)
    as_json = bool(cli and cli.as_json)
    results = []
    for path in files:
        with quiet_logs(cli.verbosity if cli else 0):
            outcome = run_scenario(path, sockets=sockets)
        results.append(outcome)
        if not as_json:  # one line per scenario as it finishes; --json gives one document at the end
            click.echo(f"{outcome.outcome.upper():7} {path}  {outcome.name}  ({outcome.seconds:.2f}s)")
            click.echo("".join(f"    {line}\n" for line in outcome.message.splitlines()), nl=False)
    counts = {kind: sum(r.outcome == kind for r in results) for kind in (PASSED, FAILED, ERROR)}
    mode = "over sockets" if sockets else "in process"
    if as_json:
        click.echo(json.dumps({"ok": counts[PASSED] == len(results), "mode": mode, "counts": counts,
                               "scenarios": [{"path": str(r.path), "name": r.name, "outcome": r.outcome,
                                              "seconds": round(r.seconds, 3), "message": r.message}
                                             for r in results]}))
    else:
        click.echo(f"{len(results)} scenarios {mode}: {counts[PASSED]} passed, {counts[FAILED]} failed, "
                   f"{counts[ERROR]} errors, in {sum(r.seconds for r in results):.1f}s")
    if junit_path is not None:
        junit_xml(results).write(junit_path, encoding="utf-8", xml_declaration=True)
    if counts[FAILED] or counts[ERROR]:
        exit_with(EXIT_SOME_FAILED)

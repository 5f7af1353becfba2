"""The inkship pytest plugin (entry point `pytest11`): simulator fixtures, `--inkship-sockets`, and
`--inkship-scenarios DIR` to collect your own scenario files.

Loading it costs nothing: every import of Flask, requests or the simulators happens inside a fixture
or a collected scenario, so a run that uses none of them never loads them.

Fixtures: `sim_clock` (one SimClock shared by the others), `shipstation_sim` and `inksoft_sim` (handles
on fresh simulators serving the real hosts, see inkship.testing.mock), `print_shop` (both, seeded).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from inkship.simulators.clock import SimClock
    from inkship.testing.handles import InkSoftSim, ShipStationSim
    from inkship.testing.world import PrintShop

SOCKETS_OPTION = "--inkship-sockets"
SOCKETS_ENV = "INKSHIP_SOCKETS"
SCENARIOS_OPTION = "--inkship-scenarios"
SCENARIO_SUFFIXES = (".yaml", ".yml")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("inkship", "inkship simulators")
    group.addoption(SOCKETS_OPTION, action="store_true", default=False,
                    help="serve the simulators on local sockets (port 0) instead of in process; "
                         f"also {SOCKETS_ENV}=1")
    group.addoption(SCENARIOS_OPTION, action="append", default=[], metavar="DIR",
                    help="collect the scenario files (*.yaml) under DIR as tests (repeatable)")


def sockets_wanted(config: pytest.Config) -> bool:
    """True with --inkship-sockets or INKSHIP_SOCKETS=1: the same tests, over real sockets."""
    return bool(config.getoption(SOCKETS_OPTION, default=False)) or os.environ.get(SOCKETS_ENV, "") in (
        "1", "true", "yes")


def scenario_dirs(config: pytest.Config) -> list[Path]:
    return [Path(d).resolve() for d in config.getoption(SCENARIOS_OPTION, default=[]) or []]


def claimed_by_scenario_dirs(config: pytest.Config, file_path: Path) -> bool:
    """True for a YAML file under an --inkship-scenarios directory (this plugin collects it)."""
    path = file_path.resolve()
    return path.suffix in SCENARIO_SUFFIXES and any(path.is_relative_to(d) for d in scenario_dirs(config))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "inkship_sockets: the simulators run over real sockets in this test")
    # Paths named on the command line are what the user wants run; otherwise (testpaths, or the
    # current directory) the scenario directories join the collection.
    named_paths = getattr(config, "args_source", None) == pytest.Config.ArgsSource.ARGS
    for directory in scenario_dirs(config):
        if not directory.is_dir():
            raise pytest.UsageError(f"{SCENARIOS_OPTION} {directory}: no such directory")
        if not named_paths and str(directory) not in config.args:
            config.args.append(str(directory))


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if claimed_by_scenario_dirs(parent.config, file_path):
        return KitScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioItem(pytest.Item):
    """A scenario file as one test; failures whose message says it all are shown without a traceback.

    Subclasses say how to run the file (`run_file`) and which exceptions are readable (`readable`).
    """

    def readable(self) -> tuple[type[BaseException], ...]:
        return ()

    def run_file(self, sockets: bool) -> None:
        raise NotImplementedError

    def runtest(self) -> None:
        self.run_file(sockets_wanted(self.config))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, self.readable()):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"scenario: {self.path.name}"


class ScenarioFile(pytest.File):
    """One item per file, loaded when run: a broken file is one failing test, not a collection error."""

    item_class: type[ScenarioItem] = ScenarioItem

    def collect(self) -> list[pytest.Item]:
        return [self.item_class.from_parent(self, name=self.path.stem)]


class KitScenarioItem(ScenarioItem):
    """A test-kit scenario file (docs/testing-your-integration.md): seed, faults, your code, replayed
    exchanges, expectations."""

    def readable(self) -> tuple[type[BaseException], ...]:
        from inkship.testing.fixturefile import FixtureError
        return (FixtureError,)

    def run_file(self, sockets: bool) -> None:
        from inkship.testing.fixturefile import load_fixture, run_fixture
        run_fixture(load_fixture(self.path), sockets=sockets)


class KitScenarioFile(ScenarioFile):
    item_class = KitScenarioItem


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def sim_clock() -> SimClock:
    """One simulated clock (real time until you `freeze` or `advance` it), shared by the simulators."""
    from inkship.simulators.clock import SimClock
    return SimClock()


@pytest.fixture
def shipstation_sim(request: pytest.FixtureRequest, sim_clock: SimClock) -> Iterator[ShipStationSim]:
    """A fresh ShipStation simulator serving https://ssapi.shipstation.com for this test."""
    from inkship.testing.mock import mock_shipstation
    with mock_shipstation(sockets=sockets_wanted(request.config), clock=sim_clock) as sim:
        yield sim


@pytest.fixture
def inksoft_sim(request: pytest.FixtureRequest, sim_clock: SimClock) -> Iterator[InkSoftSim]:
    """A fresh InkSoft simulator serving its default store (https://stores.inksoft.com/demo_print_shop);
    use `mock_inksoft(stores=[...])` for your own store URLs."""
    from inkship.testing.mock import mock_inksoft
    with mock_inksoft(sockets=sockets_wanted(request.config), clock=sim_clock) as sim:
        yield sim


@pytest.fixture
def print_shop(request: pytest.FixtureRequest, sim_clock: SimClock) -> Iterator[PrintShop]:
    """Both simulators, seeded as a small print shop (see inkship.testing.world)."""
    from inkship.testing.world import print_shop as open_print_shop
    with open_print_shop(sockets=sockets_wanted(request.config), clock=sim_clock) as shop:
        yield shop

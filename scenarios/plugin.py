"""pytest plugin: every `scenarios/**/*.yaml` is a test item, played on fresh simulators with the
connector. One user of the test kit's plugin (`inkship.testing.pytest_plugin`): its scenario items,
and its `--inkship-sockets` (or INKSHIP_SOCKETS=1) to play them over real sockets; `--scenario-sockets`
(or INKSHIP_SCENARIO_SOCKETS=1) still does the same. Files under `--inkship-scenarios` directories are
the test kit's, not collected here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from inkship.scenarios.loader import ScenarioFileError, load_scenario
from inkship.scenarios.runner import SUFFIXES, execute
from inkship.scenarios.steps import ScenarioFailure
from inkship.scenarios.world import WorldError

from inkship.testing import pytest_plugin as kit

SOCKETS_OPTION = "--scenario-sockets"
SOCKETS_ENV = "INKSHIP_SCENARIO_SOCKETS"
# Failures whose message says it all: shown without a traceback.
READABLE = (ScenarioFileError, ScenarioFailure, WorldError)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(SOCKETS_OPTION, action="store_true", default=False,
                     help=f"play scenario files over real sockets (port 0); same as {kit.SOCKETS_OPTION}")


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in SUFFIXES and not kit.claimed_by_scenario_dirs(parent.config, file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def sockets_wanted(config: pytest.Config) -> bool:
    return (bool(config.getoption(SOCKETS_OPTION, default=False))
            or os.environ.get(SOCKETS_ENV, "") in ("1", "true", "yes") or kit.sockets_wanted(config))


class ScenarioItem(kit.ScenarioItem):
    def readable(self) -> tuple[type[BaseException], ...]:
        return READABLE

    def runtest(self) -> None:
        self.run_file(sockets_wanted(self.config))

    def run_file(self, sockets: bool) -> None:
        execute(load_scenario(self.path), sockets=sockets)


class ScenarioFile(kit.ScenarioFile):
    item_class = ScenarioItem

"""pytest plugin: every `scenarios/**/*.yaml` is a test item; `--scenario-sockets` (or
INKSHIP_SCENARIO_SOCKETS=1) plays them over real sockets instead of in process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from inkship.scenarios.loader import ScenarioFileError, load_scenario
from inkship.scenarios.runner import SUFFIXES, execute
from inkship.scenarios.steps import ScenarioFailure
from inkship.scenarios.world import WorldError

SOCKETS_OPTION = "--scenario-sockets"
SOCKETS_ENV = "INKSHIP_SCENARIO_SOCKETS"
# Failures whose message says it all: shown without a traceback.
READABLE = (ScenarioFileError, ScenarioFailure, WorldError)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(SOCKETS_OPTION, action="store_true", default=False,
                     help="play scenario files over real sockets (port 0) instead of in process")


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in SUFFIXES:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def sockets_wanted(config: pytest.Config) -> bool:
    return bool(config.getoption(SOCKETS_OPTION, default=False)) or os.environ.get(SOCKETS_ENV, "") in (
        "1", "true", "yes")


class ScenarioFile(pytest.File):
    def collect(self) -> list[pytest.Item]:
        # Loaded when run, not here: a broken file is then one failing item, not a collection error
        # that would stop the whole session.
        return [ScenarioItem.from_parent(self, name=self.path.stem)]


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        execute(load_scenario(self.path), sockets=sockets_wanted(self.config))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, READABLE):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"scenario: {self.path.name}"

"""Helpers shared by the CLI, web and demo tests: both simulators in process, seeded with the demo's
print shop, a requests session routed to them, and a config file pointing at them. No tests here."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result
from inkship.connector.cli import main
from inkship.connector.commands.context import CliContext, Runtime
from inkship.connector.logging import OUR_LOGGERS
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.shipstation.app import create_app as create_shipstation_app
from inkship.simulators.transport import mount_app, route_session

from inkship.demo.data import seed_document
from inkship.demo.story import demo_config_text

INKSOFT = "http://inksoft.test"
SHIPSTATION = "http://shipstation.test"
RECEIVER = "http://receiver.test"
TOKEN = "tok-9f8e7d6c5b4a39281706"


@dataclass
class Sims:
    inksoft: Any
    shipstation: Any
    session: requests.Session
    webhook_session: requests.Session
    credentials: SimCredentials

    def control(self, app: Any, method: str, path: str, body: Any = None) -> Any:
        response = app.test_client().open(f"/__sim/{path}", method=method, json=body)
        assert response.status_code < 300, response.get_data(as_text=True)
        return response.get_json()

    def journal(self, app: Any, **filters: str) -> list[dict]:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        return self.control(app, "GET", f"journal?{query}")["requests"]

    def shipstation_state(self) -> dict:
        return self.control(self.shipstation, "GET", "state")

    def inksoft_state(self) -> dict:
        return self.control(self.inksoft, "GET", "state")

    def create_labels(self, body: dict) -> list[dict]:
        return self.control(self.shipstation, "POST", "labels", body)["shipments"]

    def serve_receiver(self, app: Any) -> None:
        """Deliver the ShipStation simulator's webhooks to `app` at RECEIVER."""
        mount_app(self.webhook_session, RECEIVER, app)


def make_sims(order_count: int | None = None) -> Sims:
    credentials = SimCredentials()
    webhook_session = requests.Session()
    inksoft = create_inksoft_app({"credentials": credentials})
    # public_base_url: labels created through the test client still name the routed host in webhooks.
    shipstation = create_shipstation_app({"credentials": credentials, "rate_limit": None,
                                          "webhook_session": webhook_session, "public_base_url": SHIPSTATION})
    sims = Sims(inksoft, shipstation, route_session({INKSOFT: inksoft, SHIPSTATION: shipstation}),
                webhook_session, credentials)
    sims.control(inksoft, "POST", "seed", seed_document(credentials.inksoft_store, credentials, order_count))
    return sims


def write_config(directory: Path, credentials: SimCredentials) -> Path:
    """The demo's configuration, pointed at the routed simulators."""
    path = directory / "inkship.toml"
    path.write_text(demo_config_text(inksoft_url=INKSOFT, shipstation_url=SHIPSTATION,
                                     credentials=credentials, database=directory / "state.sqlite3",
                                     token=TOKEN))
    return path


@contextmanager
def logging_restored() -> Iterator[None]:
    """Undo what the commands' setup_logging does to global logging, so other tests see it untouched."""
    levels = {name: logging.getLogger(name).level for name in OUR_LOGGERS}
    handlers = list(logging.getLogger().handlers)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        for handler in logging.getLogger().handlers:
            if handler not in handlers:
                logging.getLogger().removeHandler(handler)


@pytest.fixture
def isolated_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No INKSHIP_* variable from the shell, and global logging restored afterwards."""
    for name in list(os.environ):
        if name.startswith("INKSHIP_"):
            monkeypatch.delenv(name)
    with logging_restored():
        yield


def invoke(sims: Sims, config: Path | None, *args: str, runtime: Runtime | None = None) -> Result:
    options = ["--config", str(config)] if config is not None else []
    return CliRunner().invoke(main, [*options, *args], obj=runtime or Runtime(session=sims.session))


def cli_context(sims: Sims, config: Path) -> CliContext:
    """What a command gets from click: for tests that drive the command's pieces (engine, state store)."""
    return CliContext(str(config), as_json=False, verbosity=0, runtime=Runtime(session=sims.session))


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


class CapturedServe:
    """Stands in for the server loop of `inkship serve`: records what it was asked to serve."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, str, int]] = []

    def __call__(self, app: Any, host: str, port: int) -> None:
        self.calls.append((app, host, port))

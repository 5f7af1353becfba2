"""Issue 10, defect 10, in a real process over real sockets: SIGTERM stops `inkship run` within seconds
while ShipStation answers every call with 429 and a 60-second reset, and the next pass resumes."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from inkship.connector.cli import main
from inkship.connector.commands.context import Runtime
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app as create_shipstation_app

from inkship.demo.data import seed_document
from inkship.demo.story import demo_config_text
from tests.connector.test_cli_support import isolated_cli  # noqa: F401 - a fixture

pytestmark = [pytest.mark.sockets, pytest.mark.usefixtures("isolated_cli")]

# Far below the minutes of back-off that six 60-second resets would take; generous for a cold start.
DEADLINE = 30.0


@pytest.fixture
def storm(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    credentials = SimCredentials()
    config = {"credentials": credentials, "rate_limit": None}
    with ThreadedServer(create_inksoft_app(config)) as inksoft, \
            ThreadedServer(create_shipstation_app(config)) as shipstation:
        requests.post(f"{inksoft.url}/__sim/seed", json=seed_document(credentials.inksoft_store, credentials),
                      timeout=10).raise_for_status()
        requests.post(f"{shipstation.url}/__sim/faults", timeout=10, json={
            "id": "storm", "method": "*", "path": "/orders", "action": "status", "status": 429,
            "headers": {"X-Rate-Limit-Reset": "60", "X-Rate-Limit-Remaining": "0"},
            "body": {"message": "Too Many Requests"}}).raise_for_status()
        path = tmp_path / "inkship.toml"
        path.write_text(demo_config_text(inksoft_url=inksoft.url, shipstation_url=shipstation.url,
                                         credentials=credentials, database=tmp_path / "state.sqlite3",
                                         token="storm-test-token-123456"))
        yield path, shipstation.url


def _lines(stream: object, into: queue.Queue) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)
    into.put(None)


def test_sigterm_in_a_429_storm_stops_run_within_seconds_and_the_next_pass_resumes(storm):
    config, shipstation_url = storm
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKSHIP_")}
    with subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "inkship", "--config", str(config), "run", "--interval", "3600"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**env, "PYTHONUNBUFFERED": "1"}) as process:
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
        try:
            seen: list[str] = []
            while not any("retrying in 60.0 s" in line for line in seen):
                line = lines.get(timeout=DEADLINE)
                assert line is not None, "".join(seen)
                seen.append(line)

            process.send_signal(signal.SIGTERM)

            code = process.wait(timeout=DEADLINE)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 1  # the pass in hand did not finish: its orders wait for the next one

    requests.delete(f"{shipstation_url}/__sim/faults", timeout=10).raise_for_status()
    result = CliRunner().invoke(main, ["--config", str(config), "sync"], obj=Runtime())
    assert result.exit_code == 0, result.output
    assert "Import: 5 created" in result.output

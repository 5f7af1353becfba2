"""`inkship run` in a real process over real sockets: SIGTERM or Ctrl-C (SIGINT) stops it cleanly
after the pass in hand, without waiting out the interval."""

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
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app as create_shipstation_app

from inkship.demo.data import seed_document
from inkship.demo.story import demo_config_text

pytestmark = pytest.mark.sockets

DEADLINE = 30.0  # generous bound for a cold interpreter start on a slow CI machine


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Path]:
    credentials = SimCredentials()
    config = {"credentials": credentials}
    with ThreadedServer(create_inksoft_app(config)) as inksoft, \
            ThreadedServer(create_shipstation_app(config)) as shipstation:
        import requests

        requests.post(f"{inksoft.url}/__sim/seed", json=seed_document(credentials.inksoft_store, credentials),
                      timeout=10).raise_for_status()
        path = tmp_path / "inkship.toml"
        path.write_text(demo_config_text(inksoft_url=inksoft.url, shipstation_url=shipstation.url,
                                         credentials=credentials, database=tmp_path / "state.sqlite3",
                                         token="signal-test-token-123456"))
        yield path


def _lines(stream: object, into: queue.Queue) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)
    into.put(None)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_stops_after_the_pass_in_hand(config: Path, signum: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKSHIP_")}
    with subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-c", "from connector.cli import main; main()", "--config", str(config),
             "run", "--interval", "3600"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**env, "PYTHONUNBUFFERED": "1"}) as process:
        lines: queue.Queue = queue.Queue()
        reader = threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        try:
            seen = []
            while not any(line.startswith("Ship-back") for line in seen):
                line = lines.get(timeout=DEADLINE)
                assert line is not None, "".join(seen)
                seen.append(line)

            process.send_signal(signum)

            assert process.wait(timeout=DEADLINE) == 0
            reader.join(timeout=DEADLINE)
            seen += list(iter(lines.get_nowait, None))
        finally:
            if process.poll() is None:
                process.kill()
    output = "".join(seen)
    assert "Import: 5 created" in output
    assert "stopped after 1 pass" in output
    assert "Traceback" not in output

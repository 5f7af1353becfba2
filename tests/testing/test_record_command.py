"""`inkship record` as a user runs it: a process listening on a port, forwarding to the API, writing the
file as it goes, stopped with Ctrl-C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app

pytestmark = pytest.mark.sockets

CREDENTIALS = SimCredentials(shipstation_api_key="live-key-5e21c", shipstation_api_secret="live-secret-9a7f0")
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)  # polling a port the child process is opening, not timing the test
    raise AssertionError("inkship record did not start listening")


def test_the_record_command_forwards_writes_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    out, port = tmp_path / "session.yaml", free_port()
    with ThreadedServer(create_app({"credentials": CREDENTIALS, "rate_limit": None})) as api:
        process = subprocess.Popen(
            [sys.executable, "-m", "inkship", "record", "--target", api.url, "--port", str(port),
             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_until_listening(port, process)
            auth = (CREDENTIALS.shipstation_api_key, CREDENTIALS.shipstation_api_secret)
            answer = requests.get(f"http://127.0.0.1:{port}/stores", auth=auth, timeout=10)
        finally:
            process.send_signal(signal.SIGINT)
            _, errors = process.communicate(timeout=30)
    assert answer.status_code == 200 and answer.json()[0]["storeId"] == 310001
    assert process.returncode == 0, errors
    assert "GET /stores -> 200" in errors and "1 exchanges recorded" in errors
    text = out.read_text(encoding="utf-8")
    assert CREDENTIALS.shipstation_api_key not in text and CREDENTIALS.shipstation_api_secret not in text
    [exchange] = yaml.safe_load(text)["exchanges"]
    assert exchange["request"] == {"method": "GET", "path": "/stores", "auth": "<authorization>"}

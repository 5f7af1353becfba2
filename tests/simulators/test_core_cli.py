"""`inkship sim` and SimCredentials: start both servers, print where they are, stop on SIGTERM."""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import inkship.simulators.cli as sim_cli
import pytest
import requests
from click.testing import CliRunner
from inkship.connector.cli import main
from inkship.connector.logging import OUR_LOGGERS
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.server import DEFAULT_THREADS, ThreadedServer

from tests.conftest import create_toy_app


def test_credentials_defaults() -> None:
    creds = SimCredentials.from_env({})
    assert creds == SimCredentials()
    assert (creds.shipstation_api_key, creds.shipstation_api_secret) == ("sim-key", "sim-secret")
    assert (creds.inksoft_store, creds.inksoft_api_key) == ("demo_print_shop", "sim-inksoft-key")
    assert (creds.inksoft_username, creds.inksoft_password) == ("fulfil@example.com", "sim-password")
    assert creds.inksoft_publisher_id == 4242


def test_credentials_from_env() -> None:
    creds = SimCredentials.from_env({"INKSHIP_SIM_SHIPSTATION_API_KEY": "k2", "INKSHIP_SIM_INKSOFT_STORE": "",
                                     "INKSHIP_SIM_INKSOFT_PUBLISHER_ID": "77"})
    assert (creds.shipstation_api_key, creds.inksoft_store, creds.inksoft_publisher_id) == \
        ("k2", "demo_print_shop", 77)
    with pytest.raises(ValueError, match="INKSHIP_SIM_INKSOFT_PUBLISHER_ID must be an integer"):
        SimCredentials.from_env({"INKSHIP_SIM_INKSOFT_PUBLISHER_ID": "many"})


class RecordingServer(ThreadedServer):
    started: list[ThreadedServer] = []

    def start(self) -> ThreadedServer:
        RecordingServer.started.append(self)
        return super().start()


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """`inkship` sets our loggers to WARNING; put them back, so later tests in this worker still see
    their DEBUG and INFO records (caplog sets only the root's level)."""
    levels = {name: logging.getLogger(name).level for name in OUR_LOGGERS}
    handlers = list(logging.getLogger().handlers)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger().handlers[:] = handlers


@pytest.fixture
def toy_simulators(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Replace both simulator apps by toy apps and record the config each factory was given."""
    configs: list[dict] = []

    def factory(config: dict) -> object:
        configs.append(config)
        return create_toy_app()

    monkeypatch.setattr(sim_cli, "_app_factories", lambda: (factory, factory))
    RecordingServer.started = []
    monkeypatch.setattr(sim_cli, "ThreadedServer", RecordingServer)
    return configs


def stop_when_serving(statuses: list[int]) -> threading.Thread:
    """Once the command waits for a signal, call both servers, then send SIGTERM to this process."""
    original = signal.getsignal(signal.SIGTERM)

    def run() -> None:
        deadline = time.monotonic() + 10
        while signal.getsignal(signal.SIGTERM) is original and time.monotonic() < deadline:
            time.sleep(0.005)
        statuses.extend(requests.get(f"{server.url}/echo", timeout=5).status_code
                        for server in RecordingServer.started)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_sim_serves_prints_and_stops_on_sigterm(toy_simulators: list[dict],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_SIM_INKSOFT_STORE", "other_shop")
    original = signal.getsignal(signal.SIGTERM)
    statuses: list[int] = []
    thread = stop_when_serving(statuses)
    result = CliRunner().invoke(main, ["sim", "--inksoft-port", "0", "--shipstation-port", "0",
                                       "--no-seed-demo", "--no-log-requests"])
    thread.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert statuses == [200, 200]
    inksoft, shipstation = (server_url for server_url in
                            (line.split()[-1] for line in result.output.splitlines()
                             if line.startswith(("InkSoft simulator:", "ShipStation simulator:"))))
    assert f"store base URL:       {inksoft}/other_shop" in result.output
    assert "sim-inksoft-key" in result.output and "fulfil@example.com / sim-password" in result.output
    assert "sim-key / sim-secret" in result.output
    assert f"INKSHIP_SHIPSTATION_BASE_URL={shipstation}" in result.output
    assert result.output.rstrip().endswith("Simulators stopped.")
    assert [c["seed_demo"] for c in toy_simulators] == [False, False]
    assert toy_simulators[0]["credentials"].inksoft_store == "other_shop"
    assert signal.getsignal(signal.SIGTERM) is original
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{inksoft}/echo", timeout=5)


def test_sim_reports_a_busy_port(toy_simulators: list[dict]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["sim", "--inksoft-port", "0", "--shipstation-port", str(port)])
    assert result.exit_code == 1
    assert "cannot listen on 127.0.0.1" in result.output
    inksoft_server = RecordingServer.started[0]
    assert inksoft_server._server is None, "the server that did start must be stopped again"


@pytest.mark.sockets
def test_inkship_sim_runs_both_real_simulators_until_sigterm() -> None:
    command = [sys.executable, "-u", "-c", "from connector.cli import main; main()", "sim",
               "--inksoft-port", "0", "--shipstation-port", "0", "--no-log-requests"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKSHIP_SIM_")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,  # noqa: S603
                               env=env)
    try:
        # A reader thread, because select() cannot see lines already in the text buffer.
        printed: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [printed.put(line) for line in process.stdout],  # type: ignore[union-attr]
                                  daemon=True)
        reader.start()
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            lines.append(printed.get(timeout=20).rstrip())
        urls = {line.split(":")[0]: line.split()[-1] for line in lines if "simulator:" in line}
        for url in urls.values():
            assert requests.get(f"{url}/__sim/journal/count", timeout=5).json() == {"count": 0}
        store_url = next(line.split()[-1] for line in lines if "store base URL" in line)
        assert store_url == f"{urls['InkSoft simulator']}/demo_print_shop"
        pages = lines[lines.index("Pages to open in a browser:") + 1:lines.index("Connector settings for "
                                                                                "these simulators:")]
        page_urls = [line.split()[-1] for line in pages if line.startswith("  ")]
        assert len(page_urls) == 9
        for url in page_urls:  # every printed page answers, none with the old control-plane 404
            assert requests.get(url, timeout=5).status_code == 200, url
        assert requests.get(f"{urls['ShipStation simulator']}/__sim/", timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        # Not communicate(): it would race the reader thread for stdout.
        process.wait(timeout=20)
        reader.join(timeout=5)
        err = process.stderr.read()  # type: ignore[union-attr]
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
    assert process.returncode == 0, err
    assert printed.get_nowait().rstrip() == "Simulators stopped."


def test_sim_rate_limit_off_and_threads(toy_simulators: list[dict]) -> None:
    statuses: list[int] = []
    thread = stop_when_serving(statuses)
    result = CliRunner().invoke(main, ["sim", "--inksoft-port", "0", "--shipstation-port", "0",
                                       "--no-log-requests", "--rate-limit", "off", "--threads", "3"])
    thread.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert statuses == [200, 200]
    inksoft_config, shipstation_config = toy_simulators
    assert "rate_limit" not in inksoft_config and shipstation_config["rate_limit"] is None
    assert [server.threads for server in RecordingServer.started] == [3, 3]


def test_sim_rate_limit_real_keeps_shipstations_default(toy_simulators: list[dict]) -> None:
    thread = stop_when_serving([])
    result = CliRunner().invoke(main, ["sim", "--inksoft-port", "0", "--shipstation-port", "0",
                                       "--no-log-requests"])
    thread.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert all("rate_limit" not in config for config in toy_simulators)
    assert [server.threads for server in RecordingServer.started] == [DEFAULT_THREADS, DEFAULT_THREADS]

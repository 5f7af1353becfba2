"""Issue 10, defect 11: `inkship serve` limits request bodies (413 past webhook.max_body_bytes, 1 MB by
default) and runs on waitress with a bounded thread pool and inactivity timeouts; over real sockets."""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from pathlib import Path

import pytest
from inkship.connector.config import Config, WebhookConfig, load_config
from inkship.connector.web.app import create_app
from inkship.connector.web.server import WaitressServer, server_settings

from tests.connector.test_cli_support import TOKEN, make_sims, write_config

MEGABYTE = 1024 * 1024


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, make_sims().credentials), env={})


class CountingFactory:
    def __init__(self) -> None:
        self.built = 0

    def __call__(self) -> object:
        self.built += 1
        raise AssertionError("no request in these tests needs an engine")


def _exchange(url: str, request: bytes, read_timeout: float = 10.0) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=read_timeout) as conn:
        with contextlib.suppress(OSError):  # the server may refuse and close before taking it all
            conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


def _post_head(length_header: str) -> bytes:
    return (f"POST /webhooks/shipstation/{TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"{length_header}\r\n\r\n").encode()


def test_the_default_body_limit_is_one_megabyte():
    assert WebhookConfig().max_body_bytes == MEGABYTE


def test_a_body_past_the_limit_gets_413_before_any_engine_is_involved(config):
    factory = CountingFactory()
    app = create_app(config, factory)

    response = app.test_client().post(f"/webhooks/shipstation/{TOKEN}", data=b"{" + b" " * (2 * MEGABYTE),
                                      content_type="application/json")

    assert response.status_code == 413
    assert response.get_json() == {"ok": False, "error": f"body larger than {MEGABYTE} bytes"}
    assert factory.built == 0


@pytest.mark.sockets
def test_a_300_mb_post_is_refused_over_a_socket_without_being_read(config):
    app = create_app(config, CountingFactory())
    with WaitressServer(app, **server_settings(config.webhook)) as server:
        head = _post_head(f"Content-Length: {300 * MEGABYTE}")
        # A first slice of the body: the server answers from the headers alone and reads no further.
        answer = _exchange(server.url, head + b"{" * 100)

    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.sockets
def test_a_chunked_body_growing_past_the_limit_is_refused_over_a_socket(config):
    small = dataclasses.replace(config, webhook=dataclasses.replace(config.webhook, max_body_bytes=1024))
    app = create_app(small, CountingFactory())
    # Small enough to arrive in one read, so the server's refusal is not lost to a reset.
    chunk = b"%x\r\n%s\r\n" % (256, b" " * 256)
    with WaitressServer(app, **server_settings(small.webhook)) as server:
        head = _post_head("Transfer-Encoding: chunked")
        answer = _exchange(server.url, head + chunk * 6 + b"0\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.sockets
def test_a_silent_connection_is_closed_after_the_request_timeout(config):
    quick = dataclasses.replace(config, webhook=dataclasses.replace(config.webhook, request_timeout=1))
    with WaitressServer(create_app(quick, CountingFactory()), **server_settings(quick.webhook)) as server:
        # Half a request line, then nothing: the connection must not be held open for ever.
        answer = _exchange(server.url, b"POST /webhooks/shipst", read_timeout=20.0)

    assert answer == b""


@pytest.mark.sockets
def test_the_server_runs_the_configured_bounded_pool_and_limits(config):
    tuned = dataclasses.replace(config, webhook=dataclasses.replace(
        config.webhook, threads=3, request_timeout=7, connection_limit=11, max_body_bytes=2048))
    with WaitressServer(create_app(tuned, CountingFactory()), **server_settings(tuned.webhook)) as server:
        adjustments = server._server.adj
        health = _exchange(server.url, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    assert (adjustments.threads, adjustments.channel_timeout, adjustments.connection_limit,
            adjustments.max_request_body_size) == (3, 7, 11, 2048)
    assert health.startswith(b"HTTP/1.1 200") and b"Server: inkship" in health


@pytest.mark.sockets
def test_inkship_serve_stops_cleanly_on_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    path = write_config(tmp_path, make_sims().credentials)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKSHIP_")}
    with subprocess.Popen([sys.executable, "-m", "inkship", "--config", str(path), "serve", "--port", "0"],  # noqa: S603
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env={**env, "PYTHONUNBUFFERED": "1"}) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            assert first.startswith("listening on"), first
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
            rest = process.stdout.read()
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0, rest
    assert "stopped" in rest

"""The proof: one line of code calling the real ShipStation hostname is served by the simulator inside
`mock_shipstation()` and reaches the network outside it.

There is no network here, so a local HTTPS server stands in for ssapi.shipstation.com. Only two things
are arranged for the test, both outside the code under test: name resolution sends
ssapi.shipstation.com to that local server (getaddrinfo is patched, for this test only), and requests
trusts the stand-in's self-signed certificate for that name (REQUESTS_CA_BUNDLE). The URL, TLS and the
hostname check are the real ones: outside the mock the call really crosses a socket to "ShipStation".
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from inkship.testing import mock_shipstation

REAL_HOST = "ssapi.shipstation.com"

pytestmark = pytest.mark.sockets


def list_orders(auth: tuple[str, str]) -> requests.Response:
    """The code under test: plain requests, the real hostname, no knowledge of inkship."""
    return requests.get("https://ssapi.shipstation.com/orders", auth=auth, timeout=10)


def stand_in_app(seen: list[str]) -> Flask:
    app = Flask("stand_in_for_shipstation")

    @app.get("/orders")
    def orders() -> Any:
        seen.append(request.headers.get("Host", ""))
        return jsonify({"orders": [], "total": 0, "page": 1, "pages": 0, "served_by": "stand-in"})
    return app


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the stand-in's certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
                    "-subj", f"/CN={REAL_HOST}", "-addext", f"subjectAltName=DNS:{REAL_HOST}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A TLS server on 127.0.0.1 answering as ssapi.shipstation.com; yields the Host headers it saw."""
    seen: list[str] = []
    cert, key = self_signed_certificate(tmp_path)
    server = make_server("127.0.0.1", 0, stand_in_app(seen), threaded=True, ssl_context=(str(cert), str(key)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    real_getaddrinfo = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == REAL_HOST:
            return real_getaddrinfo("127.0.0.1", server.port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    try:
        yield seen
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_the_real_hostname_is_served_by_the_simulator_inside_the_mock_and_the_network_outside(
        stand_in: list[str]) -> None:
    before = list_orders(("any-key", "any-secret"))
    assert before.json()["served_by"] == "stand-in" and stand_in == [REAL_HOST]

    with mock_shipstation() as sim:
        sim.add_orders({"orderNumber": "1001"})
        inside = list_orders(sim.auth)
        refused = list_orders(("any-key", "any-secret"))
    assert inside.status_code == 200 and "served_by" not in inside.json()
    assert [o["orderNumber"] for o in inside.json()["orders"]] == ["1001"]
    assert refused.status_code == 401  # the simulator checks ShipStation's Basic auth
    assert sim.count("GET", "/orders") == 2
    assert stand_in == [REAL_HOST]  # nothing reached the network while the mock was active

    after = list_orders(("any-key", "any-secret"))
    assert after.json()["served_by"] == "stand-in" and stand_in == [REAL_HOST, REAL_HOST]

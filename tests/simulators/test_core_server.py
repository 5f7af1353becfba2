"""ThreadedServer and the fault hooks over real sockets on port 0."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask import Flask
from inkship.simulators.control import current_sim
from inkship.simulators.server import ThreadedServer

pytestmark = pytest.mark.sockets

Serve = Callable[[Flask], ThreadedServer]


def add_fault(base: str, rule: dict) -> None:
    requests.post(f"{base}/__sim/faults", json=rule, timeout=5).raise_for_status()


def items(toy_app: Flask) -> dict:
    with toy_app.app_context():
        return current_sim().dump()["items"]


def test_start_serve_stop(toy_app: Flask) -> None:
    server = ThreadedServer(toy_app)
    with pytest.raises(RuntimeError):
        _ = server.url
    with server:
        assert server.url.startswith("http://127.0.0.1:")
        assert requests.get(f"{server.url}/echo", timeout=5).json()["method"] == "GET"
        with pytest.raises(RuntimeError):
            server.start()
        url = server.url
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/echo", timeout=5)
    server.stop()


def test_threaded_server_fixture(threaded_server: Serve, toy_app: Flask) -> None:
    first, second = threaded_server(toy_app), threaded_server(toy_app)
    assert first.url != second.url
    assert requests.get(f"{second.url}/xml", timeout=5).text.startswith("<Orders>")


@pytest.mark.parametrize("stage, kept", [("before", {}), ("after", {"a": 1})])
def test_drop_over_a_socket_is_a_connection_error(threaded_server: Serve, toy_app: Flask,
                                                  stage: str, kept: dict) -> None:
    base = threaded_server(toy_app).url
    add_fault(base, {"action": "drop", "path": "^/items/", "stage": stage, "times": 1})
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{base}/items/a", json=1, timeout=5)
    assert items(toy_app) == kept
    assert requests.post(f"{base}/items/b", json=2, timeout=5).status_code == 201


def test_delay_over_a_socket_trips_the_read_timeout(threaded_server: Serve, toy_app: Flask) -> None:
    base = threaded_server(toy_app).url
    add_fault(base, {"action": "delay", "delay": 0.2, "path": "^/echo", "times": 1})
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{base}/echo", timeout=(5, 0.02))
    add_fault(base, {"action": "delay", "delay": 0.01, "path": "^/xml"})
    assert requests.get(f"{base}/xml", timeout=5).status_code == 200


def test_malformed_and_empty_over_a_socket(threaded_server: Serve, toy_app: Flask) -> None:
    base = threaded_server(toy_app).url
    add_fault(base, {"action": "malformed", "path": "^/echo"})
    add_fault(base, {"action": "empty", "path": "^/xml"})
    truncated = requests.get(f"{base}/echo", timeout=5)
    assert truncated.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        truncated.json()
    empty = requests.get(f"{base}/xml", timeout=5)
    assert (empty.status_code, empty.content) == (200, b"")


def test_concurrent_requests_keep_journal_and_counters_exact(threaded_server: Serve,
                                                             toy_app: Flask) -> None:
    base = threaded_server(toy_app).url
    add_fault(base, {"id": "every-4th", "action": "status", "status": 503, "path": "^/echo",
                     "when": "nth", "n": 4, "repeat": True})
    calls = 120

    def call(i: int) -> int:
        with requests.Session() as session:
            return session.get(f"{base}/echo", params={"i": i}, timeout=5).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(call, range(calls)))
    assert statuses.count(503) == calls // 4
    journal = requests.get(f"{base}/__sim/journal", timeout=5).json()
    assert journal["count"] == calls
    assert sorted(int(e["query"]["i"]) for e in journal["requests"]) == list(range(calls))
    assert len({e["id"] for e in journal["requests"]}) == calls
    assert sum(e["fault"] == "every-4th" for e in journal["requests"]) == calls // 4
    rule = requests.get(f"{base}/__sim/faults", timeout=5).json()["faults"][0]
    assert (rule["calls"], rule["fired"]) == (calls, calls // 4)


def test_concurrent_item_creation_under_the_sim_lock(threaded_server: Serve, toy_app: Flask) -> None:
    base = threaded_server(toy_app).url
    barrier = threading.Barrier(8)

    def create(worker: int) -> None:
        barrier.wait(timeout=5)
        with requests.Session() as session:
            for n in range(10):
                session.post(f"{base}/items/{worker}-{n}", data=json.dumps(n),
                             headers={"Content-Type": "application/json"}, timeout=5).raise_for_status()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(8)))
    assert len(items(toy_app)) == 80


def test_connections_are_kept_alive(toy_app: Flask) -> None:
    with ThreadedServer(toy_app, threads=2) as server:
        connection = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=5)
        try:
            for _ in range(3):
                connection.request("GET", "/echo")
                response = connection.getresponse()
                assert response.status == 200 and json.loads(response.read())["method"] == "GET"
                assert response.getheader("Connection", "").lower() != "close"
            first_socket = connection.sock
            connection.request("GET", "/echo")
            connection.getresponse().read()
            assert connection.sock is first_socket  # the same connection served every request
        finally:
            connection.close()


def test_log_requests_prints_one_line_per_request(toy_app: Flask, capsys: pytest.CaptureFixture) -> None:
    with ThreadedServer(toy_app, log_requests=True) as server:
        requests.get(f"{server.url}/echo?x=1", timeout=5)
    assert '"GET /echo?x=1 HTTP/1.1" 200 -' in capsys.readouterr().err


def test_threads_must_be_positive(toy_app: Flask) -> None:
    with pytest.raises(ValueError, match="threads"):
        ThreadedServer(toy_app, threads=0)

"""ThreadedServer and the fault hooks over real sockets on port 0."""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from flask import Flask
from inkship.simulators.control import current_sim
from inkship.simulators.server import ThreadedServer, _Channel
from waitress.adjustments import Adjustments

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


# A body far larger than what a socket takes at once (the kernel caps a send buffer at a few MB):
# the server's first send is partial and the rest waits in waitress's queue.
BIG_BODY = bytes(range(256)) * (8 * 4096)


def bodies_app(environ: dict, start_response: Callable) -> list[bytes]:
    """`/big` answers BIG_BODY, anything else its own path."""
    body = BIG_BODY if environ["PATH_INFO"] == "/big" else environ["PATH_INFO"].encode()
    start_response("200 OK", [("Content-Type", "application/octet-stream"),
                              ("Content-Length", str(len(body)))])
    return [body]


def read_response(reader: Any) -> tuple[bytes, dict[str, str], bytes]:
    """One HTTP/1.1 response with a Content-Length: status line, headers (lower-cased names), body."""
    status = reader.readline()
    headers = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, reader.read(int(headers["content-length"]))


def test_answers_the_socket_cannot_take_at_once_arrive_whole_and_in_order() -> None:
    with ThreadedServer(bodies_app, threads=2) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.socket() as client:
            # A small receive window keeps most of the big answer queued on the server's side while
            # the next (pipelined) answer is written behind it.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            client.settimeout(10)  # a garbled answer fails the test instead of hanging it
            client.connect(("127.0.0.1", port))
            client.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            with client.makefile("rb") as reader:
                first, second = read_response(reader), read_response(reader)
    assert first[0].startswith(b"HTTP/1.1 200") and first[2] == BIG_BODY
    assert second[0].startswith(b"HTTP/1.1 200") and second[2] == b"/after"


def test_a_client_gone_mid_answer_leaves_the_server_serving() -> None:
    with ThreadedServer(bodies_app, threads=2) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.socket() as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            # Closed with a reset, not a FIN: the server's next send to it fails.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.settimeout(10)
            client.connect(("127.0.0.1", port))
            client.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)  # the answer has begun
        for _ in range(3):
            answer = requests.get(f"{server.url}/small", timeout=5)
            assert (answer.status_code, answer.content) == (200, b"/small")


class _ServerStandIn:
    """What a channel asks of its server: a registry of channels and a wake-up call for its loop
    (there is no loop here: the test flushes by hand)."""

    def __init__(self) -> None:
        self.active_channels: dict = {}

    def pull_trigger(self) -> None:
        pass


def test_a_write_goes_behind_what_is_queued_even_when_the_socket_has_room() -> None:
    ours, theirs = socket.socketpair()
    theirs.settimeout(10)
    channel = _Channel(_ServerStandIn(), ours, ("peer", 0), Adjustments(), map={})
    try:
        channel.write_soon(BIG_BODY)
        assert 0 < channel.total_outbufs_len < len(BIG_BODY)  # sent in part, the rest queued
        received = theirs.recv(256 * 1024)  # room in the socket again, the queue still waiting
        channel.write_soon(b"tail")
        while len(received) < len(BIG_BODY) + 4:
            channel.handle_write()
            received += theirs.recv(1024 * 1024)
        assert received == BIG_BODY + b"tail"
        channel.write_soon(b"alone")  # nothing queued: straight to the socket
        assert channel.total_outbufs_len == 0 and theirs.recv(16) == b"alone"
    finally:
        channel.handle_close()  # closes its buffers too (a large queue spills to a temporary file)
        theirs.close()

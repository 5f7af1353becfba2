"""Issue 10, defect 10: a slow server cannot hold a pass. Every call has a total deadline (a server that
trickles its answer one byte at a time is cut off), and a stop (SIGTERM, Ctrl-C) ends back-off and
rate-limit waits at once instead of sitting them out."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import responses
from inkship.connector.clients.http import ApiHttp
from inkship.connector.commands.signals import StopFlag
from inkship.connector.errors import Stopped, TransportTimeout

HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 300\r\n"
        b"Connection: close\r\n\r\n")
BODY = b'{"trickled": "' + b"x" * 285 + b'"}'
# 300 bytes 20 ms apart: six seconds for a complete answer, yet never a pause that a read timeout sees.
BYTE_GAP = 0.02


@contextlib.contextmanager
def trickling_server(reply: bytes, gap: float = BYTE_GAP) -> Iterator[str]:
    """A server on port 0 that sends `reply` one byte at a time, `gap` seconds apart, to each connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def serve() -> None:
        listener.settimeout(0.05)
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn, contextlib.suppress(OSError):
                conn.recv(65536)
                for index in range(len(reply)):
                    if stopping.is_set():
                        break
                    conn.sendall(reply[index:index + 1])
                    time.sleep(gap)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stopping.set()
        thread.join()
        listener.close()


@pytest.mark.sockets
@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_server_trickling_its_answer_is_cut_off_at_the_deadline(where):
    # The headers themselves trickle too, before requests has a response to give back.
    status_line, _, headers = HEAD.partition(b"\r\n")
    padding = b"X-Pad: " + b"p" * 280 + b"\r\n"
    reply = HEAD + BODY if where == "body" else status_line + b"\r\n" + padding + headers + BODY
    with trickling_server(reply) as url:
        http = ApiHttp("slow", url, timeout=1.0, deadline=0.4, max_attempts=1)

        with pytest.raises(TransportTimeout, match="no complete answer within 0.4 s"):
            http.request("GET", "orders")


@pytest.mark.sockets
def test_the_deadline_leaves_the_connection_pool_usable():
    with trickling_server(HEAD + BODY) as url:
        http = ApiHttp("slow", url, timeout=1.0, deadline=0.2, max_attempts=1)
        with pytest.raises(TransportTimeout):
            http.request("GET", "orders")
    fast = b'{"ok": true}'
    quick = b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\n" + fast
    with trickling_server(quick, gap=0) as url:  # a healthy server: its answer comes at once
        http.base_url = url + "/"
        http.deadline = 5.0
        assert http.request_json("GET", "orders") == {"ok": True}


class StoppedDuringWait(StopFlag):
    """A stop flag that a signal sets while the client sleeps its first wait."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.set(15, None)  # SIGTERM


@responses.activate
def test_a_stop_during_a_429_wait_ends_the_call_instead_of_retrying():
    responses.get("https://api.example.test/orders", status=429, headers={"X-Rate-Limit-Reset": "60"})
    flag = StoppedDuringWait()
    http = ApiHttp("storm", "https://api.example.test", sleep=flag.sleep, stop=flag, max_attempts=6)

    with pytest.raises(Stopped):
        http.request("GET", "orders")

    assert len(responses.calls) == 1 and flag.waits == [60.0]


@responses.activate
def test_once_stopping_no_call_is_sent_and_no_wait_is_sat_out():
    responses.get("https://api.example.test/orders", json={})
    flag = StopFlag()
    flag.set(2, None)  # SIGINT
    http = ApiHttp("storm", "https://api.example.test", stop=flag)

    with pytest.raises(Stopped, match="not sent: stopping"):
        http.request("GET", "orders")
    assert len(responses.calls) == 0


def test_a_real_wait_wakes_when_the_stop_comes():
    flag = StopFlag()
    http = ApiHttp("storm", "https://api.example.test", stop=flag)
    threading.Timer(0.2, flag.set, args=(15, None)).start()

    with pytest.raises(Stopped, match="instead of waiting 3600.0 s"):
        http._pause(3600)  # would be an hour without the stop

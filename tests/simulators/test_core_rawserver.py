"""RawServer: wire faults (lying Content-Length, bad chunks) as `requests` really sees them."""

from __future__ import annotations

import pytest
import requests
from inkship.simulators.rawserver import RawServer, chunked_reply, http_reply

pytestmark = pytest.mark.sockets


def test_honest_reply_and_request_capture() -> None:
    with RawServer(http_reply(b'{"ok": true}')) as server:
        response = requests.post(f"{server.url}/orders?x=1", json={"n": 1}, timeout=5)
        assert response.json() == {"ok": True}
        assert server.requests[0].startswith(b"POST /orders?x=1 HTTP/1.1\r\n")
        assert server.requests[0].endswith(b'{"n": 1}')


def test_body_shorter_than_declared_is_a_chunked_encoding_error() -> None:
    with RawServer(http_reply(b'{"orders": [', content_length=500)) as server, \
            pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{server.url}/orders", timeout=5)


def test_body_longer_than_declared_is_cut_to_broken_json() -> None:
    with RawServer(http_reply(b'{"orders": []}', content_length=5)) as server:
        response = requests.get(f"{server.url}/orders", timeout=5)
        assert response.content == b'{"ord'
        with pytest.raises(requests.JSONDecodeError):
            response.json()


def test_bad_chunk_is_a_chunked_encoding_error() -> None:
    with RawServer(chunked_reply([b'{"a": ', b"1}"], bad_chunk=True)) as server, \
            pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{server.url}/x", timeout=5)
    with RawServer(chunked_reply([b'{"a": ', b"1}"])) as server:
        assert requests.get(f"{server.url}/x", timeout=5).json() == {"a": 1}


def test_reply_can_depend_on_the_request() -> None:
    def reply(request: bytes) -> bytes:
        return http_reply(b"{}" if b"/good" in request else b"", status=200 if b"/good" in request else 502)

    with RawServer(reply) as server:
        assert requests.get(f"{server.url}/good", timeout=5).status_code == 200
        assert requests.get(f"{server.url}/bad", timeout=5).status_code == 502
        assert len(server.requests) == 2


def test_url_needs_a_started_server() -> None:
    server = RawServer(b"")
    with pytest.raises(RuntimeError):
        _ = server.url
    server.stop()

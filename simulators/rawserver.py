"""A tiny raw-socket HTTP server for wire faults a Flask app cannot produce (after requests' test suite).

Each connection gets one canned reply, written byte for byte, then the socket is closed:
`http_reply(..., content_length=N)` can declare a length the body does not have, and
`chunked_reply(chunks, bad_chunk=True)` sends a chunk whose size line lies.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from types import TracebackType

# How often the accept loop checks whether stop() was called.
ACCEPT_POLL_SECONDS = 0.02
MAX_REQUEST_BYTES = 1024 * 1024


def _head(status: int, headers: Mapping[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def http_reply(body: bytes, status: int = 200, content_type: str = "application/json",
               content_length: int | None = None) -> bytes:
    """A complete reply; `content_length` (default: the true length) may lie about the body."""
    length = len(body) if content_length is None else content_length
    headers = {"Content-Type": content_type, "Content-Length": str(length), "Connection": "close"}
    return _head(status, headers) + body


def chunked_reply(chunks: Iterable[bytes], status: int = 200, content_type: str = "application/json",
                  bad_chunk: bool = False) -> bytes:
    """A chunked reply; with `bad_chunk` the last chunk's size line is not hexadecimal."""
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks]
    if bad_chunk:
        parts.append(b"zz\r\nnot a chunk\r\n")
    headers = {"Content-Type": content_type, "Transfer-Encoding": "chunked", "Connection": "close"}
    return _head(status, headers) + b"".join(parts) + b"0\r\n\r\n"


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < MAX_REQUEST_BYTES:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class RawServer:
    """Answers every connection with `reply` (bytes, or a function of the raw request bytes)."""

    def __init__(self, reply: bytes | Callable[[bytes], bytes], host: str = "127.0.0.1") -> None:
        self._reply = reply if callable(reply) else (lambda _request: reply)
        self.host = host
        self.requests: list[bytes] = []
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._listener is None:
            raise RuntimeError("the server is not started")
        return f"http://{self.host}:{self._listener.getsockname()[1]}"

    def start(self) -> RawServer:
        self._listener = socket.create_server((self.host, 0))
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, args=(self._listener,), daemon=True)
        self._thread.start()
        return self

    def _serve(self, listener: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            while not self._stopping.is_set():
                if not selector.select(ACCEPT_POLL_SECONDS):
                    continue
                conn, _ = listener.accept()
                # OSError: the client hung up first; that is its business, not a server failure.
                with conn, contextlib.suppress(OSError):
                    request = _read_request(conn)
                    self.requests.append(request)
                    conn.sendall(self._reply(request))

    def stop(self) -> None:
        if self._listener is None or self._thread is None:
            return
        self._stopping.set()
        self._thread.join()
        self._listener.close()
        self._listener = None
        self._thread = None

    def __enter__(self) -> RawServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

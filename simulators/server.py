"""Serve a WSGI app over a real socket on a daemon thread (after moto's ThreadedMotoServer)."""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server, select_address_family

# How often serve_forever checks for shutdown; stop() waits up to this long.
SHUTDOWN_POLL_SECONDS = 0.02


class _QuietRequestHandler(WSGIRequestHandler):
    """Does not print a line per request; tests and scenario runs would drown in them."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class ThreadedServer:
    """`start()` binds (port 0 picks a free port) and serves; `stop()` shuts down and joins."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, log_requests: bool = False) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._handler = WSGIRequestHandler if log_requests else _QuietRequestHandler
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not started")
        return f"http://{self.host}:{self._server.port}"

    def start(self) -> ThreadedServer:
        if self._server is not None:
            raise RuntimeError("the server is already started")
        # We bind the socket ourselves so a busy port raises OSError here (werkzeug would print and
        # exit). It is listening before serve_forever runs, so the server is ready: a client
        # connecting now waits in the backlog until it is accepted.
        family = select_address_family(self.host, self.port)
        with socket.create_server((self.host, self.port), family=family) as listening:
            self._server = make_server(self.host, self.port, self.app, threaded=True,
                                       request_handler=self._handler, fd=listening.fileno())
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"sim-server-{self.url}",
                                        kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
        self._server = None
        self._thread = None

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

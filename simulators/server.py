"""Serve a WSGI app over a real socket on a daemon thread (after moto's ThreadedMotoServer), on waitress.

waitress is a production WSGI server in pure Python: keep-alive connections, a fixed pool of worker
threads, no development-server warnings. `ThreadedServer` keeps the small interface tests, the demo
and `inkship sim` use: `start()` (port 0 picks a free port), `url`, `stop()`, and `with`.
"""

from __future__ import annotations

import logging
import socket
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from inkship.simulators.control import ENV_DROP_CONNECTION
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import WSGITask

from inkship.threaded_waitress import ThreadedWaitress

DEFAULT_THREADS = 8
# Keep-alive connections idle this long are closed (waitress checks about once a second).
IDLE_CONNECTION_SECONDS = 120


# waitress warns each time a request waits for a free worker; under a benchmark's load that is expected.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class _DroppableTask(WSGITask):
    """A request the control plane can drop: nothing of its answer is written, and the connection is
    closed by the server's own loop once the task ends (a socket shut from a worker thread races the
    loop's poll, which may then close a new connection that got the same descriptor)."""

    dropped = False

    def get_environment(self) -> dict:
        environ: dict = super().get_environment()
        environ[ENV_DROP_CONNECTION] = self.drop_connection
        return environ

    def drop_connection(self) -> None:
        self.dropped = True
        self.close_on_finish = True

    def write(self, data: bytes) -> None:
        if not self.dropped:
            super().write(data)

    def finish(self) -> None:
        if not self.dropped:
            super().finish()


class _Channel(HTTPChannel):
    """waitress's channel, writing an answer straight to the socket when nothing is queued before it.

    waitress's own `write_soon` copies every write into the channel's buffer and counts it as pending
    before sending it; while a worker is inside `send()`, the server's loop sees the connection as
    writable, fails to take the buffer's lock, and polls again at once, tens of times a request. Sent
    from the caller's bytes, a 200 KB page costs no copy and leaves the loop asleep; only what the
    socket does not take now is queued, the waitress way, for the loop to send."""

    task_class = _DroppableTask

    def write_soon(self, data: bytes) -> int:
        if not isinstance(data, bytes) or not data:
            return int(super().write_soon(data))
        sent = self._send_unless_queued(data)
        if sent < len(data):
            # Only this request's task writes to the channel, so nothing can get in between.
            super().write_soon(data[sent:])
        return len(data)

    def _send_unless_queued(self, data: bytes) -> int:
        """How much of `data` the socket took now; 0 when earlier output still waits (it goes first)."""
        with self.outbuf_lock:
            if not self.connected or self.total_outbufs_len:
                return 0
            try:
                sent = int(self.send(data, do_close=False))
            except OSError:
                return 0  # waitress's own write meets the error again and handles it
            if sent:
                self.last_activity = time.time()
            return sent


def _logged(app: Callable, host: str) -> Callable:
    """The app, printing one line per request to stderr as the development server did."""
    def serve(environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list, exc_info: Any = None) -> Any:
            stamp = time.strftime("%d/%b/%Y %H:%M:%S")
            target = environ.get("PATH_INFO", "") + (f"?{environ['QUERY_STRING']}"
                                                     if environ.get("QUERY_STRING") else "")
            sys.stderr.write(f'{environ.get("REMOTE_ADDR", host)} - - [{stamp}] '
                             f'"{environ.get("REQUEST_METHOD")} {target} {environ.get("SERVER_PROTOCOL")}" '
                             f'{status.split(" ", 1)[0]} -\n')
            return start_response(status, headers, exc_info)
        return app(environ, start)
    return serve


class ThreadedServer(ThreadedWaitress):
    """`start()` binds (port 0 picks a free port) and serves; `stop()` shuts down and joins.

    `threads`: how many requests run at once (waitress's worker pool); more wait in its queue."""

    thread_name = "sim-server"

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, log_requests: bool = False,
                 threads: int = DEFAULT_THREADS) -> None:
        if threads < 1:
            raise ValueError("threads must be at least 1")
        super().__init__(app, host, port)
        self.log_requests = log_requests
        self.threads = threads

    def make_server(self) -> BaseWSGIServer:
        # We bind the socket ourselves so a busy port raises OSError here. It is listening before the
        # loop runs, so the server is ready: a client connecting now waits in the backlog.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listening = socket.create_server((self.host, self.port), family=family)
        app = _logged(self.app, self.host) if self.log_requests else self.app
        try:
            server: BaseWSGIServer = create_server(
                app, sockets=[listening], threads=self.threads, channel_timeout=IDLE_CONNECTION_SECONDS,
                ident="inkship-sim", asyncore_use_poll=True)
        except BaseException:
            listening.close()
            raise
        server.channel_class = _Channel
        return server

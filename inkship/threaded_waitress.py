"""A waitress server on a daemon thread (after moto's ThreadedMotoServer), shared by both halves:
`inkship.simulators.server.ThreadedServer` (the simulators, the demo, socket tests) and
`inkship.connector.web.server.WaitressServer` (`inkship serve`'s app in tests and benchmarks).

`start()` binds (port 0 picks a free port) and serves, `url`, `stop()` (workers first, then every
connection, then the loop's thread), and `with`. Subclasses say how the waitress server is made."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, Self

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.wasyncore import close_all


class ThreadedWaitress:
    thread_name = "waitress"

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, **settings: Any) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.settings = settings
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def make_server(self) -> BaseWSGIServer:
        """The waitress server, bound and listening; called by `start()`."""
        server: BaseWSGIServer = create_server(self.app, host=self.host, port=self.port, **self.settings)
        return server

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not started")
        return f"http://{self.host}:{self._server.effective_port}"

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("the server is already started")
        self._server = self.make_server()
        self._thread = threading.Thread(target=self._server.run, name=f"{self.thread_name}-{self.url}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        # Workers first (as waitress's own close does): a worker finishing a request pulls the loop's
        # trigger, which must not happen after the loop has closed it. Then every socket is closed
        # from inside the loop (the trigger runs the thunk there); with nothing left, the loop returns.
        server.task_dispatcher.shutdown()
        server.trigger.pull_trigger(lambda: _close_all(server._map))
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _close_all(socket_map: dict[int, Any]) -> None:
    """Every connection and then the loop's own sockets. A connection closes through `handle_close`,
    which also closes its output buffers: an answer past `outbuf_overflow` (1 MB) waits in a temporary
    file that `close_all` alone would leave open until garbage collection."""
    for channel in list(socket_map.values()):
        if isinstance(channel, HTTPChannel):
            channel.handle_close()
    close_all(socket_map)

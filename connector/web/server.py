"""The production server of `inkship serve`: waitress, pure Python, in place of Werkzeug's development
server. Its worker pool is bounded (`webhook.threads`), a connection silent for `webhook.request_timeout`
seconds is closed, at most `webhook.connection_limit` are open at once, and a body larger than
`webhook.max_body_bytes` is refused with 413 before the app reads a byte of it.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

from inkship.connector.config import WebhookConfig
from waitress.server import create_server

from inkship.threaded_waitress import ThreadedWaitress


def server_settings(webhook: WebhookConfig) -> dict[str, Any]:
    """waitress adjustments from the configuration."""
    return {"threads": webhook.threads, "channel_timeout": webhook.request_timeout,
            # waitress looks for silent connections this often (its default, 30 s, would let one
            # outlive a short request_timeout by that much).
            "cleanup_interval": min(30, webhook.request_timeout),
            "connection_limit": webhook.connection_limit, "max_request_body_size": webhook.max_body_bytes,
            # Nothing about the server's inside reaches a caller; the app logs what went wrong.
            "expose_tracebacks": False, "ident": "inkship"}


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def serve_until_stopped(app: Any, host: str, port: int, settings: dict[str, Any],
                        ready: Callable[[], None] = lambda: None) -> None:
    """Serve in the foreground until Ctrl-C or SIGTERM; requests in hand get a few seconds to finish
    (waitress's shutdown), then the process goes on with whatever follows (closing the engine).
    `ready()` runs once the port is bound and the signals are routed."""
    server = create_server(app, host=host, port=port, **settings)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        ready()
        server.run()  # returns after shutting its workers down on KeyboardInterrupt
    except KeyboardInterrupt:
        pass  # stopped before it began serving: nothing in hand
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()


class WaitressServer(ThreadedWaitress):
    """The same server on a daemon thread, for tests and benchmarks: `start()` binds (port 0 picks a
    free port) and serves, `stop()` closes every connection and joins. Settings as `server_settings`."""

    thread_name = "inkship-serve"

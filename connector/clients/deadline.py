"""A total deadline for one HTTP call, whatever the server does.

requests' timeouts bound each socket read, so a server that trickles one byte at a time never trips
them. `DeadlineAdapter` serves a session like requests' own adapter, but its connections report
themselves to the call in hand; `deadline(seconds)` registers that call with one keeper thread, and
when its time is up the connection's socket is shut down, so the blocked read returns at once and the
call fails (`Watch.expired` tells the caller it was the deadline). Calls through a proxy are not watched.

One keeper for every call, rather than a timer thread per call: starting and joining a thread for each
of 10,000 write-backs cost about as much as the simulator's answer to them.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class Watch:
    """One call's deadline: the connection it uses, and whether time ran out."""

    def __init__(self) -> None:
        self.expired = False
        self._connection: HTTPConnection | None = None
        self._lock = threading.Lock()

    def attach(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connection = connection
            if self.expired:
                _cut(connection)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._connection is not None:
                _cut(self._connection)


def _cut(connection: HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        # shutdown, not close: the reading thread still owns the descriptor and closes it itself.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """Connection mixin: a (re)connect or a new request on a kept-alive connection reports to the
    watch of the call in hand, if any."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _report(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _report(self)
        super().request(*args, **kwargs)  # type: ignore[misc]


def _report(connection: Any) -> None:
    watch = getattr(_current, "watch", None)
    if watch is not None:
        watch.attach(connection)


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' HTTPAdapter whose connections can be cut by `deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def watch_session(session: Any) -> None:
    """Serve the session's plain http:// and https:// traffic through DeadlineAdapter. Adapters
    mounted for a longer prefix (tests route hosts to in-process apps) still win for their hosts."""
    for prefix in ("http://", "https://"):
        if type(session.adapters.get(prefix)) is HTTPAdapter:
            session.mount(prefix, DeadlineAdapter())


class _Keeper:
    """The one daemon thread that expires watches whose time is up. Watches wait in a heap by due time;
    a finished call marks its entry done (removal from the middle of a heap costs more than skipping)."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Watch, list[bool]]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, watch: Watch, seconds: float) -> list[bool]:
        """Expire `watch` after `seconds` unless the returned flag is set first (`done[0] = True`)."""
        done = [False]
        with self._wake:
            # Calls share one deadline length, so the oldest, usually finished, sits on top: dropping
            # finished ones here keeps the heap as small as the calls in flight.
            while self._due and self._due[0][3][0]:
                heapq.heappop(self._due)
            heapq.heappush(self._due, (time.monotonic() + seconds, next(self._order), watch, done))
            if self._thread is None or not self._thread.is_alive():  # also after a fork
                self._thread = threading.Thread(target=self._run, name="inkship-deadlines", daemon=True)
                self._thread.start()
            elif self._due[0][3] is done:
                self._wake.notify()  # due before everything else: the keeper sleeps less
        return done

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._due and self._due[0][3][0]:
                    heapq.heappop(self._due)
                if not self._due:
                    self._wake.wait()
                    continue
                wait = self._due[0][0] - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                _, _, watch, done = heapq.heappop(self._due)
                if not done[0]:
                    watch.expire()


_keeper = _Keeper()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[Watch]:
    """Cut the calls made in this thread inside the block once `seconds` have passed."""
    watch = Watch()
    previous = getattr(_current, "watch", None)
    _current.watch = watch
    done = _keeper.add(watch, seconds)
    try:
        yield watch
    finally:
        done[0] = True
        _current.watch = previous

"""The state database's plumbing: one SQLite connection per thread (WAL, busy timeout), immediate
transactions, schema migrations on open, and the clock every stored timestamp comes from."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from inkship.connector.state.migrations import UNIQUE_ID_KEYS_BEFORE, migrate

BUSY_TIMEOUT_MS = 10_000
# A claim on a ledger row lapses after this long, so a crashed process does not hold a
# shipment forever; a live writer finishes one InkSoft POST well within it.
DEFAULT_CLAIM_SECONDS = 300.0


def utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """SQLite (WAL, busy timeout, schema migrations); one connection per thread.

    Rows belong to one InkSoft store each (`store`, the configured name). A view made by
    `StateStore.for_store` reads and writes one store's rows; the database as opened reads every
    store's, and what it writes belongs to '' (a single-store database from before stores existed,
    which `StateStore.bind_stores` hands to the first configured store).
    """

    store: str | None = None

    def __init__(self, path: str | Path, *, clock: Callable[[], datetime] = utcnow,
                 claim_seconds: float = DEFAULT_CLAIM_SECONDS) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._claim_seconds = claim_seconds
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        # This process's threads take turns to write here, waking at once when it is their turn;
        # SQLite's own busy handler, which still keeps processes apart, sleeps 1 ms and more.
        self._write_turn = threading.RLock()
        self.schema_version_found = migrate(self._conn())

    def unique_id_keys_before(self) -> datetime | None:
        """For a database made by 0.1: when it was upgraded. Orders created before then may have been
        exported to a Custom Store as `inksoft:<UniqueId>` and keep that OrderID. None otherwise."""
        row = self._conn().execute("SELECT value FROM key_formats WHERE name = ?",
                                   (UNIQUE_ID_KEYS_BEFORE,)).fetchone()
        return datetime.fromisoformat(row["value"]) if row else None

    # -- connections and transactions ------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # Each thread uses only its own connection; check_same_thread is off so close() may
            # close them all from whichever thread shuts the store down.
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: takes the write lock up front, so read-then-write is atomic
        across processes. Inside a `batch`, a savepoint of the batch's transaction instead."""
        conn = self._conn()
        if conn.in_transaction:
            name = f"nested_{self._nesting(1)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._nesting(-1)
            conn.execute(f"RELEASE {name}")
            return
        with self.writing():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def writing(self) -> Iterator[None]:
        """This process's turn to write (a transaction, or one statement that writes): several
        write-back threads wait on each other here rather than in SQLite's sleeping busy handler."""
        with self._write_turn:
            yield

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Every write in the block in one transaction (a page of orders, say), instead of one each.

        Meant for writes that are each complete on their own: an error commits what was written, as
        separate transactions would have; only a process dying (or a simulated crash, which is not an
        `Exception`) loses the block's uncommitted writes. Use `released` around slow calls."""
        conn = self._conn()
        if conn.in_transaction:
            yield  # already in one: it commits
            return
        # This thread's turn to write is held exactly while its transaction is open (`released` gives
        # both back), so a thread holding SQLite's write lock never waits for a turn held by another.
        self._write_turn.acquire()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except Exception:
            self._end(conn, "COMMIT")
            raise
        except BaseException:
            self._end(conn, "ROLLBACK")
            raise
        else:
            self._end(conn, "COMMIT")
        finally:
            self._write_turn.release()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Inside a `batch`: commit what it holds, run the block without the write lock (a network
        call: other processes must not wait on it), then go on in a new transaction. Also durability:
        what the batch wrote before the block is on disk when the block runs."""
        conn = self._conn()
        if not conn.in_transaction:
            yield
            return
        if self._nesting(0):
            raise RuntimeError("released() inside transaction(): that block must stay atomic")
        conn.execute("COMMIT")
        self._write_turn.release()
        try:
            yield
        finally:
            self._write_turn.acquire()
            conn.execute("BEGIN IMMEDIATE")

    def _nesting(self, change: int) -> int:
        depth = int(getattr(self._local, "depth", 0)) + change
        self._local.depth = depth
        return depth

    @staticmethod
    def _end(conn: sqlite3.Connection, statement: str) -> None:
        if conn.in_transaction:
            conn.execute(statement)

    def close_thread_connection(self) -> None:
        """Close the calling thread's connection, if it has one: a worker thread about to end gives back
        what it held, so passes run in fresh threads do not pile up open connections."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._connections_lock:
            self._connections[:] = [kept for kept in self._connections if kept is not conn]
        conn.close()

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> str:
        return iso(self._clock())

    @property
    def _mine(self) -> tuple[str | None, str | None]:
        """The arguments of `(? IS NULL OR store = ?)`, which keeps a view to its store's rows."""
        return self.store, self.store

    @property
    def _writes_as(self) -> str:
        return self.store or ""

    @property
    def journal_mode(self) -> str:
        return str(self._conn().execute("PRAGMA journal_mode").fetchone()[0])

    @property
    def schema_version(self) -> int:
        return int(self._conn().execute("PRAGMA user_version").fetchone()[0])


def iso(moment: datetime) -> str:
    # A fixed width keeps stored timestamps comparable as text (claim expiry is compared in SQL).
    return moment.astimezone(UTC).isoformat(timespec="microseconds")



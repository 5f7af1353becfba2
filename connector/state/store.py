"""The connector's durable state in one SQLite file: order links, cursors, the write-back ledger,
problems for the operator, and the run history that `inkship status` shows."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from inkship.connector.state.migrations import migrate
from inkship.connector.state.stores import bind_stores

BUSY_TIMEOUT_MS = 10_000
# A claim on a ledger row lapses after this long, so a crashed process does not hold a
# shipment forever; a live writer finishes one InkSoft POST well within it.
DEFAULT_CLAIM_SECONDS = 300.0

LEDGER_STATES = ("pending", "written", "voided", "skipped")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Link:
    """One InkSoft order as imported into ShipStation, keyed by the ShipStation `orderKey`."""

    order_key: str
    inksoft_id: int
    inksoft_unique_id: str | None = None
    store_id: int | None = None
    shipstation_order_id: int | None = None
    order_number: str | None = None
    fingerprint: str | None = None
    shipstation_status: str | None = None
    pending: bool = False  # the last send failed: resend on the next run even if InkSoft is unchanged
    updated_at: str | None = None
    store: str = ""  # the configured InkSoft store it belongs to


@dataclass
class LedgerRow:
    shipment_id: int
    order_key: str
    inksoft_id: int
    tracking_number: str | None
    state: str
    payload: dict[str, Any] | None
    attempts: int
    created_at: str
    updated_at: str
    error: str | None
    store: str = ""


@dataclass
class Claim:
    """The right to write one shipment to InkSoft. `recovering` means an earlier attempt may
    have reached InkSoft (a crash or an unknown outcome), so check InkSoft before writing."""

    row: LedgerRow
    owner: str
    recovering: bool


@dataclass
class Problem:
    order_ref: str
    kind: str
    field: str | None
    message: str
    first_seen: str
    last_seen: str
    resolved_at: str | None
    store: str = ""


@dataclass
class RunRecord:
    id: int
    kind: str
    started_at: str
    finished_at: str | None
    summary: dict[str, Any] | None
    store: str = ""


class StateStore:
    """SQLite state (WAL, busy timeout, schema migrations); one connection per thread.

    Rows belong to one InkSoft store each. `for_store(name)` gives a view of one store's rows (what a
    pass works on); the store as opened sees every store's rows, and what it writes belongs to ''
    (the rows of a single-store database before stores existed), which `bind_stores` hands to the
    first configured store.
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
        self.schema_version_found = migrate(self._conn())

    # -- stores ------------------------------------------------------------------------------

    def for_store(self, name: str) -> StateStore:
        """A view of this database holding one store's rows (same connections: closing one closes both)."""
        view = copy.copy(self)
        view.store = name
        return view

    def bind_stores(self, stores: list[tuple[str, str]]) -> None:
        """Record the configured stores `(name, base_url)`, first one first: a store renamed in the
        configuration keeps its rows (found by URL), and rows from before stores existed go to the first."""
        with self.transaction() as conn:
            bind_stores(conn, stores, self._now())

    @property
    def _mine(self) -> tuple[str | None, str | None]:
        """The arguments of `(? IS NULL OR store = ?)`, which keeps a view to its store's rows."""
        return self.store, self.store

    @property
    def _writes_as(self) -> str:
        return self.store or ""

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
        across processes."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> str:
        return _iso(self._clock())

    @property
    def journal_mode(self) -> str:
        return str(self._conn().execute("PRAGMA journal_mode").fetchone()[0])

    @property
    def schema_version(self) -> int:
        return int(self._conn().execute("PRAGMA user_version").fetchone()[0])

    # -- links -------------------------------------------------------------------------------

    def get_link(self, order_key: str) -> Link | None:
        row = self._conn().execute("SELECT * FROM links WHERE order_key = ? AND (? IS NULL OR store = ?)",
                                   (order_key, *self._mine)).fetchone()
        return _link(row) if row else None

    def upsert_link(self, link: Link) -> None:
        self._conn().execute(
            """INSERT INTO links (order_key, inksoft_id, inksoft_unique_id, store_id, shipstation_order_id,
                                  order_number, fingerprint, shipstation_status, pending, updated_at, store)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (order_key) DO UPDATE SET
                 inksoft_id = excluded.inksoft_id,
                 inksoft_unique_id = excluded.inksoft_unique_id,
                 store_id = excluded.store_id,
                 shipstation_order_id = COALESCE(excluded.shipstation_order_id, links.shipstation_order_id),
                 order_number = excluded.order_number,
                 fingerprint = excluded.fingerprint,
                 shipstation_status = COALESCE(excluded.shipstation_status, links.shipstation_status),
                 pending = excluded.pending,
                 updated_at = excluded.updated_at
               WHERE links.store = excluded.store""",  # another store's link is never taken over
            (link.order_key, link.inksoft_id, link.inksoft_unique_id, link.store_id,
             link.shipstation_order_id, link.order_number, link.fingerprint, link.shipstation_status,
             int(link.pending), self._now(), self._writes_as),
        )

    def set_link_status(self, order_key: str, shipstation_status: str) -> None:
        self._conn().execute("""UPDATE links SET shipstation_status = ?, updated_at = ?
                                WHERE order_key = ? AND (? IS NULL OR store = ?)""",
                             (shipstation_status, self._now(), order_key, *self._mine))

    def pending_links(self) -> list[Link]:
        rows = self._conn().execute(
            "SELECT * FROM links WHERE pending = 1 AND (? IS NULL OR store = ?) ORDER BY inksoft_id",
            self._mine).fetchall()
        return [_link(r) for r in rows]

    # -- cursors -----------------------------------------------------------------------------

    def get_cursor(self, name: str) -> datetime | None:
        row = self._conn().execute("SELECT value FROM cursors WHERE store = ? AND name = ?",
                                   (self._writes_as, name)).fetchone()
        return datetime.fromisoformat(row["value"]) if row else None

    def set_cursor(self, name: str, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("cursor values are aware UTC datetimes")
        self._conn().execute(
            """INSERT INTO cursors (store, name, value) VALUES (?, ?, ?)
               ON CONFLICT (store, name) DO UPDATE SET value = excluded.value""",
            (self._writes_as, name, _iso(value)),
        )

    # -- write-back ledger -------------------------------------------------------------------

    def ledger_get(self, shipment_id: int) -> LedgerRow | None:
        row = self._conn().execute("SELECT * FROM ledger WHERE shipment_id = ?", (shipment_id,)).fetchone()
        return _ledger(row) if row else None

    def ledger_claim(self, shipment_id: int, *, order_key: str, inksoft_id: int,
                     tracking_number: str | None, payload: dict[str, Any]) -> Claim | None:
        """Record the write-back as `pending` (with its payload) and claim it for this store.

        Returns None when the shipment is already settled (written, voided, skipped) or a live
        claim (another thread or process) holds it. A claim on an existing pending row is a recovery.
        """
        now = self._now()
        # A token per claim, so two threads of one process are kept apart as well as two processes.
        owner = f"{os.getpid()}:{uuid.uuid4().hex}"
        expires = _iso(self._clock() + timedelta(seconds=self._claim_seconds))
        with self.transaction() as conn:
            row = conn.execute("SELECT * FROM ledger WHERE shipment_id = ?", (shipment_id,)).fetchone()
            if row is None:
                conn.execute(
                    """INSERT INTO ledger (shipment_id, order_key, inksoft_id, tracking_number, state,
                                           payload, attempts, claimed_by, claim_expires, created_at,
                                           updated_at, store)
                       VALUES (?, ?, ?, ?, 'pending', ?, 1, ?, ?, ?, ?, ?)""",
                    (shipment_id, order_key, inksoft_id, tracking_number, json.dumps(payload),
                     owner, expires, now, now, self._writes_as),
                )
                recovering = False
            elif row["state"] != "pending" or (row["claimed_by"] and row["claim_expires"] > now):
                return None
            else:
                conn.execute(
                    """UPDATE ledger SET attempts = attempts + 1, claimed_by = ?, claim_expires = ?,
                                         payload = ?, tracking_number = ?, updated_at = ?
                       WHERE shipment_id = ?""",
                    (owner, expires, json.dumps(payload), tracking_number, now, shipment_id),
                )
                recovering = True
            claimed = conn.execute("SELECT * FROM ledger WHERE shipment_id = ?", (shipment_id,)).fetchone()
        return Claim(row=_ledger(claimed), owner=owner, recovering=recovering)

    def ledger_defer(self, shipment_id: int, *, order_key: str, inksoft_id: int, tracking_number: str | None,
                     error: str) -> None:
        """Leave a write-back `pending` for the next run: gives back a claim after a failed write, or
        records a shipment that could not even be prepared (its InkSoft order unreadable)."""
        now = self._now()
        self._conn().execute(
            """INSERT INTO ledger (shipment_id, order_key, inksoft_id, tracking_number, state, error,
                                   created_at, updated_at, store)
               VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)
               ON CONFLICT (shipment_id) DO UPDATE SET claimed_by = NULL, claim_expires = NULL,
                   error = excluded.error, updated_at = excluded.updated_at
               WHERE ledger.state = 'pending'""",
            (shipment_id, order_key, inksoft_id, tracking_number, error, now, now, self._writes_as),
        )

    def ledger_release(self, shipment_id: int, error: str) -> None:
        """Give a claim back after a failed write: the row stays `pending` for the next run."""
        self._conn().execute(
            """UPDATE ledger SET claimed_by = NULL, claim_expires = NULL, error = ?, updated_at = ?
               WHERE shipment_id = ? AND state = 'pending'""",
            (error, self._now(), shipment_id),
        )

    def ledger_mark_written(self, shipment_id: int, *, order_key: str | None = None,
                            inksoft_id: int | None = None, tracking_number: str | None = None) -> None:
        """Settle a shipment as written. Given the order fields, also records a shipment that was
        found already in InkSoft without ever being claimed."""
        now = self._now()
        with self.transaction() as conn:
            if order_key is not None and inksoft_id is not None:
                conn.execute(
                    """INSERT INTO ledger (shipment_id, order_key, inksoft_id, tracking_number, state,
                                           created_at, updated_at, store)
                       VALUES (?, ?, ?, ?, 'written', ?, ?, ?) ON CONFLICT (shipment_id) DO NOTHING""",
                    (shipment_id, order_key, inksoft_id, tracking_number, now, now, self._writes_as),
                )
            conn.execute(
                """UPDATE ledger SET state = 'written', claimed_by = NULL, claim_expires = NULL, error = NULL,
                                     updated_at = ? WHERE shipment_id = ? AND state = 'pending'""",
                (now, shipment_id),
            )

    def ledger_mark_voided(self, shipment_id: int) -> bool:
        """A label voided after its write-back; True only on the transition from `written`."""
        cur = self._conn().execute(
            "UPDATE ledger SET state = 'voided', updated_at = ? WHERE shipment_id = ? AND state = 'written'",
            (self._now(), shipment_id),
        )
        return cur.rowcount == 1

    def ledger_mark_skipped(self, shipment_id: int, *, order_key: str, inksoft_id: int,
                            tracking_number: str | None, reason: str) -> bool:
        """Settle a shipment that must not be written (e.g. voided first); True if newly settled."""
        now = self._now()
        with self.transaction() as conn:
            row = conn.execute("SELECT state FROM ledger WHERE shipment_id = ?", (shipment_id,)).fetchone()
            if row is not None and row["state"] != "pending":
                return False
            conn.execute(
                """INSERT INTO ledger (shipment_id, order_key, inksoft_id, tracking_number, state, error,
                                       created_at, updated_at, store)
                   VALUES (?, ?, ?, ?, 'skipped', ?, ?, ?, ?)
                   ON CONFLICT (shipment_id) DO UPDATE SET state = 'skipped', error = excluded.error,
                       claimed_by = NULL, claim_expires = NULL, updated_at = excluded.updated_at""",
                (shipment_id, order_key, inksoft_id, tracking_number, reason, now, now, self._writes_as),
            )
        return True

    def ledger_pending(self) -> list[LedgerRow]:
        rows = self._conn().execute(
            "SELECT * FROM ledger WHERE state = 'pending' AND (? IS NULL OR store = ?) ORDER BY shipment_id",
            self._mine).fetchall()
        return [_ledger(r) for r in rows]

    # -- problems ----------------------------------------------------------------------------

    def record_problem(self, order_ref: str, kind: str, message: str, field: str | None = None) -> bool:
        """Open a problem, or refresh the open one of the same order and kind; True if new."""
        now = self._now()
        with self.transaction() as conn:
            cur = conn.execute(
                """UPDATE problems SET message = ?, field = ?, last_seen = ?
                   WHERE order_ref = ? AND kind = ? AND resolved_at IS NULL AND store = ?""",
                (message, field, now, order_ref, kind, self._writes_as),
            )
            if cur.rowcount:
                return False
            conn.execute(
                """INSERT INTO problems (order_ref, kind, field, message, first_seen, last_seen, store)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (order_ref, kind, field, message, now, now, self._writes_as),
            )
        return True

    def resolve_problem(self, order_ref: str, kind: str | None = None) -> int:
        """Close the open problems of one order (of one kind, or all); returns how many closed."""
        sql = ("UPDATE problems SET resolved_at = ? "
               "WHERE order_ref = ? AND resolved_at IS NULL AND (? IS NULL OR store = ?)")
        args: tuple[Any, ...] = (self._now(), order_ref, *self._mine)
        if kind is not None:
            sql += " AND kind = ?"
            args += (kind,)
        return self._conn().execute(sql, args).rowcount

    def open_problems(self, kind: str | None = None) -> list[Problem]:
        sql = "SELECT * FROM problems WHERE resolved_at IS NULL AND (? IS NULL OR store = ?)"
        args: tuple[Any, ...] = self._mine
        if kind is not None:
            sql += " AND kind = ?"
            args += (kind,)
        rows = self._conn().execute(sql + " ORDER BY first_seen, id", args).fetchall()
        return [Problem(r["order_ref"], r["kind"], r["field"], r["message"], r["first_seen"], r["last_seen"],
                        r["resolved_at"], r["store"]) for r in rows]

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, kind: str) -> int:
        cur = self._conn().execute("INSERT INTO runs (kind, started_at, store) VALUES (?, ?, ?)",
                                   (kind, self._now(), self._writes_as))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        self._conn().execute("UPDATE runs SET finished_at = ?, summary = ? WHERE id = ?",
                             (self._now(), json.dumps(summary, default=str), run_id))

    def recent_runs(self, limit: int = 10) -> list[RunRecord]:
        rows = self._conn().execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [RunRecord(r["id"], r["kind"], r["started_at"], r["finished_at"],
                          json.loads(r["summary"]) if r["summary"] else None, r["store"]) for r in rows]

    # -- status ------------------------------------------------------------------------------

    def counts(self) -> dict[str, Any]:
        """The figures `inkship status` shows, over this view's rows (every store's, unscoped)."""
        return self._counts(self.store)

    def counts_by_store(self) -> dict[str, dict[str, Any]]:
        """The same figures for each store with rows (the order the stores were first seen)."""
        conn = self._conn()
        names = [row["name"] for row in conn.execute("SELECT name FROM stores ORDER BY first_seen, name")]
        names += [row["store"] for row in conn.execute(
            "SELECT store FROM links UNION SELECT store FROM ledger UNION SELECT store FROM problems "
            "UNION SELECT store FROM runs")]
        return {name: self._counts(name) for name in dict.fromkeys(names)}

    def _counts(self, store: str | None) -> dict[str, Any]:
        conn = self._conn()
        mine = (store, store)

        def count(sql: str) -> int:
            return int(conn.execute(sql, mine).fetchone()[0])

        ledger = {state: 0 for state in LEDGER_STATES}
        for row in conn.execute("SELECT state, COUNT(*) AS n FROM ledger WHERE (? IS NULL OR store = ?) "
                                "GROUP BY state", mine):
            ledger[row["state"]] = row["n"]
        return {
            "orders_linked": count("SELECT COUNT(*) FROM links WHERE (? IS NULL OR store = ?)"),
            "orders_pending": count("SELECT COUNT(*) FROM links WHERE pending = 1 "
                                    "AND (? IS NULL OR store = ?)"),
            "ledger": ledger,
            "open_problems": count("SELECT COUNT(*) FROM problems WHERE resolved_at IS NULL "
                                   "AND (? IS NULL OR store = ?)"),
            "runs": count("SELECT COUNT(*) FROM runs WHERE (? IS NULL OR store = ?)"),
        }


def _iso(moment: datetime) -> str:
    # A fixed width keeps stored timestamps comparable as text (claim expiry is compared in SQL).
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _link(row: sqlite3.Row) -> Link:
    return Link(order_key=row["order_key"], inksoft_id=row["inksoft_id"],
                inksoft_unique_id=row["inksoft_unique_id"],
                store_id=row["store_id"], shipstation_order_id=row["shipstation_order_id"],
                order_number=row["order_number"], fingerprint=row["fingerprint"],
                shipstation_status=row["shipstation_status"], pending=bool(row["pending"]),
                updated_at=row["updated_at"], store=row["store"])


def _ledger(row: sqlite3.Row) -> LedgerRow:
    return LedgerRow(shipment_id=row["shipment_id"], order_key=row["order_key"], inksoft_id=row["inksoft_id"],
                     tracking_number=row["tracking_number"], state=row["state"],
                     payload=json.loads(row["payload"]) if row["payload"] else None, attempts=row["attempts"],
                     created_at=row["created_at"], updated_at=row["updated_at"], error=row["error"],
                     store=row["store"])

"""The connector's durable state in one SQLite file: order links, cursors, the write-back ledger,
problems for the operator, and the run history that `inkship status` shows."""

from __future__ import annotations

import copy
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from inkship.connector.state.database import DEFAULT_CLAIM_SECONDS, iso, utcnow
from inkship.connector.state.ledger import LEDGER_STATES, Claim, Ledger, LedgerRow
from inkship.connector.state.stores import bind_stores

RETRY_FIRST_DELAY = timedelta(minutes=5)
RETRY_MAX_DELAY = timedelta(days=1)

__all__ = ["DEFAULT_CLAIM_SECONDS", "LEDGER_STATES", "Claim", "LedgerRow", "Link", "Problem", "Retry",
           "RunRecord", "StateStore", "utcnow"]


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
class Retry:
    """An order to read again at `next_at` (attempt `attempts + 1`)."""

    inksoft_id: int
    attempts: int
    next_at: datetime
    reason: str


def retry_delay(attempts: int) -> timedelta:
    """Back-off before reading an unreadable order again: 5 minutes, doubling, at most a day."""
    return min(RETRY_FIRST_DELAY * 2 ** min(attempts - 1, 16), RETRY_MAX_DELAY)


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


class StateStore(Ledger):
    """The connector's state: order links, cursors, the ledger (`Ledger`), problems, runs; each row
    belongs to one store (see `Database`)."""

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

    def link_of_order(self, store_id: int | None, inksoft_id: int) -> Link | None:
        """The link of one InkSoft order, whatever key it was imported under (a link written before
        the store was recorded matches any store)."""
        row = self._conn().execute(
            """SELECT * FROM links WHERE inksoft_id = ? AND (store_id = ? OR store_id IS NULL)
                 AND (? IS NULL OR store = ?)
               ORDER BY store_id IS NULL, updated_at DESC LIMIT 1""",
            (inksoft_id, store_id, *self._mine)).fetchone()
        return _link(row) if row else None

    def set_link_status(self, order_key: str, shipstation_status: str) -> None:
        self._conn().execute("""UPDATE links SET shipstation_status = ?, updated_at = ?
                                WHERE order_key = ? AND (? IS NULL OR store = ?)""",
                             (shipstation_status, self._now(), order_key, *self._mine))

    def pending_links(self) -> list[Link]:
        rows = self._conn().execute(
            "SELECT * FROM links WHERE pending = 1 AND (? IS NULL OR store = ?) ORDER BY inksoft_id",
            self._mine).fetchall()
        return [_link(r) for r in rows]

    # -- orders to read again -----------------------------------------------------------------

    def schedule_retry(self, inksoft_id: int, reason: str) -> Retry:
        """Note that an order could not be read; the next attempt waits twice as long as the last."""
        now = self._clock()
        with self.transaction() as conn:
            row = conn.execute("SELECT attempts, first_seen FROM retries WHERE store = ? AND inksoft_id = ?",
                               (self._writes_as, inksoft_id)).fetchone()
            attempts = (row["attempts"] if row else 0) + 1
            next_at = now + retry_delay(attempts)
            conn.execute(
                """INSERT INTO retries (store, inksoft_id, attempts, next_at, reason, first_seen)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (store, inksoft_id) DO UPDATE SET attempts = excluded.attempts,
                       next_at = excluded.next_at, reason = excluded.reason""",
                (self._writes_as, inksoft_id, attempts, iso(next_at), reason, iso(now)))
        return Retry(inksoft_id, attempts, next_at, reason)

    def due_retries(self) -> list[int]:
        """Orders whose back-off is over, to read again in this pass."""
        rows = self._conn().execute("SELECT inksoft_id FROM retries WHERE next_at <= ? AND store = ? "
                                    "ORDER BY inksoft_id", (self._now(), self._writes_as)).fetchall()
        return [row["inksoft_id"] for row in rows]

    def retries_waiting(self) -> set[int]:
        """Orders still in their back-off."""
        rows = self._conn().execute("SELECT inksoft_id FROM retries WHERE next_at > ? AND store = ?",
                                    (self._now(), self._writes_as))
        return {row["inksoft_id"] for row in rows}

    def clear_retry(self, inksoft_id: int) -> None:
        self._conn().execute("DELETE FROM retries WHERE store = ? AND inksoft_id = ?",
                             (self._writes_as, inksoft_id))

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
            (self._writes_as, name, iso(value)),
        )

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


def _link(row: sqlite3.Row) -> Link:
    return Link(order_key=row["order_key"], inksoft_id=row["inksoft_id"],
                inksoft_unique_id=row["inksoft_unique_id"],
                store_id=row["store_id"], shipstation_order_id=row["shipstation_order_id"],
                order_number=row["order_number"], fingerprint=row["fingerprint"],
                shipstation_status=row["shipstation_status"], pending=bool(row["pending"]),
                updated_at=row["updated_at"], store=row["store"])

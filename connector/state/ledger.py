"""The write-back ledger: one row per label, `pending` (claimed, with its payload) before the InkSoft
call and `written` after, so a write is never lost nor doubled across crashes and processes."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from inkship.connector.state.database import Database, iso

LEDGER_STATES = ("pending", "written", "voided", "skipped")


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


@dataclass(frozen=True)
class Holder:
    """The live claim on a write-back: its owner, when the lease ends, and whether the owner is a
    process of this machine that is no longer running (its write is then retried once the lease ends)."""

    owner: str
    expires: datetime
    stopped: bool


def claim_owner() -> str:
    """`host/pid:token`: a token per claim, so two threads of one process are kept apart as well as two
    processes; host and pid tell whether the claimer still runs."""
    return f"{socket.gethostname()}/{os.getpid()}:{uuid.uuid4().hex}"


def owner_stopped(owner: str) -> bool:
    """Whether a claim's owner is a process of this machine that no longer runs. Claims from before
    the host was recorded (`pid:token`) were made on this machine. Unknown is "still running"."""
    process, _, _ = owner.partition(":")
    host, _, pid_text = process.rpartition("/")
    if host and host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):  # another user's process, or no such pid at all
        return False
    return False


class Ledger(Database):
    """The ledger's reads and writes, on the state database."""

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
        owner = claim_owner()
        expires = iso(self._clock() + timedelta(seconds=self._claim_seconds))
        # One statement, so atomic across processes without an explicit transaction: a new row, or a
        # pending row nobody holds (its claim lapsed or was given back). Anything else returns no row.
        with self.writing():
            claimed = self._conn().execute(
                """INSERT INTO ledger (shipment_id, order_key, inksoft_id, tracking_number, state, payload,
                                       attempts, claimed_by, claim_expires, created_at, updated_at, store)
                   VALUES (?, ?, ?, ?, 'pending', ?, 1, ?, ?, ?, ?, ?)
                   ON CONFLICT (shipment_id) DO UPDATE SET
                       attempts = attempts + 1, claimed_by = excluded.claimed_by,
                       claim_expires = excluded.claim_expires, payload = excluded.payload,
                       tracking_number = excluded.tracking_number, updated_at = excluded.updated_at
                   WHERE ledger.state = 'pending'
                     AND (ledger.claimed_by IS NULL OR ledger.claim_expires <= excluded.updated_at)
                   RETURNING *""",
                (shipment_id, order_key, inksoft_id, tracking_number, json.dumps(payload), owner, expires,
                 now, now, self._writes_as),
            ).fetchone()
        if claimed is None:
            return None
        # The insert makes attempts 1; a claim taken over an existing pending row is a recovery.
        return Claim(row=_ledger(claimed), owner=owner, recovering=claimed["attempts"] > 1)

    def ledger_has_order(self, order_key: str) -> bool:
        """Whether any label of this order is in the ledger (written, pending or settled)."""
        row = self._conn().execute("SELECT 1 FROM ledger WHERE order_key = ? LIMIT 1",
                                   (order_key,)).fetchone()
        return row is not None

    def ledger_holder(self, shipment_id: int) -> Holder | None:
        """Who holds a live claim on a pending write-back, or None when nobody does."""
        row = self._conn().execute(
            """SELECT claimed_by, claim_expires FROM ledger
               WHERE shipment_id = ? AND state = 'pending'
                 AND claimed_by IS NOT NULL AND claim_expires > ?""",
            (shipment_id, self._now())).fetchone()
        if row is None:
            return None
        return Holder(row["claimed_by"], datetime.fromisoformat(row["claim_expires"]),
                      owner_stopped(row["claimed_by"]))

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

    def ledger_rows(self) -> list[LedgerRow]:
        """Every write-back (of this store) in the ledger, whatever its state (for `inkship reconcile`)."""
        rows = self._conn().execute(
            "SELECT * FROM ledger WHERE (? IS NULL OR store = ?) ORDER BY shipment_id", self._mine).fetchall()
        return [_ledger(r) for r in rows]


def _ledger(row: sqlite3.Row) -> LedgerRow:
    return LedgerRow(shipment_id=row["shipment_id"], order_key=row["order_key"], inksoft_id=row["inksoft_id"],
                     tracking_number=row["tracking_number"], state=row["state"],
                     payload=json.loads(row["payload"]) if row["payload"] else None, attempts=row["attempts"],
                     created_at=row["created_at"], updated_at=row["updated_at"], error=row["error"],
                     store=row["store"])

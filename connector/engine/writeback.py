"""The one exactly-once write of a label to InkSoft, shared by both transports (REST shipments from the
ship-back pass, Custom Store ship notices from `inkship serve`).

Every write is bracketed by the ledger: `pending` (with its payload) before the InkSoft call, `written`
after. A `pending` row found later (a crash, or an unknown outcome such as a timed-out POST) is settled
by looking for its tracking number on the InkSoft order before writing again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from inkship.connector.engine.context import PassContext
from inkship.connector.errors import InkshipError, OrderRejected
from inkship.connector.mapping.items import ItemRef
from inkship.connector.mapping.shipments import (
    InkSoftShipment,
    find_package_with_tracking,
    shipped_quantities,
)
from inkship.connector.state.store import StateStore

log = logging.getLogger("inkship.shipback")

WRITE_FAILED = "writeback_failed"  # the problem kind a failed write opens and a written one closes


class OrderState:
    """The InkSoft order as last read, and the units its packages (and our writes since) cover."""

    def __init__(self, order_key: str, inksoft_id: int, order: dict[str, Any]) -> None:
        self.order_key = order_key
        self.inksoft_id = inksoft_id
        self.ref = f"#{inksoft_id}"
        self.order = order
        self._already: dict[ItemRef, int] | None = None

    @property
    def already(self) -> dict[ItemRef, int]:
        if self._already is None:  # read lazily: an unreadable order fails the shipment, not the pass
            self._already = shipped_quantities(self.order)
        return self._already

    def count(self, writeback: InkSoftShipment) -> None:
        for item_ref, quantity in writeback.items:
            self.already[item_ref] = self.already.get(item_ref, 0) + quantity

    def reread(self, ctx: PassContext) -> None:
        self.order = ctx.inksoft.get_order(self.inksoft_id)
        self._already = None

    def has_tracking(self, tracking: str | None) -> bool:
        return bool(tracking) and find_package_with_tracking(self.order, str(tracking)) is not None


@dataclasses.dataclass(frozen=True)
class Label:
    """One label to write back: its ledger row, its tracking number, and its name in messages
    (`shipment 123` for a REST shipment, `ship notice <tracking>` for a Custom Store notice)."""

    ledger_id: int
    tracking_number: str | None
    name: str
    voided: bool = False


@dataclasses.dataclass(frozen=True)
class WriteBack:
    """How one label was settled: a ShipbackReport outcome (`written`, `duplicate`, `skipped`,
    `voided`) and its detail. `found_on_order`: its tracking number was already on the order."""

    outcome: str
    detail: str
    found_on_order: bool = False


# Prepares the InkSoft write-back of a label from the order as last read; None: nothing to write.
Prepare = Callable[[OrderState], InkSoftShipment | None]


def write_back(ctx: PassContext, current: OrderState, label: Label, prepare: Prepare,
               dry_run: bool = False) -> WriteBack:
    """Write one label back to InkSoft exactly once; both transports (REST shipments and Custom Store
    ship notices) come through here.

    Settled already, or its tracking number already on the InkSoft order: a duplicate. Nothing to
    write (voided, or no unit still owed): settled as skipped. Otherwise claimed `pending` with its
    payload, written, then marked `written`; a recovered claim reads the order afresh first.
    An error (InkSoft's, or OrderRejected from `prepare`) leaves the row pending, records a problem
    naming the order (and field) and is raised for the caller to report.
    """
    state = ctx.state
    row = state.ledger_get(label.ledger_id)
    if row is not None and row.state != "pending":
        return WriteBack("duplicate", f"already {row.state}")
    try:
        # Inside the error handling: an order whose packages cannot be read (Shipments not a list, say)
        # leaves the write-back pending and reported, to be retried, never lost.
        if current.has_tracking(label.tracking_number):
            if not dry_run:
                state.ledger_mark_written(label.ledger_id, order_key=current.order_key,
                                          inksoft_id=current.inksoft_id,
                                          tracking_number=label.tracking_number)
                state.resolve_problem(current.ref, WRITE_FAILED)
            return WriteBack("duplicate", "tracking number already on the InkSoft order", found_on_order=True)
        writeback = prepare(current)
        if writeback is None:
            return _nothing_to_write(ctx, current, label, dry_run)
        if dry_run:
            current.count(writeback)
            return WriteBack("written", _describe(writeback))
        claim = state.ledger_claim(label.ledger_id, order_key=current.order_key,
                                   inksoft_id=current.inksoft_id, tracking_number=label.tracking_number,
                                   payload=_payload(writeback))
        if claim is None:
            return _claimed_elsewhere(state, label)
        ctx.maybe_crash("shipback.after_ledger_pending")
        if claim.recovering:
            # An earlier attempt may have reached InkSoft: read the order afresh before writing.
            current.reread(ctx)
            if current.has_tracking(label.tracking_number):
                state.ledger_mark_written(label.ledger_id)
                state.resolve_problem(current.ref, WRITE_FAILED)
                return WriteBack("duplicate", "found on the InkSoft order after an interrupted write",
                                 found_on_order=True)
            writeback = prepare(current)
            if writeback is None:
                return _nothing_to_write(ctx, current, label, dry_run)
        ctx.inksoft.create_order_shipment(current.order, writeback, retry=False)
    except InkshipError as exc:
        defer(ctx, current.order_key, current.inksoft_id, label, exc, dry_run)
        raise
    ctx.maybe_crash("shipback.after_inksoft_write")
    with state.transaction():  # settled in one commit: the mark, its problem closed, the order shipped
        state.ledger_mark_written(label.ledger_id)
        state.resolve_problem(current.ref, WRITE_FAILED)
        if writeback.mark_completed:
            state.set_link_status(current.order_key, "shipped")
    ctx.maybe_crash("shipback.after_ledger_written")
    current.count(writeback)
    return WriteBack("written", _describe(writeback))


def _claimed_elsewhere(state: StateStore, label: Label) -> WriteBack:
    """Another claim holds the label. A live process is writing it; a stopped one never will, so the
    label is pending until its lease ends and a later pass writes it."""
    holder = state.ledger_holder(label.ledger_id)
    if holder is not None and holder.stopped:
        return WriteBack("pending", f"claimed by a stopped inkship process; written by the first pass after "
                                    f"its lease ends ({holder.expires:%Y-%m-%d %H:%M:%S} UTC)")
    return WriteBack("duplicate", "being written by another inkship process")


def defer(ctx: PassContext, order_key: str, inksoft_id: int, label: Label, error: InkshipError | str,
          dry_run: bool) -> None:
    """Leave a label's write-back pending for the next attempt and open a problem naming the order
    (and the field, for OrderRejected) for the operator."""
    ref = f"#{inksoft_id}"
    log.warning("write-back of %s to InkSoft order %s failed: %s", label.name, ref, error)
    if dry_run:
        return
    ctx.state.ledger_defer(label.ledger_id, order_key=order_key, inksoft_id=inksoft_id,
                              tracking_number=label.tracking_number, error=str(error))
    ctx.state.record_problem(ref, WRITE_FAILED, f"{label.name} not written back, will retry: {error}",
                                field=error_field(error))


def error_field(error: InkshipError | str) -> str | None:
    return error.field if isinstance(error, OrderRejected) else None


def _nothing_to_write(ctx: PassContext, current: OrderState, label: Label, dry_run: bool) -> WriteBack:
    """Settle a label that must not be written: voided first, or carrying no unit InkSoft still owes
    (a package without items would read in InkSoft as "the rest of the order shipped")."""
    if label.voided:
        outcome, reason = "voided", "voided before write-back"
        detail = f"label {label.tracking_number} voided; not written back"
    else:
        outcome, reason = "skipped", "nothing left to write back"
        detail = f"label {label.tracking_number} carries no unit InkSoft still owes; not written back"
    if not dry_run:
        ctx.state.ledger_mark_skipped(label.ledger_id, order_key=current.order_key,
                                         inksoft_id=current.inksoft_id, tracking_number=label.tracking_number,
                                         reason=reason)
    return WriteBack(outcome, detail)


def _payload(writeback: InkSoftShipment) -> dict[str, Any]:
    data = dataclasses.asdict(writeback)
    data["ship_date"] = writeback.ship_date.isoformat() if writeback.ship_date else None
    return data


def _describe(writeback: InkSoftShipment) -> str:
    units = sum(quantity for _, quantity in writeback.items)
    done = ", order complete" if writeback.mark_completed else ""
    return (f"{writeback.tracking_number} ({writeback.service or writeback.carrier}), "
            f"{units} unit{'s' if units != 1 else ''}{done}")

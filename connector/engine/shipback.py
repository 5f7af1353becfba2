"""The ship-back pass: ShipStation labels of imported orders → InkSoft shipments, each exactly once.

Every write is bracketed by the ledger: `pending` (with its payload) before the InkSoft call, `written`
after. A `pending` row found later (a crash, or an unknown outcome such as a timed-out POST) is settled
by looking for its tracking number on the InkSoft order before writing again.
`write_back` is that one per-label protocol; the Custom Store's ship notices go through it too.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from inkship.connector.engine.context import LOCKED, PassContext
from inkship.connector.engine.reports import ShipbackReport
from inkship.connector.errors import InkshipError, OrderRejected, UnsafeResourceUrl
from inkship.connector.mapping.items import ItemRef
from inkship.connector.mapping.shipments import (
    InkSoftShipment,
    find_package_with_tracking,
    shipped_quantities,
    writeback_for,
)
from inkship.connector.mapping.times import parse_pacific
from inkship.connector.state.store import Link

log = logging.getLogger("inkship.shipback")

CURSOR = "shipback.created_since"
SHIP_EVENTS = frozenset({"SHIP_NOTIFY", "ITEM_SHIP_NOTIFY"})
# Past a batch's last label when listing its span: filters are whole Pacific seconds, and in the hour
# repeated when Pacific time falls back both the label's createDate and the filter's text read as the
# earlier of their two instants, an hour early each.
SPAN_END_MARGIN = timedelta(hours=2, seconds=1)

# Problem kinds this pass opens and closes.
WRITE_FAILED, VOIDED_AFTER, REFUSED_URL = "writeback_failed", "voided_after_writeback", "unsafe_resource_url"


def run_shipback(ctx: PassContext, dry_run: bool) -> ShipbackReport:
    """Poll `/shipments` since the cursor (created, and voided) and write back what is new."""
    state = ctx.state
    start, started = ctx.poll_window(CURSOR)
    report = ShipbackReport(dry_run=dry_run, window_start=start, window_end=started)

    shipments = {s["shipmentId"]: s for s in ctx.shipstation.iter_shipments(create_date_start=start)}
    # A label voided now may be older than the window: voids are looked up by their own date.
    # (The client turns datetime filters into ShipStation's Pacific text.)
    for voided in ctx.shipstation.iter_shipments(include_items=False, voidDateStart=start):
        shipments[voided["shipmentId"]] = {**shipments.get(voided["shipmentId"], {}), **voided}
    # Write-backs left pending by an earlier run whose shipments fell out of the window.
    # (Negative ids are Custom Store ship notices, settled by their own path, not ShipStation shipments.)
    missing = [row for row in state.ledger_pending()
               if row.shipment_id > 0 and row.shipment_id not in shipments]
    for order_id in dict.fromkeys(_shipstation_order_id(state.get_link(row.order_key)) for row in missing):
        if order_id is not None:
            shipments.update((s["shipmentId"], s)
                             for s in ctx.shipstation.iter_shipments(orderId=order_id))

    process_shipments(ctx, shipments.values(), report, dry_run)
    if not dry_run:
        state.set_cursor(CURSOR, started)
    return report


def handle_webhook(ctx: PassContext, payload: Any) -> ShipbackReport:
    """One ShipStation webhook `{resource_url, resource_type}`: fetch the batch it names, write it back."""
    report = ShipbackReport()
    event = payload.get("resource_type") if isinstance(payload, dict) else None
    url = payload.get("resource_url") if isinstance(payload, dict) else None
    if event not in SHIP_EVENTS or not isinstance(url, str) or not url:
        report.add("ignored", "-", f"webhook {event or '(no resource_type)'} is not a ship notice"
                   if event not in SHIP_EVENTS else "ship notice without a resource_url")
        return report
    try:
        body = ctx.shipstation.fetch_resource(url)
    except UnsafeResourceUrl as exc:
        log.warning("webhook refused: %s", exc)
        ctx.state.record_problem("webhook", REFUSED_URL, str(exc))
        report.add("refused", "webhook", str(exc))
        return report
    shipments = [s for s in body.get("shipments") or [] if isinstance(s, dict)]
    process_shipments(ctx, _with_items(ctx, shipments), report, dry_run=False)
    return report


def _with_items(ctx: PassContext, shipments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ship notices name their batch with `includeShipmentItems=False`. Rather than rebuild that URL,
    list the shipments created between the batch's first and last label, with items: a page per 500
    labels of that span, however many labels came after it (a webhook handled late)."""
    created = [moment for moment in (_created_at(s) for s in shipments if s.get("shipmentItems") is None)
               if moment is not None]
    if not created:
        return shipments
    listed = ctx.shipstation.iter_shipments(create_date_start=min(created),
                                               createDateEnd=max(created) + SPAN_END_MARGIN)
    with_items = {s["shipmentId"]: s for s in listed}
    return [with_items.get(s.get("shipmentId"), s) for s in shipments]


def _created_at(shipment: dict[str, Any]) -> datetime | None:
    try:
        return parse_pacific(shipment["createDate"])
    except (KeyError, TypeError, ValueError):
        return None


def _shipstation_order_id(link: Link | None) -> int | None:
    return link.shipstation_order_id if link else None


@dataclasses.dataclass
class OrderWork:
    """The shipments of one imported order that need a look at the InkSoft order."""

    link: Link
    shipments: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def process_shipments(ctx: PassContext, shipments: Iterable[dict[str, Any]], report: ShipbackReport,
                      dry_run: bool) -> None:
    """Settle each shipment: written back, a duplicate, voided, or ignored (not an order we imported)."""
    state = ctx.state
    work: dict[str, OrderWork] = {}
    for shipment in sorted(shipments, key=lambda s: s.get("shipmentId") or 0):
        shipment_id = shipment.get("shipmentId")
        key = shipment.get("orderKey")
        link = state.get_link(key) if key else None
        if link is None or not isinstance(shipment_id, int):
            report.add("ignored", str(shipment.get("orderNumber") or "-"), "not an order inkship imported",
                       shipment_id=shipment_id)
            continue
        ref = f"#{link.inksoft_id}"
        row = state.ledger_get(shipment_id)
        settled = row is not None and row.state != "pending"
        if shipment.get("voided"):
            if not dry_run:
                _reopen_if_locked(ctx, link)
            if row is not None and row.state == "written":
                _voided_after_writeback(ctx, link, shipment, report, dry_run)
            elif not settled:
                # Pending and voided: it may have reached InkSoft; the order's packages decide.
                work.setdefault(link.order_key, OrderWork(link)).shipments.append(shipment)
            continue
        if row is not None and settled:
            report.add("duplicate", ref, f"already {row.state}", shipment_id=shipment_id)
            continue
        work.setdefault(link.order_key, OrderWork(link)).shipments.append(shipment)
    if not work:
        return
    ids = [w.link.inksoft_id for w in work.values()]
    try:
        orders = {order.get("ID"): order for order in ctx.inksoft.get_orders(ids)}
    except InkshipError as exc:
        ctx.stop_if_fatal(exc)
        for w in work.values():
            for shipment in w.shipments:
                _failed(ctx, w.link, shipment, f"InkSoft order not read: {exc}", report, dry_run)
        return
    for w in work.values():
        order = orders.get(w.link.inksoft_id)
        if order is None:
            for shipment in w.shipments:
                _failed(ctx, w.link, shipment, "InkSoft no longer has this order", report, dry_run)
            continue
        _write_order(ctx, w.link, order, w.shipments, report, dry_run)


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
    if current.has_tracking(label.tracking_number):
        if not dry_run:
            state.ledger_mark_written(label.ledger_id, order_key=current.order_key,
                                      inksoft_id=current.inksoft_id, tracking_number=label.tracking_number)
            state.resolve_problem(current.ref, WRITE_FAILED)
        return WriteBack("duplicate", "tracking number already on the InkSoft order", found_on_order=True)
    try:
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
            return WriteBack("duplicate", "being written by another inkship process")
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
    state.ledger_mark_written(label.ledger_id)
    ctx.maybe_crash("shipback.after_ledger_written")
    state.resolve_problem(current.ref, WRITE_FAILED)
    if writeback.mark_completed:
        state.set_link_status(current.order_key, "shipped")
    current.count(writeback)
    return WriteBack("written", _describe(writeback))


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


def _shipment_writeback(shipment: dict[str, Any]) -> Prepare:
    """A REST shipment's write-back, from the InkSoft order as last read."""
    return lambda current: writeback_for(shipment, current.order, current.already)


def _write_order(ctx: PassContext, link: Link, order: dict[str, Any], shipments: list[dict[str, Any]],
                 report: ShipbackReport, dry_run: bool) -> None:
    """Write one order's new shipments in label order; each sees the units the earlier ones shipped."""
    current = OrderState(link.order_key, link.inksoft_id, order)
    for shipment in shipments:
        shipment_id: int = shipment["shipmentId"]
        label = Label(shipment_id, shipment.get("trackingNumber"), f"shipment {shipment_id}",
                      voided=bool(shipment.get("voided")))
        try:
            result = write_back(ctx, current, label, _shipment_writeback(shipment), dry_run)
        except InkshipError as exc:
            # InkSoft refused or failed, or data we cannot write (no tracking number, unreadable
            # lines): reported, left pending, and the pass goes on with the next shipment.
            report.add("failed", current.ref, str(exc), field=error_field(exc), shipment_id=shipment_id)
            ctx.stop_if_fatal(exc)
            continue
        if result.found_on_order and label.voided:
            _voided_after_writeback(ctx, link, shipment, report, dry_run)
            continue
        report.add(result.outcome, current.ref, result.detail, shipment_id=shipment_id)


def _voided_after_writeback(ctx: PassContext, link: Link, shipment: dict[str, Any], report: ShipbackReport,
                            dry_run: bool) -> None:
    """Reported once: the ledger moves written → voided on the first sighting only."""
    ref = f"#{link.inksoft_id}"
    shipment_id = shipment["shipmentId"]
    if not dry_run and not ctx.state.ledger_mark_voided(shipment_id):
        return
    message = (f"label {shipment.get('trackingNumber')} was voided in ShipStation after it was written back "
               f"to InkSoft order {ref}; remove that package in InkSoft by hand")
    report.add("voided_after_writeback", ref, message, shipment_id=shipment_id)
    if not dry_run:
        ctx.state.record_problem(f"{ref}/{shipment_id}", VOIDED_AFTER, message)


def _reopen_if_locked(ctx: PassContext, link: Link) -> None:
    """A void can put a shipped ShipStation order back to awaiting_shipment. An InkSoft change refused
    while it was locked (a conflict, a cancellation) must then be sent after all: the link goes pending,
    so the next import reads the order again, checks ShipStation's status and sends what changed.
    Done on every sighting of the void (a few runs, while it is in the window): cheap and idempotent,
    and it also covers labels settled before their void (nothing owed, say)."""
    if link.shipstation_status in LOCKED:
        ctx.state.upsert_link(dataclasses.replace(link, pending=True))


def _failed(ctx: PassContext, link: Link, shipment: dict[str, Any], error: str, report: ShipbackReport,
            dry_run: bool) -> None:
    """A shipment whose InkSoft order could not be read: reported, left pending for the next run."""
    shipment_id = shipment["shipmentId"]
    label = Label(shipment_id, shipment.get("trackingNumber"), f"shipment {shipment_id}")
    report.add("failed", f"#{link.inksoft_id}", error, shipment_id=shipment_id)
    defer(ctx, link.order_key, link.inksoft_id, label, error, dry_run)


def _payload(writeback: InkSoftShipment) -> dict[str, Any]:
    data = dataclasses.asdict(writeback)
    data["ship_date"] = writeback.ship_date.isoformat() if writeback.ship_date else None
    return data


def _describe(writeback: InkSoftShipment) -> str:
    units = sum(quantity for _, quantity in writeback.items)
    done = ", order complete" if writeback.mark_completed else ""
    return (f"{writeback.tracking_number} ({writeback.service or writeback.carrier}), "
            f"{units} unit{'s' if units != 1 else ''}{done}")

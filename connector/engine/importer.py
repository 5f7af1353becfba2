"""The import pass: InkSoft orders modified since the last run → ShipStation orders, sending only what
changed, 100 per `createorders` call, and recording each outcome in the state store."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from inkship.connector.engine.context import LOCKED, PassContext
from inkship.connector.engine.reports import ImportReport
from inkship.connector.errors import InkshipError, OrderRejected
from inkship.connector.mapping.keys import fingerprint, order_key_for, order_ref_for
from inkship.connector.mapping.orders import MappedOrder, Skip, map_order
from inkship.connector.state.store import Link

log = logging.getLogger("inkship.import")

CURSOR = "import.modified_since"
BATCH = 100  # the documented maximum of one createorders call
# Fields ShipStation sets itself; left out when one of its orders is sent back to it.
SHIPSTATION_READ_ONLY = frozenset({"orderId", "createDate", "modifyDate", "orderTotal", "customerId",
                                   "userId", "externallyFulfilled", "externallyFulfilledBy",
                                   "externallyFulfilledById", "externallyFulfilledByName", "labelMessages"})

# Problem kinds this pass opens and closes.
SKIPPED, SEND_FAILED, CONFLICT = "skipped", "import_failed", "conflict"


@dataclass
class Outgoing:
    """A mapped order on its way to ShipStation, with what we knew of it before."""

    mapped: MappedOrder
    order: dict[str, Any]
    link: Link | None

    @property
    def ref(self) -> str:
        return order_ref_for(self.order)

    @property
    def status(self) -> str:
        return str(self.mapped.payload.get("orderStatus"))

    @property
    def outcome(self) -> str:
        if self.status == "cancelled":
            return "cancelled"
        return "updated" if self.link and self.link.shipstation_order_id else "created"


def run_import(ctx: PassContext, dry_run: bool) -> ImportReport:
    state = ctx.state
    start, started = ctx.poll_window(CURSOR)
    report = ImportReport(dry_run=dry_run, window_start=start, window_end=started)

    # Open-ended window: an order modified while we run, or by a clock ahead of ours, is not lost;
    # the next run's overlap reads it again and the fingerprint makes that free.
    ids = [summary.get("ID") for summary in ctx.inksoft.iter_order_summaries(start, None)]
    ids += [link.inksoft_id for link in state.pending_links()]  # failed last time: send again
    unique_ids = [i for i in dict.fromkeys(ids) if isinstance(i, int)]
    orders = ctx.inksoft.get_orders(unique_ids) if unique_ids else []

    outgoing = [out for order in orders if (out := _plan(ctx, order, report, dry_run)) is not None]
    for first in range(0, len(outgoing), BATCH):
        _send(ctx, outgoing[first:first + BATCH], report, dry_run)

    if not dry_run:
        # Every order of the window is now linked, pending or a problem: safe to move on.
        state.set_cursor(CURSOR, started)
    return report


def _plan(ctx: PassContext, order: dict[str, Any], report: ImportReport, dry_run: bool) -> Outgoing | None:
    """Map one order; None when there is nothing to send (skipped or unchanged)."""
    state = ctx.state
    ref = order_ref_for(order)
    result = map_order(order, ctx.status_table, ctx.mapping, ctx.store_id,
                       store_domain=ctx.store_domain)
    if isinstance(result, Skip):
        cancellation = _cancellation_of_imported(ctx, order)
        if cancellation is not None:
            return cancellation
        report.add("skipped", ref, result.reason, field=result.field)
        if not dry_run:
            state.record_problem(ref, SKIPPED, result.reason, field=result.field)
        return None
    if not dry_run:
        state.resolve_problem(ref, SKIPPED)
    link = state.get_link(result.order_key)
    out = Outgoing(result, order, link)
    if link is not None and link.fingerprint == result.fingerprint and not link.pending:
        report.add("unchanged", ref)
        return None
    if link is not None and link.shipstation_order_id is None and out.status == "cancelled":
        # A failed first send may have created the order all the same (its answer lost): cancel it there.
        found = _find_order_id(ctx, result)
        if found is not None:
            out.link = link = dataclasses.replace(link, shipstation_order_id=found)
    if (link is None or link.shipstation_order_id is None) and out.status == "cancelled":
        report.add("skipped", ref, "cancelled in InkSoft before it was imported; not created")
        if link is not None and not dry_run:  # a failed first send: nothing left to retry
            state.upsert_link(_link(out, pending=False, fingerprint=result.fingerprint))
            state.resolve_problem(ref, SEND_FAILED)
        return None
    if link is not None and link.shipstation_status in LOCKED:
        return _settle_locked(ctx, out, link.shipstation_status, report, dry_run, verify=True)
    return out


def _cancellation_of_imported(ctx: PassContext, order: dict[str, Any]) -> Outgoing | None:
    """An order already in ShipStation, now cancelled in InkSoft, that no longer maps (its address was
    removed, say): the cancellation must still reach ShipStation. createorder replaces the whole order,
    so ShipStation's own copy is sent back with the cancelled status."""
    if not isinstance(order, dict) or ctx.status_table.shipstation_status(order) != "cancelled":
        return None
    try:
        key = order_key_for(order)
    except OrderRejected:
        return None
    link = ctx.state.get_link(key)
    if link is None or link.shipstation_order_id is None or link.shipstation_status in LOCKED:
        return None
    current = ctx.shipstation.get_order(link.shipstation_order_id)
    payload = {field: value for field, value in current.items() if field not in SHIPSTATION_READ_ONLY}
    payload["orderStatus"] = "cancelled"
    return Outgoing(MappedOrder(key, link.inksoft_id, payload, fingerprint(payload)), order, link)


def _send(ctx: PassContext, batch: list[Outgoing], report: ImportReport, dry_run: bool) -> None:
    if dry_run:
        for out in batch:
            report.add(out.outcome, out.ref, out.status)
        return
    for out in batch:
        if out.link is None:
            # Written ahead, as the ledger does for write-backs: if the process dies before the answer
            # is recorded, the order is known as sent-unconfirmed, and a later cancellation in InkSoft
            # looks for it in ShipStation instead of taking it for never imported.
            ctx.state.upsert_link(_link(out, pending=True, fingerprint=None))
    try:
        results = ctx.shipstation.create_orders([out.mapped.payload for out in batch])
    except InkshipError as exc:
        ctx.stop_if_fatal(exc)
        log.warning("createorders failed for %d orders: %s", len(batch), exc)
        for out in batch:
            _failed(ctx, out, str(exc), report)
        return
    ctx.maybe_crash("import.after_createorders")
    # Results come in input order; matching on orderKey also survives a reply that is not.
    by_key = {r.get("orderKey"): r for r in results if isinstance(r, dict)}
    for out in batch:
        result = by_key.get(out.mapped.order_key)
        if result is not None and result.get("success"):
            _created(ctx, out, result, report)
        else:
            error = (result or {}).get("errorMessage") or "ShipStation returned no result for this order"
            _refused(ctx, out, str(error), report)


def _created(ctx: PassContext, out: Outgoing, result: dict[str, Any], report: ImportReport) -> None:
    state = ctx.state
    state.upsert_link(_link(out, pending=False, fingerprint=out.mapped.fingerprint,
                            shipstation_order_id=result.get("orderId"), shipstation_status=out.status))
    state.resolve_problem(out.ref, SEND_FAILED)
    state.resolve_problem(out.ref, CONFLICT)
    report.add(out.outcome, out.ref, out.status)


def _refused(ctx: PassContext, out: Outgoing, error: str, report: ImportReport) -> None:
    """A per-order failure: a locked order is a conflict, anything else is retried next run."""
    order_id = out.link.shipstation_order_id if out.link else None
    if order_id is None:
        # A create whose answer was lost may have reached ShipStation (or someone made an order under
        # our key): remember its id, so the next refusal can tell whether it is locked, not retry forever.
        _failed(ctx, out, error, report, shipstation_order_id=_find_order_id(ctx, out.mapped))
        return
    try:
        current = ctx.shipstation.get_order(order_id).get("orderStatus")
    except InkshipError as exc:
        ctx.stop_if_fatal(exc)
        current = None
    if current in LOCKED:
        _settle_locked(ctx, out, str(current), report, dry_run=False, verify=False)
        return
    _failed(ctx, out, error, report)


def _find_order_id(ctx: PassContext, mapped: MappedOrder) -> int | None:
    """ShipStation's id of the order with our orderKey (orderNumber filters by prefix: check the key)."""
    try:
        for order in ctx.shipstation.iter_orders(orderNumber=mapped.payload.get("orderNumber")):
            if order.get("orderKey") == mapped.order_key:
                return order.get("orderId")
    except InkshipError as exc:
        ctx.stop_if_fatal(exc)
    return None


def _failed(ctx: PassContext, out: Outgoing, error: str, report: ImportReport, *,
            shipstation_order_id: int | None = None) -> None:
    # The old fingerprint stays: the pending flag alone makes the next run send it again.
    ctx.state.upsert_link(_link(out, pending=True, fingerprint=out.link.fingerprint if out.link else None,
                                   shipstation_order_id=shipstation_order_id))
    ctx.state.record_problem(out.ref, SEND_FAILED, f"not sent to ShipStation, will retry: {error}")
    report.add("failed", out.ref, error)


def _settle_locked(ctx: PassContext, out: Outgoing, locked_status: str, report: ImportReport,
                   dry_run: bool, *, verify: bool) -> Outgoing | None:
    """ShipStation's order is shipped or cancelled and cannot change. When InkSoft now wants the same
    status there is nothing to do; otherwise it is a conflict, reported once per InkSoft change.
    With `verify`, the locked status we remember is checked first (a void may have unlocked it)."""
    if verify and out.status != locked_status and out.link and out.link.shipstation_order_id:
        try:
            current = ctx.shipstation.get_order(out.link.shipstation_order_id).get("orderStatus")
        except InkshipError as exc:
            ctx.stop_if_fatal(exc)
            # Unknown is not "still locked": settling now would drop a change a void let through.
            if dry_run:
                report.add("failed", out.ref, f"ShipStation status not read: {exc}")
            else:
                _failed(ctx, out, f"ShipStation status not read: {exc}", report)
            return None
        if current not in LOCKED:
            return out
        locked_status = str(current)
    if out.status == locked_status:
        report.add("unchanged", out.ref, f"already {locked_status} in ShipStation")
    else:
        change = "was cancelled" if out.status == "cancelled" else "changed"
        message = (f"InkSoft order {out.ref} {change}, but ShipStation already "
                   f"{'shipped' if locked_status == 'shipped' else 'cancelled'} it; not sent")
        report.add("conflict", out.ref, message)
        if not dry_run:
            ctx.state.record_problem(out.ref, CONFLICT, message)
    if not dry_run:
        ctx.state.resolve_problem(out.ref, SEND_FAILED)  # settled: nothing left to retry
        # Remember this content, so an unchanged order is not sent (nor reported) on every run.
        ctx.state.upsert_link(_link(out, pending=False, fingerprint=out.mapped.fingerprint,
                                       shipstation_status=locked_status))
    return None


def _link(out: Outgoing, *, pending: bool, fingerprint: str | None, shipstation_order_id: int | None = None,
          shipstation_status: str | None = None) -> Link:
    order = out.order
    return Link(
        order_key=out.mapped.order_key,
        inksoft_id=out.mapped.inksoft_id,
        inksoft_unique_id=order.get("UniqueId"),
        store_id=order.get("StoreId"),
        shipstation_order_id=shipstation_order_id,
        order_number=out.mapped.payload.get("orderNumber"),
        fingerprint=fingerprint,
        shipstation_status=shipstation_status,
        pending=pending,
    )

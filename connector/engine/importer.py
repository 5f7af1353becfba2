"""The import pass: InkSoft orders modified since the last run → ShipStation orders, sending only what
changed, 100 per `createorders` call, and recording each outcome in the state store."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Generator
from contextlib import closing, nullcontext
from dataclasses import dataclass
from typing import Any

from inkship.connector.engine.context import LOCKED, PassContext
from inkship.connector.engine.inksoft_orders import SKIPPED, window_pages
from inkship.connector.engine.reports import ImportReport
from inkship.connector.engine.window import WindowSeen, shared_keys
from inkship.connector.errors import InkshipError, OrderRejected, RequestRejected
from inkship.connector.mapping.keys import fingerprint, is_order_id, order_ref_for
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
SEND_FAILED, CONFLICT, KEY_COLLISION = "import_failed", "conflict", "key_collision"


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
    turns = import_in_turns(ctx, dry_run)
    while True:
        try:
            next(turns)
        except StopIteration as done:
            return done.value


def import_in_turns(ctx: PassContext, dry_run: bool) -> Generator[None, None, ImportReport]:
    """The import pass, pausing before each `createorders` call: several stores sharing one ShipStation
    budget take turns batch by batch (`engine/stores.py`). Returns the report."""
    state = ctx.state
    start, started = ctx.poll_window(CURSOR)
    report = ImportReport(dry_run=dry_run, window_start=start, window_end=started)

    seen = WindowSeen()  # read, mapped and sent a page at a time: memory stays flat whatever the window
    with closing(window_pages(ctx, start, report, dry_run, seen)) as pages:  # closed on an error too
        for orders in pages:
            yield from _import_page(ctx, orders, seen, report, dry_run)

    if not dry_run:
        # Every order of the window is now linked, pending, to be read again or a problem: safe to move on.
        state.set_cursor(CURSOR, started)
    return report


def _import_page(ctx: PassContext, orders: list[dict[str, Any]], seen: WindowSeen, report: ImportReport,
                 dry_run: bool) -> Generator[None, None, None]:
    """One page of orders, mapped and sent; its state written in one transaction (committed
    before `createorders`, so the links written ahead are on disk when ShipStation acts, and before
    each turn, so the other stores' passes never run inside it)."""
    state = ctx.state
    with nullcontext() if dry_run else state.batch():
        planned = [out for order in orders if (out := _plan(ctx, order, report, dry_run)) is not None]
        # A sent order's key is in its link (`_plan` checks it): only a dry run remembers them all.
        shared = shared_keys([(out.mapped.order_key, out.ref) for out in planned], seen.keys,
                             remember_all=dry_run)
        for key, refs in shared.items():
            _key_collision(ctx, refs, key, report, dry_run)
        outgoing = [out for out in planned if out.mapped.order_key not in shared]
        for first in range(0, len(outgoing), BATCH):
            with state.released():
                yield
            _send(ctx, outgoing[first:first + BATCH], report, dry_run)


def _plan(ctx: PassContext, order: dict[str, Any], report: ImportReport, dry_run: bool) -> Outgoing | None:
    """Map one order; None when there is nothing to send (skipped or unchanged)."""
    state = ctx.state
    ref = order_ref_for(order)
    kept = _link_of(ctx, order)
    result = map_order(order, ctx.status_table, ctx.mapping, ctx.store_id,
                       store_domain=ctx.store_domain, order_key=kept.order_key if kept else None)
    if isinstance(result, Skip):
        cancellation = _cancellation_of_imported(ctx, order, kept, report, dry_run)
        if cancellation is not None:
            return cancellation
        report.add("skipped", ref, result.reason, field=result.field)
        if not dry_run:
            state.record_problem(ref, SKIPPED, result.reason, field=result.field)
        return None
    if not dry_run:
        state.resolve_problem(ref, SKIPPED)
    link = state.get_link(result.order_key)
    if link is not None and link.inksoft_id != result.inksoft_id:
        _key_collision(ctx, [ref, f"#{link.inksoft_id}"], result.order_key, report, dry_run)
        return None
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


def _link_of(ctx: PassContext, order: dict[str, Any]) -> Link | None:
    """The link of an order imported before, found by its InkSoft identity: the order keeps the key
    it was imported under (earlier versions keyed on UniqueId), so no second ShipStation order appears."""
    order_id, store_id = order.get("ID"), order.get("StoreId")
    if not is_order_id(order_id):
        return None
    return ctx.state.link_of_order(store_id if is_order_id(store_id) else None, order_id)


def _key_collision(ctx: PassContext, refs: list[str], order_key: str, report: ImportReport,
                   dry_run: bool) -> None:
    """Reported for every order involved; none is sent, so none overwrites another."""
    for ref in dict.fromkeys(refs):
        others = ", ".join(other for other in refs if other != ref)
        message = (f"InkSoft orders {ref} and {others} would share ShipStation orderKey {order_key!r}; "
                   f"neither is sent until that is resolved")
        report.add("conflict", ref, message, field="orderKey")
        if not dry_run:
            ctx.state.record_problem(ref, KEY_COLLISION, message, field="orderKey")


def _cancellation_of_imported(ctx: PassContext, order: dict[str, Any], link: Link | None,
                              report: ImportReport, dry_run: bool) -> Outgoing | None:
    """An order already in ShipStation, now cancelled in InkSoft, that no longer maps (its address was
    removed, say): the cancellation must still reach ShipStation. createorder replaces the whole order,
    so ShipStation's own copy is sent back with the cancelled status."""
    if link is None or link.shipstation_order_id is None or link.shipstation_status in LOCKED:
        return None
    try:
        if ctx.status_table.shipstation_status(order) != "cancelled":
            return None
    except OrderRejected:
        return None
    try:
        with ctx.state.released():  # no write lock held over a network call
            current = ctx.shipstation.get_order(link.shipstation_order_id)
    except InkshipError as exc:
        ctx.stop_if_fatal(exc)
        report.add("failed", order_ref_for(order),
                   f"cancellation not sent: ShipStation order not read: {exc}")
        if not dry_run:
            ctx.state.upsert_link(dataclasses.replace(link, pending=True))
        return None
    payload = {field: value for field, value in current.items() if field not in SHIPSTATION_READ_ONLY}
    payload["orderStatus"] = "cancelled"
    return Outgoing(MappedOrder(link.order_key, link.inksoft_id, payload, fingerprint(payload)), order, link)


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
    _create(ctx, batch, report)


def _create(ctx: PassContext, batch: list[Outgoing], report: ImportReport) -> None:
    """One createorders call. A batch ShipStation refuses whole (a 400: one order it will not take,
    whatever our limits table says) is halved until the order at fault stands alone, so every good
    order still goes through; that one is reported with ShipStation's reason and retried next run."""
    try:
        with ctx.state.released():  # the links written ahead are on disk before ShipStation acts
            results = ctx.shipstation.create_orders([out.mapped.payload for out in batch])
    except InkshipError as exc:
        ctx.stop_if_fatal(exc)
        if isinstance(exc, RequestRejected) and exc.status == 400 and len(batch) > 1:
            log.warning("createorders refused a batch of %d as a whole; halving it to find the order at "
                        "fault: %s", len(batch), exc)
            middle = len(batch) // 2
            _create(ctx, batch[:middle], report)
            _create(ctx, batch[middle:], report)
            return
        log.warning("createorders failed for %d orders: %s", len(batch), exc)
        for out in batch:
            _failed(ctx, out, str(exc), report, field=_refused_field(exc))
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


def _refused_field(error: InkshipError) -> str | None:
    """The ShipStation field a 400 names (`apiOrders[0].items[0].quantity` → `items[0].quantity`)."""
    model_state = error.details.get("ModelState") if isinstance(error.details, dict) else None
    if not isinstance(model_state, dict) or not model_state:
        return None
    key = str(next(iter(model_state)))
    return re.sub(r"^apiOrders?(\[\d+\])?\.?", "", key) or None


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
        with ctx.state.released():
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
        with ctx.state.released():
            for order in ctx.shipstation.iter_orders(orderNumber=mapped.payload.get("orderNumber")):
                if order.get("orderKey") == mapped.order_key:
                    return order.get("orderId")
    except InkshipError as exc:
        ctx.stop_if_fatal(exc)
    return None


def _failed(ctx: PassContext, out: Outgoing, error: str, report: ImportReport, *,
            shipstation_order_id: int | None = None, field: str | None = None) -> None:
    # The old fingerprint stays: the pending flag alone makes the next run send it again.
    ctx.state.upsert_link(_link(out, pending=True, fingerprint=out.link.fingerprint if out.link else None,
                                shipstation_order_id=shipstation_order_id))
    ctx.state.record_problem(out.ref, SEND_FAILED, f"not sent to ShipStation, will retry: {error}",
                             field=field)
    report.add("failed", out.ref, error, field=field)


def _settle_locked(ctx: PassContext, out: Outgoing, locked_status: str, report: ImportReport,
                   dry_run: bool, *, verify: bool) -> Outgoing | None:
    """ShipStation's order is shipped or cancelled and cannot change. When InkSoft now wants the same
    status there is nothing to do; otherwise it is a conflict, reported once per InkSoft change.
    With `verify`, the locked status we remember is checked first (a void may have unlocked it)."""
    if verify and out.status != locked_status and out.link and out.link.shipstation_order_id:
        try:
            with ctx.state.released():
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
        if not dry_run:  # InkSoft and ShipStation agree: a conflict reported earlier is over
            ctx.state.resolve_problem(out.ref, CONFLICT)
    elif (locked_status == "shipped" and out.status != "cancelled"
          and ctx.state.ledger_has_order(out.mapped.order_key)):
        # Shipped in ShipStation with labels we are writing back (a split shipment, say): InkSoft's
        # change is most likely those write-backs, and the last one completes the order there. Decided
        # again once InkSoft has caught up, so nothing is recorded now.
        report.add("unchanged", out.ref, "shipped in ShipStation; waiting for its labels to reach InkSoft")
        return None
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

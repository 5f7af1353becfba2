"""The ship-back pass: ShipStation labels of imported orders → InkSoft shipments, each exactly once,
found by polling `/shipments` or from a SHIP_NOTIFY webhook's `resource_url` (every page of it).
Each label goes through `writeback.write_back`, the one exactly-once protocol.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from inkship.connector.engine.concurrent import each_at_once
from inkship.connector.engine.context import LOCKED, PassContext
from inkship.connector.engine.reports import ReportLine, ShipbackReport
from inkship.connector.engine.writeback import Label, OrderState, Prepare, defer, error_field, write_back
from inkship.connector.errors import InkshipError, UnsafeResourceUrl
from inkship.connector.mapping.reading import shown
from inkship.connector.mapping.shipments import writeback_for
from inkship.connector.mapping.times import parse_pacific
from inkship.connector.state.store import Link

log = logging.getLogger("inkship.shipback")

CURSOR = "shipback.created_since"
SHIP_EVENTS = frozenset({"SHIP_NOTIFY", "ITEM_SHIP_NOTIFY"})
# Past a batch's last label when listing its span: filters are whole Pacific seconds, and in the hour
# repeated when Pacific time falls back both the label's createDate and the filter's text read as the
# earlier of their two instants, an hour early each.
SPAN_END_MARGIN = timedelta(hours=2, seconds=1)

# Problem kinds this pass opens and closes (with writeback.WRITE_FAILED).
VOIDED_AFTER, REFUSED_URL = "voided_after_writeback", "unsafe_resource_url"


def run_shipback(ctx: PassContext, dry_run: bool) -> ShipbackReport:
    """Poll `/shipments` since the cursor (created, and voided) and write back what is new."""
    state = ctx.state
    start, started = ctx.poll_window(CURSOR)
    report = ShipbackReport(dry_run=dry_run, window_start=start, window_end=started)

    listed = list(ctx.shipstation.iter_shipments(create_date_start=start))
    shipments = {s["shipmentId"]: s for s in listed if _usable(s)}
    odd = [s for s in listed if not _usable(s)]  # reported as ignored, never a crash
    # A label voided now may be older than the window: voids are looked up by their own date.
    # (The client turns datetime filters into ShipStation's Pacific text.)
    for voided in ctx.shipstation.iter_shipments(include_items=False, voidDateStart=start):
        if _usable(voided):
            shipments[voided["shipmentId"]] = {**shipments.get(voided["shipmentId"], {}), **voided}
    # Write-backs left pending by an earlier run whose shipments fell out of the window.
    # (Negative ids are Custom Store ship notices, settled by their own path, not ShipStation shipments.)
    missing = [row for row in state.ledger_pending()
               if row.shipment_id > 0 and row.shipment_id not in shipments]
    for order_id in dict.fromkeys(_shipstation_order_id(state.get_link(row.order_key)) for row in missing):
        if order_id is not None:
            shipments.update((s["shipmentId"], s)
                             for s in ctx.shipstation.iter_shipments(orderId=order_id) if _usable(s))

    process_shipments(ctx, [*shipments.values(), *odd], report, dry_run)
    if not dry_run:
        state.set_cursor(CURSOR, started)
    return report


def handle_webhook(ctx: PassContext, payload: Any) -> ShipbackReport:
    """One ShipStation webhook `{resource_url, resource_type}`: fetch the batch it names, write it back."""
    report = ShipbackReport()
    event = payload.get("resource_type") if isinstance(payload, dict) else None
    url = payload.get("resource_url") if isinstance(payload, dict) else None
    if not isinstance(event, str) or event not in SHIP_EVENTS:
        named = event[:60] if isinstance(event, str) and event else shown(event) if event else None
        report.add("ignored", "-", f"webhook {named or '(no resource_type)'} is not a ship notice")
        return report
    if not isinstance(url, str) or not url:
        report.add("ignored", "-", "ship notice without a resource_url")
        return report
    try:
        shipments = _every_page(ctx, url)
    except UnsafeResourceUrl as exc:
        log.warning("webhook refused: %s", exc)
        ctx.state.record_problem("webhook", REFUSED_URL, str(exc))
        report.add("refused", "webhook", str(exc))
        return report
    process_shipments(ctx, _with_items(ctx, shipments), report, dry_run=False)
    return report


def _every_page(ctx: PassContext, url: str) -> list[dict[str, Any]]:
    """The shipments of a ship notice's `resource_url`, every page of them: a batch of more labels than
    one page holds (100 by default) is answered in pages, `page` and `pages` in the body. The URL is
    fetched as given, then with `page=2`, `page=3`... (its other parameters kept)."""
    shipments: list[dict[str, Any]] = []
    seen: set[Any] = set()
    page, pages = 1, 1
    while page <= pages:
        body = ctx.shipstation.fetch_resource(url if page == 1 else _with_page(url, page))
        listed = body.get("shipments")
        fresh = [s for s in listed if isinstance(s, dict) and s.get("shipmentId") not in seen] \
            if isinstance(listed, list) else []
        seen.update(s.get("shipmentId") for s in fresh)
        shipments += fresh
        reported = body.get("pages")
        pages = reported if isinstance(reported, int) and not isinstance(reported, bool) else 1
        if not fresh:
            break  # a page of nothing new (a server ignoring `page`): stop, never loop
        page += 1
    return shipments


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
             if name.lower() != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", str(page))])))


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
    with_items = {s["shipmentId"]: s for s in listed if _usable(s)}
    return [with_items.get(s["shipmentId"], s) if _usable(s) else s for s in shipments]


def _usable(shipment: Any) -> bool:
    """A shipment the ledger can key: an object with an integer shipmentId."""
    if not isinstance(shipment, dict):
        return False
    shipment_id = shipment.get("shipmentId")
    return isinstance(shipment_id, int) and not isinstance(shipment_id, bool)


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
    for shipment in sorted(shipments, key=lambda s: s["shipmentId"] if _usable(s) else -1):
        if not isinstance(shipment, dict):
            report.add("ignored", "-", f"a shipment that is not an object: {shown(shipment)}")
            continue
        number = shipment.get("orderNumber")
        shown_number = number[:60] if isinstance(number, str) and number else shown(number or "-")
        if not _usable(shipment):
            report.add("ignored", shown_number,
                       f"a shipment without an integer shipmentId: {shown(shipment.get('shipmentId'))}")
            continue
        shipment_id: int = shipment["shipmentId"]
        key = shipment.get("orderKey")
        link = state.get_link(key) if isinstance(key, str) and key else None
        if link is None:
            report.add("ignored", shown_number, "not an order inkship imported", shipment_id=shipment_id)
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
    # A page of orders at a time: read from InkSoft in one call, then settled, several orders at once
    # (each order's labels in order, in one thread); memory holds one page of InkSoft orders.
    pending = list(work.values())
    page = ctx.inksoft.config.page_size
    for first in range(0, len(pending), page):
        if not _settle_page(ctx, pending[first:first + page], report, dry_run):
            for later in pending[first + page:]:  # InkSoft is down: the rest wait for the next pass
                for shipment in later.shipments:
                    _failed(ctx, later.link, shipment, "InkSoft order not read: InkSoft did not answer for "
                            "an earlier page of orders", report, dry_run)
            return


def _settle_page(ctx: PassContext, page: list[OrderWork], report: ShipbackReport, dry_run: bool) -> bool:
    """Read a page of orders and settle their shipments; False when InkSoft could not be read."""
    try:
        ids = [w.link.inksoft_id for w in page]
        orders = {order.get("ID"): order for order in ctx.inksoft.get_orders(ids)}
    except InkshipError as exc:
        ctx.stop_if_fatal(exc)
        for w in page:
            for shipment in w.shipments:
                _failed(ctx, w.link, shipment, f"InkSoft order not read: {exc}", report, dry_run)
        return False

    def settle(w: OrderWork) -> list[ReportLine]:
        part = ShipbackReport(dry_run=dry_run)
        order = orders.get(w.link.inksoft_id)
        if order is None:
            for shipment in w.shipments:
                _failed(ctx, w.link, shipment, "InkSoft no longer has this order", part, dry_run)
        else:
            _write_order(ctx, w.link, order, w.shipments, part, dry_run)
        return part.lines

    # A dry run writes nothing and reads nothing more: one thread does.
    threads = 1 if dry_run else ctx.inksoft.config.write_concurrency
    for lines in each_at_once(page, settle, threads=threads, thread_done=ctx.state.close_thread_connection):
        report.lines.extend(lines)
    return True


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

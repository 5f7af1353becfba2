"""Which InkSoft orders an import pass reads (the window's summaries, the orders to send again, those
due another read), and what becomes of the ones InkSoft cannot give: each is reported with its field
and read again after a doubling back-off, never holding back the others."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import datetime
from typing import Any

from inkship.connector.engine.context import PassContext
from inkship.connector.engine.reports import ImportReport
from inkship.connector.engine.window import WindowSeen, id_pages
from inkship.connector.errors import InkshipError, NotFound
from inkship.connector.mapping.keys import is_order_id, order_ref_for
from inkship.connector.mapping.reading import shown

# An order InkSoft lists but cannot give is read again after a back-off (state.retry_delay), this
# many times at most; after that only a change in InkSoft (a new summary) brings it back.
MAX_READ_ATTEMPTS = 8

# Problem kinds opened and closed here (SKIPPED is the import pass's too).
SKIPPED, UNREADABLE = "skipped", "unreadable"


def window_pages(ctx: PassContext, start: datetime, report: ImportReport, dry_run: bool,
                 seen: WindowSeen) -> Generator[list[dict[str, Any]], None, None]:
    """The full orders to map in this pass, a page at a time: the next page's summaries are read only
    when the caller asks for it, having dealt with this one (`window.id_pages`). The client's window
    watcher is told how the reading goes, and that the window is left, however it is left (close the
    generator when abandoning it)."""
    state = ctx.state
    waiting = state.retries_waiting()  # unreadable last time: read again only after the back-off
    again = [link.inksoft_id for link in state.pending_links()  # failed last time: send again
             if link.inksoft_id not in waiting]
    retried = state.due_retries()
    due = set(retried)
    watcher = ctx.inksoft.watch_window()
    finished = False
    try:
        # Open-ended window: an order modified while we run, or by a clock ahead of ours, is not lost;
        # the next run's overlap reads it again and the fingerprint makes that free.
        summaries = _then(ctx.inksoft.iter_order_summaries(start, None, on_total=watcher.counted),
                          lambda: watcher.again(sum(1 for order_id in due.union(again)
                                                    if order_id not in seen.ids)))
        for ids in id_pages(summaries, lambda summary: _summary_id(ctx, summary, report, dry_run),
                            again + retried, ctx.inksoft.config.page_size, seen):
            reads = ctx.inksoft.read_orders(ids)
            watcher.read(len(ids))
            for order_id, error in reads.unreadable.items():
                _unreadable(ctx, order_id, error, report, dry_run)
            if not dry_run:
                for order_id in due.intersection(ids) - set(reads.unreadable):
                    state.clear_retry(order_id)
                    state.resolve_problem(f"#{order_id}", UNREADABLE)
            yield reads.orders
        finished = True
    finally:
        watcher.closed(finished)


def _then(items: Iterable[Any], done: Callable[[], None]) -> Iterator[Any]:
    """`items`, then a call to `done` once they are all taken."""
    yield from items
    done()


def _summary_id(ctx: PassContext, summary: Any, report: ImportReport, dry_run: bool) -> int | None:
    """The order id a summary names, or None after reporting a summary whose ID no order can have."""
    order_id = summary.get("ID") if isinstance(summary, dict) else None
    if is_order_id(order_id):
        return order_id
    ref = order_ref_for(summary)
    reason = f"InkSoft lists an order whose ID is not a positive integer: {shown(order_id)}"
    report.add("skipped", ref, reason, field="ID")
    if not dry_run:
        ctx.state.record_problem(ref, SKIPPED, reason, field="ID")
    return None


def _unreadable(ctx: PassContext, order_id: int, error: InkshipError, report: ImportReport,
                dry_run: bool) -> None:
    """An order InkSoft listed but did not give: reported, and read again after a growing back-off."""
    ref = f"#{order_id}"
    if isinstance(error, NotFound):
        what = "InkSoft lists this order but answers 404 for it (deleted or moved since it was listed)"
    else:
        what = f"InkSoft's answer for this order cannot be read ({error.message})"
    if dry_run:
        report.add("failed", ref, what, field="ID")
        return
    retry = ctx.state.schedule_retry(order_id, what)
    if retry.attempts >= MAX_READ_ATTEMPTS:
        ctx.state.clear_retry(order_id)
        message = f"{what}; gave up after {retry.attempts} attempts (a change in InkSoft brings it back)"
    else:
        message = f"{what}; read again after {retry.next_at:%Y-%m-%d %H:%M} UTC"
    report.add("failed", ref, message, field="ID")
    ctx.state.record_problem(ref, UNREADABLE, message, field="ID")

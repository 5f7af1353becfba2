"""The fixing side of reconcile: repairs go through the same exactly-once paths as a normal pass.

- re-import (missing, content, link missing): the link is marked pending, as a failed send leaves it,
  and an import pass sends the order (createorders upserts by orderKey, so nothing is doubled);
- write back (a label not written back, a pending write-back for a voided label): the ship-back pass's
  own per-label protocol (ledger claim, "tracking already on the order" check, one InkSoft call);
- forget a link whose orders are gone from both systems.

Nothing else is touched: what needs a person is only reported.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from inkship.connector.engine import shipback
from inkship.connector.engine.reports import ShipbackReport
from inkship.connector.errors import InkshipError
from inkship.connector.mapping.orders import MappedOrder
from inkship.connector.reconcile.drift import FORGET_LINK, REIMPORT, WRITE_BACK, Drift
from inkship.connector.reconcile.views import Expected, Views
from inkship.connector.state.store import Link

if TYPE_CHECKING:
    from inkship.connector.engine.sync import SyncEngine

log = logging.getLogger("inkship.reconcile")


def apply_fixes(engine: SyncEngine, views: Views, drift: list[Drift], expected: Expected) -> list[str]:
    """Repair every drift that has a repair; returns the errors of repairs that failed (the drift then
    stays, and the report shows it as not fixed). Recorded as a `reconcile` run."""
    state = engine.state
    run_id = state.start_run("reconcile")
    errors: list[str] = []
    done = {"reimport": 0, "write_back": 0, "forget_link": 0}
    try:
        done["reimport"] = _reimport(engine, views, _with(drift, REIMPORT), expected, errors)
        done["write_back"] = _write_back(engine, views, _with(drift, WRITE_BACK), errors)
        for item in drift:
            if item.repair == FORGET_LINK and item.order_key and state.delete_link(item.order_key):
                done["forget_link"] += 1
    finally:
        state.finish_run(run_id, {"ok": not errors, "counts": done, "error": "; ".join(errors) or None})
    return errors


def _with(drift: list[Drift], repair: str) -> list[Drift]:
    return [item for item in drift if item.repair == repair]


def _reimport(engine: SyncEngine, views: Views, drift: list[Drift], expected: Expected,
              errors: list[str]) -> int:
    ids = sorted({d.inksoft_id for d in drift if d.inksoft_id is not None})
    queued = [f"#{inksoft_id}" for inksoft_id in ids if _queue(engine, views, inksoft_id, expected)]
    if not queued:
        return 0
    try:
        report = engine.run_import()
    except InkshipError as exc:
        engine.context.stop_if_fatal(exc)
        errors.append(f"import pass: {exc}")
        return len(queued)
    # The pass also sends whatever else changed in its window; only the queued orders' failures count here.
    errors += [f"{line.order_ref}: {line.detail}" for line in report.lines
               if line.order_ref in queued and line.outcome in ("failed", "conflict")]
    return len(queued)


def _queue(engine: SyncEngine, views: Views, inksoft_id: int, expected: Expected) -> bool:
    """Mark the order's link pending (the importer re-reads and sends pending links); an order without a
    link gets one, keyed as the mapping keys it, with ShipStation's order id when it has the order."""
    state = engine.state
    links = views.links_by_inksoft_id.get(inksoft_id)
    if links:
        current = state.get_link(links[0].order_key) or links[0]
        state.upsert_link(dataclasses.replace(current, pending=True))
        return True
    order = views.inksoft.get(inksoft_id)
    mapped = expected(order) if order is not None else None
    if not isinstance(mapped, MappedOrder) or order is None:
        return False
    found = views.shipstation_by_key.get(mapped.order_key)
    state.upsert_link(Link(order_key=mapped.order_key, inksoft_id=mapped.inksoft_id,
                           inksoft_unique_id=order.get("UniqueId"), store_id=order.get("StoreId"),
                           shipstation_order_id=found.get("orderId") if found else None,
                           order_number=mapped.payload.get("orderNumber"), pending=True))
    return True


def _write_back(engine: SyncEngine, views: Views, drift: list[Drift], errors: list[str]) -> int:
    ids = sorted({d.shipment_id for d in drift if d.shipment_id is not None})
    shipments = [views.shipments_by_id[i] for i in ids if i in views.shipments_by_id]
    if not shipments:
        return 0
    report = ShipbackReport()
    try:
        shipback.process_shipments(engine.context, shipments, report, dry_run=False)
    except InkshipError as exc:
        engine.context.stop_if_fatal(exc)
        errors.append(f"write-back: {exc}")
        return 0
    errors += [f"{line.order_ref} shipment {line.shipment_id}: {line.detail}"
               for line in report.lines if line.outcome == "failed"]
    return sum(1 for line in report.lines if line.outcome in ("written", "duplicate", "voided", "skipped",
                                                               "voided_after_writeback"))

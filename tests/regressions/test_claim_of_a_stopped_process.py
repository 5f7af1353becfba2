"""Issue 10, defect 7: a write-back still claimed by a process that died was reported as a duplicate,
and the pass exited 0; it was written only after the 300 s lease. It is now reported as pending
(claimed by a stopped process, written after the lease), and the pass exits 1 until it is written."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from inkship.connector.commands.sync import report_failed

from tests.regressions.support import inksoft_writes, packages, ready


def claim_in_a_process_that_exits(world, shipment_id: int, order_key: str) -> None:
    """A real second process claims the label (as `inkship serve` would before its InkSoft call) and
    stops before writing, holding the lease."""
    now = world.clock.now().isoformat()
    script = textwrap.dedent(f"""
        from datetime import datetime
        from inkship.connector.state.store import StateStore
        store = StateStore({str(world.db_path)!r}, clock=lambda: datetime.fromisoformat({now!r}))
        assert store.ledger_claim({shipment_id}, order_key={order_key!r}, inksoft_id=41,
                                  tracking_number=None, payload={{}}) is not None
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)  # noqa: S603 - our own script


def test_a_label_claimed_by_a_stopped_process_is_pending_and_exits_1_until_written(world):
    world.add_orders(ready(41))
    engine = world.engine()
    engine.sync()
    [label] = world.create_labels(orderNumbers=["41"])
    claim_in_a_process_that_exits(world, label["shipmentId"], world.shipstation_order("41")["orderKey"])
    world.clock.advance(60)

    held = engine.sync()

    [pending] = held.shipback_report.of("pending")
    assert pending.shipment_id == label["shipmentId"] and "stopped" in pending.detail
    assert held.shipback_report.of("duplicate") == []
    assert report_failed(held) and inksoft_writes(world) == 0
    world.clock.advance(301)  # the lease is over
    written = engine.sync()
    assert len(written.shipback_report.of("written")) == 1 and not report_failed(written)
    assert len(packages(world, 41)) == 1

"""Issue 10, defect 1: an InkSoft order whose packages came back in an unexpected shape (`Shipments`
not a list) made the "tracking already on the order?" check raise outside the per-shipment error
handling: the label was reported but never recorded as pending, so once it left the polling window
it was never written back."""

from __future__ import annotations

from tests.regressions.support import packages, ready, refs
from tests.resilience.tamper import in_orders, setter, tampered

ORDER_READS = r"GetOrder(Package)?$"


def test_an_unexpected_package_shape_leaves_the_writeback_pending_and_it_is_written_later(world):
    inksoft, _ = tampered(world)
    world.add_orders(ready(71), ready(72))
    engine = world.engine()
    engine.sync()
    world.create_labels(all=True)
    inksoft.rewrite(ORDER_READS, in_orders(71, setter("Shipments", {"Packages": []})))
    world.clock.advance(60)

    report = engine.sync().shipback_report

    [failed] = report.of("failed")
    assert (failed.order_ref, failed.field) == ("#71", "Shipments")
    assert refs(report, "written") == ["#72"]
    assert engine.state.ledger_get(failed.shipment_id).state == "pending"
    inksoft.clear()  # InkSoft answers normally again
    world.clock.advance(40 * 24 * 3600)  # long past the polling window: only the ledger remembers it
    again = world.engine().sync().shipback_report
    assert refs(again, "written") == ["#71"]
    assert len(packages(world, 71)) == 1 and len(packages(world, 72)) == 1

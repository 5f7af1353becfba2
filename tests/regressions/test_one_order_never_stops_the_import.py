"""Issue 10, defects 3 and 4: one order stopped the whole import. A status that is a number, list or
object raised TypeError; an id at or above 2^63 raised OverflowError in SQLite; a deeply nested answer
failed the whole batch; a summary whose ID is not an integer was silently dropped; an order listed in
the summaries but deleted before it was read (404) failed the batch on every pass. Each is now that
order's problem, reported with its field, and every other order is imported."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import INKSOFT_HOST
from tests.regressions.support import ready, refs
from tests.resilience.tamper import in_orders, setter, tampered

ORDER_READS = r"GetOrder(Package)?$"
SUMMARIES = r"GetOrderSummaries$"


@pytest.mark.parametrize("status", [3, 2.5, ["Ready to Ship"], {"Name": "Ready to Ship"}, True])
@pytest.mark.parametrize("field", ["ProductionStatus", "Status"])
def test_a_status_that_is_not_text_is_that_orders_problem(world, field, status):
    inksoft, _ = tampered(world)
    world.add_orders(ready(81), ready(82))
    engine = world.engine()
    engine.sync()  # both imported: a bad status on an imported order once crashed the cancellation check
    world.inksoft_state.update_order(81, {"Notes": "changed"})
    world.inksoft_state.update_order(82, {"Notes": "changed"})
    inksoft.rewrite(ORDER_READS, in_orders(81, setter(field, status)))
    world.clock.advance(600)

    report = engine.sync().import_report

    [skipped] = report.of("skipped")
    assert (skipped.order_ref, skipped.field) == ("#81", field)
    assert refs(report, "updated") == ["#82"]


def test_an_order_id_past_sqlite_integers_is_that_orders_problem(world):
    inksoft, _ = tampered(world)
    world.add_orders(ready(83), ready(84), ready(85))
    inksoft.rewrite(ORDER_READS, in_orders(84, setter("ID", 2**63)))
    inksoft.rewrite(SUMMARIES, in_orders(85, setter("ID", 2**64)))

    report = world.engine().sync().import_report

    assert refs(report, "created") == ["#83"]
    assert {(line.order_ref, line.field) for line in report.of("skipped")} == {
        (f"#{2**63}", "ID"), (f"#{2**64}", "ID")}


def test_a_summary_whose_id_is_not_an_integer_is_reported_not_dropped(world):
    inksoft, _ = tampered(world)
    world.add_orders(ready(86), ready(87))
    inksoft.rewrite(SUMMARIES, in_orders(86, setter("ID", "86")))
    report = world.engine().sync().import_report
    [skipped] = report.of("skipped")
    assert (skipped.order_ref, skipped.field) == ("#86", "ID")
    assert refs(report, "created") == ["#87"]


def test_an_order_nested_too_deep_to_decode_does_not_fail_its_batch(world):
    inksoft, _ = tampered(world)
    world.add_orders(*(ready(n) for n in range(90, 96)))
    deep = inksoft.raw("[" * 100_000 + "]" * 100_000)
    inksoft.rewrite(ORDER_READS, in_orders(93, setter("Notes", deep)))

    report = world.engine().sync().import_report

    assert refs(report, "created") == ["#90", "#91", "#92", "#94", "#95"]
    [failed] = report.of("failed")
    assert failed.order_ref == "#93" and "cannot be read" in failed.detail


def test_an_order_deleted_between_the_two_calls_is_retried_with_a_back_off_and_holds_back_nobody(world):
    inksoft, _ = tampered(world)
    world.add_orders(ready(96), ready(97))

    def listed_but_gone(body: Any) -> Any:
        body["Data"] = [*body["Data"], {**body["Data"][0], "ID": 999}]
        return body

    inksoft.rewrite(SUMMARIES, listed_but_gone, times=1)
    engine = world.engine()
    first = engine.sync()
    assert refs(first.import_report, "created") == ["#96", "#97"]
    [gone] = first.import_report.of("failed")
    assert (gone.order_ref, gone.field) == ("#999", "ID") and "404" in gone.detail

    def reads_of_999() -> int:
        return sum("999" in str(entry["query"]) for entry in
                   world.sim_get(INKSOFT_HOST, "/__sim/journal", path_prefix="/demo_print_shop/Api2/GetOrder")
                   ["requests"])

    world.clock.advance(60)
    before = reads_of_999()
    assert engine.sync().import_report.of("failed") == []  # still in its back-off: not read
    assert reads_of_999() == before
    world.clock.advance(10 * 60)
    assert refs(engine.sync().import_report, "failed") == ["#999"]  # read again, still gone
    assert reads_of_999() > before

    world.add_orders(ready(999))  # it comes back (moved to this store, say)
    world.clock.advance(24 * 3600)
    later = engine.sync().import_report
    assert "#999" in refs(later, "created")
    assert [p for p in engine.state.open_problems() if p.order_ref == "#999"] == []

"""Issue 10, defect 5: quantities, prices, weights and text lengths went to ShipStation unchecked, and
against the real API one such order makes the whole createorders call of 100 fail with a 400. Every
mapped order is now checked against ShipStation's limits (mapping/limits.py) and a bad one reported
with its field and value while the rest are sent; a batch ShipStation still refuses whole is halved
until the order at fault stands alone. The simulator refuses such batches whole, as the API does."""

from __future__ import annotations

from typing import Any

import pytest
from inkship.connector.mapping import limits

from tests.e2e.conftest import SHIPSTATION_HOST
from tests.regressions.support import ready, refs
from tests.resilience.tamper import in_orders, setter, tampered

ORDER_READS = r"GetOrder(Package)?$"
MEGABYTE = "x" * 1_000_000


@pytest.mark.parametrize(("path", "value", "field"), [
    ("Items.0.Quantity", 2**31, "Items[0].Quantity"),
    ("Items.0.UnitPrice", 1e30, "Items[0].UnitPrice"),
    ("Items.0.Weight", 1e12, "Items[0].Weight"),
    ("TotalAmount", -1e20, "TotalAmount"),
    ("Email", MEGABYTE + "@example.com", "Email"),
])
def test_an_order_past_shipstations_limits_is_reported_and_the_others_are_sent(world, path, value, field):
    inksoft, _ = tampered(world)
    world.add_orders(*(ready(n) for n in range(500, 510)))
    inksoft.rewrite(ORDER_READS, in_orders(504, setter(path, value)))

    report = world.engine().sync().import_report

    [skipped] = report.of("skipped")
    assert (skipped.order_ref, skipped.field) == ("#504", field)
    assert len(skipped.detail) < 300  # the value is shown, cut: never a megabyte in a report
    assert len(report.of("created")) == 9 and len(world.shipstation_orders()) == 9


def test_a_megabyte_unique_id_no_longer_makes_a_megabyte_order_key(world):
    inksoft, _ = tampered(world)
    world.add_orders(ready(511))
    inksoft.rewrite(ORDER_READS, in_orders(511, setter("UniqueId", MEGABYTE)))
    assert refs(world.engine().sync().import_report, "created") == ["#511"]
    [order] = world.shipstation_orders()
    assert len(order["orderKey"]) <= limits.ORDER_KEY
    assert len(order["advancedOptions"]["customField2"]) <= limits.CUSTOM_FIELD


def createorders_calls(world: Any) -> int:
    return world.journal_count(SHIPSTATION_HOST, method="POST", path="/orders/createorders")


def test_a_batch_refused_whole_is_halved_until_the_bad_order_stands_alone(world, monkeypatch):
    # A limit ShipStation has that our table does not know: our check lets the order through.
    monkeypatch.setattr(limits, "INT32_MAX", 2**40)
    inksoft, _ = tampered(world)
    world.add_orders(*(ready(n) for n in range(600, 640)))
    inksoft.rewrite(ORDER_READS, in_orders(617, setter("Items.0.Quantity", 2**31 + 5)))

    report = world.engine().sync().import_report

    [failed] = report.of("failed")
    assert (failed.order_ref, failed.field) == ("#617", "items[0].quantity")
    assert "Int32" in failed.detail
    assert len(report.of("created")) == 39 and len(world.shipstation_orders()) == 39
    assert createorders_calls(world) <= 2 * 6 + 1  # halving: about twice log2(40) calls, not 40
    monkeypatch.undo()  # the order is fixed in InkSoft: the next pass sends it
    inksoft.clear()
    world.inksoft_state.update_order(617, {"Notes": "fixed"})
    world.clock.advance(600)
    again = world.engine().sync().import_report
    assert refs(again, "created") == ["#617"] and len(world.shipstation_orders()) == 40

"""Call counts against the simulators' journals: a thousand new orders cost ten `createorders` calls
and a few InkSoft reads per hundred; a run with nothing new writes nothing."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import INKSOFT_HOST, SHIPSTATION_HOST

ORDERS = 1000
SMALL_CONSTANT = 3  # the ship-back pass: created shipments and voided shipments, one page each


@pytest.mark.slow
def test_importing_a_thousand_orders_is_cheap_and_a_second_run_writes_nothing(world):
    world.add_orders(*({"ProductionStatus": "Ready to Ship", "ShippingAddress": True} for _ in range(ORDERS)))
    engine = world.engine()

    first = engine.sync()
    assert first.import_report.counts["created"] == ORDERS
    shipstation_calls = world.journal_count(SHIPSTATION_HOST)
    assert world.journal_count(SHIPSTATION_HOST, method="POST", path="/orders/createorders") == 10
    assert shipstation_calls <= 10 + SMALL_CONSTANT
    inksoft_calls = world.journal_count(INKSOFT_HOST)
    assert inksoft_calls / (ORDERS / 100) <= 2.5  # summaries and batch reads, 100 per page

    world.clear_journals()
    world.clock.advance(300)  # inside the overlap: every order is read again, none is sent
    second = engine.sync()
    assert second.import_report.counts["unchanged"] == ORDERS
    assert world.journal_count(SHIPSTATION_HOST, method="POST") == 0
    assert world.journal_count(INKSOFT_HOST, method="POST") == 0

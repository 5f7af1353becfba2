"""Reconcile's API cost: each listing read once, page by page at the largest page size, and ShipStation's
40 calls a minute respected (the clients' waits advance the simulated clock instead of sleeping).
`benchmarks/reconcile_10000.py` measures the same at 10,000 orders."""

from __future__ import annotations

import dataclasses
import math
from datetime import timedelta
from pathlib import Path

import pytest
from inkship.connector.reconcile.run import reconcile

from tests.e2e.conftest import SHIPSTATION_HOST, World

ORDERS = 600
ORDER = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True, "Items": [{"Quantity": 1}]}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> World:
    """600 orders imported, each with a label written back, under the real 40 calls a minute."""
    world = World(Path(tmp_path_factory.mktemp("reconcile")), rate_limit=40)
    world.add_orders(*(dict(ORDER) for _ in range(ORDERS)))
    engine = world.engine()
    engine.sync()
    world.create_labels(all=True)
    world.clock.advance(300)
    engine.sync()
    assert engine.state.counts()["ledger"]["written"] == ORDERS
    engine.close()
    return world


def test_each_listing_is_read_once_at_the_largest_page_size(shipped: World) -> None:
    shipped.clock.advance(3600)  # reconcile's own rate-limit window
    engine = shipped.engine()
    started = shipped.clock.now()

    report = reconcile(engine, store="test")

    assert not report.drifted, [d.line() for d in report.drift]
    pages = math.ceil(ORDERS / 500)
    assert report.calls["shipstation"] == 2 * pages  # orders, then labels: 500 a page
    inksoft_pages = math.ceil(ORDERS / engine.config.inksoft.page_size)
    assert report.calls["inksoft"] == 2 * inksoft_pages  # summaries, then the batch reads
    assert shipped.clock.now() == started  # 6 calls: no wait under 40 a minute


def test_many_pages_wait_for_the_rate_limit_and_never_meet_a_429(shipped: World) -> None:
    """At 10 a page the same store takes 120 ShipStation calls: three minutes' budget. The client's limiter
    spreads them; ShipStation never has to refuse one."""
    shipped.clock.advance(3600)
    small_pages = dataclasses.replace(shipped.config, shipstation=dataclasses.replace(
        shipped.config.shipstation, page_size=10))
    engine = shipped.engine(config=small_pages)
    refused_before = shipped.journal_count(SHIPSTATION_HOST, status=429)
    started = shipped.clock.now()

    report = reconcile(engine, store="test")

    assert not report.drifted
    assert report.calls["shipstation"] == 2 * math.ceil(ORDERS / 10)
    assert shipped.journal_count(SHIPSTATION_HOST, status=429) == refused_before
    waited = shipped.clock.now() - started
    assert timedelta(minutes=2) <= waited <= timedelta(minutes=3, seconds=30)

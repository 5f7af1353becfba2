"""A 100,000-order InkSoft store through the whole flow, checked for correctness at that size: every order
lands in ShipStation exactly once, every label is written back to its InkSoft order exactly once.

Marked `scale` and left out of the normal run; `pytest -m scale tests/scale` runs it.
INKSHIP_SCALE_ORDERS sets the size (default 100000). Both simulators run in process, ShipStation's rate
limit off (the limit's effect at this size is measured in benchmarks/first_import_100k.py).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from inkship.connector.mapping.orders import order_key_for

from tests.e2e.conftest import World

pytestmark = [pytest.mark.scale, pytest.mark.slow]

ORDERS = int(os.environ.get("INKSHIP_SCALE_ORDERS", "100000"))
SEED_CHUNK = 5000
TWO_LINES = [{"Quantity": 2}, {"Quantity": 1}]


def test_every_order_imported_once_and_every_label_written_back_once(tmp_path: Path) -> None:
    world = World(tmp_path, rate_limit=None)
    try:
        for start in range(0, ORDERS, SEED_CHUNK):
            world.add_orders(*({"ProductionStatus": "Ready to Ship", "ShippingAddress": True,
                                "Items": TWO_LINES} for _ in range(min(SEED_CHUNK, ORDERS - start))))
        inksoft = world.inksoft_state
        expected_keys = {order_key_for(order) for order in inksoft.orders.values()}
        engine = world.engine()

        engine.sync()
        shipstation = world.shipstation_sim.state
        keys = Counter(order["orderKey"] for order in shipstation.orders.values())
        assert len(keys) == ORDERS and set(keys) == expected_keys and max(keys.values()) == 1

        made = shipstation.create_labels({"all": True})["shipments"]
        assert len(made) == ORDERS
        engine.sync()

        tracking_by_order = {s["orderKey"]: s["trackingNumber"] for s in made}
        written = Counter()
        for order in inksoft.orders.values():
            packages = [p for shipment in order["Shipments"] for p in shipment["Packages"]]
            assert [p["TrackingNumber"] for p in packages] == [tracking_by_order[order_key_for(order)]]
            written[order["ID"]] += len(packages)
        assert len(written) == ORDERS and set(written.values()) == {1}
        assert engine.state.counts()["ledger"]["written"] == ORDERS
    finally:
        world.close()

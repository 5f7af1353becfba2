"""Generated programs over the whole system: orders appear, change and get cancelled in InkSoft; inkship
syncs, sometimes crashing; labels are bought and voided in ShipStation; webhooks arrive late, twice or
not at all. After every step no order is duplicated and no shipment is written twice; once things
settle, every label of an open order is in InkSoft exactly once."""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from connector.engine.crashpoints import CRASH_POINTS, SimulatedCrash
from tests.e2e.conftest import World

CLAIM_LAPSE_SECONDS = 301


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory()
        self.world = World(Path(self._tmp.name), rate_limit=None)
        self.world.subscribe_webhooks()
        self.order_ids: list[int] = []

    def teardown(self) -> None:
        try:
            self.settle_and_check()
        finally:
            self.world.close()
            self._tmp.cleanup()

    # -- InkSoft side ------------------------------------------------------------------------------

    @rule(quantities=st.lists(st.integers(1, 3), min_size=1, max_size=2))
    def add_order(self, quantities: list[int]) -> None:
        [order] = self.world.add_orders({"ProductionStatus": "Ready to Ship", "ShippingAddress": True,
                                         "Items": [{"Quantity": q} for q in quantities]})
        self.order_ids.append(order["ID"])

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def edit_order(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(self.order_ids))
        self.world.inksoft_state.update_order(order_id, {"Notes": f"edited at {self.world.clock.now()}"})

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def cancel_order(self, data: st.DataObject) -> None:
        self.world.inksoft_state.cancel_order(data.draw(st.sampled_from(self.order_ids)))

    # -- inkship -----------------------------------------------------------------------------------

    @rule(minutes=st.sampled_from([1, 5, 30]))
    def sync(self, minutes: int) -> None:
        self.world.clock.advance(minutes * 60)
        self.world.engine().sync()

    @rule(crash_at=st.sampled_from(CRASH_POINTS))
    def sync_and_crash(self, crash_at: str) -> None:
        with contextlib.suppress(SimulatedCrash):
            self.world.engine(crash_at=crash_at).sync()
        self.world.clock.advance(CLAIM_LAPSE_SECONDS)  # the restart comes after the claim lapses

    @rule(twice=st.booleans())
    def deliver_webhooks(self, twice: bool) -> None:
        hooks, self.world.webhooks[:] = list(self.world.webhooks), []
        engine = self.world.engine()
        for hook in hooks * (2 if twice else 1):
            engine.handle_webhook(hook)

    @rule()
    def lose_webhooks(self) -> None:
        self.world.webhooks.clear()

    # -- ShipStation side --------------------------------------------------------------------------

    @rule()
    def buy_labels(self) -> None:
        self.world.create_labels(all=True)

    @rule(data=st.data())
    def void_a_label(self, data: st.DataObject) -> None:
        live = [s for s in self.shipments() if not s["voided"]]
        if live:
            self.world.void_label(data.draw(st.sampled_from(live))["shipmentId"])

    # -- checks ------------------------------------------------------------------------------------

    def shipments(self) -> list[dict]:
        return self.world.sim_get(self.world.shipstation_url, "/shipments", pageSize=500)["shipments"]

    def packages(self) -> dict[int, list[str]]:
        return {o["ID"]: [p["TrackingNumber"] for s in o["Shipments"] for p in s["Packages"]]
                for o in self.world.inksoft_state.list_orders()}

    @invariant()
    def no_order_is_duplicated_in_shipstation(self) -> None:
        keys = Counter(o["orderKey"] for o in self.world.shipstation_orders())
        assert all(n == 1 for n in keys.values()), keys

    @invariant()
    def no_shipment_is_written_twice(self) -> None:
        for order_id, tracking in self.packages().items():
            assert len(tracking) == len(set(tracking)), (order_id, tracking)

    def settle_and_check(self) -> None:
        self.world.clock.advance(CLAIM_LAPSE_SECONDS)
        engine = self.world.engine()
        engine.sync()
        packages = self.packages()
        open_orders = {o["ID"] for o in self.world.inksoft_state.list_orders() if o["Status"] != "Canceled"}
        numbers = {str(order_id) for order_id in open_orders}
        shipments = self.shipments()
        for shipment in shipments:
            if shipment["voided"] or shipment["orderNumber"] not in numbers:
                continue
            written = packages[int(shipment["orderNumber"])]
            assert written.count(shipment["trackingNumber"]) == 1, (shipment["shipmentId"], written)
        voided = {s["trackingNumber"]: s["shipmentId"] for s in shipments if s["voided"]}
        for order_id in open_orders:
            for tracking in packages[order_id]:
                if tracking in voided:  # written before the void, and then reported as voided
                    assert engine.state.ledger_get(voided[tracking]).state == "voided", tracking


SyncMachine.TestCase.settings = settings(max_examples=12, stateful_step_count=10, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
test_sync_machine = SyncMachine.TestCase

"""The real connector (SyncEngine, real clients, a real SQLite file) against both simulators, driven by
generated programs: orders are created (with and without addresses, mapped and unmapped statuses),
edited and cancelled in InkSoft; labels are bought (whole, split, several packages, in bulk) and voided
in ShipStation; webhooks arrive, twice, or never; faults come and go on either API; inkship syncs,
and crashes at its named crash points and restarts from its database.

After every step: at most one ShipStation order per InkSoft order, no order without an address or with
an unmapped status in ShipStation, no label written to InkSoft twice, and none voided before it was
written ever written. After a clean sync (faults off): every live label of an open order is in InkSoft
exactly once, and every importable order is in ShipStation with its mapped content (or marked to be
sent on the next run, which then sends it); cancellations have reached ShipStation.
Budget: `tests/hypothesis_profiles.py` (INKSHIP_HYPOTHESIS_PROFILE=thorough for the long run).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import currently_in_test_context, event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from inkship.connector.engine.crashpoints import CRASH_POINTS, SimulatedCrash
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.errors import InkshipError
from inkship.connector.mapping.orders import MappedOrder, map_order
from inkship.simulators.faults import WEBHOOK_ACTIONS

from tests.e2e.conftest import World
from tests.hypothesis_profiles import stateful_settings
from tests.stateful.observe import (
    CONFIGURED_STATUSES,
    MAPPED_STATUSES,
    UNMAPPED_STATUSES,
    Snapshot,
    comparable,
    has_address,
    importable,
    is_cancelled,
    number_of,
)

# A restarted process waits out the dead one's ledger claims (connector/state: 300 s).
CLAIM_LAPSE_SECONDS = 301
ADDRESS_KINDS = ("full", "full", "full", "none", "partial")
BROKEN_ADDRESS = {"Name": "Robin Vale", "Street1": None, "City": "Eugene", "State": "OR", "CountryCode": "US"}

# Fault rules a step may switch on: what goes wrong, and where.
FAULTS = {
    "rate_limited": {"action": "status", "status": 429,
                     "headers": {"X-Rate-Limit-Reset": "7", "X-Rate-Limit-Remaining": "0"}},
    "server_error": {"action": "status", "status": 500},
    "unavailable": {"action": "status", "status": 503},
    "dropped": {"action": "drop"},
    "dropped_after_work": {"action": "drop", "stage": "after"},
    "timeout": {"action": "delay", "delay": 120},
    "malformed": {"action": "malformed"},
}
FAULT_PATHS = {
    "inksoft": ("GetOrderSummaries", "GetOrderPackage", "GetOrder$", "CreateOrderShipments", "Api2"),
    "shipstation": ("^/orders/createorders", "^/shipments", r"^/orders/\d+", "^/"),
}
QUANTITIES = st.lists(st.integers(1, 3), min_size=1, max_size=3)
ANY_STATUS = st.sampled_from(MAPPED_STATUSES + UNMAPPED_STATUSES)
FAULT_TIMING = {
    "once": {"times": 1},
    "twice": {"times": 2},
    "every_other": {"when": "nth", "n": 2, "repeat": True},
    "by_chance": {"when": "probability", "probability": 0.5},
    "always": {},
}


def note_event(text: str) -> None:
    """A statistics event; ignored when a regression test replays the machine's steps by hand."""
    if currently_in_test_context():
        event(text)


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory()
        self.world = World(Path(self._tmp.name), rate_limit=40)
        self.world.subscribe_webhooks()
        self.engine: SyncEngine | None = None
        self.ever_importable: set[int] = set()
        self.voided_unwritten: set[str] = set()  # tracking numbers voided before InkSoft had them
        self.fault_count = 0
        self._snapshot: Snapshot | None = None

    # -- set-up ----------------------------------------------------------------------------------

    @initialize(client_limiter=st.booleans(), imported=st.lists(QUANTITIES, max_size=3))
    def configure(self, client_limiter: bool, imported: list[list[int]]) -> None:
        """A connector, and a few orders it has imported already, so labels can be bought from the
        first step. With the client-side limiter off, the simulator's own 429s (and their reset
        header) pace it."""
        self.world.config = self.world.make_config(statuses=CONFIGURED_STATUSES,
                                                   requests_per_minute=40 if client_limiter else 0)
        self.engine = self.world.engine()
        for quantities in imported:
            self.add_order("Ready to Ship", "full", quantities)
        self.engine.sync()
        self._snapshot = None

    def teardown(self) -> None:
        try:
            if self.engine is not None:
                self.clean_sync()
        finally:
            self.world.close()
            self._tmp.cleanup()

    def fault_sets(self) -> dict[str, Any]:
        return {"inksoft": self.world.inksoft_app.extensions["inkship_sim"].faults,
                "shipstation": self.world.shipstation_sim.faults}

    @property
    def faults_active(self) -> bool:
        """Whether an HTTP fault rule (not used up) is on: only then may a call fail."""
        rules = [rule for faults in self.fault_sets().values() for rule in faults.list()]
        return any(rule["action"] not in WEBHOOK_ACTIONS and rule["fired"] < (rule["times"] or float("inf"))
                   for rule in rules)

    def observe(self, order_id: int) -> None:
        if importable(self.world.inksoft_order(order_id)):
            self.ever_importable.add(order_id)

    def open_order_ids(self) -> list[int]:
        return [i for i, o in self.snapshot().inksoft.items() if not is_cancelled(o)]

    def snapshot(self) -> Snapshot:
        """The world as the last step left it (taken by the invariant check after every step)."""
        if self._snapshot is None:
            self._snapshot = Snapshot.take(self.world)
        return self._snapshot

    # -- InkSoft: a shop's staff and customers ---------------------------------------------------

    @rule(status=st.sampled_from(MAPPED_STATUSES + MAPPED_STATUSES[:1] * 3 + UNMAPPED_STATUSES),
          address=st.sampled_from(ADDRESS_KINDS), quantities=QUANTITIES)
    def add_order(self, status: str, address: str, quantities: list[int]) -> None:
        shipping = {"full": True, "none": None, "partial": BROKEN_ADDRESS}[address]
        [order] = self.world.add_orders({"ProductionStatus": status, "ShippingAddress": shipping,
                                         "Items": [{"Quantity": q} for q in quantities]})
        self.observe(order["ID"])

    @precondition(lambda self: self.open_order_ids())
    @rule(data=st.data(), change=st.sampled_from(["notes", "status", "drop_address", "break_address",
                                                  "add_address", "quantities"]))
    def edit_order(self, data: st.DataObject, change: str) -> None:
        order_id = data.draw(st.sampled_from(self.open_order_ids()), label="order")
        order = self.world.inksoft_order(order_id)
        if change == "quantities" and self.snapshot().shipments_of(order_id):
            change = "notes"  # lines are not re-cut once labels exist for them
        changes: dict[str, Any] = {
            "notes": lambda: {"Notes": f"edited at {self.world.clock.now().isoformat()}"},
            "status": lambda: {"ProductionStatus": data.draw(ANY_STATUS, label="status")},
            "drop_address": lambda: {"ShippingAddress": None},
            "break_address": lambda: {"ShippingAddress": BROKEN_ADDRESS},
            "add_address": lambda: {"ShippingAddress": True},
            "quantities": lambda: {"Items": [{**item, "Quantity": data.draw(st.integers(1, 4), label="units")}
                                             for item in order["Items"]]},
        }[change]()
        self.world.clock.advance(1)
        self.world.inksoft_state.update_order(order_id, changes)
        self.observe(order_id)

    @precondition(lambda self: self.open_order_ids())
    @rule(data=st.data())
    def cancel_order(self, data: st.DataObject) -> None:
        self.world.clock.advance(1)
        order_id = data.draw(st.sampled_from(self.open_order_ids()), label="order")
        self.world.inksoft_state.cancel_order(order_id)

    # -- inkship ---------------------------------------------------------------------------------

    @rule(kind=st.sampled_from(["sync", "sync", "import", "shipback"]),
          minutes=st.sampled_from([0, 1, 5, 30]))
    def sync(self, kind: str, minutes: int) -> None:
        self.world.clock.advance(minutes * 60)
        assert self.engine is not None
        run = {"sync": self.engine.sync, "import": self.engine.run_import,
               "shipback": self.engine.run_shipback}
        faulty = self.faults_active
        try:
            report = run[kind]()
        except InkshipError:
            # A pass that failed as a whole (an API down after every retry) raises; sync reports it.
            assert faulty, "a pass failed with no fault switched on"
            return
        if kind == "sync" and not faulty:
            assert report.ok, report.error
        self.note_outcomes(report)

    @staticmethod
    def note_outcomes(report: Any) -> None:
        """Hypothesis statistics (--hypothesis-show-statistics) then say what the programs reached."""
        parts = (getattr(report, "import_report", None), getattr(report, "shipback_report", None), report)
        for part in parts:
            for outcome, count in (getattr(part, "counts", None) or {}).items():
                if count:
                    note_event(f"outcome: {outcome}")

    @rule(crash_at=st.sampled_from(CRASH_POINTS))
    def crash_and_restart(self, crash_at: str) -> None:
        """The process dies at a named point (if the run gets there); a new one starts on its database."""
        crashing = self.world.engine(crash_at=crash_at)
        try:
            crashing.sync()
            note_event("crash point not reached")
        except SimulatedCrash:
            note_event(f"crashed at {crash_at}")
        crashing.state.close()
        self.world.clock.advance(CLAIM_LAPSE_SECONDS)
        assert self.engine is not None
        self.engine.state.close()
        self.engine = self.world.engine()

    @rule()
    def clean_sync(self) -> None:
        """Faults off, old claims lapsed, one sync: every live label is written back, and every order
        is in ShipStation as it maps, or marked to be sent again on the next run (a void reopened it, a
        refused send looked its order up); after that next run, every order is as it maps."""
        for faults in self.fault_sets().values():
            faults.clear()
        self.world.clock.advance(CLAIM_LAPSE_SECONDS)
        self.clean_run(last=False)
        self.check_every_live_label_written_once()
        self.world.clock.advance(60)
        self.clean_run(last=True)
        self.check_cancellations_reached_shipstation()

    def clean_run(self, *, last: bool) -> None:
        assert self.engine is not None
        started = self.world.clock.now()
        # A second on, so what the sync changes is dated after `started` even in InkSoft's milliseconds.
        self.world.clock.advance(1)
        report = self.engine.sync()
        assert report.ok, report.error
        self.note_outcomes(report)
        if last:
            assert report.import_report is not None and not report.import_report.of("failed"), report.failed
        # After the first run an order may still be marked to be sent next run; after the last, none may.
        waiting = set() if last else {link.inksoft_id for link in self.engine.state.pending_links()}
        self.check_importable_orders_are_mapped(started, waiting)

    # -- ShipStation: a user buying and voiding labels -------------------------------------------

    @precondition(lambda self: self.snapshot().labelable())
    @rule(data=st.data(), how=st.sampled_from(["whole", "whole", "split", "packages", "bulk"]))
    def buy_labels(self, data: st.DataObject, how: str) -> None:
        snapshot = self.snapshot()
        order = data.draw(st.sampled_from(snapshot.labelable()), label="ShipStation order")
        if how == "bulk":
            self.world.create_labels(all=True)
        elif how == "split":
            remaining = snapshot.remaining_units(order)
            key = data.draw(st.sampled_from(sorted(remaining)), label="line")
            quantity = data.draw(st.integers(1, remaining[key]), label="units")
            self.world.create_labels(orderIds=[order["orderId"]],
                                     items=[{"lineItemKey": key, "quantity": quantity}])
        else:
            # Two packages only for two units or more: the simulator lists no items on a package beyond
            # the unit count (an inferred shape), which InkSoft would read as "the rest of the order".
            several = how == "packages" and sum(snapshot.remaining_units(order).values()) >= 2
            self.world.create_labels(orderIds=[order["orderId"]], packages=2 if several else 1)

    @precondition(lambda self: any(not s["voided"] for s in self.snapshot().shipments))
    @rule(data=st.data())
    def void_label(self, data: st.DataObject) -> None:
        snapshot = self.snapshot()
        label = data.draw(st.sampled_from([s for s in snapshot.shipments if not s["voided"]]), label="label")
        if snapshot.all_packages()[label["trackingNumber"]] == 0:
            self.voided_unwritten.add(label["trackingNumber"])
        self.world.void_label(label["shipmentId"])

    # -- webhooks --------------------------------------------------------------------------------

    @precondition(lambda self: self.world.webhooks)
    @rule(data=st.data(), times=st.sampled_from([1, 1, 2, 0]))
    def deliver_webhooks(self, data: st.DataObject, times: int) -> None:
        """Some of the webhooks caught so far reach the connector once, twice, or never (0: lost)."""
        hooks = data.draw(st.lists(st.sampled_from(self.world.webhooks), min_size=1, max_size=3),
                          label="webhooks")
        self.world.webhooks[:] = [h for h in self.world.webhooks if h not in hooks]
        assert self.engine is not None
        faulty = self.faults_active
        for hook in hooks * times:
            try:
                self.note_outcomes(self.engine.handle_webhook(hook))
            except InkshipError:
                assert faulty, "a webhook failed with no fault switched on"

    @rule(action=st.sampled_from(sorted(WEBHOOK_ACTIONS)), times=st.integers(1, 2))
    def misdeliver_next_webhooks(self, action: str, times: int) -> None:
        self.add_fault("shipstation", {"action": action, "path": "SHIP_NOTIFY", "times": times})

    # -- faults ----------------------------------------------------------------------------------

    @rule(api=st.sampled_from(sorted(FAULT_PATHS)), fault=st.sampled_from(sorted(FAULTS)),
          timing=st.sampled_from(sorted(FAULT_TIMING)), data=st.data())
    def fault_on(self, api: str, fault: str, timing: str, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(FAULT_PATHS[api]), label="path")
        self.add_fault(api, {**FAULTS[fault], **FAULT_TIMING[timing], "path": path, "seed": self.fault_count})

    @rule(api=st.sampled_from(sorted(FAULT_PATHS)))
    def faults_off(self, api: str) -> None:
        self.fault_sets()[api].clear()

    def add_fault(self, api: str, rule: dict[str, Any]) -> None:
        self.fault_count += 1
        self.fault_sets()[api].add({"id": f"f{self.fault_count}", **rule})

    # -- invariants after every step -------------------------------------------------------------

    @invariant()
    def safe_at_every_step(self) -> None:
        """One fresh look at the world after each step, shared by the checks and the next preconditions."""
        self._snapshot = Snapshot.take(self.world)
        self.at_most_one_shipstation_order_per_inksoft_order(self._snapshot)
        self.only_importable_orders_reach_shipstation(self._snapshot)
        self.no_label_written_twice_nor_after_its_void(self._snapshot)

    def at_most_one_shipstation_order_per_inksoft_order(self, snapshot: Snapshot) -> None:
        numbers = [number_of(o["orderNumber"]) for o in snapshot.ss_orders]
        keys = [o["orderKey"] for o in snapshot.ss_orders]
        assert len(numbers) == len(set(numbers)) and len(keys) == len(set(keys)), (numbers, keys)

    def only_importable_orders_reach_shipstation(self, snapshot: Snapshot) -> None:
        for ss_order in snapshot.ss_orders:
            order_id = number_of(ss_order["orderNumber"])
            assert order_id in self.ever_importable, f"InkSoft order {order_id} was never importable"
            assert (ss_order.get("shipTo") or {}).get("street1"), ss_order["orderNumber"]

    def no_label_written_twice_nor_after_its_void(self, snapshot: Snapshot) -> None:
        for order_id in snapshot.inksoft:
            tracking = snapshot.packages(order_id)
            assert len(tracking) == len(set(tracking)), (order_id, tracking)
            labels = {s["trackingNumber"] for s in snapshot.shipments_of(order_id)}
            assert set(tracking) <= labels, f"InkSoft order {order_id} has packages of no label of its own"
            assert not set(tracking) & self.voided_unwritten, "a label voided before write-back was written"

    # -- after a clean sync ----------------------------------------------------------------------

    def check_importable_orders_are_mapped(self, sync_started: Any, waiting: set[int]) -> None:
        """Every order importable before the sync began is in ShipStation as it maps now, unless
        ShipStation can no longer change it (shipped or cancelled there) or it is `waiting`."""
        snapshot = Snapshot.take(self.world)
        due = [i for i, o in snapshot.inksoft.items()
               if importable(o) and o["DateModified"] < sync_started and i not in waiting]
        assert self.engine is not None
        for order in self.world.inksoft().get_orders(due):
            ss_order = snapshot.ss_order_for(order["ID"])
            assert ss_order is not None, f"importable InkSoft order {order['ID']} is not in ShipStation"
            if ss_order["orderStatus"] in ("shipped", "cancelled"):
                continue
            mapped = map_order(order, self.engine.status_table, self.world.config.mapping,
                               self.world.config.shipstation.store_id, store_domain=self.engine.store_domain)
            assert isinstance(mapped, MappedOrder), mapped
            if mapped.payload["orderStatus"] == "shipped":
                # InkSoft completed the order with a label voided since: ShipStation rightly waits for a
                # new label, and the operator was told to remove the stale InkSoft package.
                assert self.voided_after_writeback_reported(order["ID"]), order["ID"]
                continue
            have, want = comparable(ss_order), comparable(mapped.payload)
            assert have == want, (order["ID"], {k: (have[k], want[k]) for k in have if have[k] != want[k]})

    def check_cancellations_reached_shipstation(self) -> None:
        """A cancelled InkSoft order (that could be sent: it has an address) is not left open in
        ShipStation: cancelled there, or shipped before the cancellation could reach it."""
        snapshot = Snapshot.take(self.world)
        for order_id, order in snapshot.inksoft.items():
            ss_order = snapshot.ss_order_for(order_id)
            if is_cancelled(order) and has_address(order) and ss_order is not None:
                assert ss_order["orderStatus"] in ("cancelled", "shipped"), (order_id, ss_order)

    def check_every_live_label_written_once(self) -> None:
        """Each live label of an open order is on its InkSoft order exactly once, except where a label
        may find nothing InkSoft still owes: after a label was voided once InkSoft had it (InkSoft keeps
        that package; the operator is told to remove it), or when InkSoft's lines changed while the
        order could not be imported, so ShipStation labelled lines InkSoft no longer has."""
        snapshot = Snapshot.take(self.world)
        assert self.engine is not None
        voided = {s["trackingNumber"] for s in snapshot.shipments if s["voided"]}
        for order_id, order in snapshot.inksoft.items():
            if is_cancelled(order):
                continue
            written = snapshot.packages(order_id)
            stale = set(written) & voided
            if stale:
                assert self.voided_after_writeback_reported(order_id), (order_id, stale)
            exact = not stale and snapshot.items_agree(order_id)
            for label in snapshot.shipments_of(order_id):
                if not label["voided"] and exact:
                    assert written.count(label["trackingNumber"]) == 1, (order_id, label, written)
        pending = [row.shipment_id for row in self.engine.state.ledger_pending()
                   if not is_cancelled(snapshot.inksoft[row.inksoft_id])]
        assert pending == [], pending

    def voided_after_writeback_reported(self, order_id: int) -> bool:
        assert self.engine is not None
        return any(problem.order_ref.startswith(f"#{order_id}/")
                   for problem in self.engine.state.open_problems("voided_after_writeback"))


SyncMachine.TestCase.settings = stateful_settings()
test_sync_machine = SyncMachine.TestCase

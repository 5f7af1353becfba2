"""The SQLite state store: schema migrations, links, cursors, the write-back ledger's claims,
problems and runs."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from inkship.connector.errors import ConfigError
from inkship.connector.state.migrations import SCHEMA_VERSION
from inkship.connector.state.store import Link, StateStore

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path, clock):
    with StateStore(tmp_path / "nested" / "dir" / "state.sqlite3", clock=clock) as s:
        yield s


def claim(store: StateStore, shipment_id: int = 7001, tracking: str = "9400100000000000000001"):
    return store.ledger_claim(shipment_id, order_key="inksoft:abc", inksoft_id=101, tracking_number=tracking,
                              payload={"tracking_number": tracking, "items": [["120455", 2]]})


def defer(store: StateStore, shipment_id: int, error: str) -> None:
    store.ledger_defer(shipment_id, order_key="inksoft:abc", inksoft_id=101, tracking_number="T", error=error)


def test_new_database_gets_parent_dirs_wal_and_current_schema(store, tmp_path):
    assert (tmp_path / "nested" / "dir" / "state.sqlite3").exists()
    assert store.journal_mode == "wal"
    assert store.schema_version == SCHEMA_VERSION
    assert store.schema_version_found == 0
    tables = {r[0] for r in store._conn().execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"links", "cursors", "ledger", "problems", "runs"} <= tables


def test_reopening_keeps_data_and_applies_no_step_twice(tmp_path):
    path = tmp_path / "state.sqlite3"
    with StateStore(path) as first:
        first.set_cursor("import", T0)
    with StateStore(path) as second:
        assert second.schema_version_found == SCHEMA_VERSION
        assert second.get_cursor("import") == T0


def test_a_database_from_a_newer_inkship_is_refused(tmp_path):
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ConfigError) as err:
        StateStore(path)
    assert err.value.key == "state.database"


def test_links_upsert_keeps_known_shipstation_fields(store):
    assert store.get_link("inksoft:abc") is None
    store.upsert_link(Link("inksoft:abc", 101, "abc", 12, shipstation_order_id=555, order_number="101",
                           fingerprint="f1", shipstation_status="awaiting_shipment"))
    store.upsert_link(Link("inksoft:abc", 101, "abc", 12, order_number="101", fingerprint="f2", pending=True))
    link = store.get_link("inksoft:abc")
    assert (link.shipstation_order_id, link.fingerprint, link.shipstation_status, link.pending) == (
        555, "f2", "awaiting_shipment", True)
    assert [p.order_key for p in store.pending_links()] == ["inksoft:abc"]
    store.set_link_status("inksoft:abc", "shipped")
    assert store.get_link("inksoft:abc").shipstation_status == "shipped"


def test_cursors_round_trip_as_aware_utc_and_refuse_naive_times(store):
    assert store.get_cursor("shipback") is None
    pacific = datetime(2026, 11, 2, 1, 0, tzinfo=UTC).astimezone(ZoneInfo("America/Los_Angeles"))
    store.set_cursor("shipback", pacific)
    assert store.get_cursor("shipback") == pacific
    assert store.get_cursor("shipback").tzinfo == UTC
    with pytest.raises(ValueError):
        store.set_cursor("shipback", datetime(2026, 1, 1))


def test_ledger_claim_records_pending_with_payload_then_written_refuses_more_claims(store):
    first = claim(store)
    assert first is not None and not first.recovering
    assert first.row.state == "pending" and first.row.payload["items"] == [["120455", 2]]
    store.ledger_mark_written(7001)
    assert store.ledger_get(7001).state == "written"
    assert claim(store) is None


def test_a_second_process_cannot_claim_until_the_first_claim_lapses(tmp_path, clock):
    path = tmp_path / "state.sqlite3"
    with StateStore(path, clock=clock) as webhook_side, StateStore(path, clock=clock) as polling_side:
        assert claim(webhook_side) is not None
        assert claim(polling_side) is None
        clock.advance(301)  # the first process died holding the claim
        recovered = claim(polling_side)
        assert recovered is not None and recovered.recovering and recovered.row.attempts == 2


def test_a_deferred_claim_stays_pending_and_is_recovered_next_time(store):
    claim(store)
    assert claim(store) is None  # held, even against the same store (another thread)
    store.ledger_release(7001, "InkSoft: timed out")
    row = store.ledger_get(7001)
    assert row.state == "pending" and row.error == "InkSoft: timed out"
    assert [r.shipment_id for r in store.ledger_pending()] == [7001]
    again = claim(store)
    assert again.recovering


def test_defer_records_an_unprepared_shipment_but_never_reopens_a_settled_one(store):
    defer(store, 7100, "InkSoft order not read")
    assert store.ledger_get(7100).state == "pending" and store.ledger_get(7100).payload is None
    claim(store, 7200)
    store.ledger_mark_written(7200)
    defer(store, 7200, "late failure report")
    assert store.ledger_get(7200).state == "written" and store.ledger_get(7200).error is None


def test_concurrent_claims_from_many_threads_and_stores_have_one_winner(tmp_path, clock):
    path = tmp_path / "state.sqlite3"
    stores = [StateStore(path, clock=clock) for _ in range(4)]
    wins: list[object] = []
    barrier = threading.Barrier(8)

    def contend(s: StateStore) -> None:
        barrier.wait()
        result = claim(s)
        if result is not None:
            wins.append(result)

    threads = [threading.Thread(target=contend, args=(stores[i % 4],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert len(wins) == 1


def test_mark_written_records_a_shipment_found_already_in_inksoft(store):
    store.ledger_mark_written(8001, order_key="inksoft:abc", inksoft_id=101, tracking_number="1Z")
    assert store.ledger_get(8001).state == "written"
    assert claim(store, 8001) is None


def test_voided_only_from_written_and_only_once(store):
    claim(store)
    assert store.ledger_mark_voided(7001) is False
    store.ledger_mark_written(7001)
    assert store.ledger_mark_voided(7001) is True
    assert store.ledger_mark_voided(7001) is False
    assert store.ledger_get(7001).state == "voided"


def test_skipped_settles_pending_or_new_rows_but_never_written_ones(store):
    def skip(shipment_id: int) -> bool:
        return store.ledger_mark_skipped(shipment_id, order_key="k", inksoft_id=1, tracking_number="T",
                                         reason="voided before write-back")

    assert skip(9001)
    assert skip(9001) is False
    claim(store, 9002)
    assert skip(9002)
    claim(store, 9003)
    store.ledger_mark_written(9003)
    assert skip(9003) is False
    assert [store.ledger_get(i).state for i in (9001, 9002, 9003)] == ["skipped", "skipped", "written"]


def test_problems_open_once_refresh_and_resolve(store, clock):
    assert store.record_problem("#101", "skipped", "no shipping address", field="ShippingAddress")
    clock.advance(60)
    assert store.record_problem("#101", "skipped", "no shipping address", field="ShippingAddress") is False
    store.record_problem("#101", "conflict", "already shipped")
    [first, second] = store.open_problems()
    assert first.first_seen < first.last_seen and first.field == "ShippingAddress"
    assert [p.kind for p in store.open_problems("conflict")] == ["conflict"]
    assert store.resolve_problem("#101", "skipped") == 1
    assert [p.kind for p in store.open_problems()] == ["conflict"]
    assert store.record_problem("#101", "skipped", "again") is True
    assert store.resolve_problem("#101") == 2


def test_runs_and_counts_for_status(store):
    run_id = store.start_run("sync")
    store.finish_run(run_id, {"import": {"created": 3}})
    open_run = store.start_run("import")
    runs = store.recent_runs()
    assert [r.id for r in runs] == [open_run, run_id]
    assert runs[1].summary == {"import": {"created": 3}} and runs[0].finished_at is None
    store.upsert_link(Link("inksoft:abc", 101, pending=True))
    claim(store)
    store.record_problem("#1", "skipped", "x")
    assert store.counts() == {"orders_linked": 1, "orders_pending": 1,
                              "ledger": {"pending": 1, "written": 0, "voided": 0, "skipped": 0},
                              "open_problems": 1, "runs": 2}


def test_one_store_is_usable_from_several_threads(store):
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                store.upsert_link(Link(f"inksoft:{n}:{i}", n * 100 + i))
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counts()["orders_linked"] == 80

"""The state database with several stores: each store's view sees its own rows only, rows from before
stores existed go to the first configured store, and a store renamed in the configuration keeps its rows."""

from __future__ import annotations

from datetime import UTC, datetime

from inkship.connector.state.store import Link, StateStore

T = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
MAIN_URL, TEAM_URL = "https://stores.inksoft.com/Main", "https://stores.inksoft.com/Team"


def test_two_stores_order_1001_never_meet(tmp_path):
    with StateStore(tmp_path / "s.sqlite3") as state:
        state.bind_stores([("main", MAIN_URL), ("team", TEAM_URL)])
        main, team = state.for_store("main"), state.for_store("team")
        main.upsert_link(Link("inksoft:1201:1001", 1001, store_id=1201, pending=True))
        team.upsert_link(Link("inksoft:1202:1001", 1001, store_id=1202))
        main.set_cursor("import.modified_since", T)
        main.record_problem("#1001", "skipped", "no shipping address", field="ShippingAddress")
        team.record_problem("#1001", "conflict", "shipped already")
        team.schedule_retry(1001, "404")
        assert [link.order_key for link in main.pending_links()] == ["inksoft:1201:1001"]
        assert team.pending_links() == [] and team.get_link("inksoft:1201:1001") is None
        assert team.link_of_order(1201, 1001) is None and main.link_of_order(1201, 1001) is not None
        assert team.get_cursor("import.modified_since") is None
        assert main.get_cursor("import.modified_since") == T
        assert [p.kind for p in main.open_problems()] == ["skipped"]
        assert main.resolve_problem("#1001") == 1 and [p.kind for p in team.open_problems()] == ["conflict"]
        assert main.retries_waiting() == set() and team.retries_waiting() == {1001}
        # Another store's link is never taken over by an upsert under the same key.
        team.upsert_link(Link("inksoft:1201:1001", 9999, store_id=1202))
        assert state.get_link("inksoft:1201:1001").inksoft_id == 1001
        counts = state.counts_by_store()
        assert (counts["main"]["orders_linked"], counts["team"]["orders_linked"]) == (1, 1)
        assert (counts["main"]["open_problems"], counts["team"]["open_problems"]) == (0, 1)


def test_rows_from_before_stores_go_to_the_first_configured_store(tmp_path):
    with StateStore(tmp_path / "s.sqlite3") as state:
        state.upsert_link(Link("inksoft:abc", 7, pending=True))  # written as a single-store database did
        state.set_cursor("import.modified_since", T)
        state.record_problem("#7", "skipped", "no address")
        state.bind_stores([("main", MAIN_URL), ("team", TEAM_URL)])
        main = state.for_store("main")
        assert main.get_link("inksoft:abc") is not None and main.get_cursor("import.modified_since") == T
        assert [p.order_ref for p in main.open_problems()] == ["#7"]
        assert state.for_store("team").pending_links() == []


def test_a_store_renamed_in_the_configuration_keeps_its_rows(tmp_path):
    with StateStore(tmp_path / "s.sqlite3") as state:
        state.bind_stores([("Main", MAIN_URL)])
        state.for_store("Main").upsert_link(Link("inksoft:1201:5", 5))
        state.for_store("Main").set_cursor("shipback.created_since", T)
        state.bind_stores([("shop", MAIN_URL + "/"), ("team", TEAM_URL)])
        shop = state.for_store("shop")
        assert shop.get_link("inksoft:1201:5") is not None and shop.get_cursor("shipback.created_since") == T
        assert list(state.counts_by_store()) == ["shop", "team"]

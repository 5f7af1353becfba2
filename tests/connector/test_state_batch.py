"""A batch of state writes (a page of orders) is one transaction: transactions inside it become
savepoints, an error commits what was written (each write stands on its own), a crash loses it, and
`released` commits and lets other processes write while a slow call runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from inkship.connector.state.store import Link, StateStore


class Crash(BaseException):
    """A killed process: not an Exception."""


def link(n: int) -> Link:
    return Link(order_key=f"inksoft:1:{n}", inksoft_id=n)


def keys_seen_by_another_process(path: Path) -> list[str]:
    with sqlite3.connect(path) as other:
        return [row[0] for row in other.execute("SELECT order_key FROM links ORDER BY inksoft_id")]


def lock_is_free(path: Path) -> bool:
    with sqlite3.connect(path, timeout=0) as other:
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        other.execute("ROLLBACK")
        return True


@pytest.fixture
def store(tmp_path: Path):
    with StateStore(tmp_path / "state.sqlite3") as store:
        yield store


def test_a_batch_commits_once_at_its_end(store):
    with store.batch():
        store.upsert_link(link(1))
        store.record_problem("#1", "skipped", "no address")  # its own transaction: a savepoint here
        assert keys_seen_by_another_process(store.path) == []
        assert not lock_is_free(store.path)
    assert keys_seen_by_another_process(store.path) == ["inksoft:1:1"]
    assert [p.order_ref for p in store.open_problems()] == ["#1"]


def test_an_error_keeps_what_was_written_and_a_crash_loses_it(store):
    with pytest.raises(ValueError), store.batch():
        store.upsert_link(link(1))
        raise ValueError("one order's problem, found late")
    with pytest.raises(Crash), store.batch():
        store.upsert_link(link(2))
        raise Crash
    assert keys_seen_by_another_process(store.path) == ["inksoft:1:1"]


def test_a_failed_transaction_inside_a_batch_rolls_back_alone(store):
    with store.batch():
        store.upsert_link(link(1))
        with pytest.raises(RuntimeError), store.transaction() as conn:
            conn.execute("DELETE FROM links")
            raise RuntimeError("half done")
        store.upsert_link(link(2))
    assert keys_seen_by_another_process(store.path) == ["inksoft:1:1", "inksoft:1:2"]


def test_released_commits_and_frees_the_lock_then_goes_on_in_a_new_transaction(store):
    with store.batch():
        store.upsert_link(link(1))
        with store.released():
            assert keys_seen_by_another_process(store.path) == ["inksoft:1:1"]
            assert lock_is_free(store.path)
        store.upsert_link(link(2))
        assert not lock_is_free(store.path)
    assert keys_seen_by_another_process(store.path) == ["inksoft:1:1", "inksoft:1:2"]


def test_released_outside_a_batch_does_nothing_and_inside_a_transaction_is_refused(store):
    with store.released():
        store.upsert_link(link(1))
    with store.batch(), store.transaction(), pytest.raises(RuntimeError, match="atomic"), store.released():
        pass
    assert keys_seen_by_another_process(store.path) == ["inksoft:1:1"]

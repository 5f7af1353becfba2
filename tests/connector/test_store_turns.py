"""`run_in_turns`: the stores' steps (createorders batches) interleave round-robin, so no store waits
for more than one step of each other store between two of its own; a store's error ends that store
alone; an error no store can get past stops them all."""

from __future__ import annotations

from collections.abc import Generator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.engine.stores import run_in_turns
from inkship.connector.errors import AuthError, ServerError


def batches(name: str, count: int, log: list[str], fail_at: int | None = None,
            error: Exception | None = None) -> Generator[None, None, str]:
    for number in range(count):
        yield
        if number == fail_at and error is not None:
            raise error
        log.append(name)
    return f"{name}: {count} sent"


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=6))
def test_no_store_waits_for_more_than_one_step_of_each_other(counts: list[int]) -> None:
    log: list[str] = []
    work = {f"s{i}": batches(f"s{i}", n, log) for i, n in enumerate(counts)}
    outcomes = run_in_turns(work)
    assert {name: o.result for name, o in outcomes.items()} == {
        f"s{i}": f"s{i}: {n} sent" for i, n in enumerate(counts)}
    for i, count in enumerate(counts):
        positions = [p for p, name in enumerate(log) if name == f"s{i}"]
        assert len(positions) == count
        # Between two turns of one store, each other store that still has batches takes exactly one.
        for turn, (a, b) in enumerate(zip(positions, positions[1:], strict=False)):
            between = log[a + 1:b]
            assert len(between) == len(set(between))
            assert set(between) == {f"s{j}" for j, other in enumerate(counts) if j != i and other > turn + 1
                                    or j > i and other == turn + 1}


def test_one_stores_error_ends_that_store_alone() -> None:
    log: list[str] = []
    outcomes = run_in_turns({"a": batches("a", 3, log),
                             "b": batches("b", 3, log, fail_at=1, error=ServerError("down", api="inksoft")),
                             "c": batches("c", 2, log)})
    assert log == ["a", "b", "c", "a", "c", "a"]
    assert isinstance(outcomes["b"].error, ServerError) and outcomes["b"].result is None
    assert outcomes["a"].result == "a: 3 sent" and outcomes["c"].error is None


def test_inksoft_credentials_are_one_stores_and_shipstations_stop_all() -> None:
    log: list[str] = []
    refused = AuthError("refused", api="inksoft")
    outcomes = run_in_turns({"a": batches("a", 1, log, fail_at=0, error=refused), "b": batches("b", 2, log)})
    assert outcomes["a"].error is refused and outcomes["b"].result == "b: 2 sent"
    with pytest.raises(AuthError):
        run_in_turns({"a": batches("a", 2, log), "b": batches("b", 2, log, fail_at=0,
                                                           error=AuthError("no", api="shipstation"))})

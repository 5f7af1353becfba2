"""IdSet answers `in` exactly as a set would, whatever order, size or kind of ids it is given."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.idset import IdSet

IDS = st.one_of(st.integers(1, 50), st.integers(-(2**70), 2**70), st.text(max_size=3), st.booleans())


@given(st.lists(IDS), st.lists(IDS))
def test_membership_is_a_sets(added: list, asked: list) -> None:
    ids, reference = IdSet(), set()
    for order_id in added:
        ids.add(order_id)
        reference.add(order_id)
    assert all((order_id in ids) == (order_id in reference) for order_id in added + asked)
    assert len(ids) == len(reference) and ids == reference


@given(st.lists(st.integers(1, 10**12), unique=True).map(sorted))
def test_ascending_ids_take_the_compact_path(ascending: list[int]) -> None:
    ids = IdSet(ascending)
    assert ids == set(ascending) and not ids._others  # noqa: SLF001 - what the memory figure depends on

"""The simulators' indexes agree with sorting and filtering a plain list, whatever the changes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from inkship.simulators.indexes import Groups, QueryCache, SortedIndex

keys = st.one_of(st.none(), st.integers(0, 20))
changes = st.lists(st.tuples(st.integers(0, 30), keys, st.booleans()), max_size=60)


def nulls_first(record: dict) -> tuple:
    return (record["k"] is not None, record["k"] or 0)


def apply(index: SortedIndex, groups: Groups, steps: list) -> dict[int, dict]:
    records: dict[int, dict] = {}
    for record_id, key, keep in steps:
        if keep:
            records[record_id] = {"k": key}
            index.put(record_id, records[record_id])
            groups.put(record_id, records[record_id])
        else:
            records.pop(record_id, None)
            index.discard(record_id)
            groups.discard(record_id)
    return records


@given(changes, st.integers(0, 20), st.integers(0, 20), st.integers(0, 40), st.integers(1, 10), st.booleans())
def test_sorted_index_ranges_and_pages_match_a_sorted_list(steps: list, start: int, end: int, offset: int,
                                                            size: int, reverse: bool) -> None:
    index, groups = SortedIndex(nulls_first), Groups(lambda r: r["k"])
    records = apply(index, groups, steps)
    everything = sorted(records, key=lambda i: (*nulls_first(records[i]), i))
    assert list(index.ids()) == everything and len(index) == len(records)
    in_range = [i for i in everything if records[i]["k"] is not None and start <= records[i]["k"] <= end]
    assert list(index.ids((True, start), (True, end))) == in_range
    assert index.count((True, start), (True, end)) == len(in_range)
    from_start = [i for i in everything if records[i]["k"] is not None and records[i]["k"] >= start]
    assert index.count((True, start)) == len(from_start)
    expected = (everything[::-1] if reverse else everything)[offset:offset + size]
    assert index.page(None, None, offset, size, reverse=reverse) == expected
    ranged = (in_range[::-1] if reverse else in_range)[offset:offset + size]
    assert index.page((True, start), (True, end), offset, size, reverse=reverse) == ranged
    for value in range(21):
        assert sorted(groups.members(value)) == sorted(i for i in records if records[i]["k"] == value)


def test_query_cache_forgets_on_change() -> None:
    cache, calls = QueryCache(), []
    compute = lambda: calls.append(1) or [1, 2]  # noqa: E731
    assert cache.get("q", compute) == [1, 2] and cache.get("q", compute) == [1, 2]
    cache.changed()
    cache.get("q", compute)
    assert len(calls) == 2

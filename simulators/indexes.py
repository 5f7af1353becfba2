"""Indexes for the simulators' in-memory stores, so a 100,000-order store answers as fast as a small one.

`SortedIndex` keeps record ids ordered by a key computed from the record (O(log n) to place, move or
remove one; a page is O(log n + page)); `Groups` keeps the ids sharing a value (status, batch...);
`QueryCache` keeps the full ordered answer of a filtered list until the store next changes, so paging
through it costs one page each, not one store each.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from itertools import islice
from typing import Any

from sortedcontainers import SortedList

Key = tuple[Any, ...]


class _Top:
    """Compares above everything: the upper bound of a key prefix."""

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Top)

    def __hash__(self) -> int:
        return 0


TOP = _Top()


class SortedIndex:
    """Record ids in the order of `key(record)`, ties broken by id. Call `put` after every change to a
    record (it re-places the id only when the key moved) and `discard` when it leaves."""

    def __init__(self, key: Callable[[dict], Key]) -> None:
        self._key = key
        self._entries: SortedList = SortedList()
        self._placed: dict[Hashable, Key] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, record_id: Hashable, record: dict) -> None:
        entry = (*self._key(record), record_id)
        old = self._placed.get(record_id)
        if old == entry:
            return
        if old is not None:
            self._entries.remove(old)
        self._entries.add(entry)
        self._placed[record_id] = entry

    def discard(self, record_id: Hashable) -> None:
        old = self._placed.pop(record_id, None)
        if old is not None:
            self._entries.remove(old)

    def sort_key(self, record_id: Hashable) -> Key:
        """Where this id stands (for sorting a few ids found another way exactly as the index would)."""
        return self._placed[record_id]

    def __contains__(self, record_id: Hashable) -> bool:
        return record_id in self._placed

    def _range(self, low: Key | None, high: Key | None, reverse: bool) -> Iterator[Key]:
        return self._entries.irange(low, None if high is None else (*high, TOP), reverse=reverse)

    def ids(self, low: Key | None = None, high: Key | None = None, *, reverse: bool = False) -> Iterator[Any]:
        """Ids whose key starts at or after `low` and at or before `high` (key prefixes, both inclusive)."""
        return (entry[-1] for entry in self._range(low, high, reverse))

    def count(self, low: Key | None = None, high: Key | None = None) -> int:
        if low is None and high is None:
            return len(self._entries)
        start = 0 if low is None else self._entries.bisect_left(low)
        end = len(self._entries) if high is None else self._entries.bisect_right((*high, TOP))
        return max(0, end - start)

    def page(self, low: Key | None, high: Key | None, offset: int, size: int, *,
             reverse: bool = False) -> list[Any]:
        """`size` ids from `offset` within the range: O(log n + offset/bucket + size), no full walk."""
        if low is None and high is None:
            total = len(self._entries)
            if reverse:
                stop, start = total - offset, max(0, total - offset - size)
                return [entry[-1] for entry in reversed(self._entries[start:max(start, stop)])]
            return [entry[-1] for entry in self._entries[offset:offset + size]]
        return list(islice(self.ids(low, high, reverse=reverse), offset, offset + size))


class Groups:
    """Ids by a value computed from the record (None: in no group). `put` after a change moves the id."""

    def __init__(self, value: Callable[[dict], Hashable | None]) -> None:
        self._value = value
        self._members: dict[Hashable, dict[Hashable, None]] = {}
        self._of: dict[Hashable, Hashable] = {}

    def put(self, record_id: Hashable, record: dict) -> None:
        value = self._value(record)
        old = self._of.get(record_id)
        if old == value and (value is None or record_id in self._members.get(value, {})):
            return
        self.discard(record_id)
        if value is not None:
            self._members.setdefault(value, {})[record_id] = None
            self._of[record_id] = value

    def discard(self, record_id: Hashable) -> None:
        old = self._of.pop(record_id, None)
        if old is not None:
            members = self._members[old]
            members.pop(record_id, None)
            if not members:
                del self._members[old]

    def members(self, value: Hashable) -> list[Any]:
        """The ids with this value, in the order they joined."""
        return list(self._members.get(value, ()))


class QueryCache:
    """Answers of filtered lists (every matching id, in order) valid until the store's next change."""

    LIMIT = 16

    def __init__(self) -> None:
        self.version = 0
        self._answers: dict[Hashable, list[Any]] = {}

    def changed(self) -> None:
        self.version += 1
        self._answers.clear()

    def get(self, key: Hashable, compute: Callable[[], list[Any]]) -> list[Any]:
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= self.LIMIT:
                self._answers.pop(next(iter(self._answers)))
            found = self._answers[key] = compute()
        return found

"""A set of order ids small enough to hold a whole window's: 8 bytes an id while the ids come in
ascending order (as the connector asks InkSoft for them: `OrderBy=ID`), a plain set's entry (about 70
bytes) for the others. A pass remembers every id it was given, to take each once, so a plain set
made memory grow with the window (about 4 MB at 20,000 orders)."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Iterator

_INT64 = range(-(2**63), 2**63)


class IdSet:
    """`add` and `in` for ids, as a set does them: integers (any size) and, for malformed answers, any
    hashable key."""

    def __init__(self, ids: Iterable[Hashable] = ()) -> None:
        self._ascending = array("q")  # sorted, as appended: membership by bisection
        self._others: set[Hashable] = set()
        for order_id in ids:
            self.add(order_id)

    def __contains__(self, order_id: object) -> bool:
        if isinstance(order_id, int) and order_id in _INT64:  # bools too: True is 1, as in a set
            ascending = self._ascending
            index = bisect_left(ascending, order_id)
            if index < len(ascending) and ascending[index] == order_id:
                return True
        return order_id in self._others

    def add(self, order_id: Hashable) -> None:
        if order_id in self:
            return
        ascending = self._ascending
        if isinstance(order_id, int) and order_id in _INT64 and (not ascending or order_id > ascending[-1]):
            ascending.append(order_id)
        else:
            self._others.add(order_id)

    def __len__(self) -> int:
        return len(self._ascending) + len(self._others)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdSet):
            return set(self) == set(other)
        if isinstance(other, set | frozenset):
            return set(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like set

    def __iter__(self) -> Iterator[Hashable]:
        yield from self._ascending
        yield from self._others

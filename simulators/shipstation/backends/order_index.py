"""The indexes over active orders that keep `/orders` lists, lookups and label runs fast at any size.

By id, by each sortable date (nulls first), by orderNumber (exact and prefix), by importBatch and by
status. A list walks the index of its sort order, or the few ids a selective filter names; a filtered
walk is computed once and kept (QueryCache) until an order next changes, so paging costs a page.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from inkship.simulators.indexes import Groups, QueryCache, SortedIndex
from inkship.simulators.shipstation.backends.query import (
    Bounds,
    Paging,
    nulls_first,
    select,
)
from sortedcontainers import SortedList

SORT_FIELDS = {"orderdate": "orderDate", "modifydate": "modifyDate", "createdate": "createDate"}
DATE_FILTERS = ("createDate", "modifyDate", "orderDate", "paymentDate")

Predicate = Callable[[dict], bool]


class OrderIndexes:
    def __init__(self, batch_of: Callable[[dict], str | None]) -> None:
        self.sorted = {"": SortedIndex(lambda o: ()),
                       **{field: SortedIndex(nulls_first(field)) for field in SORT_FIELDS.values()}}
        self.statuses = Groups(lambda o: o["orderStatus"])
        self.batches = Groups(batch_of)
        self._numbers: SortedList = SortedList()  # (orderNumber, orderId)
        self._number_of: dict[int, str] = {}
        self.cache = QueryCache()

    def put(self, order: dict) -> None:
        order_id = order["orderId"]
        for index in self.sorted.values():
            index.put(order_id, order)
        self.statuses.put(order_id, order)
        self.batches.put(order_id, order)
        number = order["orderNumber"]
        if self._number_of.get(order_id) != number:
            self._discard_number(order_id)
            self._numbers.add((number, order_id))
            self._number_of[order_id] = number
        self.cache.changed()

    def discard(self, order_id: int) -> None:
        for index in self.sorted.values():
            index.discard(order_id)
        self.statuses.discard(order_id)
        self.batches.discard(order_id)
        self._discard_number(order_id)
        self.cache.changed()

    def _discard_number(self, order_id: int) -> None:
        number = self._number_of.pop(order_id, None)
        if number is not None:
            self._numbers.remove((number, order_id))

    def is_active(self, order_id: int) -> bool:
        return order_id in self.sorted[""]

    def with_number_prefix(self, prefix: str) -> list[int]:
        found = []
        for number, order_id in self._numbers.irange((prefix,)):
            if not number.startswith(prefix):
                break
            found.append(order_id)
        return found

    def with_number(self, number: str) -> list[int]:
        """Active orders with exactly this orderNumber, by id."""
        return sorted(i for n, i in self._numbers.irange((number,), (number, float("inf"))) if n == number)

    def select(self, paging: Paging, *, narrowed: list[int] | None, ranges: dict[str, Bounds],
               predicates: list[Predicate], get: Callable[[int], dict],
               cache_key: Hashable) -> tuple[list[int], int]:
        """One page of active order ids in the asked order, and how many match in all."""
        index = self.sorted[paging.sort_field]
        return select(paging, index, paging.sort_field, self.cache, narrowed=narrowed, ranges=ranges,
                      predicates=predicates, get=get, cache_key=cache_key)

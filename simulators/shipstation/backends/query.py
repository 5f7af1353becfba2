"""Reading ShipStation list queries and request bodies: case-insensitive parameters, date ranges, paging."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from inkship.simulators.indexes import QueryCache, SortedIndex
from inkship.simulators.shipstation import models, pacific
from inkship.simulators.shipstation.models import ModelStateError

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100

Bounds = tuple[datetime | None, datetime | None]


class Query:
    """Query parameters read case-insensitively (`storeID` in resource URLs, `storeId` in the docs)."""

    def __init__(self, args: Mapping[str, str]) -> None:
        self.args = {k.lower(): v for k, v in args.items()}

    def filters_key(self) -> tuple:
        """Every parameter but the page asked for: lists with equal keys have equal answers."""
        return tuple(sorted((k, v) for k, v in self.args.items() if k not in ("page", "pagesize")))

    def text(self, name: str) -> str | None:
        value = self.args.get(name)
        return value if value not in (None, "") else None

    def int(self, name: str) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise ModelStateError({name: [f"The value '{value}' is not valid for Int32."]}) from None

    def bool(self, name: str) -> bool:
        value = self.text(name)
        if value is None:
            return False
        if value.lower() not in ("true", "false"):
            raise ModelStateError({name: [f"The value '{value}' is not valid for Boolean."]})
        return value.lower() == "true"

    def range(self, name: str) -> Bounds:
        return self._when(name + "start"), self._when(name + "end")

    def _when(self, name: str) -> datetime | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return pacific.parse_pacific(value)
        except ValueError as exc:
            raise ModelStateError({name: [str(exc)]}) from None


def range_check(field_name: str, bounds: Bounds) -> Callable[[dict], bool]:
    return lambda record: within(record[field_name], bounds)


def within(value: datetime | date | None, bounds: Bounds) -> bool:
    start, end = bounds
    if start is None and end is None:
        return True
    if value is None:
        return False
    if not isinstance(value, datetime):  # a date-only field: compare Pacific calendar days
        return (start is None or value >= pacific.today(start)) and (
            end is None or value <= pacific.today(end)
        )
    return (start is None or value >= start) and (end is None or value <= end)


@dataclass(frozen=True)
class Paging:
    """Which page, how big, sorted how: read and checked once per list request."""

    number: int
    size: int
    sort_field: str  # a record field, or "" for the list's default order
    descending: bool

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def cut(self, ordered: list) -> list:
        return ordered[self.offset:self.offset + self.size]

    def envelope(self, collection: str, rendered: list, total: int) -> dict:
        pages = -(-total // self.size)
        return {collection: rendered, "total": total, "page": self.number, "pages": pages}


def paging(query: Query, sort_fields: Mapping[str, str]) -> Paging:
    """pageSize above 500 is a 400 (a modelling choice: never silently clamp)."""
    number = query.int("page") or 1
    size = query.int("pagesize") or DEFAULT_PAGE_SIZE
    if size < 1 or size > MAX_PAGE_SIZE:
        raise ModelStateError({"pageSize": [f"The pageSize must be between 1 and {MAX_PAGE_SIZE}."]})
    if number < 1:
        raise ModelStateError({"page": ["The page must be 1 or more."]})
    sort_by = (query.text("sortby") or "").lower()
    if sort_by and sort_by not in sort_fields:
        raise ModelStateError({"sortBy": [f"The value '{query.text('sortby')}' is not valid for sortBy."]})
    descending = (query.text("sortdir") or "ASC").upper() == "DESC"
    return Paging(number, size, sort_fields[sort_by] if sort_by else "", descending)


def nulls_first(field_name: str, then: Callable[[dict], tuple] = lambda r: ()) -> Callable[[dict], tuple]:
    """A sort key on one field: nulls first, like SQL Server; `then` keeps equal values in a stable order."""
    return lambda r: (r[field_name] is not None, r[field_name] or 0, *then(r))


def index_bounds(bounds: Bounds) -> tuple[tuple, tuple | None]:
    """A datetime range as bounds of a `nulls_first` index: a null never matches a range."""
    start, end = bounds
    return ((True,) if start is None else (True, start)), (None if end is None else (True, end))


def select(paging: Paging, index: SortedIndex, index_field: str, cache: QueryCache, *,
           narrowed: list[Any] | None, ranges: Mapping[str, Bounds], predicates: list[Callable[[dict], bool]],
           get: Callable[[Any], dict], cache_key: Hashable) -> tuple[list[Any], int]:
    """One page of ids from `index` (sorted as asked), and how many match in all.

    `narrowed`: the only ids that can match (found by a selective index), or None for all of them.
    `ranges`: date filters; one on `index_field` becomes bounds of the index walk. Without other checks
    a page costs O(log n + page); with checks the whole ordered answer is computed once and kept in
    `cache` (keyed by `cache_key`, the filters) until the store changes."""
    low: tuple | None = None
    high: tuple | None = None
    checks = list(predicates)
    for field_name, bounds in ranges.items():
        if field_name == index_field and narrowed is None:
            low, high = index_bounds(bounds)
        else:
            checks.append(range_check(field_name, bounds))
    if narrowed is not None:
        ordered = sorted((i for i in set(narrowed) if all(check(get(i)) for check in checks)),
                         key=index.sort_key, reverse=paging.descending)
        return paging.cut(ordered), len(ordered)
    if not checks:
        return (index.page(low, high, paging.offset, paging.size, reverse=paging.descending),
                index.count(low, high))

    def walk() -> list[Any]:
        return [i for i in index.ids(low, high, reverse=paging.descending)
                if all(check(get(i)) for check in checks)]

    ordered = cache.get((cache_key, index_field, paging.descending), walk)
    return paging.cut(ordered), len(ordered)


def page(query: Query, collection: str, records: list[dict], sort_fields: Mapping[str, str],
         default_key: Callable[[dict], Any], render: Callable[[dict], Any]) -> dict:
    """Sort a small collection in memory, then cut one page (lists of a large store use an index)."""
    chosen = paging(query, sort_fields)
    key = nulls_first(chosen.sort_field, lambda r: (default_key(r),)) if chosen.sort_field else default_key
    records.sort(key=key, reverse=chosen.descending)
    return chosen.envelope(collection, [render(r) for r in chosen.cut(records)], len(records))


def require(body: Mapping[str, Any], name: str, prefix: str) -> Any:
    if not isinstance(body, Mapping):
        raise models.deserialise_error(prefix, "object", body)
    if body.get(name) in (None, ""):
        raise ModelStateError({f"{prefix}.{name}": [f"The {name} field is required."]})
    return body[name]


def as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def date_or_today(text: Any, now: datetime, field_name: str) -> date:
    if not text:
        return pacific.today(now)
    try:
        return pacific.parse_date(str(text))
    except ValueError as exc:
        raise ModelStateError({field_name: [str(exc)]}) from None

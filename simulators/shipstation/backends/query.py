"""Reading ShipStation list queries and request bodies: case-insensitive parameters, date ranges, paging."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from inkship.simulators.shipstation import models, pacific
from inkship.simulators.shipstation.models import ModelStateError

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100

Bounds = tuple[datetime | None, datetime | None]


class Query:
    """Query parameters read case-insensitively (`storeID` in resource URLs, `storeId` in the docs)."""

    def __init__(self, args: Mapping[str, str]) -> None:
        self.args = {k.lower(): v for k, v in args.items()}

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


def page(
    query: Query,
    collection: str,
    records: list[dict],
    sort_fields: Mapping[str, str],
    default_key: Callable[[dict], Any],
    render: Callable[[dict], Any],
) -> dict:
    """Sort, then cut one page. pageSize above 500 is a 400 (a modelling choice: never silently clamp)."""
    number = query.int("page") or 1
    size = query.int("pagesize") or DEFAULT_PAGE_SIZE
    if size < 1 or size > MAX_PAGE_SIZE:
        raise ModelStateError({"pageSize": [f"The pageSize must be between 1 and {MAX_PAGE_SIZE}."]})
    if number < 1:
        raise ModelStateError({"page": ["The page must be 1 or more."]})
    sort_by = (query.text("sortby") or "").lower()
    descending = (query.text("sortdir") or "ASC").upper() == "DESC"
    if sort_by and sort_by not in sort_fields:
        raise ModelStateError({"sortBy": [f"The value '{query.text('sortby')}' is not valid for sortBy."]})
    if sort_by:
        field_name = sort_fields[sort_by]
        # Nulls sort first, like SQL Server; the id keeps equal keys in a stable order.
        records.sort(
            key=lambda r: (r[field_name] is not None, r[field_name] or 0, default_key(r)), reverse=descending
        )
    else:
        records.sort(key=default_key, reverse=descending)
    total = len(records)
    chunk = records[(number - 1) * size : number * size]
    pages = -(-total // size)
    return {collection: [render(r) for r in chunk], "total": total, "page": number, "pages": pages}


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

"""GetOrderSummaries filtering, ordering and paging (reference §6, §8.1), on full orders."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from inkship.simulators.inksoft.orders import squash_status
from inkship.simulators.inksoft.times import parse_datetime


def _latest_ship_date(order: dict) -> Any:
    dates = [p.get("ShippedDate") for s in order.get("Shipments") or [] for p in s.get("Packages") or []]
    dates = [d for d in dates if isinstance(d, datetime)]
    return max(dates) if dates else None


def _full_name(order: dict) -> str:
    return f"{order.get('FirstName') or ''} {order.get('LastName') or ''}".strip()


# OrderBy values (reference §8.1, `StatusDesription` [sic] as sent, the fixed spelling too) plus the
# inferred DateModified.
ORDER_BY: dict[str, Callable[[dict], Any]] = {
    "id": lambda o: o["ID"],
    "name": _full_name,
    "firstname": lambda o: o.get("FirstName"),
    "lastname": lambda o: o.get("LastName"),
    "companyname": lambda o: (o.get("ShippingAddress") or {}).get("CompanyName"),
    "shippingmethod": lambda o: (o.get("ShippingMethod") or {}).get("Name"),
    "estimatedshipdate": lambda o: o.get("EstimatedShipDate"),
    "confirmedshipdate": lambda o: o.get("ConfirmedShipDate"),
    "storename": lambda o: o.get("StoreName"),
    "datecreated": lambda o: o.get("DateCreated"),
    "datemodified": lambda o: o.get("DateModified"),
    "dateshipped": _latest_ship_date,
    "totalamount": lambda o: o.get("TotalAmount"),
    "statusdesription": lambda o: o.get("Status"),
    "statusdescription": lambda o: o.get("Status"),
    "paymentstatus": lambda o: o.get("PaymentStatus"),
    "organization": lambda o: o.get("Organization"),
    "productionstatus": lambda o: o.get("ProductionStatus"),
    "email": lambda o: o.get("Email"),
}


def _sortable(value: Any) -> tuple:
    """Nulls first, then numbers and dates, then text; never compares unlike types."""
    if value is None:
        return (0, 0.0, "")
    if isinstance(value, datetime):
        return (1, value.timestamp(), "")
    if isinstance(value, int | float):
        return (1, float(value), "")
    return (2, 0.0, str(value).lower())


@dataclass(frozen=True)
class DateRange:
    """A `{UtcOffsetHours, Begin, End}` filter; both ends inclusive, either may be absent.

    `Begin`/`End` with `Z` or an offset are absolute instants; naive ones are local to UtcOffsetHours
    (the reference leaves UtcOffsetHours undocumented; this is the modelling choice of its §13).
    """

    begin: datetime | None
    end: datetime | None

    @classmethod
    def from_param(cls, value: Any) -> DateRange:
        if not isinstance(value, dict):
            raise ValueError("must be a JSON object {UtcOffsetHours, Begin, End}")
        fields = {k.lower(): v for k, v in value.items()}
        offset = float(fields.get("utcoffsethours") or 0)
        begin, end = (parse_datetime(str(fields[k]), offset) if fields.get(k) else None
                      for k in ("begin", "end"))
        return cls(begin, end)

    def contains(self, value: Any) -> bool:
        if not isinstance(value, datetime):
            return False
        return (self.begin is None or value >= self.begin) and (self.end is None or value <= self.end)


@dataclass(frozen=True)
class SummaryQuery:
    """What GetOrderSummaries was asked for; `None` filters match everything."""

    index: int = 0
    max_results: int = 100
    production_statuses: tuple[str, ...] | None = None
    payment_statuses: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    store_ids: tuple[int, ...] | None = None
    created: DateRange | None = None
    modified: DateRange | None = None
    order_by: str = "ID"
    descending: bool = False
    include_cards: bool = False

    def __post_init__(self) -> None:
        if self.order_by.lower() not in ORDER_BY:
            raise ValueError(f"OrderBy {self.order_by!r} is not supported")
        if self.index < 0:
            raise ValueError("Index must not be negative")
        if self.max_results < 1:
            raise ValueError("MaxResults must be at least 1")

    def matches(self, order: dict) -> bool:
        vocab_filters = ((self.production_statuses, "ProductionStatus"),
                         (self.payment_statuses, "PaymentStatus"), (self.statuses, "Status"))
        for wanted, key in vocab_filters:
            if wanted is None:
                continue
            if squash_status(order.get(key) or "") not in {squash_status(w) for w in wanted}:
                return False
        if self.store_ids is not None and order.get("StoreId") not in self.store_ids:
            return False
        if self.created and not self.created.contains(order.get("DateCreated")):
            return False
        return not (self.modified and not self.modified.contains(order.get("DateModified")))

    def select(self, orders: list[dict]) -> tuple[list[dict], int]:
        """The page of matching orders, sorted (ties by ID ascending), and the total number matching."""
        matching = self.ordered(orders)
        return self.cut(matching), len(matching)

    def ordered(self, orders: Iterable[dict]) -> list[dict]:
        """Every matching order, sorted (ties by ID ascending)."""
        matching = sorted((o for o in orders if self.matches(o)), key=lambda o: o["ID"])
        if self.order_by.lower() != "id":
            key = ORDER_BY[self.order_by.lower()]
            # A stable sort, also in reverse: ties stay in ascending ID order.
            matching.sort(key=lambda o: _sortable(key(o)), reverse=self.descending)
        elif self.descending:
            matching.reverse()  # IDs are unique: no ties to keep in order
        return matching

    def cut(self, ordered: list) -> list:
        return ordered[self.index:self.index + self.max_results]

    def answer_key(self) -> SummaryQuery:
        """The query without its page: queries with equal keys have equal ordered answers."""
        return replace(self, index=0, max_results=1)

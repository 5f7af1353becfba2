"""Orders: added from partial ones, updated and cancelled as a store admin would, read by ID or
UniqueId, listed as summaries, and shipped (CreateOrderShipments)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import Any, Protocol

from inkship.simulators.indexes import QueryCache, SortedIndex
from inkship.simulators.inksoft.backends.accounts import Accounts, Principal, equal_secret
from inkship.simulators.inksoft.errors import BadRequest, NotFound
from inkship.simulators.inksoft.orders import (
    DERIVED_FROM,
    PRODUCTION_STATUSES,
    IdSequence,
    complete_order,
    summary_of,
)
from inkship.simulators.inksoft.query import DateRange, SummaryQuery
from inkship.simulators.inksoft.shipments import ShipmentRequest, append_shipment, item_refs, package_lines
from inkship.simulators.inksoft.times import to_millis


class Clock(Protocol):
    def now(self) -> datetime: ...


def _instant(field: str) -> Callable[[dict], tuple]:
    """An index key on a date field: non-dates (never in a date range) first, then by the instant."""
    def key(order: dict) -> tuple:
        value = order.get(field)
        return (True, value) if isinstance(value, datetime) else (False, 0)
    return key


class OrderBook:
    """Orders by ID, by UniqueId, and ordered by ID, DateCreated and DateModified; summary lists are
    answered from the index of their date range and kept until an order changes."""

    def __init__(self, clock: Clock, accounts: Accounts) -> None:
        self.clock = clock
        self.accounts = accounts
        self.orders: dict[int, dict] = {}
        self.ids = IdSequence()
        self._by_unique_id: dict[str, list[int]] = {}  # seeds may repeat one: the first added wins
        self._by_id = SortedIndex(lambda o: ())
        self._by_date = {"DateCreated": SortedIndex(_instant("DateCreated")),
                         "DateModified": SortedIndex(_instant("DateModified"))}
        self._answers = QueryCache()
        # Rendered summaries by order, then by how they were rendered; dropped when the order changes.
        self._texts: dict[int, dict[Hashable, str]] = {}

    def _now(self) -> datetime:
        return to_millis(self.clock.now())

    @staticmethod
    def _statuses_of(store: dict) -> tuple[str, ...]:
        return (*PRODUCTION_STATUSES, *store.get("CustomStatuses", []))

    def _put(self, order: dict) -> None:
        """Store a new or changed order and re-place it in every index."""
        order_id = order["ID"]
        previous = self.orders.get(order_id)
        if previous is not None and _unique_key(previous) != _unique_key(order):
            self._forget_unique_id(previous)
        self.orders[order_id] = order
        holders = self._by_unique_id.setdefault(_unique_key(order), [])
        if order_id not in holders:
            holders.append(order_id)
        self._by_id.put(order_id, order)
        for index in self._by_date.values():
            index.put(order_id, order)
        self._texts.pop(order_id, None)
        self._answers.changed()

    def remove(self, order_id: int) -> None:
        self._forget_unique_id(self.orders.pop(order_id))
        self._by_id.discard(order_id)
        for index in self._by_date.values():
            index.discard(order_id)
        self._texts.pop(order_id, None)
        self._answers.changed()

    def _forget_unique_id(self, order: dict) -> None:
        key = _unique_key(order)
        holders = self._by_unique_id.get(key, [])
        if order["ID"] in holders:
            holders.remove(order["ID"])
        if not holders:
            self._by_unique_id.pop(key, None)

    # -- the control side -----------------------------------------------------------------------

    def add(self, partial: dict, store_uri: str | None = None) -> dict:
        """Add an order from a partial one (defaults fill the rest, see orders.py); returns the full order.

        The store: `store_uri`, else the partial's StoreUri or StoreId, else the credentials' store.
        Raises ValueError on a duplicate ID, an unknown store or a status outside the vocabularies.
        """
        if store_uri or partial.get("StoreUri"):
            store = self.accounts.store_or_none(store_uri or partial["StoreUri"])
            if store is None:
                raise ValueError(f"no store {store_uri or partial['StoreUri']!r}")
        elif partial.get("StoreId") is not None:
            store = self.accounts.store_by_id(int(partial["StoreId"]))
        else:
            store = self.accounts.default_store()
        if partial.get("ID") is not None and int(partial["ID"]) in self.orders:
            raise ValueError(f"an order with ID {partial['ID']} exists already")
        order = complete_order(partial, store, self.ids, self._now(), self._statuses_of(store))
        self._put(order)
        return order

    def add_many(self, partials: list[dict], default_store_uri: str | None = None) -> list[dict]:
        """Add several orders, all or none: a refused one removes those added before it.

        `default_store_uri` is the store of partials that name none (no StoreUri, no StoreId).
        """
        added: list[dict] = []
        try:
            for partial in partials:
                names_store = partial.get("StoreUri") or partial.get("StoreId") is not None
                added.append(self.add(partial, None if names_store else default_store_uri))
        except (ValueError, KeyError, TypeError):
            for order in added:
                self.remove(order["ID"])
            raise
        return added

    def find(self, ref: Any, publisher_id: int | None = None) -> dict:
        """An order by integer ID or UniqueId, within a publisher's stores when one is given."""
        text = str(ref).strip().lower()
        found = [int(text)] if text.isdigit() else self._by_unique_id.get(text, [])
        order = self.orders.get(found[0]) if found else None
        if order is None or (publisher_id is not None
                             and self.accounts.store_by_id(order["StoreId"])["PublisherId"] != publisher_id):
            raise NotFound(f"Order {ref} was not found")
        return order

    def find_by_email(self, store_uri: str, order_ref: Any, email: str) -> dict:
        """The storefront lookup (reference §3.2): no key, but the buyer's email must match."""
        order = self.find(order_ref, self.accounts.store(store_uri)["PublisherId"])
        if not equal_secret(email.strip().lower(), str(order.get("Email") or "").lower()):
            raise NotFound(f"Order {order_ref} was not found")
        return order

    def update(self, order_ref: Any, changes: dict) -> dict:
        """Apply changes (InkSoft field names); fields derived from a changed one are recomputed unless
        the changes set them too. Moves DateModified. Raises NotFound or ValueError."""
        current = self.find(order_ref)
        merged = {**current, **changes}
        for key in changes:
            for derived in DERIVED_FROM.get(key, ()):
                if derived not in changes:
                    merged.pop(derived, None)
        merged.update(ID=current["ID"], StoreId=current["StoreId"], DateModified=self._now())
        store = self.accounts.store_by_id(current["StoreId"])
        # complete_order claims the order's own ids again, which is harmless.
        updated = complete_order(merged, store, self.ids, self._now(), self._statuses_of(store))
        self._put(updated)
        return updated

    def cancel(self, order_ref: Any) -> dict:
        """Cancel an order as a store admin would: Status Canceled, Cancelled true, DateModified moves."""
        order = self.find(order_ref)
        timeline = [*(order.get("Timeline") or []), {"Event": "Order canceled", "Comment": None}]
        return self.update(order["ID"], {"Status": "Canceled", "Timeline": timeline})

    def listing(self, store_id: int | None) -> list[dict]:
        """Every order (of one store when given), by ID."""
        return [self.orders[i] for i in self._by_id.ids()
                if store_id is None or self.orders[i]["StoreId"] == store_id]

    # -- the API side ---------------------------------------------------------------------------

    def summaries(self, principal: Principal, store_uri: str, query: SummaryQuery) -> tuple[list[dict], int]:
        """A page of orders and the total matching. Scope: the URL's store, or the `StoreIds` asked
        for among the publisher's stores. The whole ordered answer is computed once (from the index of
        the query's date range) and kept until an order changes: paging through it costs a page each."""
        own = {s["StoreId"] for s in self.accounts.stores_of(principal.publisher_id)}
        scope = frozenset(own & set(query.store_ids) if query.store_ids is not None
                          else {self.accounts.store(store_uri)["StoreId"]})

        def answer() -> list[Any]:
            candidates = (o for o in map(self.orders.__getitem__, self._candidates(query))
                          if o["StoreId"] in scope)
            return [o["ID"] for o in query.ordered(candidates)]

        ordered = self._answers.get((query.answer_key(), scope), answer)
        return [self.orders[i] for i in query.cut(ordered)], len(ordered)

    def _candidates(self, query: SummaryQuery) -> Iterable[int]:
        """The ids that can match: those in the narrower of the query's date ranges, else all."""
        ranges = [(field, given) for field, given in (("DateModified", query.modified),
                                                      ("DateCreated", query.created)) if given is not None]
        if not ranges:
            return self._by_id.ids()
        field, narrowest = min(ranges, key=lambda r: self._by_date[r[0]].count(*_bounds(r[1])))
        return self._by_date[field].ids(*_bounds(narrowest))

    def summary_texts(self, principal: Principal, store_uri: str, query: SummaryQuery,
                      render: Callable[[dict], str], how: Hashable) -> tuple[list[str], int]:
        """Like `summaries`, each summary as the text `render` makes of it, kept per order and `how`
        (what decides the rendering) until the order changes."""
        page, total = self.summaries(principal, store_uri, query)
        return self._kept_texts(page, lambda o: render(summary_of(o, query.include_cards)),
                                (how, query.include_cards)), total

    def order_texts(self, principal: Principal, order_refs: Iterable[Any], render: Callable[[dict], str],
                    how: Hashable) -> list[str]:
        """Full orders (each found as `find` does) as the text `render` makes of each."""
        orders = [self.find(ref, principal.publisher_id) for ref in order_refs]
        return self._kept_texts(orders, render, ("order", how))

    def _kept_texts(self, orders: list[dict], render: Callable[[dict], str], how: Hashable) -> list[str]:
        key = repr(how)  # a string: its hash is computed once, not once per order
        texts = []
        for order in orders:
            kept = self._texts.get(order["ID"])
            if kept is None:
                kept = self._texts[order["ID"]] = {}
            text = kept.get(key)
            if text is None:
                text = kept[key] = render(order)
            texts.append(text)
        return texts

    def create_shipments(self, principal: Principal, order_refs: list[Any],
                         request: ShipmentRequest) -> list[dict]:
        """CreateOrderShipments: one Shipment with one Package per order; all checked before any change."""
        if not order_refs:
            raise BadRequest("OrderIds is required")
        if not request.tracking_number:
            raise BadRequest("TrackingNumber is required")
        orders = [self.find(ref, principal.publisher_id) for ref in order_refs]
        for order in orders:
            if order["Status"] == "Canceled":
                raise BadRequest(f"Order {order['ID']} is canceled")
        wanted = _items_by_order(orders, request.items)
        try:
            lines = {o["ID"]: package_lines(o, wanted.get(o["ID"]) if wanted is not None else None)
                     for o in orders}
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        now = self._now()
        shipped = []
        for order in orders:
            shipped.append(append_shipment(order, request, lines[order["ID"]], self.ids, now))
            self._put(order)
        return shipped


def _unique_key(order: dict) -> str:
    """How `find` compares a UniqueId: as text, lower case (a missing one is the empty text)."""
    return str(order.get("UniqueId", "")).lower()


def _bounds(given: DateRange) -> tuple[tuple, tuple | None]:
    return ((True,) if given.begin is None else (True, given.begin),
            None if given.end is None else (True, given.end))


def _items_by_order(orders: list[dict], items: Iterable[tuple[str, int]] | None) -> dict | None:
    """Assign each requested (item ref, quantity) to the order that has that line."""
    if items is None:
        return None
    wanted: dict[int, list[tuple[int, int]]] = {o["ID"]: [] for o in orders}
    refs = [(o["ID"], item_refs(o)) for o in orders]
    for ref, qty in items:
        key = str(ref).lower()
        owner = next(((oid, found[key]) for oid, found in refs if key in found), None)
        if owner is None:
            raise BadRequest(f"Item {ref} is not on the order")
        wanted[owner[0]].append((owner[1], qty))
    for order_id, lines in wanted.items():
        if not lines:
            raise BadRequest(f"Items name no line of order {order_id}")
    return wanted

"""The InkSoft simulator's data and rules (no Flask): a thin facade over its backends (backends/: accounts
for publishers, stores, users and sessions; orders with their shipments) and the quirk switches.

Every public method takes the one RLock, so the state is safe under a threaded server, and hands out
copies, so a caller can never change a stored order by accident. Orders are kept with aware UTC
datetimes; rendering (render.py) turns them into text as the `date_format` quirk says.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from threading import RLock
from types import MappingProxyType
from typing import Any

from inkship.simulators.copies import json_copy
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.backends.accounts import Accounts, Principal
from inkship.simulators.inksoft.backends.orders import Clock, OrderBook
from inkship.simulators.inksoft.defaults import default_seed, demo_orders
from inkship.simulators.inksoft.orders import summary_of
from inkship.simulators.inksoft.query import SummaryQuery
from inkship.simulators.inksoft.quirks import QUIRKS, Quirk, normalize_quirks
from inkship.simulators.inksoft.shipments import ShipmentRequest
from inkship.simulators.inksoft.times import render_dates

__all__ = ["QUIRKS", "InkSoftState", "Principal", "Quirk", "normalize_quirks"]


class InkSoftState:
    """Publishers, their stores, users and orders; sessions from SignIn; quirk switches."""

    def __init__(self, clock: Clock, credentials: SimCredentials | None = None, *,
                 quirks: dict | None = None, seed: dict | None = None, seed_demo: bool = False,
                 default_page_size: int = 100, max_page_size: int = 500) -> None:
        self.lock = RLock()
        self.clock = clock
        self.credentials = credentials or SimCredentials()
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self._config_quirks = normalize_quirks(quirks or {})
        self._config_seed = seed
        self._seed_demo = seed_demo
        self.reset()

    # -- lifecycle ------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the configured start: default seed, demo orders if asked, config seed, config quirks."""
        with self.lock:
            self.accounts = Accounts(self.credentials)
            self.order_book = OrderBook(self.clock, self.accounts)
            self.quirks = {name: quirk.default for name, quirk in QUIRKS.items()} | self._config_quirks
            self.seed(default_seed(self.credentials))
            if self._seed_demo:
                self.seed({"orders": demo_orders(self.credentials)})
            if self._config_seed:
                self.seed(self._config_seed)

    # The records as plain mappings, for views and tests that read them under the lock.
    @property
    def publishers(self) -> dict[int, dict]:
        return self.accounts.publishers

    @property
    def stores(self) -> dict[str, dict]:
        return self.accounts.stores

    @property
    def users(self) -> dict[str, dict]:
        return self.accounts.users

    @property
    def sessions(self) -> dict[str, str]:
        return self.accounts.sessions

    @property
    def orders(self) -> Mapping[int, dict]:
        """Read only: a change must go through the methods, which keep the indexes right."""
        return MappingProxyType(self.order_book.orders)

    def seed(self, data: dict) -> list[dict]:
        """Merge a seed document: publisher, stores, users (upserted by key) and orders (added).

        Returns the orders added. Raises ValueError, KeyError or TypeError on a malformed document.
        """
        with self.lock:
            if data.get("publisher"):
                self.accounts.upsert_publisher(data["publisher"])
            for store in data.get("stores") or []:
                self.accounts.upsert_store(store)
            for user in data.get("users") or []:
                self.accounts.upsert_user(user)
            if data.get("quirks"):
                self.set_quirks(data["quirks"])
            return self.add_orders(data.get("orders") or [])

    def dump(self) -> dict:
        """The whole state as JSON-ready data; passwords and keys masked, sessions only counted."""
        with self.lock:
            return render_dates({
                **self.accounts.dump(),
                "quirks": dict(self.quirks),
                "orders": self.order_book.listing(None),
            }, "iso_z")  # type: ignore[return-value]

    def set_quirks(self, changes: dict) -> dict:
        with self.lock:
            self.quirks.update(normalize_quirks(changes))
            return dict(self.quirks)

    def quirk_values(self) -> dict:
        with self.lock:
            return dict(self.quirks)

    # -- stores and auth ------------------------------------------------------------------------

    def store(self, store_uri: str) -> dict:
        """The store at this URL slug (case-insensitive); NotFound otherwise."""
        with self.lock:
            return json_copy(self.accounts.store(store_uri))

    def stores_of(self, publisher_id: int) -> list[dict]:
        with self.lock:
            return json_copy(self.accounts.stores_of(publisher_id))

    def authenticate(self, store_uri: str, api_key: str | None, session_token: str | None) -> Principal:
        """Who may act on this store: an API key of its publisher, or a session of a permitted user."""
        with self.lock:
            return self.accounts.authenticate(store_uri, api_key, session_token)

    def sign_in(self, store_uri: str, login: str, password: str, publisher_id: int) -> dict:
        """The publisher-level login (reference §3.4): a session token valid on all the publisher's stores."""
        with self.lock:
            return self.accounts.sign_in(store_uri, login, password, publisher_id)

    def end_sessions(self) -> int:
        """Forget every session token (a client must sign in again); returns how many there were."""
        with self.lock:
            return self.accounts.end_sessions()

    # -- orders: the control side ---------------------------------------------------------------

    def add_order(self, partial: dict, store_uri: str | None = None) -> dict:
        """Add an order from a partial one (defaults fill the rest, see orders.py); returns the full order.

        The store: `store_uri`, else the partial's StoreUri or StoreId, else the credentials' store.
        Raises ValueError on a duplicate ID, an unknown store or a status outside the vocabularies.
        """
        with self.lock:
            return json_copy(self.order_book.add(partial, store_uri))

    def add_orders(self, partials: list[dict], default_store_uri: str | None = None) -> list[dict]:
        """Add several orders, all or none: a refused one removes those added before it.

        `default_store_uri` is the store of partials that name none (no StoreUri, no StoreId).
        """
        with self.lock:
            return json_copy(self.order_book.add_many(partials, default_store_uri))

    def update_order(self, order_ref: Any, changes: dict) -> dict:
        """Apply changes (InkSoft field names); fields derived from a changed one are recomputed unless
        the changes set them too. Moves DateModified. Raises NotFound or ValueError."""
        with self.lock:
            return json_copy(self.order_book.update(order_ref, changes))

    def cancel_order(self, order_ref: Any) -> dict:
        """Cancel an order as a store admin would: Status Canceled, Cancelled true, DateModified moves."""
        with self.lock:
            return json_copy(self.order_book.cancel(order_ref))

    def delete_order(self, order_ref: Any) -> dict:
        """Remove an order as a shop admin can (the API has no delete); returns it. NotFound if unknown."""
        with self.lock:
            order = self.order_book.find(order_ref)
            self.order_book.remove(order["ID"])
            return json_copy(order)

    def list_orders(self, store_uri: str | None = None) -> list[dict]:
        """Every order (of one store when named), by ID; for the control plane and the HTML views."""
        with self.lock:
            store_id = self.accounts.store(store_uri)["StoreId"] if store_uri else None
            return json_copy(self.order_book.listing(store_id))

    def find_order(self, order_ref: Any) -> dict:
        """One order by ID or UniqueId, whatever its store; NotFound otherwise."""
        with self.lock:
            return json_copy(self.order_book.find(order_ref))

    # -- orders: the API side -------------------------------------------------------------------

    def get_order(self, principal: Principal, order_ref: Any) -> dict:
        with self.lock:
            return json_copy(self.order_book.find(order_ref, principal.publisher_id))

    def get_order_by_email(self, store_uri: str, order_ref: Any, email: str) -> dict:
        """The storefront lookup (reference §3.2): no key, but the buyer's email must match."""
        with self.lock:
            return json_copy(self.order_book.find_by_email(store_uri, order_ref, email))

    def get_orders(self, principal: Principal, order_refs: Iterable[Any]) -> list[dict]:
        with self.lock:
            return [json_copy(self.order_book.find(ref, principal.publisher_id)) for ref in order_refs]

    def order_texts(self, principal: Principal, order_refs: Iterable[Any], *, render: Callable[[dict], str],
                    how: Hashable) -> list[str]:
        """`get_orders` with each order as the text `render` makes of it, kept per order and `how`
        until the order changes."""
        with self.lock:
            return self.order_book.order_texts(principal, order_refs, render, how)

    def order_summaries(self, principal: Principal, store_uri: str,
                        query: SummaryQuery) -> tuple[list[dict], int]:
        """A page of summaries and the total matching. Scope: the URL's store, or the `StoreIds` asked
        for among the publisher's stores."""
        with self.lock:
            page, total = self.order_book.summaries(principal, store_uri, query)
            return [json_copy(summary_of(o, query.include_cards)) for o in page], total

    def order_summary_texts(self, principal: Principal, store_uri: str, query: SummaryQuery, *,
                            render: Callable[[dict], str], how: Hashable) -> tuple[list[str], int]:
        """`order_summaries` with each summary as the text `render` makes of it; texts are kept per
        order and `how` (whatever decides the rendering) until the order changes."""
        with self.lock:
            return self.order_book.summary_texts(principal, store_uri, query, render, how)

    def create_shipments(self, principal: Principal, order_refs: list[Any],
                         request: ShipmentRequest) -> list[dict]:
        """CreateOrderShipments: one Shipment with one Package per order; all checked before any change."""
        with self.lock:
            return json_copy(self.order_book.create_shipments(principal, order_refs, request))

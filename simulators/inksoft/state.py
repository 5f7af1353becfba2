"""The InkSoft simulator's data and rules (no Flask): publishers, stores, users, sessions, orders, quirks.

Every public method takes the one RLock, so the state is safe under a threaded server. Orders are kept
with aware UTC datetimes; rendering (render.py) turns them into text as the `date_format` quirk says.
"""

from __future__ import annotations

import copy
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from threading import RLock
from typing import Any, Protocol

from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.defaults import FULFILMENT_PERMISSION, default_seed, demo_orders
from inkship.simulators.inksoft.errors import BadRequest, Forbidden, NotFound, Unauthorized
from inkship.simulators.inksoft.orders import (
    DERIVED_FROM,
    PRODUCTION_STATUSES,
    IdSequence,
    complete_order,
    summary_of,
)
from inkship.simulators.inksoft.query import SummaryQuery
from inkship.simulators.inksoft.render import NOT_WELLFORMED_BODIES
from inkship.simulators.inksoft.shipments import ShipmentRequest, append_shipment, item_refs, package_lines
from inkship.simulators.inksoft.times import DATE_FORMATS, render_dates, to_millis


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Quirk:
    default: Any
    choices: tuple
    doc: str
    # Friendlier spellings accepted on input (`true` for the usual variant of a multi-valued switch).
    aliases: tuple[tuple[Any, Any], ...] = ()


# Every quirk switch, set by config `quirks` or `POST /__sim/quirks`. Defaults are the documented
# normal behaviour; each switch reproduces something InkSoft (or ShipStation's view of it) is known to do.
QUIRKS: dict[str, Quirk] = {
    "image_domain_placeholder": Quirk(
        False, (False, "mixed", "https", "http", "bare"),
        "Image URLs (PreviewUrl, DesignOnProductUrl, ...) carry the placeholder host REPLACE_DOMAIN_WITH, "
        "as InkSoft's own samples show: `https`/`http` with that scheme, `bare` without any, `mixed` "
        "(or true) alternating both. Clients must substitute the store's domain.",
        ((True, "mixed"),)),
    "empty_data_false": Quirk(
        False, (False, True),
        "A list method with nothing to return answers `Data:false` and `Pagination:null` instead of `[]`."),
    "null_pagination": Quirk(
        False, (False, True), "List methods answer `Pagination:null` even with results."),
    "cancelled_spelling": Quirk(
        "Canceled", ("Canceled", "Cancelled"),
        "How `Status` spells a cancelled order: the typed enum's `Canceled` (default) or `Cancelled`, "
        "the spelling of the workflow boolean.", ((True, "Cancelled"), (False, "Canceled"))),
    "date_format": Quirk(
        "iso_z", DATE_FORMATS,
        "Response dates: `iso_z` (2026-10-02T17:41:09Z, default), `naive` (no zone, meaning UTC) or "
        "`dotnet` (/Date(ms)/). The real format is unknown (reference section 7)."),
    "xml_empty_not_wellformed": Quirk(
        False, (False, *NOT_WELLFORMED_BODIES),
        "With Format=XML and no matching orders, answer HTTP 200 with a body that is not well-formed XML: "
        "`empty` (or true), `whitespace`, or `text` (a bare message). This is what ShipStation reports as "
        "'Error in XML' when an InkSoft account has no orders waiting.", ((True, "empty"),)),
    "camel_severity_typo": Quirk(
        False, (False, True), "Error messages carry the key `Serverity` (sic) instead of `Severity`."),
}


def normalize_quirks(changes: dict) -> dict:
    """Validated quirk values; raises ValueError naming an unknown switch or value."""
    result = {}
    for name, value in changes.items():
        quirk = QUIRKS.get(name)
        if quirk is None:
            raise ValueError(f"unknown quirk {name!r}; known: {', '.join(QUIRKS)}")
        value = next((to for given, to in quirk.aliases if value is given), value)
        # `type(...) is` keeps 1 and 0 from passing for True and False.
        if not any(type(value) is type(choice) and value == choice for choice in quirk.choices):
            raise ValueError(f"quirk {name!r} takes one of {list(quirk.choices)}, not {value!r}")
        result[name] = value
    return result


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: every store of this publisher is theirs."""

    publisher_id: int


def _equal_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


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
            self.publishers: dict[int, dict] = {}
            self.stores: dict[str, dict] = {}
            self.users: dict[str, dict] = {}
            self.sessions: dict[str, str] = {}  # token -> username (lower case)
            self.orders: dict[int, dict] = {}
            self.quirks = {name: quirk.default for name, quirk in QUIRKS.items()} | self._config_quirks
            self._ids = IdSequence()
            self.seed(default_seed(self.credentials))
            if self._seed_demo:
                self.seed({"orders": demo_orders(self.credentials)})
            if self._config_seed:
                self.seed(self._config_seed)

    def seed(self, data: dict) -> list[dict]:
        """Merge a seed document: publisher, stores, users (upserted by key) and orders (added).

        Returns the orders added. Raises ValueError, KeyError or TypeError on a malformed document.
        """
        with self.lock:
            if data.get("publisher"):
                self._upsert_publisher(data["publisher"])
            for store in data.get("stores") or []:
                self._upsert_store(store)
            for user in data.get("users") or []:
                self._upsert_user(user)
            if data.get("quirks"):
                self.set_quirks(data["quirks"])
            return self.add_orders(data.get("orders") or [])

    def _upsert_publisher(self, publisher: dict) -> None:
        publisher_id = int(publisher["PublisherId"])
        current = self.publishers.setdefault(publisher_id, {"PublisherId": publisher_id, "Name": "",
                                                            "ApiKeys": []})
        current.update({**publisher, "PublisherId": publisher_id})

    def _upsert_store(self, store: dict) -> None:
        uri = store["StoreUri"]
        current = self.stores.get(uri.lower(), {
            "StoreId": None, "StoreUri": uri, "Name": uri, "Domain": "stores.inksoft.com",
            "PublisherId": self.credentials.inksoft_publisher_id, "CustomStatuses": []})
        current = {**current, **store}
        current["StoreId"] = int(current["StoreId"])
        current["PublisherId"] = int(current["PublisherId"])
        self.publishers.setdefault(current["PublisherId"], {"PublisherId": current["PublisherId"], "Name": "",
                                                            "ApiKeys": []})
        self.stores[uri.lower()] = current

    def _upsert_user(self, user: dict) -> None:
        key = user["Username"].lower()
        current = self.users.get(key, {"Email": None, "Permissions": []})
        current = {**current, **user}
        current["PublisherId"] = int(current.get("PublisherId") or self.credentials.inksoft_publisher_id)
        self.users[key] = current

    def dump(self) -> dict:
        """The whole state as JSON-ready data; passwords and keys masked, sessions only counted."""
        with self.lock:
            return render_dates({
                "publishers": [{**p, "ApiKeys": ["***" for _ in p.get("ApiKeys", [])]}
                               for p in self.publishers.values()],
                "stores": list(self.stores.values()),
                "users": [{k: v for k, v in u.items() if k != "Password"} for u in self.users.values()],
                "sessions": len(self.sessions),
                "quirks": dict(self.quirks),
                "orders": [self.orders[i] for i in sorted(self.orders)],
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
            store = self.stores.get(store_uri.lower())
            if store is None:
                raise NotFound(f"Store '{store_uri}' was not found")
            return copy.deepcopy(store)

    def stores_of(self, publisher_id: int) -> list[dict]:
        with self.lock:
            return copy.deepcopy(sorted((s for s in self.stores.values() if s["PublisherId"] == publisher_id),
                                        key=lambda s: s["StoreId"]))

    def _store_by_id(self, store_id: int) -> dict:
        for store in self.stores.values():
            if store["StoreId"] == store_id:
                return store
        raise ValueError(f"no store with StoreId {store_id}")

    def authenticate(self, store_uri: str, api_key: str | None, session_token: str | None) -> Principal:
        """Who may act on this store: an API key of its publisher, or a session of a permitted user."""
        with self.lock:
            store = self.store(store_uri)
            if api_key:
                owners = {pid for pid, p in self.publishers.items()
                          for key in p.get("ApiKeys", []) if _equal_secret(api_key, key)}
                if store["PublisherId"] in owners:
                    return Principal(store["PublisherId"])
                raise Unauthorized("The API key is not valid for this store")
            if session_token:
                user = self._session_user(session_token)
                if user is None or user["PublisherId"] != store["PublisherId"]:
                    raise Unauthorized("The session token is not valid for this store")
                self._require_permission(user)
                return Principal(store["PublisherId"])
            raise Unauthorized("An ApiKey or SessionToken is required")

    def _session_user(self, token: str) -> dict | None:
        found = [user for known, user in self.sessions.items() if _equal_secret(token, known)]
        return self.users.get(found[0]) if found else None

    @staticmethod
    def _require_permission(user: dict) -> None:
        if FULFILMENT_PERMISSION not in (user.get("Permissions") or []):
            raise Forbidden(f"The user does not have the {FULFILMENT_PERMISSION} permission")

    def sign_in(self, store_uri: str, login: str, password: str, publisher_id: int) -> dict:
        """The publisher-level login (reference §3.4): a session token valid on all the publisher's stores."""
        with self.lock:
            store = self.store(store_uri)
            wanted = login.lower()
            user = next((u for u in self.users.values()
                         if wanted in (u["Username"].lower(), (u.get("Email") or "").lower())), None)
            password_ok = _equal_secret(password, user["Password"] if user else secrets.token_hex(16))
            if (user is None or not password_ok or user["PublisherId"] != publisher_id
                    or store["PublisherId"] != publisher_id):
                raise Unauthorized("Invalid username, password or PublisherId")
            self._require_permission(user)
            token = secrets.token_urlsafe(24)
            self.sessions[token] = user["Username"].lower()
            return {"Token": token, "SessionToken": token, "PublisherId": publisher_id,
                    "Username": user["Username"], "Email": user.get("Email"),
                    "Permissions": list(user.get("Permissions") or [])}

    def end_sessions(self) -> int:
        """Forget every session token (a client must sign in again); returns how many there were."""
        with self.lock:
            count = len(self.sessions)
            self.sessions.clear()
            return count

    # -- orders: the control side ---------------------------------------------------------------

    def _now(self) -> datetime:
        return to_millis(self.clock.now())

    def _statuses_of(self, store: dict) -> tuple[str, ...]:
        return (*PRODUCTION_STATUSES, *store.get("CustomStatuses", []))

    def add_order(self, partial: dict, store_uri: str | None = None) -> dict:
        """Add an order from a partial one (defaults fill the rest, see orders.py); returns the full order.

        The store: `store_uri`, else the partial's StoreUri or StoreId, else the credentials' store.
        Raises ValueError on a duplicate ID, an unknown store or a status outside the vocabularies.
        """
        with self.lock:
            if store_uri or partial.get("StoreUri"):
                store = self.stores.get((store_uri or partial["StoreUri"]).lower())
                if store is None:
                    raise ValueError(f"no store {store_uri or partial['StoreUri']!r}")
            elif partial.get("StoreId") is not None:
                store = self._store_by_id(int(partial["StoreId"]))
            else:
                store = self.stores[self.credentials.inksoft_store.lower()]
            if partial.get("ID") is not None and int(partial["ID"]) in self.orders:
                raise ValueError(f"an order with ID {partial['ID']} exists already")
            order = complete_order(partial, store, self._ids, self._now(), self._statuses_of(store))
            self.orders[order["ID"]] = order
            return copy.deepcopy(order)

    def add_orders(self, partials: list[dict], default_store_uri: str | None = None) -> list[dict]:
        """Add several orders, all or none: a refused one removes those added before it.

        `default_store_uri` is the store of partials that name none (no StoreUri, no StoreId).
        """
        with self.lock:
            added: list[dict] = []
            try:
                for partial in partials:
                    names_store = partial.get("StoreUri") or partial.get("StoreId") is not None
                    added.append(self.add_order(partial, None if names_store else default_store_uri))
            except (ValueError, KeyError, TypeError):
                for order in added:
                    del self.orders[order["ID"]]
                raise
            return added

    def _find(self, ref: Any, publisher_id: int | None = None) -> dict:
        """An order by integer ID or UniqueId, within a publisher's stores when one is given."""
        text = str(ref).strip().lower()
        order = self.orders.get(int(text)) if text.isdigit() else next(
            (o for o in self.orders.values() if str(o.get("UniqueId", "")).lower() == text), None)
        if order is None or (publisher_id is not None
                             and self._store_by_id(order["StoreId"])["PublisherId"] != publisher_id):
            raise NotFound(f"Order {ref} was not found")
        return order

    def update_order(self, order_ref: Any, changes: dict) -> dict:
        """Apply changes (InkSoft field names); fields derived from a changed one are recomputed unless
        the changes set them too. Moves DateModified. Raises NotFound or ValueError."""
        with self.lock:
            current = self._find(order_ref)
            merged = {**current, **changes}
            for key in changes:
                for derived in DERIVED_FROM.get(key, ()):
                    if derived not in changes:
                        merged.pop(derived, None)
            merged.update(ID=current["ID"], StoreId=current["StoreId"], DateModified=self._now())
            store = self._store_by_id(current["StoreId"])
            # complete_order claims the order's own ids again, which is harmless.
            updated = complete_order(merged, store, self._ids, self._now(), self._statuses_of(store))
            self.orders[current["ID"]] = updated
            return copy.deepcopy(updated)

    def cancel_order(self, order_ref: Any) -> dict:
        """Cancel an order as a store admin would: Status Canceled, Cancelled true, DateModified moves."""
        with self.lock:
            order = self._find(order_ref)
            timeline = [*(order.get("Timeline") or []), {"Event": "Order canceled", "Comment": None}]
            return self.update_order(order["ID"], {"Status": "Canceled", "Timeline": timeline})

    def list_orders(self, store_uri: str | None = None) -> list[dict]:
        """Every order (of one store when named), by ID; for the control plane and the HTML views."""
        with self.lock:
            store_id = self.store(store_uri)["StoreId"] if store_uri else None
            return [copy.deepcopy(self.orders[i]) for i in sorted(self.orders)
                    if store_id is None or self.orders[i]["StoreId"] == store_id]

    def find_order(self, order_ref: Any) -> dict:
        """One order by ID or UniqueId, whatever its store; NotFound otherwise."""
        with self.lock:
            return copy.deepcopy(self._find(order_ref))

    # -- orders: the API side -------------------------------------------------------------------

    def get_order(self, principal: Principal, order_ref: Any) -> dict:
        with self.lock:
            return copy.deepcopy(self._find(order_ref, principal.publisher_id))

    def get_order_by_email(self, store_uri: str, order_ref: Any, email: str) -> dict:
        """The storefront lookup (reference §3.2): no key, but the buyer's email must match."""
        with self.lock:
            order = self._find(order_ref, self.store(store_uri)["PublisherId"])
            if not _equal_secret(email.strip().lower(), str(order.get("Email") or "").lower()):
                raise NotFound(f"Order {order_ref} was not found")
            return copy.deepcopy(order)

    def get_orders(self, principal: Principal, order_refs: Iterable[Any]) -> list[dict]:
        with self.lock:
            return [copy.deepcopy(self._find(ref, principal.publisher_id)) for ref in order_refs]

    def order_summaries(self, principal: Principal, store_uri: str,
                        query: SummaryQuery) -> tuple[list[dict], int]:
        """A page of summaries and the total matching. Scope: the URL's store, or the `StoreIds` asked
        for among the publisher's stores."""
        with self.lock:
            own = {s["StoreId"] for s in self.stores_of(principal.publisher_id)}
            scope = (own & set(query.store_ids) if query.store_ids is not None
                     else {self.store(store_uri)["StoreId"]})
            page, total = query.select([o for o in self.orders.values() if o["StoreId"] in scope])
            return [copy.deepcopy(summary_of(o, query.include_cards)) for o in page], total

    def create_shipments(self, principal: Principal, order_refs: list[Any],
                         request: ShipmentRequest) -> list[dict]:
        """CreateOrderShipments: one Shipment with one Package per order; all checked before any change."""
        with self.lock:
            if not order_refs:
                raise BadRequest("OrderIds is required")
            if not request.tracking_number:
                raise BadRequest("TrackingNumber is required")
            orders = [self._find(ref, principal.publisher_id) for ref in order_refs]
            for order in orders:
                if order["Status"] == "Canceled":
                    raise BadRequest(f"Order {order['ID']} is canceled")
            wanted = self._items_by_order(orders, request.items)
            try:
                lines = {o["ID"]: package_lines(o, wanted.get(o["ID"]) if wanted is not None else None)
                         for o in orders}
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
            now = self._now()
            return [copy.deepcopy(append_shipment(o, request, lines[o["ID"]], self._ids, now))
                    for o in orders]

    @staticmethod
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

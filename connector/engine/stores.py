"""Several InkSoft stores on one ShipStation account: a pass context per store, one ShipStation budget.

Each store's passes run on its own `PassContext`: its InkSoft client, its status table and ShipStation
store, and a view of the state database holding its rows only. ShipStation is one API key and one rate
limit, so every store's view shares one `ApiHttp` (one limiter, one call count). A whole run:

- imports interleaved: every store reads and maps its orders, then the stores send their `createorders`
  batches in turn, one batch each round, so a store backfilling thousands of orders never makes the
  others wait for all of its batches (`run_in_turns`);
- ships back store by store (each write goes to its own store's InkSoft);
- a store that fails (its credentials refused, its InkSoft down) is reported and the others go on;
  an error no store can get past (ShipStation's credentials, the configuration) stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.engine.context import STOPPING
from inkship.connector.errors import InkshipError
from inkship.connector.mapping.times import parse_pacific
from inkship.connector.state.store import StateStore
from inkship.connector.stores import Store

R = TypeVar("R")


class StoreShipStation(ShipStationClient):
    """One store's view of the shared ShipStation client: the same HTTP (budget, call count, retries),
    and shipment listings narrowed to that store's orders.

    When the store has a ShipStation store of its own, listings ask ShipStation for that store only
    (`storeId`); either way a shipment of an order another configured store imported is left out, so a
    store never writes another's label back to its own InkSoft. A shipment of an order no store knows
    is shown to the first store alone (which reports it as not ours, once).

    Stores sharing a ShipStation store share its listings within a pass (`listings`): a window starting
    no earlier than one already listed is served from that listing, kept to the dates ShipStation's own
    filter would keep, instead of being asked for again."""

    def __init__(self, shared: ShipStationClient, *, store: str, list_store_id: int | None,
                 owner_of: Callable[[str], str | None], first: bool,
                 resources: dict[str, dict[str, Any]], listings: dict[Any, Listing]) -> None:
        # Not ShipStationClient.__init__: the view must not build a second ApiHttp (a second budget).
        self.config = shared.config
        self.http = shared.http
        self.store = store
        self.list_store_id = list_store_id
        self._owner_of = owner_of
        self._first = first
        self._resources = resources
        self._listings = listings

    def iter_shipments(self, *, create_date_start: datetime | None = None, include_items: bool = True,
                       **filters: Any) -> Iterator[dict[str, Any]]:
        if self.list_store_id is not None and "orderId" not in filters:
            filters.setdefault("storeId", self.list_store_id)
        listed = self._listed(create_date_start, include_items, filters)
        return (shipment for shipment in listed if self._ours(shipment))

    def _listed(self, create_date_start: datetime | None, include_items: bool,
                filters: dict[str, Any]) -> Iterable[dict[str, Any]]:
        """A pass's listing of shipments created (or voided) since a moment, shared between stores."""
        field, since = (("createDate", create_date_start) if create_date_start is not None
                        else ("voidDate", filters.get("voidDateStart")))
        # Only the plain windows the ship-back pass polls; an order's or a span's listing goes to ShipStation.
        plain = {"storeId"} | ({"voidDateStart"} if field == "voidDate" else set())
        if not isinstance(since, datetime) or set(filters) - plain:
            return super().iter_shipments(create_date_start=create_date_start, include_items=include_items,
                                          **filters)
        key = (field, include_items, filters.get("storeId"))
        cached = self._listings.get(key)
        if cached is not None and cached.since <= since:
            # ShipStation compares whole Pacific seconds: so does the copy.
            floor = since.replace(microsecond=0)
            return [s for s in cached.shipments if _not_before(s.get(field), floor)]
        shipments = list(super().iter_shipments(create_date_start=create_date_start,
                                                include_items=include_items, **filters))
        self._listings[key] = Listing(since, shipments)
        return shipments

    def fetch_resource(self, url: str) -> dict[str, Any]:
        """A webhook's batch, fetched once for all the stores handling that webhook, narrowed to ours."""
        if url not in self._resources:
            self._resources[url] = super().fetch_resource(url)
        body = self._resources[url]
        shipments = body.get("shipments")
        if not isinstance(shipments, list):
            return body
        return {**body, "shipments": [s for s in shipments if not isinstance(s, dict) or self._ours(s)]}

    def _ours(self, shipment: dict[str, Any]) -> bool:
        key = shipment.get("orderKey")
        owner = self._owner_of(key) if isinstance(key, str) and key else None
        return owner == self.store if owner is not None else self._first


@dataclass
class Listing:
    """Shipments ShipStation listed since a moment, during one pass."""

    since: datetime
    shipments: list[dict[str, Any]]


def _not_before(value: Any, floor: datetime) -> bool:
    """Whether a listed date is at or after `floor`; an unreadable one is kept (the pass reports it)."""
    try:
        return parse_pacific(value) >= floor
    except (TypeError, ValueError):
        return True


def owner_lookup(state: StateStore) -> Callable[[str], str | None]:
    """Which store's link holds an orderKey (None: no store's), over the whole database."""
    def owner_of(order_key: str) -> str | None:
        link = state.get_link(order_key)
        return link.store if link is not None else None
    return owner_of


def sibling_client(template: InkSoftClient, store: Store) -> InkSoftClient:
    """An InkSoft client for another store, made like `template` (its class, session, retries, clock)."""
    http = template.http
    return type(template)(store.inksoft, session=http.session, sleep=http.sleep, clock=http.clock,
                          max_attempts=http.max_attempts, stop=http.stop)


def list_store_ids(stores: list[Store]) -> dict[str, int | None]:
    """The ShipStation store each store may filter its shipment listings by: its own, when no other
    configured store sends orders there (else None: list everything and keep our orders)."""
    users: dict[int | None, int] = {}
    for store in stores:
        users[store.shipstation_store_id] = users.get(store.shipstation_store_id, 0) + 1
    return {store.name: store.shipstation_store_id if store.shipstation_store_id is not None
            and users[store.shipstation_store_id] == 1 else None for store in stores}


@dataclass
class StoreOutcome:
    """What one store's turn-taking work gave: its result, or the error that stopped that store."""

    result: Any = None
    error: InkshipError | None = None


def is_global(exc: InkshipError) -> bool:
    """An error no store can get past: the configuration, or ShipStation refusing our credentials."""
    return isinstance(exc, STOPPING) and (exc.api or "").lower() != "inksoft"


def run_in_turns(work: dict[str, Generator[Any, None, R]]) -> dict[str, StoreOutcome]:
    """Advance each store's generator one step in turn (round-robin) until all are done.

    A step is one ShipStation-sized piece of work (a `createorders` batch), so the stores share the
    budget fairly. A store's error ends that store alone; an error no store can get past (`is_global`)
    is raised at once."""
    outcomes = {name: StoreOutcome() for name in work}
    active = dict(work)
    while active:
        for name, steps in list(active.items()):
            try:
                next(steps)
            except StopIteration as done:
                outcomes[name].result = done.value
                del active[name]
            except InkshipError as exc:
                if is_global(exc):
                    for other in active.values():
                        other.close()
                    raise
                outcomes[name].error = exc
                del active[name]
    return outcomes


def one_step(work: Callable[[], R]) -> Generator[None, None, R]:
    """Work with no turns of its own (the ship-back pass) as a one-step generator for `run_in_turns`."""
    return work()
    yield  # pragma: no cover - makes this a generator

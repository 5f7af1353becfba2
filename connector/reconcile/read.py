"""The reading side of reconcile: the three views, read page by page at the largest page size through
the API clients (so ShipStation's 40 calls a minute is respected by the client's own limiter and the
rate-limit headers), and the state database.

ShipStation has no filter that finds "orders whose InkSoft order changed", and an orphan's InkSoft
order is gone, so the store's orders and labels are read whole: one call per 500 of each. InkSoft is
read for the orders modified in the window plus every order the state database or ShipStation points
at, in batches (InkSoft publishes no rate limit).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.errors import NotFound
from inkship.connector.mapping.times import parse_pacific
from inkship.connector.reconcile.views import Views

if TYPE_CHECKING:
    from inkship.connector.engine.sync import SyncEngine


def listing_start(engine: SyncEngine, since: datetime | None) -> datetime:
    """Where the InkSoft listing starts: `--since`, else the backfill the connector itself covers."""
    return since or engine.clock() - timedelta(days=engine.config.sync.backfill_days)


def read_views(engine: SyncEngine, since: datetime | None) -> Views:
    state = engine.state
    links = state.all_links()
    ledger = state.ledger_rows()
    summaries = engine.inksoft.iter_order_summaries(listing_start(engine, since))
    listed = {summary.get("ID") for summary in summaries}
    store_id = engine.context.store_id
    store_filter: dict[str, Any] = {"storeId": store_id} if store_id is not None else {}
    shipstation_orders = list(engine.shipstation.iter_orders(**store_filter))
    shipments = list(engine.shipstation.iter_shipments(**store_filter))

    in_scope = {i for i in listed if isinstance(i, int) and not isinstance(i, bool)}
    in_scope |= {link.inksoft_id for link in links if since is None or _on_or_after(link.updated_at, since)}
    if since is not None:
        # A ShipStation order of ours changed since (an edit, a label, a void) is in scope too.
        linked = {link.order_key: link.inksoft_id for link in links}
        in_scope |= {linked[order["orderKey"]] for order in shipstation_orders
                     if order.get("orderKey") in linked
                     and _on_or_after_pacific(order.get("modifyDate"), since)}
    inksoft = read_inksoft_orders(engine.inksoft, sorted(in_scope))
    return Views(in_scope=in_scope, inksoft=inksoft, inksoft_gone=in_scope - set(inksoft),
                 shipstation_orders=shipstation_orders, shipments=shipments, links=links, ledger=ledger)


def read_inksoft_orders(client: InkSoftClient, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Full orders by id; an id InkSoft answers 404 for is left out (gone). A batch naming a gone order
    may be refused whole, so a refused batch is read order by order."""
    wanted = list(ids)
    found: dict[int, dict[str, Any]] = {}
    size = client.config.page_size
    for start in range(0, len(wanted), size):
        chunk = wanted[start:start + size]
        try:
            orders = client.get_orders(chunk)
        except NotFound:
            orders = [order for order in (_one(client, order_id) for order_id in chunk) if order is not None]
        found.update((order["ID"], order) for order in orders if isinstance(order.get("ID"), int))
    return found


def _one(client: InkSoftClient, order_id: int) -> dict[str, Any] | None:
    try:
        return client.get_order(order_id)
    except NotFound:
        return None


def _on_or_after(stored: str | None, since: datetime) -> bool:
    try:
        return stored is not None and datetime.fromisoformat(stored) >= since
    except ValueError:
        return True  # unreadable: compare it rather than leave it out


def _on_or_after_pacific(text: Any, since: datetime) -> bool:
    try:
        return parse_pacific(str(text)) >= since
    except (TypeError, ValueError):
        return True

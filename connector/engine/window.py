"""The import's window read page by page: the ids of the orders to import, in pages of InkSoft's page
size, so a pass holds one page of orders at a time whatever the window's size. What must span the
whole window is kept as small per-order data (ids, keys), never as orders."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from inkship.connector.idset import IdSet


@dataclass
class WindowSeen:
    """What this pass has already taken from the window: each id once, and the orderKey each sent
    order went under (an order on a later page with the same key must not overwrite it)."""

    ids: IdSet = field(default_factory=IdSet)  # every id of a big window: compact
    keys: dict[str, str] = field(default_factory=dict)  # orderKey → the order ref planned under it


def id_pages(summaries: Iterable[Any], summary_id: Callable[[Any], int | None], again: Iterable[int],
             page_size: int, seen: WindowSeen) -> Iterator[list[int]]:
    """Pages of order ids: those the summaries name (a summary is read only when the page before was
    handed out and dealt with, as the generator is lazy), then `again` (orders to send or read again)
    that the summaries did not name. Each id once; `summary_id` reports a summary it cannot use."""

    def fresh(ids: Iterable[int | None]) -> Iterator[int]:
        for order_id in ids:
            if order_id is not None and order_id not in seen.ids:
                seen.ids.add(order_id)
                yield order_id

    for source in (fresh(map(summary_id, summaries)), fresh(again)):
        while page := list(islice(source, page_size)):
            yield page


def shared_keys(planned: list[tuple[str, str]], earlier: dict[str, str], *,
                remember_all: bool = True) -> dict[str, list[str]]:
    """The orderKeys that more than one order would go to ShipStation under, each with those orders'
    refs, from a page's `(orderKey, ref)` pairs and `earlier` pages' keys (which it takes this page's:
    all of them, or with `remember_all` off only the shared ones, when the state's links already
    tell the sent orders' keys). Every order of such a key is held back (one ShipStation order would
    flip between them); an earlier page's order has been sent already, so only the later one is."""
    by_key: dict[str, list[str]] = {}
    for key, ref in planned:
        by_key.setdefault(key, []).append(ref)
    shared = {}
    for key, refs in by_key.items():
        before = earlier.get(key, refs[0])
        if len(refs) > 1 or before not in refs:
            shared[key] = refs if before in refs else refs + [before]
        if remember_all or key in shared:
            earlier.setdefault(key, before)
    return shared

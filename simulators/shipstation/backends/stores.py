"""Stores: the manual store, Custom Stores and the refresh bookkeeping their `refreshstore` calls leave."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from inkship.simulators.shipstation import models, pacific, seed
from inkship.simulators.shipstation.backends.query import Query
from inkship.simulators.shipstation.backends.shared import Shared
from inkship.simulators.shipstation.models import NotFoundError

REFRESH_COMPLETED = (2, "Completed")


class StoresBackend:
    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.stores: dict[int, dict] = {}

    def seed(self, given: Mapping[str, Any], now: datetime) -> None:
        store_id = given.get("storeId") or self.shared.next_id("store")
        self.stores[store_id] = seed.store(store_id, given, self.stores.get(store_id), now)

    def record(self, store_id: Any) -> dict:
        try:
            return self.stores[int(store_id)]
        except (KeyError, TypeError, ValueError):
            raise NotFoundError(f"Store {store_id} was not found.") from None

    def exists(self, store_id: Any) -> bool:
        return store_id in self.stores

    def is_custom_store(self, store_id: int | None) -> bool:
        store = self.stores.get(store_id or 0)
        return store is not None and store["marketplaceName"] == seed.CUSTOM_STORE_MARKETPLACE

    def default_store_id(self) -> int:
        manual = [s for s in self.stores.values() if s["marketplaceName"] == seed.MANUAL_MARKETPLACE]
        return min(s["storeId"] for s in manual or self.stores.values())

    def view(self, store: dict, with_mappings: bool) -> dict:
        view = models.render({k: v for k, v in store.items() if k not in ("statusMappings", "credentials")})
        if with_mappings:
            view["statusMappings"] = copy.deepcopy(store["statusMappings"])
        return view

    def dump(self) -> list[dict]:
        return [self.view(s, True) for s in self.stores.values()]

    def listing(self, args: Mapping[str, str]) -> list[dict]:
        query = Query(args)
        show_inactive = query.bool("showinactive")
        marketplace = query.int("marketplaceid")
        return [
            self.view(s, False)
            for s in self.stores.values()
            if (show_inactive or s["active"]) and (marketplace is None or s["marketplaceId"] == marketplace)
        ]

    def to_refresh(self, store_id: Any) -> list[dict]:
        if store_id in (None, ""):
            return [s for s in self.stores.values() if s["active"]]
        return [self.record(store_id)]

    def record_refresh(self, store: dict, refresh_date: datetime | None) -> datetime:
        """Note a refresh attempt; returns the window start (given date, else the store's last refresh)."""
        now = self.shared.clock.now()
        start = refresh_date or store["refreshDate"] or store["createDate"]
        store.update(lastRefreshAttempt=now, refreshDate=now, _refreshStatus=REFRESH_COMPLETED)
        return start

    def refresh_status(self, store_id: Any) -> dict:
        store = self.record(store_id)
        status_id, status = store["_refreshStatus"]
        return {
            "storeId": store["storeId"],
            "refreshStatusId": status_id,
            "refreshStatus": status,
            "lastRefreshAttempt": pacific.render_datetime(store["lastRefreshAttempt"]),
            "refreshDate": pacific.render_datetime(store["refreshDate"]),
        }

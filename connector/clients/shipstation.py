"""Thin client for ShipStation API v1: Basic auth, 40 calls a minute, paging, Pacific filters, webhooks.

`fetch_resource` is the one call that takes a URL from outside (a webhook's `resource_url`); it refuses any
host but the configured one, so our credentials never travel elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from inkship.connector.clients.http import ApiHttp
from inkship.connector.config import ShipStationConfig
from inkship.connector.errors import MalformedResponse, RequestRejected, UnsafeResourceUrl
from inkship.connector.mapping.times import to_pacific_filter

CREATE_ORDERS_BATCH = 100  # the documented maximum of POST /orders/createorders
REAL_API_HOST = "ssapi.shipstation.com"
# Webhook resource URLs point at numbered siblings of the real host, e.g. https://ssapi11.shipstation.com/...
NUMBERED_API_HOST = re.compile(r"ssapi\d{1,3}\.shipstation\.com")
DEFAULT_PORTS = {"http": 80, "https": 443}
# The shipments list parameter a SHIP_NOTIFY resource_url turns off (`...&includeShipmentItems=False`).
_ITEMS_OFF = re.compile(r"(?i)([?&]includeShipmentItems=)false(?=&|#|$)")


class ShipStationClient:
    """ShipStation API v1 with one key/secret pair."""

    def __init__(self, config: ShipStationConfig, session: requests.Session | None = None,
                 **http_kw: Any) -> None:
        self.config = config
        http_kw.setdefault("requests_per_minute", config.requests_per_minute or None)
        http_kw.setdefault("deadline", config.deadline)
        self.http = ApiHttp("shipstation", config.base_url, session, config.timeout,
                            auth=(config.api_key or "", config.api_secret or ""),
                            secrets=[config.api_key, config.api_secret], **http_kw)

    # --- orders ------------------------------------------------------------------------------------------

    def create_orders(self, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Upsert orders, 100 per call; the per-order results `{orderId, orderNumber, orderKey, success,
        errorMessage}` in input order. A batch refused as a whole raises `RequestRejected` (with details)."""
        results: list[dict[str, Any]] = []
        for start in range(0, len(orders), CREATE_ORDERS_BATCH):
            body = self.http.request_json("POST", "orders/createorders",
                                          json=orders[start:start + CREATE_ORDERS_BATCH])
            batch = body.get("results") if isinstance(body, dict) else None
            if not isinstance(batch, list):
                raise MalformedResponse("createorders answered without a results list", api="shipstation")
            results.extend(batch)
        return results

    def create_order(self, order: dict[str, Any]) -> dict[str, Any]:
        return self._object("POST", "orders/createorder", json=order)

    def get_order(self, order_id: int) -> dict[str, Any]:
        return self._object("GET", f"orders/{int(order_id)}")

    def iter_orders(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every order matching the `GET /orders` filters (datetimes converted to Pacific filter text)."""
        return self._paged("orders", "orders", "orderId", filters)

    # --- shipments ---------------------------------------------------------------------------------------

    def iter_shipments(self, *, create_date_start: datetime | None = None, include_items: bool = True,
                       **filters: Any) -> Iterator[dict[str, Any]]:
        """Every label shipment matching the filters, with its items unless `include_items=False`."""
        params = {"includeShipmentItems": include_items, **filters}
        if create_date_start is not None:
            params["createDateStart"] = create_date_start
        return self._paged("shipments", "shipments", "shipmentId", params)

    def fetch_resource(self, url: str) -> dict[str, Any]:
        """GET a webhook `resource_url` as given, after checking it points at ShipStation. With
        `resource_url_items`, a SHIP_NOTIFY batch's `includeShipmentItems=False` is asked as True, so the
        items come in the same call; nothing else in the URL changes."""
        self.check_resource_url(url)
        if self.config.resource_url_items:
            url = _ITEMS_OFF.sub(r"\1True", url)
        body = self.http.request_json("GET", url)
        if not isinstance(body, dict):
            raise MalformedResponse("resource_url answered with something other than an object",
                                    api="shipstation")
        return body

    def check_resource_url(self, url: str) -> None:
        """Raise `UnsafeResourceUrl` unless scheme, host and port are the configured API's (or, for the
        real service, one of its numbered `ssapiN.shipstation.com` hosts) and the path is under its path."""
        allowed = urlsplit(self.config.base_url)
        shown = url[:120]
        # Backslashes, spaces and control characters are read differently by different URL parsers.
        if not isinstance(url, str) or re.search(r"[\\\s\x00-\x1f\x7f]", url):
            raise UnsafeResourceUrl(f"resource_url has characters a URL must not contain: {shown!r}",
                                    api="shipstation")
        parts = urlsplit(url)
        try:
            port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        except ValueError:
            port = None
        host = parts.hostname or ""
        allowed_port = allowed.port or DEFAULT_PORTS.get(allowed.scheme)
        host_ok = host == allowed.hostname or (allowed.hostname == REAL_API_HOST
                                               and NUMBERED_API_HOST.fullmatch(host) is not None)
        path_ok = (parts.path.rstrip("/") + "/").startswith(allowed.path.rstrip("/") + "/")
        if (parts.scheme != allowed.scheme or "@" in parts.netloc or not host_ok or port != allowed_port
                or not path_ok):
            raise UnsafeResourceUrl(f"resource_url {shown!r} is not on the configured ShipStation host "
                                    f"{allowed.scheme}://{allowed.netloc}; not fetched", api="shipstation")

    # --- stores, carriers, webhooks ----------------------------------------------------------------------

    def get_store(self, store_id: int) -> dict[str, Any]:
        return self._object("GET", f"stores/{int(store_id)}")

    def list_stores(self) -> list[dict[str, Any]]:
        return self._list("stores")

    def list_carriers(self) -> list[dict[str, Any]]:
        return self._list("carriers")

    def list_webhooks(self) -> list[dict[str, Any]]:
        """The subscriptions, PascalCase as ShipStation lists them (`WebHookID`, `HookType`, `Url`...)."""
        body = self._object("GET", "webhooks")
        hooks = body.get("webhooks")
        if not isinstance(hooks, list):
            raise MalformedResponse("GET /webhooks answered without a webhooks list", api="shipstation")
        return hooks

    def subscribe_webhook(self, target_url: str, event: str, store_id: int | None = None,
                          friendly_name: str = "inkship") -> int:
        """Subscribe `target_url` to `event` (e.g. SHIP_NOTIFY); returns the new webhook id."""
        body = self._object("POST", "webhooks/subscribe", json={
            "target_url": target_url, "event": event, "store_id": store_id, "friendly_name": friendly_name})
        try:
            return int(body["id"])
        except (KeyError, TypeError, ValueError):
            raise MalformedResponse("webhooks/subscribe answered without an id", api="shipstation") from None

    def unsubscribe_webhook(self, webhook_id: int) -> None:
        self.http.request("DELETE", f"webhooks/{int(webhook_id)}")

    # --- helpers -----------------------------------------------------------------------------------------

    def _object(self, method: str, path: str, *, json: Any = None) -> dict[str, Any]:
        body = self.http.request_json(method, path, json=json)
        if not isinstance(body, dict):
            raise MalformedResponse(f"{method} /{path} answered with something other than an object",
                                    api="shipstation")
        return body

    def _list(self, path: str) -> list[dict[str, Any]]:
        body = self.http.request_json("GET", path)
        if not isinstance(body, list):
            raise MalformedResponse(f"GET /{path} answered with something other than a list",
                                    api="shipstation")
        return body

    def _paged(self, path: str, key: str, id_field: str,
               filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Walk `page` 1.. at `pageSize`; the first page's items always count even when `pages` is 0, and
        an id seen on an earlier page (paging drift) is not yielded twice."""
        params = {name: _filter_text(name, value) for name, value in filters.items() if value is not None}
        params["pageSize"] = self.config.page_size
        seen: set[Any] = set()
        page = 1
        while True:
            body = self.http.request_json("GET", path, params={**params, "page": page})
            items = body.get(key) if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise MalformedResponse(f"GET /{path} page {page} answered without a {key} list",
                                        api="shipstation")
            for item in items:
                item_id = item.get(id_field) if isinstance(item, dict) else None
                # An id that is not a plain value (a list, an object) is compared as its JSON text.
                seen_as = item_id if isinstance(item_id, int | str) else json.dumps(item_id, default=repr)
                if item_id is None or seen_as not in seen:
                    seen.add(seen_as)
                    yield item
            pages = body.get("pages") or 0
            if not items or page >= pages:
                break
            page += 1


def _filter_text(name: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return to_pacific_filter(value)
    if isinstance(value, bool):
        return "true" if value else "false"  # ShipStation refuses 0/1 for booleans
    if isinstance(value, list | tuple | dict):
        raise RequestRejected(f"filter {name} must be a single value", api="shipstation")
    return value

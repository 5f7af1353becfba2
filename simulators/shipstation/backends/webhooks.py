"""Webhook subscriptions and the outbox of deliveries made to them (the sending is in ../webhooks.py)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from inkship.simulators.shipstation import models, seed
from inkship.simulators.shipstation.backends.shared import Shared
from inkship.simulators.shipstation.backends.stores import StoresBackend
from inkship.simulators.shipstation.models import ModelStateError, NotFoundError

WEBHOOK_EVENTS = ("ORDER_NOTIFY", "ITEM_ORDER_NOTIFY", "SHIP_NOTIFY", "ITEM_SHIP_NOTIFY",
                  "FULFILLMENT_SHIPPED", "FULFILLMENT_REJECTED")


class WebhooksBackend:
    def __init__(self, shared: Shared, stores: StoresBackend) -> None:
        self.shared = shared
        self.stores = stores
        self.webhooks: dict[int, dict] = {}
        self.deliveries: list[dict] = []
        self._deliveries_by_id: dict[str, dict] = {}

    def listing(self) -> dict:
        return {"webhooks": copy.deepcopy(list(self.webhooks.values()))}

    def subscribe(self, body: Any) -> dict:
        if not isinstance(body, Mapping):
            raise models.deserialise_error("request", "object", body)
        errors = {}
        if not body.get("target_url"):
            errors["request.target_url"] = ["The target_url field is required."]
        if body.get("event") not in WEBHOOK_EVENTS:
            errors["request.event"] = [f"The value '{body.get('event')}' is not a valid event."]
        store_id = body.get("store_id")
        if store_id is not None and not self.stores.exists(store_id):
            errors["request.store_id"] = [f"The store_id {store_id} was not found."]
        if errors:
            raise ModelStateError(errors)
        hook_id = self.shared.next_id("webhook")
        self.webhooks[hook_id] = {
            "IsLabelAPIHook": False,
            "WebHookID": hook_id,
            "SellerID": seed.SELLER_ID,
            "StoreID": store_id,
            "HookType": body["event"],
            "MessageFormat": "Json",
            "Url": body["target_url"],
            "Name": body.get("friendly_name"),
            "BulkCopyBatchID": None,
            "BulkCopyRecordID": None,
            "Active": True,
            "WebhookLogs": [],
            "Seller": None,
            "Store": None,
        }
        return {"id": hook_id}

    def unsubscribe(self, hook_id: Any) -> None:
        try:
            del self.webhooks[int(hook_id)]
        except (KeyError, ValueError):
            raise NotFoundError(f"Webhook {hook_id} was not found.") from None

    def subscribers(self, event: str, store_id: int | None) -> list[dict]:
        return [
            dict(h)
            for h in self.webhooks.values()
            if h["Active"] and h["HookType"] == event and h["StoreID"] in (None, store_id)
        ]

    def record_delivery(self, delivery: dict) -> dict:
        delivery["id"] = self.shared.next_id("delivery")
        self.deliveries.append(delivery)
        self._deliveries_by_id[str(delivery["id"])] = delivery
        return delivery

    def delivery(self, delivery_id: Any) -> dict:
        found = self._deliveries_by_id.get(str(delivery_id))
        if found is None:
            raise NotFoundError(f"Delivery {delivery_id} was not found.")
        return found

    def dump_deliveries(self) -> list[dict]:
        return copy.deepcopy(self.deliveries)

"""Webhook deliveries: POST `{resource_url, resource_type}` to each matching subscriber, with fault rules.

Called after the state lock is released. Every attempt lands in the state's outbox (`/__sim/webhooks/
deliveries`); a failed POST is recorded there and never breaks the request that caused it.
Also sends Custom Store ship notices through the `customstore` hook when that module exists.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import requests
from inkship.simulators.faults import FaultSet
from inkship.simulators.shipstation.state import Notification, ShipStationState

# A webhook receiver that hangs must not hang the label request that fired it.
DELIVERY_TIMEOUT = 10.0


class Dispatcher:
    def __init__(self, state: ShipStationState, faults: FaultSet, session: requests.Session) -> None:
        self.state = state
        self.faults = faults
        self.session = session

    def dispatch(self, notifications: list[Notification], base_url: str) -> None:
        for notification in notifications:
            if notification.kind == "webhook":
                self._fire(notification, base_url)
            else:
                self._ship_notice(notification)

    def _fire(self, notification: Notification, base_url: str) -> None:
        payload = {"resource_url": base_url.rstrip("/") + notification.resource_path,
                   "resource_type": notification.event}
        for hook in self.state.subscribers(notification.event, notification.store_id):
            delivery = self.state.record_delivery({
                "webhookId": hook["WebHookID"], "event": notification.event, "url": hook["Url"],
                "payload": payload, "attempts": []})
            self.send(delivery)

    def send(self, delivery: dict) -> None:
        """One delivery, as the fault rules decide: normally, twice, with an empty body, or not at all."""
        rule = self.faults.match_webhook(delivery["event"])
        action, fault = (rule.action, rule.id) if rule else (None, None)
        if action == "drop_webhook":
            self._note(delivery, {"fault": fault, "dropped": True})
            return
        body = b"" if action == "empty_webhook" else json.dumps(delivery["payload"]).encode()
        for _ in range(2 if action == "duplicate_webhook" else 1):
            self._post(delivery, body, fault)

    def _post(self, delivery: dict, body: bytes, fault: str | None) -> None:
        attempt: dict[str, Any] = {"fault": fault, "empty": not body}
        try:
            response = self.session.post(delivery["url"], data=body, timeout=DELIVERY_TIMEOUT,
                                         headers={"Content-Type": "application/json",
                                                  "User-Agent": "ShipStation-Webhook/1.0"})
            attempt["status"] = response.status_code
        except requests.RequestException as exc:
            attempt["error"] = type(exc).__name__
        self._note(delivery, attempt)

    def _note(self, delivery: dict, attempt: dict) -> None:
        with self.state.lock:
            attempt["time"] = self.state.clock.now().isoformat()
            delivery["attempts"].append(attempt)

    def _ship_notice(self, notification: Notification) -> None:
        """The Custom Store hook: `customstore.send_ship_notice(state, store, shipment, session=...,
        faults=...)`, with this simulator's fault rules.

        It returns nothing or raises; the outcome is kept on the shipment (`marketplaceNotified`,
        `notifyErrorMessage`). Without the module, ship notices are not sent.
        """
        try:
            customstore = importlib.import_module("inkship.simulators.shipstation.customstore")
        except ModuleNotFoundError:
            return
        store = self.state.get_store_record(notification.store_id)
        for shipment_id in notification.shipment_ids:
            try:
                customstore.send_ship_notice(self.state, store, self.state.shipment(shipment_id),
                                             session=self.session, faults=self.faults)
            except Exception as exc:  # noqa: BLE001 - any hook failure is recorded, never raised
                self.state.mark_notified(shipment_id, f"{type(exc).__name__}: {exc}")
            else:
                self.state.mark_notified(shipment_id, None)

"""Fulfillments: orders marked shipped without a label (`markasshipped`), and the `/fulfillments` list."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from inkship.simulators.shipstation import models
from inkship.simulators.shipstation.backends.orders import OrdersBackend
from inkship.simulators.shipstation.backends.query import Query, date_or_today, page, require, within
from inkship.simulators.shipstation.backends.shared import Shared
from inkship.simulators.shipstation.models import ModelStateError


class FulfillmentsBackend:
    def __init__(self, shared: Shared, orders: OrdersBackend) -> None:
        self.shared = shared
        self.orders = orders
        self.fulfillments: dict[int, dict] = {}

    def dump(self) -> list[dict]:
        return models.render(list(self.fulfillments.values()))

    def mark_as_shipped(self, body: Mapping[str, Any]) -> dict:
        """Shipped without a label: a fulfillment row, no shipment, no webhook."""
        order = self.orders.record(require(body, "orderId", "request"))
        carrier = require(body, "carrierCode", "request")
        for flag in ("notifyCustomer", "notifySalesChannel"):
            if body.get(flag) is not None and not isinstance(body[flag], bool):
                raise ModelStateError(
                    {f"request.{flag}": [f"The value '{body[flag]}' is not valid for Boolean."]}
                )
        now = self.shared.clock.now()
        ship_date = date_or_today(body.get("shipDate"), now, "request.shipDate")
        fulfillment_id = self.shared.next_id("fulfillment")
        self.fulfillments[fulfillment_id] = {
            "fulfillmentId": fulfillment_id,
            "orderId": order["orderId"],
            "orderNumber": order["orderNumber"],
            "userId": None,
            "customerEmail": order["customerEmail"],
            "trackingNumber": body.get("trackingNumber"),
            "createDate": now,
            "shipDate": ship_date,
            "voidDate": None,
            "deliveryDate": None,
            "carrierCode": carrier,
            "fulfillmentProviderCode": None,
            "fulfillmentServiceCode": None,
            "fulfillmentFee": 0.0,
            "voidRequested": False,
            "voided": False,
            "marketplaceNotified": bool(body.get("notifySalesChannel")),
            "notifyErrorMessage": None,
            "shipTo": copy.deepcopy(order["shipTo"]),
        }
        self.orders.touch(order, orderStatus="shipped", shipDate=ship_date)
        return {"orderId": order["orderId"], "orderNumber": order["orderNumber"]}

    def listing(self, args: Mapping[str, str]) -> dict:
        query = Query(args)
        ints = [(f, query.int(f.lower())) for f in ("fulfillmentId", "orderId")]
        texts = [(f, query.text(f.lower())) for f in ("orderNumber", "trackingNumber")]
        recipient = (query.text("recipientname") or "").lower()
        ranges = [(f, query.range(f.lower())) for f in ("createDate", "shipDate")]
        wanted = [
            f
            for f in self.fulfillments.values()
            if all(v is None or f[k] == v for k, v in ints)
            and all(not v or f[k] == v for k, v in texts)
            and (not recipient or recipient in ((f["shipTo"] or {}).get("name") or "").lower())
            and all(within(f[k], bounds) for k, bounds in ranges)
        ]
        return page(
            query,
            "fulfillments",
            wanted,
            {"shipdate": "shipDate", "createdate": "createDate"},
            lambda f: (f["createDate"], f["fulfillmentId"]),
            models.render,
        )

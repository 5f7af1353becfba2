"""Mark ShipStation orders shipped from a carrier's tracking export.

A small integration of the kind shops write for themselves: orders are packed and sent through a
carrier portal outside ShipStation, which exports a CSV of `orderNumber,carrierCode,trackingNumber`.
This script lists the orders awaiting shipment in ShipStation and marks each one found in the CSV as
shipped, with its tracking number, so ShipStation (and the sales channel) know.

    SHIPSTATION_API_KEY=... SHIPSTATION_API_SECRET=... python ship_awaiting.py tracking.csv

Server errors are retried with exponential backoff from SHIPSTATION_RETRY_BASE_SECONDS (default 1).
Exit status: 0 when every awaiting order in the CSV was marked, 1 when some failed, 2 on bad input.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import requests

API = "https://ssapi.shipstation.com"
ATTEMPTS = 4
TIMEOUT = 30


class ShipStation:
    """The few ShipStation calls this script needs, with its rate limit and server errors handled."""

    def __init__(self, key: str, secret: str, sleep: Callable[[float], None] = time.sleep,
                 backoff: float = 1.0) -> None:
        self.session = requests.Session()
        self.session.auth = (key, secret)
        self.sleep = sleep
        self.backoff = backoff

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            response = self.session.request(method, API + path, timeout=TIMEOUT, **kwargs)
            if response.status_code == 429:
                self.sleep(float(response.headers.get("X-Rate-Limit-Reset", "1")))
            elif response.status_code >= 500 and attempt < ATTEMPTS:
                self.sleep(self.backoff * 2 ** attempt)
            else:
                response.raise_for_status()
                return response.json()
        raise RuntimeError(f"{method} {path}: ShipStation kept refusing")

    def awaiting_orders(self) -> Iterator[dict[str, Any]]:
        page, pages = 1, 1
        while page <= pages:
            found = self.call("GET", "/orders", params={"orderStatus": "awaiting_shipment", "page": page,
                                                        "pageSize": 100})
            yield from found["orders"]
            pages, page = found["pages"], page + 1

    def mark_shipped(self, order_id: int, carrier: str, tracking: str) -> None:
        self.call("POST", "/orders/markasshipped", json={
            "orderId": order_id, "carrierCode": carrier, "trackingNumber": tracking,
            "shipDate": date.today().isoformat(), "notifyCustomer": True, "notifySalesChannel": True})


def read_tracking(path: str) -> dict[str, tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as export:
        rows = csv.DictReader(export)
        return {row["orderNumber"]: (row["carrierCode"], row["trackingNumber"]) for row in rows}


def main(argv: list[str] | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    args = sys.argv[1:] if argv is None else argv
    key, secret = os.environ.get("SHIPSTATION_API_KEY"), os.environ.get("SHIPSTATION_API_SECRET")
    if len(args) != 1 or not key or not secret:
        print("usage: ship_awaiting.py TRACKING_CSV (with SHIPSTATION_API_KEY and SHIPSTATION_API_SECRET "
              "set)", file=sys.stderr)
        return 2
    tracking = read_tracking(args[0])
    api = ShipStation(key, secret, sleep, float(os.environ.get("SHIPSTATION_RETRY_BASE_SECONDS", "1")))
    failed = 0
    for order in api.awaiting_orders():
        if order["orderNumber"] not in tracking:
            continue
        carrier, number = tracking[order["orderNumber"]]
        try:
            api.mark_shipped(order["orderId"], carrier, number)
        except (requests.RequestException, RuntimeError) as exc:
            failed += 1
            print(f"{order['orderNumber']}: not marked: {exc}", file=sys.stderr)
        else:
            print(f"{order['orderNumber']}: shipped with {carrier} {number}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

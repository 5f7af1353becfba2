"""The simulated ShipStation account's defaults and how partial seed records are filled in.

Defaults: one manual store (310001 "inkship"), carriers stamps_com, ups_walleted and fedex with their
services and packages, and one warehouse.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from inkship.simulators.copies import json_copy
from inkship.simulators.shipstation import pacific

MANUAL_MARKETPLACE = "ShipStation"
CUSTOM_STORE_MARKETPLACE = "Custom Store"
SELLER_ID = 2_000_001
ID_STARTS = {"store": 310_002, "order": 100_000_001, "item": 200_000_001, "shipment": 300_000_001,
             "fulfillment": 400_000_001, "webhook": 500_001, "batch": 600_001, "warehouse": 700_002,
             "delivery": 1}


def _options(carrier: str, entries: list[tuple[str, str, bool]]) -> list[dict]:
    return [{"carrierCode": carrier, "code": code, "name": name, "domestic": True, "international": intl}
            for code, name, intl in entries]


_ADDRESS = {"name": "Fulfilment", "company": "Inkship Print Co", "street1": "100 Press Lane", "street2": None,
            "street3": None, "city": "Portland", "state": "OR", "postalCode": "97201", "country": "US",
            "phone": "503-555-0100", "residential": False, "addressVerified": None}

DEFAULTS: dict[str, Any] = {
    "stores": [
        {"storeId": 310001, "storeName": "inkship", "marketplaceId": 0, "marketplaceName": MANUAL_MARKETPLACE}
    ],
    "carriers": [
        {
            "name": "Stamps.com",
            "code": "stamps_com",
            "primary": True,
            "services": _options(
                "stamps_com",
                [
                    ("usps_first_class_mail", "USPS First Class Mail", False),
                    ("usps_ground_advantage", "USPS Ground Advantage", False),
                    ("usps_priority_mail", "USPS Priority Mail", True),
                    ("usps_priority_mail_express", "USPS Priority Mail Express", True),
                ],
            ),
            "packages": _options(
                "stamps_com",
                [
                    ("package", "Package", True),
                    ("flat_rate_envelope", "Flat Rate Envelope", True),
                    ("medium_flat_rate_box", "Medium Flat Rate Box", True),
                ],
            ),
        },
        {
            "name": "UPS by ShipStation",
            "code": "ups_walleted",
            "services": _options(
                "ups_walleted",
                [
                    ("ups_ground", "UPS® Ground", False),
                    ("ups_3_day_select", "UPS 3 Day Select®", False),
                    ("ups_2nd_day_air", "UPS 2nd Day Air®", False),
                    ("ups_next_day_air", "UPS Next Day Air®", False),
                    ("ups_worldwide_expedited", "UPS Worldwide Expedited®", True),
                ],
            ),
            "packages": _options(
                "ups_walleted", [("package", "Package", True), ("ups_letter", "UPS Letter", True)]
            ),
        },
        {
            "name": "FedEx",
            "code": "fedex",
            "services": _options(
                "fedex",
                [
                    ("fedex_ground", "FedEx Ground®", False),
                    ("fedex_home_delivery", "FedEx Home Delivery®", False),
                    ("fedex_2day", "FedEx 2Day®", False),
                    ("fedex_standard_overnight", "FedEx Standard Overnight®", False),
                    ("fedex_international_economy", "FedEx International Economy®", True),
                ],
            ),
            "packages": _options(
                "fedex",
                [
                    ("package", "Package", True),
                    ("fedex_envelope", "FedEx® Envelope", True),
                    ("fedex_pak", "FedEx® Pak", True),
                ],
            ),
        },
    ],
    "warehouses": [
        {
            "warehouseId": 700001,
            "warehouseName": "Main print shop",
            "isDefault": True,
            "originAddress": _ADDRESS,
            "returnAddress": _ADDRESS,
        }
    ],
    "tags": [{"tagId": 1001, "name": "Rush", "color": "#FF0000"}],
}


def store(store_id: int, given: Mapping[str, Any], previous: Mapping[str, Any] | None, now: datetime) -> dict:
    """A Store record; `statusMappings` and `credentials` (for a Custom Store's endpoint) stay internal
    until `GET /stores/{id}` shows the mappings. `integrationUrl` is the Custom Store endpoint."""
    base = (
        dict(previous)
        if previous
        else {
            "storeId": store_id,
            "storeName": f"Store {store_id}",
            "marketplaceId": 0,
            "marketplaceName": MANUAL_MARKETPLACE,
            "accountName": None,
            "email": None,
            "integrationUrl": None,
            "active": True,
            "companyName": "",
            "phone": "",
            "publicEmail": "",
            "website": "",
            "refreshDate": None,
            "lastRefreshAttempt": None,
            "createDate": now,
            "modifyDate": now,
            "autoRefresh": False,
            "statusMappings": None,
            "credentials": None,
            "_refreshStatus": (2, "Completed"),
        }
    )
    base.update(json_copy({k: v for k, v in given.items() if k != "storeId"}))
    if base["marketplaceName"] == CUSTOM_STORE_MARKETPLACE and not base["marketplaceId"]:
        base["marketplaceId"] = 36  # the id ShipStation lists for Custom Store (seen in client code)
    for field_name in ("refreshDate", "lastRefreshAttempt", "createDate", "modifyDate"):
        if isinstance(value := base[field_name], str):
            base[field_name] = pacific.parse_pacific(value)
    return base


def carrier(given: Mapping[str, Any]) -> dict:
    return {
        "name": given.get("name", given["code"]),
        "code": given["code"],
        "accountNumber": given.get("accountNumber"),
        "requiresFundedAccount": given.get("requiresFundedAccount", True),
        "balance": given.get("balance", 250.0),
        "nickname": given.get("nickname"),
        "shippingProviderId": given.get("shippingProviderId", zlib.crc32(given["code"].encode()) % 100_000),
        "primary": given.get("primary", False),
        "services": json_copy(given.get("services", [])),
        "packages": json_copy(given.get("packages", [])),
    }


def warehouse(warehouse_id: int, given: Mapping[str, Any], now: datetime) -> dict:
    return {
        "warehouseId": warehouse_id,
        "warehouseName": given.get("warehouseName", f"Warehouse {warehouse_id}"),
        "originAddress": json_copy(given.get("originAddress", _ADDRESS)),
        "returnAddress": json_copy(given.get("returnAddress", given.get("originAddress", _ADDRESS))),
        "createDate": now,
        "isDefault": given.get("isDefault", False),
    }


def order(partial: Mapping[str, Any], now: datetime) -> dict:
    """A partial seed order with the required fields filled in (so a scenario names only what matters)."""
    ship_to = {
        "name": "Test Buyer",
        "street1": "1 Main St",
        "city": "Austin",
        "state": "TX",
        "postalCode": "78701",
        "country": "US",
    }
    return {
        "orderNumber": f"SEED-{zlib.crc32(repr(sorted(partial.items())).encode()) % 100_000}",
        "orderDate": pacific.render_datetime(now),
        "orderStatus": "awaiting_shipment",
        "billTo": {"name": ship_to["name"]},
        "shipTo": ship_to,
        "items": [
            {"lineItemKey": "line-1", "sku": "TEE-BLK-M", "name": "T-shirt", "quantity": 1, "unitPrice": 20.0}
        ],
        **json_copy(dict(partial)),
    }

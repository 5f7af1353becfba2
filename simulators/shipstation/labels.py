"""Shipping labels: realistic tracking numbers per carrier, a small real PDF, a cost, and the shipment record.

Tracking numbers carry valid check digits (USPS IMpb mod 10, UPS 1Z mod 10, FedEx Express mod 11), so a
connector that validates their shape accepts them.
"""

from __future__ import annotations

import base64
import random
import string
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from inkship.simulators.copies import json_copy
from inkship.simulators.shipstation import models

# Base price and price per pound by service family; a made-up but stable tariff (inferred).
_BASE_COST = {"usps": 4.25, "ups": 9.10, "fedex": 9.85}
_PER_POUND = {"usps": 0.65, "ups": 1.10, "fedex": 1.20}
_EXPRESS_MARKUP = 2.5


def carrier_family(carrier_code: str) -> str:
    """Which tracking format a carrier uses: `usps` (stamps_com, endicia, usps...), `ups` or `fedex`."""
    code = (carrier_code or "").lower()
    if code.startswith("ups"):
        return "ups"
    if code.startswith("fedex"):
        return "fedex"
    return "usps"


def _mod10_weighted(digits: str, odd_weight: int, even_weight: int) -> int:
    """Check digit where digits are weighted alternately from the right (the rightmost gets `odd_weight`)."""
    total = sum(int(d) * (odd_weight if i % 2 == 0 else even_weight) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def usps_tracking(rng: random.Random) -> str:
    """22 digits, IMpb style: `9400111`/`9205590` + 14 digits + mod-10 check digit (weights 3, 1)."""
    body = rng.choice(("9400111", "9205590")) + "".join(rng.choices(string.digits, k=14))
    return body + str(_mod10_weighted(body, 3, 1))


def ups_tracking(rng: random.Random) -> str:
    """`1Z` + 6-character shipper number + 2-digit service + 7-digit reference + check digit."""
    shipper = "".join(rng.choices(string.ascii_uppercase + string.digits, k=6))
    body = shipper + rng.choice(("03", "02", "01", "12")) + "".join(rng.choices(string.digits, k=7))
    # UPS maps letters to digits ((ord - 63) % 10) and doubles every second character.
    values = [int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in body]
    total = sum(v * (2 if i % 2 else 1) for i, v in enumerate(values))
    return "1Z" + body + str((10 - total % 10) % 10)


def fedex_tracking(rng: random.Random) -> str:
    """12 digits; the last is the FedEx Express check digit (weights 1, 3, 7 from the right, mod 11)."""
    body = str(rng.randint(1, 9)) + "".join(rng.choices(string.digits, k=10))
    weights = (1, 3, 7)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(body)))
    return body + str(total % 11 % 10)


TRACKING = {"usps": usps_tracking, "ups": ups_tracking, "fedex": fedex_tracking}


def tracking_number(carrier_code: str, rng: random.Random) -> str:
    return TRACKING[carrier_family(carrier_code)](rng)


def label_cost(carrier_code: str, service_code: str | None, ounces: float) -> float:
    family = carrier_family(carrier_code)
    pounds = max(1.0, ounces / 16.0)
    cost = _BASE_COST[family] + _PER_POUND[family] * pounds
    if any(word in (service_code or "") for word in ("express", "air", "overnight", "2day", "priority")):
        cost *= _EXPRESS_MARKUP if "priority" not in (service_code or "") else 1.8
    return round(cost, 2)


def label_pdf(lines: list[str]) -> bytes:
    """A one-page 4x6 inch PDF with the label's text: small, but a real PDF a viewer opens."""
    text = "\n".join(
        f"BT /F1 12 Tf 18 {400 - 20 * i} Td ({_pdf_escape(line)}) Tj ET" for i, line in enumerate(lines)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("latin-1", "replace")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def new_shipment(
    *,
    shipment_id: int,
    order: Mapping[str, Any] | None,
    request: Mapping[str, Any],
    items: list[dict[str, Any]],
    now: datetime,
    ship_date: date,
    rng: random.Random,
    batch_id: int | None,
    warehouse_id: int | None,
) -> dict[str, Any]:
    """The Shipment record of one label (an orderless label when `order` is None)."""
    carrier = request.get("carrierCode") or (order or {}).get("carrierCode") or "stamps_com"
    service = request.get("serviceCode") or (order or {}).get("serviceCode") or _default_service(carrier)
    ship_to = models.address(request.get("shipTo") or (order or {}).get("shipTo"))
    given_weight = request.get("weight") or (order or {}).get("weight")
    ounces = models.weight_in_ounces(given_weight) or sum(
        models.weight_in_ounces(item["weight"]) * item["quantity"] for item in items
    )
    tracking = tracking_number(carrier, rng)
    return {
        "shipmentId": shipment_id,
        "orderId": (order or {}).get("orderId"),
        "orderKey": (order or {}).get("orderKey"),
        "userId": None,
        "customerEmail": (order or {}).get("customerEmail"),
        "orderNumber": (order or {}).get("orderNumber"),
        "createDate": now,
        "shipDate": ship_date,
        "shipmentCost": label_cost(carrier, service, ounces),
        "insuranceCost": 0.0,
        "trackingNumber": tracking,
        "isReturnLabel": False,
        "batchNumber": str(batch_id) if batch_id is not None else None,
        "carrierCode": carrier,
        "serviceCode": service,
        "packageCode": request.get("packageCode") or (order or {}).get("packageCode") or "package",
        "confirmation": request.get("confirmation") or (order or {}).get("confirmation") or "none",
        "warehouseId": warehouse_id,
        "voided": False,
        "voidDate": None,
        "marketplaceNotified": False,
        "notifyErrorMessage": None,
        "shipTo": ship_to,
        "weight": models.weight({"value": round(ounces, 2), "units": "ounces"}),
        **{
            field: json_copy(request.get(field) or (order or {}).get(field))
            for field in ("dimensions", "insuranceOptions", "advancedOptions")
        },
        "labelData": None,
        "formData": None,
        "_items": items,
        "_batch": batch_id,
        "_store": ((order or {}).get("advancedOptions") or {}).get("storeId"),
        "_label": base64.b64encode(
            label_pdf(
                [
                    f"{carrier} / {service}",
                    f"TRACKING # {tracking}",
                    f"SHIP TO: {(ship_to or {}).get('name') or ''}",
                    f"ORDER: {(order or {}).get('orderNumber') or '-'}",
                ]
            )
        ).decode("ascii"),
    }


def _default_service(carrier: str) -> str:
    return {"usps": "usps_priority_mail", "ups": "ups_ground", "fedex": "fedex_ground"}[
        carrier_family(carrier)
    ]


def render_shipment(shipment: Mapping[str, Any], *, include_items: bool, with_label: bool = False) -> dict:
    """A Shipment as `/shipments` lists it (`shipmentItems` null unless asked; `labelData` null in lists)."""
    out = models.render(shipment)
    out["shipmentItems"] = models.render(shipment["_items"]) if include_items else None
    if with_label:
        out["labelData"] = shipment["_label"]
    return out

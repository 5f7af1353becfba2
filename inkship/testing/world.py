"""`print_shop`: both simulators started together, on one clock, seeded as a small decorated-apparel shop.

InkSoft holds the shop's store with five orders (the simulator's demo set: ready, unpaid, awaiting art,
no address, a second store's order); ShipStation holds the shop's orders awaiting shipment, one on hold
and one already shipped, so code that lists, ships or reconciles has something to chew on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from inkship.simulators.clock import SimClock
from inkship.testing.handles import InkSoftSim, ShipStationSim
from inkship.testing.mock import mock_inksoft, mock_shipstation

_TEE = {"sku": "YPT-NVY-YM", "name": "Youth Performance Tee - Navy / YM", "unitPrice": 14.0,
        "weight": {"value": 6.5, "units": "ounces"},
        "options": [{"name": "Design", "value": "RYS Crest 2026"}, {"name": "Size", "value": "YM"}]}
_HOODIE = {"sku": "HOOD-CHR-L", "name": "Pullover Hoodie - Heather Charcoal / L", "unitPrice": 38.0,
           "weight": {"value": 18.0, "units": "ounces"},
           "options": [{"name": "Design", "value": "Copper Kettle Logo"}, {"name": "Size", "value": "L"}]}


def _ship_to(name: str, street: str, city: str, state: str, postal_code: str) -> dict[str, Any]:
    return {"name": name, "street1": street, "city": city, "state": state, "postalCode": postal_code,
            "country": "US", "phone": "541-555-0100", "residential": True}


SHIPSTATION_ORDERS: list[dict[str, Any]] = [
    {"orderNumber": "PS-1001", "orderKey": "print-shop-1001", "orderStatus": "awaiting_shipment",
     "customerEmail": "dana.ortiz@example.org", "shipTo": _ship_to("Dana Ortiz", "77 Alder Way", "Eugene",
                                                                   "OR", "97401"),
     "items": [{**_TEE, "lineItemKey": "1001-tee", "quantity": 3}]},
    {"orderNumber": "PS-1002", "orderKey": "print-shop-1002", "orderStatus": "awaiting_shipment",
     "customerEmail": "sam@copperkettle.example", "shipTo": _ship_to("Sam Whitaker", "1450 NE 2nd St",
                                                                     "Bend", "OR", "97701"),
     "items": [{**_HOODIE, "lineItemKey": "1002-hoodie", "quantity": 2},
               {**_TEE, "lineItemKey": "1002-tee", "quantity": 5}]},
    {"orderNumber": "PS-1003", "orderKey": "print-shop-1003", "orderStatus": "on_hold",
     "customerEmail": "priya.raman@example.org", "shipTo": _ship_to("Priya Raman", "6844 Alexandria Pl",
                                                                    "Stockton", "CA", "95207"),
     "items": [{**_TEE, "lineItemKey": "1003-tee", "quantity": 12}]},
    {"orderNumber": "PS-1004", "orderKey": "print-shop-1004", "orderStatus": "awaiting_shipment",
     "customerEmail": "tom.okafor@example.org", "shipTo": _ship_to("Tom Okafor", "12 Band Ave", "Stockton",
                                                                   "CA", "95207"),
     "items": [{**_HOODIE, "lineItemKey": "1004-hoodie", "quantity": 1}]},
]
SHIPPED_AT_START = "PS-1004"


@dataclass(frozen=True)
class PrintShop:
    """Both simulators of one seeded shop, and their shared clock."""

    shipstation: ShipStationSim
    inksoft: InkSoftSim
    clock: SimClock


@contextmanager
def print_shop(*, sockets: bool = False, clock: SimClock | None = None,
               passthrough: bool = True) -> Iterator[PrintShop]:
    """Start both mocks seeded as the print shop; stop them on exit."""
    clock = clock or SimClock()
    with ExitStack() as stack:
        shipstation = stack.enter_context(mock_shipstation(
            sockets=sockets, clock=clock, passthrough=passthrough, seed={"orders": SHIPSTATION_ORDERS}))
        inksoft = stack.enter_context(mock_inksoft(sockets=sockets, clock=clock, passthrough=passthrough,
                                                   config={"seed_demo": True}))
        shipstation.create_labels([SHIPPED_AT_START], carrier_code="ups_walleted", service_code="ups_ground")
        yield PrintShop(shipstation, inksoft, clock)

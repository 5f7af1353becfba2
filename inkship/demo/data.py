"""The print shop `inkship demo` seeds into the InkSoft simulator: a youth soccer club, a brewery and a
school band ordering decorated apparel, with the awkward cases a real shop has (no address, a custom
production status, an unmapped one, a cancelled order); and the soccer club's team store, where
parents order the club's gear, as a second InkSoft store with a ShipStation store of its own.

Line items carry their production-card facts (product, SKU, colour, size, print method, art, preview);
the simulator moves them onto the generated production cards.
"""

from __future__ import annotations

import random
from typing import Any

SHOP_NAME = "Inkwell Print Co."
SHOP_DOMAIN = "shop.inkwell-print.example"
STORE_ID = 12
# The second store: the soccer club's team store, on the same InkSoft account.
TEAM_STORE_URI = "riverside_rovers_team"
TEAM_STORE_NAME = "Riverside Rovers Team Store"
TEAM_STORE_ID = 13

# Custom production statuses of the demo store; the demo's config maps the first and not the second.
AWAITING_ART = "Awaiting Art"
AT_EMBROIDERER = "At Embroiderer"
DEMO_STATUS_MAPPING = {AWAITING_ART: "on_hold"}

_ADDRESSES = {
    "soccer": {"Street1": "77 Alder Way", "City": "Eugene", "State": "OR", "StateName": "Oregon",
               "PostCode": "97401", "Phone": "541-555-0142"},
    "brewery": {"CompanyName": "Copper Kettle Brewing Co.", "Street1": "1450 NE 2nd St",
                "City": "Bend", "State": "OR", "StateName": "Oregon", "PostCode": "97701",
                "Phone": "541-555-0190"},
    "band": {"CompanyName": "Lincoln High School", "Street1": "6844 Alexandria Pl", "Street2": "Music Dept.",
             "City": "Stockton", "State": "CA", "StateName": "California", "PostCode": "95207",
             "Phone": "209-555-0117"},
}


def _preview(slug: str) -> str:
    # Half of InkSoft's image URLs arrive with this placeholder host; the connector substitutes the
    # store's domain.
    return f"https://REPLACE_DOMAIN_WITH/images/designs/{slug}.png"


# Products by customer: (ProductName, ProductSku, ColorwayName, PrintMethod, ArtName, UnitPrice, sizes).
CATALOG: dict[str, list[tuple[str, str, str, str, str, float, tuple[str, ...]]]] = {
    "soccer": [
        ("Youth Performance Tee", "YPT-NVY", "Navy", "Screen Print", "RYS Crest 2026", 14.0,
         ("YS", "YM", "YL")),
        ("Team Crew Socks", "SOX-WHT", "White", "Sublimation", "RYS Stripe", 9.5, ("S", "M")),
        ("Coach Quarter-Zip", "CQZ-RYL", "Royal", "Embroidery", "RYS Crest 2026", 42.0, ("M", "L", "XL")),
    ],
    "brewery": [
        ("Pullover Hoodie", "HOOD-CHR", "Heather Charcoal", "Screen Print", "Copper Kettle Logo", 38.0,
         ("S", "M", "L", "XL")),
        ("Trucker Hat", "HAT-BKG", "Black/Gold", "Embroidery", "Kettle Badge", 24.0, ("OSFA",)),
        ("Canvas Apron", "APR-TAN", "Tan", "Embroidery", "Copper Kettle Logo", 29.0, ("OSFA",)),
    ],
    "band": [
        ("Band Tour Tee", "TEE-CRD", "Cardinal Red", "Screen Print", "Lincoln Band Tour 2026", 12.0,
         ("S", "M", "L", "XL")),
        ("Drawstring Bag", "BAG-BLK", "Black", "Screen Print", "Lincoln Lyre", 8.0, ("OSFA",)),
        ("Zip Hoodie", "ZIP-CRD", "Cardinal Red", "Embroidery", "Lincoln Lyre", 36.0, ("S", "M", "L")),
    ],
}

_PEOPLE = {
    "soccer": [("Dana", "Ortiz"), ("Alex", "Chen"), ("Maya", "Patel"), ("Luis", "Romero")],
    "brewery": [("Sam", "Whitaker"), ("Jo", "Lindqvist"), ("Reggie", "Mays")],
    "band": [("Priya", "Raman"), ("Tom", "Okafor"), ("Hannah", "Kim")],
}


def _line(customer: str, product: int, size: str, quantity: int) -> dict[str, Any]:
    name, sku, colour, method, art, price, _sizes = CATALOG[customer][product]
    return {"ProductName": name, "ProductSku": sku, "ColorwayName": colour, "Size": size,
            "PrintMethod": method, "ArtName": art, "Quantity": quantity, "UnitPrice": price,
            "PreviewUrl": _preview(f"{sku.lower()}-{art.lower().replace(' ', '-')}"), "Weight": 6.5}


def _address(customer: str, first: str, last: str) -> dict[str, Any]:
    return {"Name": f"{first} {last}", "FirstName": first, "LastName": last, "CompanyName": None,
            "Street2": None, "Country": "United States", "CountryCode": "US", **_ADDRESSES[customer]}


def _order(customer: str, person: tuple[str, str], lines: list[dict[str, Any]], *, address: bool = True,
           **fields: Any) -> dict[str, Any]:
    first, last = person
    shipping = _address(customer, first, last) if address else None
    return {"FirstName": first, "LastName": last,
            "Email": f"{first.lower()}.{last.lower()}@example.org",
            "ShippingAddress": shipping, "BillingAddress": shipping or _address(customer, first, last),
            "Items": lines, **fields}


def base_orders() -> list[dict[str, Any]]:
    """The story of the demo, one order per case; the role of each is in its Notes."""
    return [
        _order("soccer", ("Dana", "Ortiz"), [_line("soccer", 0, "YM", 3), _line("soccer", 0, "YL", 4),
                                             _line("soccer", 1, "M", 7)],
               Notes="Team kit for the U10 Riverside Rovers", CustomerNotes="Need by Oct 12 please",
               DiscountCode="TEAM15"),
        _order("brewery", ("Sam", "Whitaker"), [_line("brewery", 0, "M", 6), _line("brewery", 0, "L", 6),
                                                _line("brewery", 1, "OSFA", 12)],
               Notes="Taproom staff merch",
               ShippingMethod={"ID": 2, "Name": "UPS Ground", "VendorName": "UPS", "Price": 18.0}),
        # Shipped in two parcels: the demo's split shipment.
        _order("band", ("Priya", "Raman"), [_line("band", 0, "S", 10), _line("band", 0, "M", 14),
                                            _line("band", 0, "L", 8), _line("band", 1, "OSFA", 32)],
               Notes="Marching band tour merch", GiftMessage="Break a leg on tour!"),
        _order("soccer", ("Alex", "Chen"), [_line("soccer", 2, "L", 1)], address=False,
               Notes="Picking up at Saturday's game"),
        _order("band", ("Tom", "Okafor"), [_line("band", 2, "M", 2)], address=False,
               Notes="Band director collects in person"),
        _order("brewery", ("Jo", "Lindqvist"), [_line("brewery", 2, "OSFA", 8)],
               ProductionStatus=AWAITING_ART, Notes="New apron logo still with the customer"),
        _order("band", ("Hannah", "Kim"), [_line("band", 2, "L", 5)],
               ProductionStatus=AT_EMBROIDERER, Notes="Embroidery outsourced this week"),
        _order("brewery", ("Reggie", "Mays"), [_line("brewery", 1, "OSFA", 4)],
               Status="Canceled", Notes="Customer cancelled: duplicate order"),
        _order("soccer", ("Maya", "Patel"), [_line("soccer", 2, "M", 3)],
               ProductionStatus="Open", PaymentStatus="NotPaid", Notes="Coaches' jackets, invoice sent"),
    ]


def team_orders() -> list[dict[str, Any]]:
    """Parents ordering the club's gear in its team store, both ready to ship."""
    return [
        _order("soccer", ("Luis", "Romero"), [_line("soccer", 1, "S", 1), _line("soccer", 0, "YS", 2)],
               Notes="Team store: Romero family"),
        _order("soccer", ("Maya", "Patel"), [_line("soccer", 2, "M", 1)], Notes="Team store: coach's jacket"),
    ]


def extra_orders(count: int, seed: int = 2026) -> list[dict[str, Any]]:
    """More ready-to-ship orders for a bigger demo, the same every time for a given seed."""
    rng = random.Random(seed)
    orders = []
    for _ in range(count):
        customer = rng.choice(sorted(CATALOG))
        picks = rng.sample(range(len(CATALOG[customer])), k=rng.randint(1, len(CATALOG[customer])))
        lines = [_line(customer, p, rng.choice(CATALOG[customer][p][6]), rng.randint(1, 12)) for p in picks]
        orders.append(_order(customer, rng.choice(_PEOPLE[customer]), lines))
    return orders


def seed_document(store_uri: str, credentials: Any, order_count: int | None = None, *,
                  team_store: bool = False) -> dict[str, Any]:
    """The InkSoft simulator's seed: the shop's store, its fulfilment user and `order_count` orders
    (at least the base story; more are generated); with `team_store`, the team store and its orders."""
    orders = base_orders()
    if order_count is not None and order_count > len(orders):
        orders += extra_orders(order_count - len(orders))
    stores = [{"StoreId": STORE_ID, "StoreUri": store_uri, "Name": SHOP_NAME, "Domain": SHOP_DOMAIN,
               "CustomStatuses": [AWAITING_ART, AT_EMBROIDERER]}]
    orders = [{**order, "StoreUri": store_uri} for order in orders]
    if team_store:
        stores.append({"StoreId": TEAM_STORE_ID, "StoreUri": TEAM_STORE_URI, "Name": TEAM_STORE_NAME,
                       "Domain": SHOP_DOMAIN})
        orders += [{**order, "StoreUri": TEAM_STORE_URI} for order in team_orders()]
    return {
        "stores": stores,
        "users": [{"Username": credentials.inksoft_username, "Password": credentials.inksoft_password,
                   "PublisherId": credentials.inksoft_publisher_id,
                   "Permissions": ["FulfillmentStoreAdmin"]}],
        "orders": orders,
    }

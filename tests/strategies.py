"""Hypothesis strategies shared by the suite: InkSoft orders as API 2 returns them, ShipStation shipments.

Example counts come from the profile `tests/hypothesis_profiles.py` loads (`INKSHIP_HYPOTHESIS_PROFILE`);
tests never hard-code them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

from hypothesis import strategies as st

# ---------------------------------------------------------------- text

# Names and notes as print shops' customers type them: many scripts, emoji (some beyond the BMP,
# some joined), XML-special characters, control characters XML 1.0 forbids, a lone surrogate.
SAMPLE_TEXTS = (
    "Dana Ortiz",
    "Zoë Brontë",
    "Łukasz Żółć",
    "Ελένη Παπαδοπούλου",
    "Иван Петров",
    "محمد الأحمد",
    "שרה כהן",
    "王小明",
    "さくら 高橋",
    "김민수",
    "देवनागरी",
    "ไทย",
    "🎽⚽ Team",
    "👩🏽‍💻 dev",
    "A & B <C> \"D\" 'E'",
    "]]> cdata end",
    "tab\there\nnew line\r\n",
    "bell\x07nul\x00esc\x1b",
    "non-char \ufffe\uffff",
    "lone \ud800 surrogate",
    "   ",
    "",
)
_SPECIAL_CHARS = st.sampled_from(
    list("&<>\"'\x00\x01\x08\x0b\x0c\x1f\x7f\x85\u2028\ufffe\uffff\ud800\udfff🎽👩🏽‍é王")
)
_CHARS = st.one_of(st.characters(), _SPECIAL_CHARS)
# Lengths around every ShipStation limit we apply (30, 50, 100, 200, 1000).
LIMIT_LENGTHS = (29, 30, 31, 49, 50, 51, 99, 100, 101, 199, 200, 201, 999, 1000, 1001)


@cache
def long_texts() -> st.SearchStrategy[str]:
    """Texts at and just over ShipStation's limits, in one- and two-UTF-16-unit characters."""
    return st.builds(
        lambda ch, n: ch * n, st.sampled_from(["a", "é", "王", "🎽"]), st.sampled_from(LIMIT_LENGTHS)
    )


@cache
def free_texts(max_size: int = 24) -> st.SearchStrategy[str]:
    """Any text a customer or shop might type, including blank, hostile and over-long values."""
    return st.one_of(st.sampled_from(SAMPLE_TEXTS), st.text(_CHARS, max_size=max_size), long_texts())


@cache
def nonblank_texts() -> st.SearchStrategy[str]:
    """Free text that still says something after cleaning: a visible word, then anything."""
    return st.builds(
        lambda word, rest: word + rest,
        st.sampled_from(["Dana", "Zoë", "王", "Иван", "🎽", "A&B", "<x>"]),
        free_texts(),
    )


@cache
def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


# ---------------------------------------------------------------- dates

PACIFIC_TRANSITIONS_UTC = tuple(
    instant
    for year in range(2007, 2038)
    for instant in (
        # US rules since 2007: 02:00 local on the second Sunday of March and the first Sunday of November.
        datetime(year, 3, 8 + (6 - datetime(year, 3, 8).weekday()) % 7, 10, tzinfo=UTC),
        datetime(year, 11, 1 + (6 - datetime(year, 11, 1).weekday()) % 7, 9, tzinfo=UTC),
    )
)


@cache
def pacific_dst_datetimes() -> st.SearchStrategy[datetime]:
    """Aware UTC instants within three hours of a US Pacific daylight-saving change (2007–2037)."""
    return st.builds(
        lambda change, offset, micro: change + timedelta(seconds=offset, microseconds=micro),
        st.sampled_from(PACIFIC_TRANSITIONS_UTC),
        st.integers(-3 * 3600, 3 * 3600),
        st.integers(0, 999_999),
    )


@cache
def utc_datetimes() -> st.SearchStrategy[datetime]:
    """Aware UTC instants, half of them near a Pacific DST change."""
    return st.one_of(
        pacific_dst_datetimes(),
        st.datetimes(datetime(2001, 1, 1), datetime(2037, 12, 31), timezones=st.just(UTC)),
    )


def _inksoft_text(dt: datetime, form: str, offset_minutes: int) -> str:
    millis = dt.replace(microsecond=dt.microsecond // 1000 * 1000)
    if form == "iso_z":
        return millis.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if form == "iso_offset":
        return millis.astimezone(timezone(timedelta(minutes=offset_minutes))).isoformat()
    if form == "naive":
        return millis.replace(tzinfo=None).isoformat()
    ms = int((millis - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(milliseconds=1))
    return f"/Date({ms})/" if form == "dotnet" else f"/Date({ms}+0000)/"


INKSOFT_DATE_FORMS = ("iso_z", "iso_offset", "naive", "dotnet", "dotnet_offset")


@cache
def inksoft_dates() -> st.SearchStrategy[tuple[str, datetime]]:
    """(text, instant) pairs: an InkSoft date in every form it may take, and the UTC instant it means
    (to the millisecond, InkSoft's precision)."""

    def build(dt: datetime, form: str, offset: int) -> tuple[str, datetime]:
        return _inksoft_text(dt, form, offset), dt.replace(microsecond=dt.microsecond // 1000 * 1000)

    return st.builds(
        build,
        utc_datetimes(),
        st.sampled_from(INKSOFT_DATE_FORMS),
        st.sampled_from([-480, -420, -300, 0, 60, 330, 600]),
    )


# ---------------------------------------------------------------- statuses

STANDARD_PRODUCTION_STATUSES = (
    "Open",
    "Scheduled",
    "In Production",
    "Ready to Ship",
    "Ready for Pickup",
    "Complete",
)
CUSTOM_STATUSES = ("Awaiting Art", "At Embroiderer", "Proof Sent", "On Hold - Customer")
CANCELLED_SPELLINGS = ("Canceled", "Cancelled", "CANCELED", "cancelled")


@cache
def spellings(name: str) -> st.SearchStrategy[str]:
    """The ways one status may be written: as is, squashed, snake, kebab, upper or lower case."""
    words = name.replace("-", " ").split()
    return st.sampled_from(
        [
            name,
            "".join(words),
            "_".join(words),
            "-".join(words).lower(),
            name.upper(),
            name.lower(),
            f" {name} ",
        ]
    )


@cache
def status_cases() -> st.SearchStrategy[tuple[dict[str, Any], str]]:
    """(status fields of an order, the status they mean): standard, custom and cancelled, every spelling."""
    production = st.sampled_from(STANDARD_PRODUCTION_STATUSES + CUSTOM_STATUSES).flatmap(
        lambda name: st.tuples(
            st.fixed_dictionaries(
                {
                    "Status": st.sampled_from(["Processing", "Fulfilled", "Shipped", None]),
                    "ProductionStatus": spellings(name),
                    "Cancelled": st.just(False),
                }
            ),
            st.just(name),
        )
    )
    any_production = st.sampled_from(STANDARD_PRODUCTION_STATUSES + CUSTOM_STATUSES)
    by_status = st.tuples(
        st.fixed_dictionaries(
            {
                "Status": st.sampled_from(CANCELLED_SPELLINGS),
                "ProductionStatus": any_production,
                "Cancelled": st.booleans(),
            }
        ),
        st.just("Cancelled"),
    )
    by_flag = st.tuples(
        st.fixed_dictionaries(
            {
                "Status": st.sampled_from(["Processing", "Fulfilled"]),
                "ProductionStatus": any_production,
                "Cancelled": st.just(True),
            }
        ),
        st.just("Cancelled"),
    )
    return st.one_of(production, by_status, by_flag)


@cache
def statuses() -> st.SearchStrategy[dict[str, Any]]:
    """The status fields of an order (Status, ProductionStatus, Cancelled)."""
    return status_cases().map(lambda case: case[0])


# ---------------------------------------------------------------- addresses

COUNTRIES = (
    ("US", "United States", "OR"),
    ("CA", "Canada", "BC"),
    ("GB", "United Kingdom", None),
    ("DE", "Germany", None),
    ("JP", "Japan", "13"),
    ("MX", "Mexico", "JAL"),
    ("AU", "Australia", "NSW"),
    ("us", "United States", "ca"),
)
REQUIRED_ADDRESS_FIELDS = ("Name", "Street1", "City", "CountryCode", "State")


@cache
@st.composite
def addresses(draw: st.DrawFn) -> dict[str, Any]:
    """A complete InkSoft Address: name, street, city, ISO-2 country, and a state where one is needed."""
    code, country, state = draw(st.sampled_from(COUNTRIES))
    address = {
        # Without a Name, FirstName still names the recipient.
        "Name": draw(optional(nonblank_texts())),
        "FirstName": draw(nonblank_texts()),
        "LastName": draw(optional(free_texts())),
        "CompanyName": draw(optional(free_texts())),
        "Street1": draw(nonblank_texts()),
        "Street2": draw(optional(free_texts())),
        "City": draw(nonblank_texts()),
        "State": state if state else draw(optional(free_texts())),
        "StateName": None,
        "Country": country,
        "CountryCode": code,
        "PostCode": draw(
            optional(st.sampled_from(["97401", "V6B 1A1", "SW1A 1AA", "10115", "  ", "123-4567"]))
        ),
        "Phone": draw(
            optional(st.one_of(st.sampled_from(["541-555-0142", "+44 20 7946 0958"]), free_texts()))
        ),
    }
    return address


@cache
@st.composite
def partial_addresses(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """(an address missing one required field, that field): blank, null or absent."""
    address = draw(addresses())
    missing = draw(st.sampled_from(REQUIRED_ADDRESS_FIELDS))
    if missing == "State":
        address["CountryCode"] = draw(st.sampled_from(["US", "CA"]))
    how = draw(st.sampled_from(["absent", "null", "blank"]))
    names = ("Name", "FirstName", "LastName") if missing == "Name" else (missing,)
    for name in names:
        if how == "absent":
            address.pop(name, None)
        else:
            address[name] = None if how == "null" else draw(st.sampled_from(["", "  ", "\x00\x07"]))
    return address, missing


@cache
def shipping_addresses() -> st.SearchStrategy[dict[str, Any] | None]:
    """What ShippingAddress may hold: complete, partial, empty or missing."""
    return st.one_of(addresses(), partial_addresses().map(lambda case: case[0]), st.just({}), st.none())


# ---------------------------------------------------------------- lines and production cards

IMAGE_URLS = (
    "https://stores.inksoft.com/images/preview/{n}.png",
    "http://REPLACE_DOMAIN_WITH/images/{n}.png",
    "https://REPLACE_DOMAIN_WITH/images/{n}.png",
    "REPLACE_DOMAIN_WITH/images/{n}.png",
    "//cdn.inksoft.com/{n}.png",
    "cdn.inksoft.com/art/{n}.png",
    "/images/{n}.png",
)
SIZES = ("YS", "YM", "YL", "S", "M", "L", "XL", "2XL", "3XL", "OSFA", "Größe 40", "均码")
QUANTITIES = st.one_of(st.integers(0, 12), st.sampled_from([127, 128, 500, 9999]))
MONEY = st.integers(0, 100_000).map(lambda cents: cents / 100)


IMAGE_URL_TEMPLATES = optional(st.sampled_from(IMAGE_URLS))


def _image_url(draw: st.DrawFn, n: int) -> str | None:
    template = draw(IMAGE_URL_TEMPLATES)
    return None if template is None else template.format(n=n)


LINE_EXTRAS = {
    "Weight": st.one_of(st.integers(0, 40), st.floats(0, 100, allow_nan=False)),
    "StockLocation": st.one_of(st.sampled_from(["B-04", "Shelf 12/Bin 3"]), free_texts()),
    "AddOns": st.lists(
        st.fixed_dictionaries({"Name": free_texts(), "Price": MONEY, "Quantity": st.integers(1, 3)}),
        max_size=3,
    ),
    "PersonalizationValues": st.lists(
        st.fixed_dictionaries({"Name": free_texts(), "Value": free_texts(), "Price": MONEY}), max_size=6
    ),
}


@st.composite
def items(draw: st.DrawFn, size_id: int, with_guid: bool | None = None) -> tuple[dict[str, Any], dict | None]:
    """(an InkSoft line, its production card or None) for the line with this OrderRetailItemSizeId."""
    has_guid = draw(st.booleans()) if with_guid is None else with_guid
    quantity = draw(QUANTITIES)
    price = draw(MONEY)
    item = {
        "OrderRetailItemId": size_id + 7,
        "OrderRetailItemSizeId": size_id,
        "ProductId": draw(st.integers(1, 999)),
        "ProductStyleId": draw(st.integers(1, 9999)),
        "FullName": draw(nonblank_texts()),
        "Quantity": quantity,
        "UnitPrice": price,
        "ItemTotal": round(quantity * price, 2),
        "ArtId": draw(optional(st.integers(1, 99999))),
    }
    if has_guid:
        item["ItemGuid"] = str(draw(st.uuids()))
    if draw(st.booleans()):
        item["SidePreviews"] = [
            {"SideName": side, "DesignOnProductUrl": _image_url(draw, size_id)}
            for side in draw(st.lists(st.sampled_from(["Front", "Back"]), max_size=2, unique=True))
        ]
    for name, strategy in LINE_EXTRAS.items():
        if draw(st.booleans()):
            item[name] = draw(strategy)
    if not draw(st.integers(0, 4)):  # one line in five has no production card
        return item, None
    card = {
        "ProductName": draw(free_texts()),
        "ProductSku": draw(optional(st.sampled_from(["YPT-NVY", "G500-BLK"]))),
        "ProductStyleName": draw(optional(free_texts())),
        "ColorwayName": draw(optional(free_texts())),
        "PreviewUrl": _image_url(draw, size_id),
        "PrintMethod": draw(optional(free_texts())),
        "Art": draw(optional(st.fixed_dictionaries({"Name": optional(free_texts())}))),
        "Items": [
            {
                "Size": draw(optional(st.sampled_from(SIZES))),
                "Quantity": quantity,
                "OrderRetailItemSizeId": size_id,
            }
        ],
    }
    return item, card


# ---------------------------------------------------------------- orders


def _order_fields(draw: st.DrawFn) -> dict[str, Any]:
    status = draw(statuses())
    total = draw(MONEY)
    return {
        "ID": draw(st.integers(1, 10**7)),
        "StoreId": draw(st.integers(1, 500)),
        "StoreName": draw(optional(free_texts())),
        "Email": draw(optional(st.sampled_from(["dana.ortiz@example.org", "ZOË@example.de", "a+b@ex.co"]))),
        "FirstName": draw(optional(free_texts())),
        "LastName": draw(optional(free_texts())),
        "DateCreated": draw(inksoft_dates())[0],
        **status,
        "PaymentStatus": draw(st.sampled_from(["Paid", "NotPaid", "PartiallyPaid", "RefundDue", "Refunded"])),
        "Paid": draw(st.booleans()),
        "BillingAddress": draw(optional(addresses())),
        "PaymentMethod": draw(
            optional(st.one_of(st.sampled_from(["Credit Card", "Purchase Order"]), free_texts()))
        ),
        "DiscountCode": draw(optional(free_texts())),
        "CouponCode": draw(optional(free_texts())),
        "TotalDiscount": draw(optional(MONEY)),
        "GiftMessage": draw(optional(free_texts())),
        "Notes": draw(optional(free_texts())),
        "CustomerNotes": draw(optional(free_texts())),
        "TotalWeight": draw(optional(st.floats(0, 2000, allow_nan=False))),
        "WeightUnit": draw(optional(st.sampled_from(["Ounces", "Pounds", "Grams", "oz", "LBS"]))),
        "ShippingAmount": draw(optional(MONEY)),
        "TaxAmount": draw(optional(MONEY)),
        "TotalAmount": total,
        "CurrencyCode": "USD",
        "Shipments": [],
    }


ORDER_EXTRAS = {
    "ShippingMethod": st.fixed_dictionaries(
        {
            "ID": st.integers(1, 9),
            "Name": optional(free_texts()),
            "VendorName": st.just("USPS"),
            "Price": MONEY,
        }
    ),
    "ShippingMethodName": free_texts(),
    "AmountDue": MONEY,
    "TotalAdjustments": st.lists(
        st.fixed_dictionaries(
            {
                "Type": st.sampled_from(["Discount", "Fee", "Refund"]),
                "Description": optional(free_texts()),
                "Amount": MONEY,
            }
        ),
        max_size=3,
    ),
    "Timeline": st.lists(
        st.fixed_dictionaries({"Event": optional(free_texts()), "Comment": optional(free_texts())}),
        max_size=4,
    ),
    "User": st.fixed_dictionaries(
        {
            "Phones": st.lists(
                st.fixed_dictionaries(
                    {"Number": free_texts(), "PhoneType": st.sampled_from(["Mobile", "Work"])}
                ),
                max_size=2,
            )
        }
    ),
    "Payments": st.lists(
        st.fixed_dictionaries(
            {
                "DateCreated": inksoft_dates().map(lambda pair: pair[0]),
                "DateVoided": st.one_of(st.none(), st.just("2026-01-01T00:00:00Z")),
            }
        ),
        max_size=2,
    ),
}


@st.composite
def inksoft_orders(
    draw: st.DrawFn, shipping: st.SearchStrategy | None = None, min_items: int = 0, max_items: int = 4
) -> dict[str, Any]:
    """A full InkSoft Order as GetOrder returns it (with production cards), every optional part
    present or not. `shipping` defaults to any ShippingAddress, complete or not."""
    order = _order_fields(draw)
    order["ShippingAddress"] = draw(shipping if shipping is not None else shipping_addresses())
    if draw(st.booleans()):
        order["UniqueId"] = draw(st.uuids().map(str).map(lambda u: u.upper() if len(u) % 2 else u))
    size_ids = draw(
        st.lists(st.integers(100_000, 999_999), min_size=min_items, max_size=max_items, unique=True)
    )
    lines = [draw(items(size_id)) for size_id in size_ids]
    order["Items"] = [item for item, _ in lines]
    order["ProductionCards"] = [card for _, card in lines if card is not None]
    for name, strategy in ORDER_EXTRAS.items():
        if draw(st.booleans()):
            order[name] = draw(strategy)
    return order


def shippable_orders(min_items: int = 0, max_items: int = 4) -> st.SearchStrategy[dict[str, Any]]:
    """Orders with a complete shipping address and a status the default table maps."""
    mapped = st.sampled_from(["Open", "Ready to Ship", "Complete"]).flatmap(spellings)
    return st.builds(
        lambda order, status: {
            **order,
            "Status": "Processing",
            "ProductionStatus": status,
            "Cancelled": False,
        },
        inksoft_orders(shipping=addresses(), min_items=min_items, max_items=max_items),
        mapped,
    )


# Corruptions an API change or a bad record could bring: (path, bad value, field the Skip must name).
BAD_VALUES: tuple[tuple[tuple[Any, ...], Any, str], ...] = (
    (("ShippingAddress",), "77 Alder Way", "ShippingAddress"),
    (("ShippingAddress",), ["77 Alder Way"], "ShippingAddress"),
    (("ShippingAddress", "Street1"), 77, "ShippingAddress.Street1"),
    (("ShippingAddress", "CountryCode"), "USA", "ShippingAddress.CountryCode"),
    (("ShippingAddress", "CountryCode"), 840, "ShippingAddress.CountryCode"),
    (("Items",), "3 tees", "Items"),
    (("Items",), {"0": {}}, "Items"),
    (("Items", 0), None, "Items[0]"),
    (("Items", 0), "tee", "Items[0]"),
    (("Items", 0, "Quantity"), "3", "Items[0].Quantity"),
    (("Items", 0, "Quantity"), -1, "Items[0].Quantity"),
    (("Items", 0, "Quantity"), 1.5, "Items[0].Quantity"),
    (("Items", 0, "Quantity"), None, "Items[0].Quantity"),
    (("Items", 0, "Quantity"), True, "Items[0].Quantity"),
    (("Items", 0, "Quantity"), float("nan"), "Items[0].Quantity"),
    (("Items", 0, "UnitPrice"), "14.00", "Items[0].UnitPrice"),
    (("Items", 0, "Weight"), -2, "Items[0].Weight"),
    (("Items", 0, "FullName"), {"en": "Tee"}, "Items[0].FullName"),
    (("DateCreated",), "yesterday", "DateCreated"),
    (("DateCreated",), 1696268469, "DateCreated"),
    (("DateCreated",), None, "DateCreated"),
    (("ID",), None, "ID"),
    (("ID",), "58231", "ID"),
    (("UniqueId",), 5, "UniqueId"),
    (("ID",), 2**63, "ID"),  # past SQLite's integers (issue 10, 3)
    (("StoreId",), None, "StoreId"),  # the orderKey is (StoreId, ID) (issue 10, 2)
    (("Items", 0, "Quantity"), 2**31, "Items[0].Quantity"),  # past ShipStation's Int32 (issue 10, 5)
    (("Items", 0, "UnitPrice"), 1e12, "Items[0].UnitPrice"),
    (("Items", 0, "Weight"), 1e9, "Items[0].Weight"),
    (("Email",), "a" * 300 + "@example.com", "Email"),
    (("ProductionStatus",), ["Open"], "ProductionStatus"),
    (("TotalDiscount",), "6.30", "TotalDiscount"),
    (("TotalAmount",), float("inf"), "TotalAmount"),
    (("Timeline",), "placed", "Timeline"),
    (("Timeline",), [None], "Timeline[0]"),
    (("ProductionCards",), [5], "ProductionCards[0]"),
    (("WeightUnit",), "stone", "WeightUnit"),
    (("ShippingMethod",), "USPS", "ShippingMethod"),
    (("User",), ["Dana"], "User"),
    (("ProductionStatus",), 3, "ProductionStatus"),
)


@st.composite
def malformed_orders(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """(an otherwise importable order with one field corrupted, the field a Skip must name)."""
    order = draw(shippable_orders(min_items=1))
    order["UniqueId"] = str(draw(st.uuids()))
    order["ShippingAddress"]["Phone"] = None  # so the User phone fallback is read too
    path, bad, field = draw(st.sampled_from(BAD_VALUES))
    target: Any = order
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = bad
    return order, field


# ---------------------------------------------------------------- ShipStation shipments

CARRIER_SERVICES = (
    ("stamps_com", "usps_priority_mail"),
    ("stamps_com", "usps_ground_advantage"),
    ("ups_walleted", "ups_ground"),
    ("fedex", "fedex_2day"),
    ("dhl_express", "dhl_express_worldwide"),
)


def _line_key(item: dict[str, Any]) -> str:
    return str(item.get("ItemGuid") or item["OrderRetailItemSizeId"])


@st.composite
def shipments_for(draw: st.DrawFn, order: dict[str, Any]) -> list[dict[str, Any]]:
    """ShipStation shipments (labels) for `order`, oldest first: full, partial, split over several
    packages, voided, over-shipped, without items, and naming lines InkSoft does not have."""
    lines = [(_line_key(item), item["Quantity"]) for item in order.get("Items") or []]
    count = draw(st.integers(0, 4))
    shipments = []
    start = datetime(2026, 10, 2, 17, tzinfo=UTC)
    for number in range(count):
        kind = draw(
            st.sampled_from(["full", "partial", "partial", "no_items", "null_items", "over", "stranger"])
        )
        if kind == "full":
            chosen = [(key, quantity) for key, quantity in lines]
        elif kind == "over":
            chosen = [(key, quantity + draw(st.integers(1, 5))) for key, quantity in lines]
        elif kind == "stranger":
            chosen = [("inksoft-discount", 1), ("added-in-shipstation", 2)]
        elif kind == "partial":
            chosen = [(key, draw(st.integers(0, quantity))) for key, quantity in lines if draw(st.booleans())]
        else:
            chosen = []
        created = start + timedelta(hours=number * 5)
        carrier, service = draw(st.sampled_from(CARRIER_SERVICES))
        shipments.append(
            {
                "shipmentId": 700_000 + number,
                "orderId": 400_000,
                "orderKey": f"inksoft:{order.get('StoreId')}:{order.get('ID')}",
                "orderNumber": str(order.get("ID")),
                "createDate": created.strftime("%Y-%m-%dT%H:%M:%S.0000000"),
                "shipDate": created.date().isoformat(),
                "shipmentCost": draw(MONEY),
                "insuranceCost": 0.0,
                "trackingNumber": f"9400 1000 0000 0000 {number:04d}",
                "carrierCode": carrier,
                "serviceCode": service,
                "voided": draw(st.integers(0, 4)) == 0,
                "shipmentItems": None
                if kind == "null_items"
                else [
                    {"lineItemKey": key, "quantity": quantity, "sku": None, "name": "line"}
                    for key, quantity in chosen
                ],
            }
        )
    return shipments

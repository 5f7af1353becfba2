"""The hostile inputs: each a kind of malformed or extreme order, summary, package, shipment or
webhook, what it does to one order (BAD) among good ones, and what the run must say about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.resilience.tamper import DELETE, Tamper, in_orders, in_shipments, setter

BAD = 13
GOOD = (10, 11, 12, 14, 15)
ORDER_READS = r"GetOrder(Package)?$"
SUMMARIES = r"GetOrderSummaries$"
SHIPMENTS = r"^/shipments$"
MEGABYTE = "x" * 1_000_000


@dataclass(frozen=True)
class Case:
    """`stage`: when the hostility starts (`import`: InkSoft's order and summary answers; `shipback`:
    ShipStation's shipments and InkSoft's packages; `webhook`: the payload `inkship serve` receives).
    `field`: what the report names for BAD (None: BAD is taken as is, within ShipStation's limits).
    `outcomes`: the report outcomes BAD may get. `retried`: a later pass, with InkSoft and ShipStation
    answering normally again, imports and writes BAD back."""

    name: str
    stage: str
    install: Callable[[Tamper, Tamper], Any]
    field: str | None = None
    outcomes: frozenset[str] = frozenset({"skipped", "failed"})
    retried: bool = True
    webhook: Any = None

    def __str__(self) -> str:
        return self.name


def order(path: str, value: Any) -> Callable[[Tamper, Tamper], Any]:
    """BAD's field `path` set to `value` in every InkSoft answer that carries the order."""
    return lambda inksoft, _: inksoft.rewrite(ORDER_READS, in_orders(BAD, setter(path, value)))


def order_raw(path: str, text: str) -> Callable[[Tamper, Tamper], Any]:
    """BAD's field `path` set to JSON text Python would not produce (NaN, deep nesting)."""
    return lambda inksoft, _: inksoft.rewrite(ORDER_READS, in_orders(BAD, setter(path, inksoft.raw(text))))


def summary(path: str, value: Any) -> Callable[[Tamper, Tamper], Any]:
    return lambda inksoft, _: inksoft.rewrite(SUMMARIES, in_orders(BAD, setter(path, value)))


def shipment(path: str, value: Any) -> Callable[[Tamper, Tamper], Any]:
    """BAD's label as ShipStation's /shipments lists it, with `path` set to `value`."""
    return lambda _, shipstation: shipstation.rewrite(SHIPMENTS, in_shipments(str(BAD), setter(path, value)))


def whole_order(value: Any) -> Callable[[Tamper, Tamper], Any]:
    return lambda inksoft, _: inksoft.rewrite(ORDER_READS, in_orders(BAD, lambda record: value))


def both(*installs: Callable[[Tamper, Tamper], Any]) -> Callable[[Tamper, Tamper], Any]:
    return lambda inksoft, shipstation: [install(inksoft, shipstation) for install in installs]


def listed_twice(inksoft: Tamper, _: Tamper) -> Any:
    def edit(body: Any) -> Any:
        body["Data"] = [*body["Data"], *[s for s in body["Data"] if s.get("ID") == BAD]]
        return body
    return inksoft.rewrite(SUMMARIES, edit)


def extra_keys(record: dict[str, Any]) -> None:
    record.update({f"Unknown{n}": {"nested": [n, None, "x"]} for n in range(200)})


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


CASES: tuple[Case, ...] = (
    # -- the order (GetOrder / GetOrderPackage)
    Case("id-as-text", "import", order("ID", "13"), "ID"),
    Case("id-null", "import", order("ID", None), "ID", retried=True),
    Case("id-past-2^63", "import", order("ID", 2**63), "ID"),
    Case("id-negative", "import", order("ID", -13), "ID"),
    Case("store-id-missing", "import", order("StoreId", DELETE), "StoreId"),
    Case("status-number", "import", order("ProductionStatus", 7), "ProductionStatus"),
    Case("status-null", "import", order("ProductionStatus", None), "ProductionStatus"),
    Case("status-list", "import", order("ProductionStatus", ["Ready to Ship"]), "ProductionStatus"),
    Case("status-object", "import", order("Status", {"Name": "Open"}), "Status"),
    Case("status-empty", "import", order("ProductionStatus", ""), "ProductionStatus"),
    Case("address-as-text", "import", order("ShippingAddress", "77 Alder Way"), "ShippingAddress"),
    Case("address-missing", "import", order("ShippingAddress", DELETE), "ShippingAddress"),
    Case("city-empty", "import", order("ShippingAddress.City", ""), "ShippingAddress.City"),
    Case("country-not-iso", "import", order("ShippingAddress.CountryCode", "USA"),
         "ShippingAddress.CountryCode"),
    Case("street-megabyte", "import", order("ShippingAddress.Street1", MEGABYTE)),
    Case("items-object", "import", order("Items", {"0": {}}), "Items"),
    Case("item-null", "import", order("Items.0", None), "Items[0]"),
    Case("quantity-negative", "import", order("Items.0.Quantity", -2), "Items[0].Quantity"),
    Case("quantity-fraction", "import", order("Items.0.Quantity", 1.5), "Items[0].Quantity"),
    Case("quantity-past-int32", "import", order("Items.0.Quantity", 2**31), "Items[0].Quantity"),
    Case("quantity-text", "import", order("Items.0.Quantity", "2"), "Items[0].Quantity"),
    Case("price-huge", "import", order("Items.0.UnitPrice", 1e300), "Items[0].UnitPrice"),
    Case("price-nan", "import", order_raw("Items.0.UnitPrice", "NaN"), "Items[0].UnitPrice"),
    Case("price-infinity", "import", order_raw("TotalAmount", "-Infinity"), "TotalAmount"),
    Case("weight-zero", "import", order("Items.0.Weight", 0)),
    Case("weight-negative", "import", order("Items.0.Weight", -1), "Items[0].Weight"),
    Case("name-control-characters", "import", order("Items.0.FullName", "\x00Tee\x07\x1b shirt")),
    Case("name-non-bmp", "import", order("Items.0.FullName", "🎽👕𝕋" * 300)),
    Case("name-missing-everywhere", "import",
         both(order("Items.0.FullName", DELETE), order("ProductionCards", [])), "Items[0].FullName"),
    Case("line-duplicated", "import",
         lambda inksoft, _: inksoft.rewrite(ORDER_READS, in_orders(BAD, lambda o: {
             **o, "Items": [o["Items"][0], o["Items"][0]]})), "Items[1]"),
    Case("date-words", "import", order("DateCreated", "yesterday"), "DateCreated"),
    Case("date-year-1", "import", order("DateCreated", "0001-01-01T00:00:00Z"), "DateCreated"),
    Case("date-year-9999", "import", order("DateCreated", "9999-12-31T23:59:59Z")),
    Case("date-ms-huge", "import", order("DateCreated", "/Date(99999999999999999)/"), "DateCreated"),
    Case("email-megabyte", "import", order("Email", MEGABYTE + "@example.com"), "Email"),
    Case("notes-megabyte", "import", order("Notes", MEGABYTE * 5)),
    Case("notes-nested-too-deep", "import", order_raw("Notes", deep(100_000)), "ID"),
    Case("notes-nested-deep-but-readable", "import", order_raw("Notes", deep(200)), "Notes"),
    Case("extra-keys", "import",
         lambda inksoft, _: inksoft.rewrite(ORDER_READS, in_orders(BAD, extra_keys))),
    Case("timeline-text", "import", order("Timeline", "placed"), "Timeline"),
    Case("production-card-number", "import", order("ProductionCards", [5]), "ProductionCards[0]"),
    Case("discount-text", "import", order("TotalDiscount", "6.30"), "TotalDiscount"),
    Case("weight-unit-unknown", "import", order("WeightUnit", "stones"), "WeightUnit"),
    Case("shipping-method-list", "import", order("ShippingMethod", ["USPS"]), "ShippingMethod"),
    Case("unique-id-megabyte", "import", order("UniqueId", MEGABYTE)),
    Case("unique-id-of-another-order", "import", order("UniqueId", "11111111-1111-1111-1111-111111111111")),
    Case("order-is-text", "import", whole_order("oops"), "ID"),
    Case("order-is-list", "import", whole_order([1, 2, 3]), "ID"),
    # -- the summaries (GetOrderSummaries)
    Case("summary-id-text", "import", summary("ID", "thirteen"), "ID", outcomes=frozenset({"skipped"})),
    Case("summary-id-float", "import", summary("ID", 13.0), "ID", outcomes=frozenset({"skipped"})),
    Case("summary-listed-twice", "import", listed_twice),
    # -- ShipStation's shipments, and InkSoft's packages at write-back time
    Case("tracking-null", "shipback", shipment("trackingNumber", None), "trackingNumber"),
    Case("shipment-items-text", "shipback", shipment("shipmentItems", "all"), "shipmentItems"),
    Case("shipment-item-quantity-negative", "shipback", shipment("shipmentItems.0.quantity", -1),
         "shipmentItems[0].quantity"),
    Case("ship-date-garbage", "shipback", shipment("shipDate", "soon"), "shipDate"),
    Case("carrier-megabyte", "shipback", shipment("carrierCode", MEGABYTE)),
    Case("shipment-id-text", "shipback", shipment("shipmentId", "abc"), None, frozenset({"ignored"})),
    Case("shipment-order-key-missing", "shipback", shipment("orderKey", DELETE), None,
         frozenset({"ignored"})),
    Case("shipment-listed-twice", "shipback",
         lambda _, shipstation: shipstation.rewrite(SHIPMENTS, lambda body: {
             **body, "shipments": [*body["shipments"], *[s for s in body["shipments"]
                                                         if s.get("orderNumber") == str(BAD)]]})),
    Case("package-shipments-object", "shipback", order("Shipments", {"Packages": []}), "Shipments"),
    Case("package-tracking-number", "shipback", order("Shipments", [{"Packages": [
        {"TrackingNumber": 5, "Items": [{"ItemGuid": "a-line-of-another-order", "Quantity": 1}]}]}])),
    Case("package-items-text", "shipback", order("Shipments", [{"Packages": [{"Items": "all"}]}]),
         "Shipments[0].Packages[0].Items"),
)


def hostile_webhooks(world: Any) -> list[tuple[str, Any, frozenset[str]]]:
    """(name, payload, outcomes it may get) for webhooks `inkship serve` may receive."""
    shipments = f"{world.shipstation_url}/shipments"
    return [
        ("empty-object", {}, frozenset({"ignored"})),
        ("a-list", [{"resource_url": shipments}], frozenset({"ignored"})),
        ("text", "SHIP_NOTIFY", frozenset({"ignored"})),
        ("no-url", {"resource_type": "SHIP_NOTIFY"}, frozenset({"ignored"})),
        ("url-null", {"resource_type": "SHIP_NOTIFY", "resource_url": None}, frozenset({"ignored"})),
        ("url-number", {"resource_type": "SHIP_NOTIFY", "resource_url": 5}, frozenset({"ignored"})),
        ("other-event", {"resource_type": "ORDER_NOTIFY", "resource_url": shipments}, frozenset({"ignored"})),
        ("type-list", {"resource_type": ["SHIP_NOTIFY"], "resource_url": shipments}, frozenset({"ignored"})),
        ("other-host", {"resource_type": "SHIP_NOTIFY", "resource_url": "http://evil.example/shipments"},
         frozenset({"refused"})),
        ("url-megabyte", {"resource_type": "SHIP_NOTIFY", "resource_url": shipments + "?" + MEGABYTE},
         frozenset({"refused", "written"})),
        ("url-control-characters", {"resource_type": "SHIP_NOTIFY", "resource_url": shipments + "\r\nX: 1"},
         frozenset({"refused"})),
        ("extra-keys", {"resource_type": "SHIP_NOTIFY", "resource_url": shipments, "x": [1] * 1000},
         frozenset({"written", "ignored"})),
    ]

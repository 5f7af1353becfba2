"""Properties of map_order over generated InkSoft orders: total, deterministic, faithful, within limits."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.config import MappingConfig
from inkship.connector.mapping import addresses, limits
from inkship.connector.mapping.keys import order_key_for
from inkship.connector.mapping.orders import MappedOrder, Skip, map_order
from inkship.connector.mapping.status import StatusTable
from inkship.connector.mapping.times import parse_pacific, to_pacific_text

from tests.mapping.test_status import CUSTOM_CONFIG, EXPECTED_CUSTOM
from tests.strategies import (
    inksoft_dates,
    inksoft_orders,
    malformed_orders,
    partial_addresses,
    shippable_orders,
    status_cases,
)

TABLE = StatusTable.from_config({})
SETTINGS = MappingConfig()
FORBIDDEN = {chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


def map_default(order: Any, settings: MappingConfig = SETTINGS) -> MappedOrder | Skip:
    return map_order(order, TABLE, settings, 310001, store_domain="shop.example.com")


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def clean(value: Any, limit: int | None) -> str | None:
    """What a mapped free-text field must hold for an InkSoft value: cleaned and cut, or nothing."""
    return limits.fit(value, limit) or None if isinstance(value, str) else None


# ---------------------------------------------------------------- total and deterministic


@given(inksoft_orders())
def test_any_order_maps_or_is_skipped_with_a_named_field(order: dict[str, Any]) -> None:
    before = copy.deepcopy(order)
    result = map_default(order)
    assert order == before  # the input is not touched
    if isinstance(result, Skip):
        assert result.reason
        assert result.field  # every generated problem is one we read on purpose, never the safety net
        assert result.order_ref == f"#{order['ID']}"
    else:
        assert isinstance(result, MappedOrder)
        assert result.inksoft_id == order["ID"]
        assert result.payload["orderKey"] == result.order_key == order_key_for(order)


@given(inksoft_orders())
def test_same_order_same_payload_key_and_fingerprint(order: dict[str, Any]) -> None:
    assert map_default(order) == map_default(copy.deepcopy(order))


def assert_mapped_or_named(result: MappedOrder | Skip) -> None:
    """Mapped, or skipped by a check that names the field: never by the last-resort safety net."""
    assert isinstance(result, MappedOrder) or (isinstance(result, Skip) and result.field), result


@given(json_values)
def test_arbitrary_json_is_skipped_without_raising(value: Any) -> None:
    result = map_default(value)
    if isinstance(value, dict):
        assert_mapped_or_named(result)
    else:
        assert result == Skip("unknown", f"order is a {type(value).__name__}, not an object", None)


@given(json_values, inksoft_orders())
def test_any_field_replaced_by_junk_is_caught_by_name(junk: Any, order: dict[str, Any]) -> None:
    for key in list(order):
        assert_mapped_or_named(map_default({**order, key: junk}))


def test_an_unforeseen_failure_still_becomes_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(order: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("Street1")

    monkeypatch.setattr(addresses, "ship_to", broken)
    result = map_default({"ID": 7, "StoreId": 12, "UniqueId": "u-7", "ProductionStatus": "Open"})
    assert result == Skip("#7", "unexpected order data (KeyError)", None)


@given(malformed_orders())
def test_bad_input_is_skipped_naming_the_field(case: tuple[dict[str, Any], str]) -> None:
    order, field = case
    result = map_default(order)
    assert isinstance(result, Skip)
    assert result.field == field


@given(inksoft_orders(), inksoft_orders())
def test_different_orders_never_share_a_key(first: dict[str, Any], second: dict[str, Any]) -> None:
    def identity(order: dict[str, Any]) -> tuple[Any, ...]:
        # What InkSoft keeps unique: an order id within its store (a UniqueId may repeat across them).
        return order["StoreId"], order["ID"]

    assert (order_key_for(first) == order_key_for(second)) == (identity(first) == identity(second))


# ---------------------------------------------------------------- what matters survives


@given(shippable_orders())
def test_importable_orders_keep_what_matters(order: dict[str, Any]) -> None:
    result = map_default(order)
    assert isinstance(result, MappedOrder), result
    payload = result.payload
    lines = [line for line in payload["items"] if not line["adjustment"]]
    assert len(lines) == len(order["Items"])
    for line, item in zip(lines, order["Items"], strict=True):
        assert line["lineItemKey"] == str(item.get("ItemGuid") or item["OrderRetailItemSizeId"])
        assert line["quantity"] == item["Quantity"]
        assert line["unitPrice"] == round(item["UnitPrice"], 2)
        assert line["name"] == limits.fit(item["FullName"], limits.ITEM_NAME)
    assert payload["taxAmount"] == (None if order["TaxAmount"] is None else round(order["TaxAmount"], 2))
    assert payload["shippingAmount"] == (
        None if order["ShippingAmount"] is None else round(order["ShippingAmount"], 2)
    )
    assert 0 <= payload["amountPaid"] <= order["TotalAmount"]
    adjustments = [line for line in payload["items"] if line["adjustment"]]
    if order["TotalDiscount"]:
        assert [line["unitPrice"] for line in adjustments] == [-round(order["TotalDiscount"], 2)]
    else:
        assert adjustments == []

    address = order["ShippingAddress"]
    ship_to = payload["shipTo"]
    assert ship_to["street1"] == clean(address["Street1"], limits.ADDRESS_LINE)
    assert ship_to["street2"] == clean(address["Street2"], limits.ADDRESS_LINE)
    assert ship_to["city"] == clean(address["City"], limits.ADDRESS_CITY)
    assert ship_to["country"] == address["CountryCode"].upper()
    assert ship_to["postalCode"] == clean(address["PostCode"], limits.POSTAL_CODE)
    assert ship_to["name"] == (clean(address["Name"], limits.ADDRESS_NAME) or ship_to["name"])
    assert ship_to["name"]
    if clean(address["Phone"], limits.PHONE):
        assert ship_to["phone"] == clean(address["Phone"], limits.PHONE)
    elif not order.get("User"):
        assert ship_to["phone"] is None
    assert payload["customerEmail"] == clean(order["Email"], None)


@given(shippable_orders())
def test_every_text_is_valid_xml_and_every_option_within_limits(order: dict[str, Any]) -> None:
    result = map_default(order)
    assert isinstance(result, MappedOrder)
    for text in strings_in(result.payload):
        assert not FORBIDDEN & set(text)
        assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    for line in result.payload["items"]:
        assert len(line["options"]) <= limits.OPTIONS_PER_ITEM
        for option in line["options"]:
            assert 0 < limits.utf16_length(option["name"]) <= limits.OPTION_NAME
            assert 0 < limits.utf16_length(option["value"]) <= limits.OPTION_VALUE
    for key, limit in (
        ("internalNotes", limits.NOTES),
        ("customerNotes", limits.NOTES),
        ("giftMessage", limits.GIFT_MESSAGE),
        ("paymentMethod", limits.PAYMENT_METHOD),
    ):
        assert limits.utf16_length(result.payload[key] or "") <= limit


@given(shippable_orders())
def test_nothing_is_invented_where_inksoft_had_nothing(order: dict[str, Any]) -> None:
    result = map_default(order)
    assert isinstance(result, MappedOrder)
    payload = result.payload
    cards = {card["Items"][0]["OrderRetailItemSizeId"] for card in order["ProductionCards"]}
    lines = [line for line in payload["items"] if not line["adjustment"]]
    for line, item in zip(lines, order["Items"], strict=True):
        if "Weight" not in item:
            assert line["weight"] is None
        if clean(item.get("StockLocation"), limits.LOCATION) is None:
            assert line["warehouseLocation"] is None
        if item["OrderRetailItemSizeId"] not in cards:
            assert line["sku"] is None
            standard = {"Design", "Color", "Size", "Print method", "Style"}
            assert not standard & {option["name"] for option in line["options"]}
            if not item.get("SidePreviews"):
                assert line["imageUrl"] is None
    if order["TotalWeight"] is None:
        assert payload["weight"] is None
    assert payload["gift"] is (clean(order["GiftMessage"], None) is not None)
    assert payload["customerNotes"] == clean(order["CustomerNotes"], limits.NOTES)
    if (
        clean(order["Notes"], None) is None
        and not order.get("Timeline")
        and not order["TotalDiscount"]
        and not order.get("TotalAdjustments")
        and not clean(order["DiscountCode"], None)
        and not clean(order["CouponCode"], None)
    ):
        assert payload["internalNotes"] is None


@given(shippable_orders(), st.sampled_from(["Notes", "CustomerNotes", "GiftMessage", "PaymentMethod"]))
def test_a_change_to_a_mapped_field_changes_the_fingerprint(order: dict[str, Any], key: str) -> None:
    first = map_default({**order, key: "first value"})
    second = map_default({**order, key: "second value"})
    assert isinstance(first, MappedOrder) and isinstance(second, MappedOrder)
    assert first.fingerprint != second.fingerprint
    assert first.order_key == second.order_key


@given(shippable_orders(min_items=1), st.integers(1, 50))
def test_a_quantity_change_changes_the_fingerprint(order: dict[str, Any], extra: int) -> None:
    changed = copy.deepcopy(order)
    changed["Items"][0]["Quantity"] += extra
    first, second = map_default(order), map_default(changed)
    assert isinstance(first, MappedOrder) and isinstance(second, MappedOrder)
    assert first.fingerprint != second.fingerprint


# ---------------------------------------------------------------- statuses and addresses


@given(shippable_orders(), status_cases())
def test_status_follows_the_configured_table(order: dict[str, Any], case: tuple[dict[str, Any], str]) -> None:
    fields, meaning = case
    result = map_order({**order, **fields}, StatusTable.from_config(CUSTOM_CONFIG), SETTINGS, None)
    expected = EXPECTED_CUSTOM.get(meaning)
    if expected is None:
        assert isinstance(result, Skip)
        assert result.field == "ProductionStatus"
        assert repr(fields["ProductionStatus"].strip()) in result.reason  # named as InkSoft wrote it
    else:
        assert isinstance(result, MappedOrder)
        assert result.payload["orderStatus"] == expected


@given(shippable_orders(), st.one_of(st.none(), st.just({}), partial_addresses()))
def test_orders_without_a_full_shipping_address_never_map(order: dict[str, Any], address: Any) -> None:
    if isinstance(address, tuple):
        address, missing = address
        expected_field = f"ShippingAddress.{missing}"
    else:
        expected_field = "ShippingAddress"
    result = map_default({**order, "ShippingAddress": address})
    assert isinstance(result, Skip)
    assert result.field == expected_field


@given(shippable_orders(max_items=1), inksoft_dates())
def test_order_date_is_the_inksoft_instant_in_pacific_text(
    order: dict[str, Any], date: tuple[str, datetime]
) -> None:
    text, instant = date
    result = map_default({**order, "DateCreated": text})
    assert isinstance(result, MappedOrder)
    assert result.payload["orderDate"] == to_pacific_text(instant)
    assert parse_pacific(result.payload["orderDate"]) in (instant, instant - timedelta(hours=1))

"""map_order field by field, beyond the reference's example: skips, fallbacks, defaults, limits."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from inkship.connector.config import MappingConfig
from inkship.connector.errors import OrderRejected
from inkship.connector.mapping.orders import (
    MappedOrder,
    Skip,
    fingerprint,
    map_order,
    order_key_for,
    order_ref_for,
    resolve_image_url,
)
from inkship.connector.mapping.status import StatusTable

from tests.mapping.test_example_order import EXAMPLE_ORDER, mapped


def order_with(**changes: Any) -> dict[str, Any]:
    order = copy.deepcopy(EXAMPLE_ORDER)
    order.update(changes)
    return order


def skip_of(order: Any, settings: MappingConfig | None = None) -> Skip:
    result = map_order(order, StatusTable.from_config({}), settings or MappingConfig(), None)
    assert isinstance(result, Skip), result
    return result


def address_with(**changes: Any) -> dict[str, Any]:
    return {**EXAMPLE_ORDER["ShippingAddress"], **changes}


# ---------------------------------------------------------------- keys


def test_order_key_prefers_unique_id_lower_cased() -> None:
    assert (
        order_key_for({"UniqueId": " 3F6C1A52-8E0B-4C7E-9A51-2D0F4B7C9E10 ", "StoreId": 1, "ID": 2})
        == "inksoft:3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10"
    )


def test_order_key_falls_back_to_store_and_id() -> None:
    assert order_key_for({"StoreId": 12, "ID": 58231}) == "inksoft:12:58231"
    assert order_key_for({"UniqueId": "", "StoreId": 12, "ID": 58231}) == "inksoft:12:58231"


@pytest.mark.parametrize(
    ("order", "field"),
    [
        ({"ID": 1}, "StoreId"),
        ({"StoreId": 1}, "ID"),
        ({"StoreId": 1, "ID": "1"}, "ID"),
        ({"UniqueId": "a:b"}, "UniqueId"),
        ({"UniqueId": 7}, "UniqueId"),
    ],
)
def test_order_key_refuses_what_cannot_be_a_stable_key(order: dict[str, Any], field: str) -> None:
    with pytest.raises(OrderRejected) as raised:
        order_key_for(order)
    assert raised.value.field == field


def test_order_ref_is_readable() -> None:
    assert order_ref_for({"ID": 58231}) == "#58231"
    assert order_ref_for({}) == "unknown"
    assert order_ref_for(None) == "unknown"
    assert order_ref_for({"ID": True}) == "unknown"


def test_fingerprint_is_canonical() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


def test_same_money_written_as_int_or_float_has_one_fingerprint() -> None:
    as_int = map_order(order_with(TaxAmount=0), StatusTable.from_config({}), MappingConfig(), None)
    as_float = map_order(order_with(TaxAmount=0.0), StatusTable.from_config({}), MappingConfig(), None)
    assert isinstance(as_int, MappedOrder) and isinstance(as_float, MappedOrder)
    assert as_int.fingerprint == as_float.fingerprint


# ---------------------------------------------------------------- skips


@pytest.mark.parametrize("address", [None, {}])
def test_order_without_shipping_address_is_skipped(address: Any) -> None:
    skip = skip_of(order_with(ShippingAddress=address))
    assert skip == Skip("#58231", "no shipping address", "ShippingAddress")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"Street1": None}, "ShippingAddress.Street1"),
        ({"City": "  "}, "ShippingAddress.City"),
        ({"CountryCode": None}, "ShippingAddress.CountryCode"),
        ({"Name": None, "FirstName": None, "LastName": ""}, "ShippingAddress.Name"),
        ({"State": None}, "ShippingAddress.State"),
        ({"State": None, "CountryCode": "CA"}, "ShippingAddress.State"),
    ],
)
def test_partial_shipping_address_is_skipped_naming_the_field(changes: dict[str, Any], field: str) -> None:
    skip = skip_of(order_with(ShippingAddress=address_with(**changes)))
    assert skip.field == field
    assert field.split(".")[1] in skip.reason


def test_state_is_optional_outside_us_and_canada() -> None:
    payload = mapped(
        order_with(ShippingAddress=address_with(State=None, CountryCode="gb", PostCode="SW1A 1AA"))
    )
    assert payload["shipTo"]["country"] == "GB"
    assert payload["shipTo"]["state"] is None


def test_name_from_first_and_last_name() -> None:
    payload = mapped(order_with(ShippingAddress=address_with(Name=None, FirstName="Zoë", LastName="Brontë")))
    assert payload["shipTo"]["name"] == "Zoë Brontë"


def test_unmapped_status_is_skipped_naming_the_status() -> None:
    skip = skip_of(order_with(ProductionStatus="Awaiting Art"))
    assert skip.field == "ProductionStatus"
    assert "'Awaiting Art'" in skip.reason


def test_custom_status_from_configuration() -> None:
    table = StatusTable.from_config({"Awaiting Art": "on_hold"})
    result = map_order(order_with(ProductionStatus="awaiting-art"), table, MappingConfig(), None)
    assert isinstance(result, MappedOrder)
    assert result.payload["orderStatus"] == "on_hold"


@pytest.mark.parametrize("order", [None, [], "58231", 58231])
def test_something_that_is_not_an_order_is_skipped(order: Any) -> None:
    assert skip_of(order).order_ref == "unknown"


def test_repeated_line_reference_is_skipped() -> None:
    line = EXAMPLE_ORDER["Items"][0]
    skip = skip_of(order_with(Items=[line, line]))
    assert skip.field == "Items[1]"


def test_line_without_any_id_is_skipped() -> None:
    line = {
        k: v for k, v in EXAMPLE_ORDER["Items"][0].items() if k not in ("ItemGuid", "OrderRetailItemSizeId")
    }
    assert skip_of(order_with(Items=[line])).field == "Items[0]"


def test_order_number_over_fifty_characters_is_skipped() -> None:
    skip = skip_of(EXAMPLE_ORDER, MappingConfig(order_number_prefix="P" * 46))
    assert skip.field == "ID"


# ---------------------------------------------------------------- fallbacks and defaults


def test_phone_falls_back_to_the_users_first_phone() -> None:
    order = order_with(
        ShippingAddress=address_with(Phone=None),
        User={"Phones": [{"Number": "541-555-0199", "PhoneType": "Mobile"}, {"Number": "x"}]},
    )
    assert mapped(order)["shipTo"]["phone"] == "541-555-0199"


def test_no_phone_anywhere_stays_empty() -> None:
    assert mapped(order_with(ShippingAddress=address_with(Phone=None)))["shipTo"]["phone"] is None


def test_shipping_service_from_summary_name() -> None:
    order = order_with(ShippingMethod=None, ShippingMethodName="UPS Ground")
    assert mapped(order)["requestedShippingService"] == "UPS Ground"


def test_billing_address_missing_leaves_only_the_name() -> None:
    bill_to = mapped(order_with(BillingAddress=None))["billTo"]
    assert bill_to["name"] == "Dana Ortiz"
    assert [key for key, value in bill_to.items() if value is not None] == ["name"]


def test_line_key_falls_back_to_size_id_and_card_still_joins() -> None:
    line = {k: v for k, v in EXAMPLE_ORDER["Items"][0].items() if k != "ItemGuid"}
    payload = mapped(order_with(Items=[line]))
    assert payload["items"][0]["lineItemKey"] == "120455"
    assert payload["items"][0]["sku"] == "YPT-NVY-YM"


def test_line_without_card_has_no_invented_sku_options_or_image() -> None:
    line = {k: v for k, v in EXAMPLE_ORDER["Items"][0].items() if k != "SidePreviews"}
    item = mapped(order_with(Items=[line], ProductionCards=[]))["items"][0]
    assert item["sku"] is None
    assert item["options"] == []
    assert item["imageUrl"] is None


def test_image_falls_back_to_side_preview() -> None:
    cards = copy.deepcopy(EXAMPLE_ORDER["ProductionCards"])
    cards[0]["PreviewUrl"] = None
    item = mapped(order_with(ProductionCards=cards))["items"][0]
    assert item["imageUrl"] == "https://stores.inksoft.com/images/preview/120455-front.png"


def test_weights_and_location_absent_stay_empty() -> None:
    line = {k: v for k, v in EXAMPLE_ORDER["Items"][0].items() if k not in ("Weight", "StockLocation")}
    payload = mapped(order_with(Items=[line], TotalWeight=None, WeightUnit=None))
    assert payload["weight"] is None
    assert payload["items"][0]["weight"] is None
    assert payload["items"][0]["warehouseLocation"] is None


def test_weight_and_location_defaults_from_configuration() -> None:
    line = {k: v for k, v in EXAMPLE_ORDER["Items"][0].items() if k not in ("Weight", "StockLocation")}
    settings = MappingConfig(default_weight=5.5, weight_unit="grams", default_location="Rack A")
    payload = mapped(order_with(Items=[line], TotalWeight=None), settings=settings)
    assert payload["items"][0]["weight"] == {"value": 5.5, "units": "grams"}
    assert payload["items"][0]["warehouseLocation"] == "Rack A"
    assert payload["weight"] is None  # ShipStation adds up the lines; no order weight is invented


@pytest.mark.parametrize(
    ("unit", "expected"), [("Pounds", "pounds"), ("grams", "grams"), ("OZ", "ounces"), (None, "pounds")]
)
def test_weight_units(unit: str | None, expected: str) -> None:
    payload = mapped(order_with(WeightUnit=unit), settings=MappingConfig(weight_unit="pounds"))
    assert payload["weight"]["units"] == expected
    assert payload["items"][0]["weight"]["units"] == expected


def test_unpaid_order_has_no_payment_date_and_nothing_paid() -> None:
    payload = mapped(order_with(Paid=False, PaymentStatus="NotPaid", ProductionStatus="Open"))
    assert payload["paymentDate"] is None
    assert payload["amountPaid"] == 0.0
    assert payload["orderStatus"] == "awaiting_payment"


def test_payment_date_from_the_earliest_valid_payment() -> None:
    payments = [
        {"DateCreated": "2026-10-03T18:00:00Z", "DateVoided": None},
        {"DateCreated": "2026-10-02T19:00:00Z", "DateVoided": "2026-10-02T19:05:00Z"},
        {"DateCreated": "2026-10-02T20:00:00Z", "DateVoided": None},
    ]
    assert mapped(order_with(Payments=payments))["paymentDate"] == "2026-10-02T13:00:00.0000000"


def test_amount_paid_subtracts_what_is_still_due() -> None:
    assert (
        mapped(order_with(PaymentStatus="PartiallyPaid", Paid=False, AmountDue=20.0))["amountPaid"] == 24.65
    )


def test_store_label_falls_back_to_the_store_id() -> None:
    assert mapped(order_with(StoreName=None))["advancedOptions"]["customField1"] == "InkSoft store 12"


def test_no_discount_means_no_adjustment_line() -> None:
    payload = mapped(order_with(TotalDiscount=0, DiscountCode=None))
    assert [line["adjustment"] for line in payload["items"]] == [False]
    assert "Discount" not in payload["internalNotes"]


def test_coupon_and_adjustments_are_readable_in_internal_notes() -> None:
    adjustments = [{"Type": "Fee", "Description": "Rush", "Amount": 10}, {"Type": "Discount", "Amount": 2.5}]
    payload = mapped(order_with(CouponCode="SPRING", TotalAdjustments=adjustments))
    notes = payload["internalNotes"]
    assert "Coupon code: SPRING" in notes
    assert "Adjustment: Fee · Rush · 10.00" in notes
    assert "Adjustment: Discount · 2.50" in notes
    assert payload["items"][-1]["name"] == "Discount (TEAM15, SPRING)"


def test_timeline_comments_are_readable() -> None:
    timeline = [
        {"Event": "Order placed", "Comment": None},
        {"Event": "Proof approved", "Comment": "by Dana"},
        {"Event": None, "Comment": None},
    ]
    assert mapped(order_with(Timeline=timeline))["internalNotes"].endswith(
        "Activity:\n- Order placed\n- Proof approved: by Dana"
    )


def test_addons_and_personalization_become_options() -> None:
    line = {
        **EXAMPLE_ORDER["Items"][0],
        "AddOns": [{"Name": "Gift wrap", "Price": 2, "Quantity": 1}],
        "PersonalizationValues": [
            {"Name": "Player name", "Value": "ORTIZ"},
            {"Name": "Number", "Value": "7"},
        ],
    }
    options = mapped(order_with(Items=[line]))["items"][0]["options"]
    assert options[-3:] == [
        {"name": "Add-on", "value": "Gift wrap"},
        {"name": "Player name", "value": "ORTIZ"},
        {"name": "Number", "value": "7"},
    ]


def test_options_are_cut_to_thirty_characters_and_ten_options() -> None:
    many = [{"Name": f"Name {n} " + "x" * 40, "Value": "🎽" * 20} for n in range(12)]
    line = {**EXAMPLE_ORDER["Items"][0], "PersonalizationValues": many}
    options = mapped(order_with(Items=[line]))["items"][0]["options"]
    assert len(options) == 10
    assert options[4] == {"name": "Name 0 xxxxxxxxxxxxxxxxxxxxxx…", "value": "🎽" * 14 + "…"}


def test_free_text_loses_xml_forbidden_characters() -> None:
    payload = mapped(order_with(Notes="Rush\x00 order\x1b", CustomerNotes="\x07"))
    assert payload["internalNotes"].startswith("Rush order\n")
    assert payload["customerNotes"] is None


# ---------------------------------------------------------------- image URLs


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://stores.inksoft.com/a.png", "https://stores.inksoft.com/a.png"),
        ("http://REPLACE_DOMAIN_WITH/images/a.png", "http://shop.example.com/images/a.png"),
        ("https://REPLACE_DOMAIN_WITH/images/a.png", "https://shop.example.com/images/a.png"),
        ("REPLACE_DOMAIN_WITH/images/a.png", "https://shop.example.com/images/a.png"),
        ("//REPLACE_DOMAIN_WITH/images/a.png", "https://shop.example.com/images/a.png"),
        ("//cdn.inksoft.com/a.png", "https://cdn.inksoft.com/a.png"),
        ("cdn.inksoft.com/a.png", "https://cdn.inksoft.com/a.png"),
        ("/images/a.png", "https://shop.example.com/images/a.png"),
        ("javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("", None),
        (None, None),
    ],
)
def test_image_urls(url: str | None, expected: str | None) -> None:
    assert resolve_image_url(url, "shop.example.com") == expected


def test_image_domain_may_be_given_as_a_url() -> None:
    assert (
        resolve_image_url("REPLACE_DOMAIN_WITH/a.png", "https://shop.example.com/")
        == "https://shop.example.com/a.png"
    )


def test_placeholder_without_a_domain_is_dropped_not_guessed() -> None:
    assert resolve_image_url("https://REPLACE_DOMAIN_WITH/a.png", None) is None
    assert resolve_image_url("/images/a.png", None) is None


def test_placeholder_in_an_order_uses_the_store_domain() -> None:
    cards = copy.deepcopy(EXAMPLE_ORDER["ProductionCards"])
    cards[0]["PreviewUrl"] = "REPLACE_DOMAIN_WITH/images/preview/120455.png"
    item = mapped(order_with(ProductionCards=cards), store_domain="www.appareljunction.com")["items"][0]
    assert item["imageUrl"] == "https://www.appareljunction.com/images/preview/120455.png"

"""Lines: references, production cards, options, the discount line."""

from __future__ import annotations

from tests.mapping.support import order_with, skip_of
from tests.mapping.test_example_order import EXAMPLE_ORDER, mapped


def test_repeated_line_reference_is_skipped() -> None:
    line = EXAMPLE_ORDER["Items"][0]
    skip = skip_of(order_with(Items=[line, line]))
    assert skip.field == "Items[1]"


def test_line_without_any_id_is_skipped() -> None:
    line = {
        k: v for k, v in EXAMPLE_ORDER["Items"][0].items() if k not in ("ItemGuid", "OrderRetailItemSizeId")
    }
    assert skip_of(order_with(Items=[line])).field == "Items[0]"


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


def test_no_discount_means_no_adjustment_line() -> None:
    payload = mapped(order_with(TotalDiscount=0, DiscountCode=None))
    assert [line["adjustment"] for line in payload["items"]] == [False]
    assert "Discount" not in payload["internalNotes"]

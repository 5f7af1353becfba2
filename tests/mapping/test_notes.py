"""internalNotes and free text cleaning."""

from __future__ import annotations

from tests.mapping.support import order_with
from tests.mapping.test_example_order import mapped


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


def test_free_text_loses_xml_forbidden_characters() -> None:
    payload = mapped(order_with(Notes="Rush\x00 order\x1b", CustomerNotes="\x07"))
    assert payload["internalNotes"].startswith("Rush order\n")
    assert payload["customerNotes"] is None

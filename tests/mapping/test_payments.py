"""Payment status, date and amount."""

from __future__ import annotations

from tests.mapping.support import order_with
from tests.mapping.test_example_order import mapped


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

"""Money and payment: whether an order is paid, when, and how much. Pure.

`paymentDate` (paid orders only) is the earliest non-voided payment, else the order date (web orders
are paid at checkout); `amountPaid` is the total less what is still due.
"""

from __future__ import annotations

from datetime import datetime

from inkship.connector.mapping import fields as f
from inkship.connector.mapping.reading import date_at, money_at, objects_in
from inkship.connector.mapping.status import normalize_status


def is_paid(order: dict) -> bool:
    status = order.get(f.PAYMENT_STATUS)
    return order.get(f.PAID_FLAG) is True or (isinstance(status, str) and normalize_status(status) == "paid")


def payment_date(order: dict, order_date: datetime) -> datetime:
    dates = []
    for where, payment in objects_in(order.get(f.PAYMENTS), f.PAYMENTS):
        paid_at = date_at(payment.get(f.PAYMENT_DATE), f"{where}.{f.PAYMENT_DATE}")
        if paid_at and not payment.get(f.PAYMENT_VOIDED):
            dates.append(paid_at)
    return min(dates, default=order_date)


def amount_paid(order: dict, paid: bool) -> float | None:
    total = money_at(order.get(f.TOTAL_AMOUNT), f.TOTAL_AMOUNT)
    due = money_at(order.get(f.AMOUNT_DUE), f.AMOUNT_DUE)
    if total is not None and due is not None:
        return round(max(total - due, 0.0), 2)
    if not paid:
        return 0.0
    return total

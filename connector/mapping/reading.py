"""Typed reading of InkSoft JSON: each reader returns the value in the type the mapping needs, or raises
`FieldRejected` naming the field, so every bad value becomes one order's problem. Pure."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from inkship.connector.errors import OrderRejected
from inkship.connector.mapping import limits
from inkship.connector.mapping.times import parse_inksoft_datetime, to_pacific_text


class FieldRejected(OrderRejected):
    """OrderRejected as the mapping raises it: `.reason` is the bare reason, `.field` the InkSoft field."""

    def __init__(self, reason: str, field: str | None, *, order: str | None = None) -> None:
        super().__init__(reason, order=order, field=field)
        self.reason = reason


def reject(message: str, field: str) -> FieldRejected:
    return FieldRejected(message, field)


def object_at(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        what = "missing" if value is None else f"a {type(value).__name__}, not an object"
        raise reject(f"{field} is {what}", field)
    return value


def optional_object_at(value: Any, field: str) -> dict | None:
    return None if value is None else object_at(value, field)


def list_at(value: Any, field: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise reject(f"{field} is a {type(value).__name__}, not a list", field)
    return value


def objects_in(value: Any, field: str) -> Iterator[tuple[str, dict]]:
    """Each object of an InkSoft list, with the path that names it in messages."""
    for number, entry in enumerate(list_at(value, field)):
        where = f"{field}[{number}]"
        yield where, object_at(entry, where)


def text_at(value: Any, field: str, limit: int | None = None) -> str | None:
    """Cleaned, trimmed, cut text; None when InkSoft has nothing (absent, null or blank)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise reject(f"{field} is a {type(value).__name__}, not text", field)
    return limits.fit(value, limit) or None


def number_at(value: Any, field: str, *, minimum: float | None = None,
              maximum: float | None = None) -> float | None:
    """A finite number within [minimum, maximum], or FieldRejected showing the value (cut when huge)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not math.isfinite(value)):
        raise reject(f"{field} is not a number: {shown(value)}", field)
    if minimum is not None and value < minimum:
        raise reject(f"{field} is below {minimum:g}: {shown(value)}", field)
    if maximum is not None and value > maximum:
        raise reject(f"{field} is above {maximum:,.0f}, more than ShipStation takes: {shown(value)}", field)
    return value


def shown(value: Any) -> str:
    """A value as a message shows it: its repr, cut so a megabyte of data never fills a report."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}... ({len(text)} characters)"


def quantity_of(value: Any, field: str) -> int:
    """A whole, non-negative quantity, or OrderRejected naming `field`."""
    number = number_at(value, field, minimum=0, maximum=limits.INT32_MAX)
    if number is None or number != int(number):
        raise reject(f"{field} is not a whole quantity: {shown(value)}", field)
    return int(number)


def money_at(value: Any, field: str) -> float | None:
    number = number_at(value, field, minimum=-limits.MONEY_MAX, maximum=limits.MONEY_MAX)
    # Always a float, and never -0.0, so the fingerprint does not move when InkSoft writes 0 for 0.0.
    return None if number is None else float(round(number, 2)) + 0.0


def date_at(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = parse_inksoft_datetime(value)
        to_pacific_text(moment)  # a date at the edge of the calendar may not survive the time zone
        return moment
    except (ValueError, OverflowError):
        raise reject(f"{field} is not a date InkSoft writes: {shown(value)}", field) from None

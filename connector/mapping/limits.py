"""ShipStation's limits in one table, the check of a whole mapped order against them, and the text
cleaning every mapped free-text value goes through.

Where each limit comes from (shared/reference): ShipStation's JSON API documents almost no lengths;
the Custom Store XML guide does (shipstation-custom-store.md §4.1), and we apply those to the JSON
payload too, so one mapped order fits both channels. Numbers: shipstation-api.md §7.2 types
`quantity` as int and prices, amounts and weights as number; ShipStation is ASP.NET, so an int is a
.NET Int32 and a number a .NET decimal, and a value past either makes the model binder refuse the whole
`createorders` call with a 400 (inferred from the framework; the 400 shape is §5). Limits no source
gives are chosen, well inside what the API could take, and marked "chosen".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Custom Store export limits (shipstation-custom-store.md §4.1), maximum characters.
ORDER_NUMBER = 50
PAYMENT_METHOD = 50
SHIPPING_METHOD = 100  # the 2012 guide and the XSD say 100, the current guide 1000: keep the smaller
NOTES = 1000  # CustomerNotes, InternalNotes
GIFT_MESSAGE = 1000
CUSTOM_FIELD = 100
ADDRESS_NAME = 100
ADDRESS_COMPANY = 100
ADDRESS_LINE = 100
ADDRESS_CITY = 100
ADDRESS_STATE = 100
POSTAL_CODE = 50
PHONE = 50
LINE_ITEM_KEY = 50
SKU = 100
ITEM_NAME = 200
LOCATION = 100
OPTION_NAME = 30
OPTION_VALUE = 30
OPTIONS_PER_ITEM = 10
ORDER_KEY = 50  # the Custom Store's OrderID (≤ 50), which ShipStation stores as the orderKey

# Numbers (shipstation-api.md §7.2 types; ranges of the .NET types behind them).
INT32_MAX = 2_147_483_647  # quantity: int
MONEY_MAX = 1_000_000_000.0  # chosen: far inside .NET decimal (7.9e28); no print-shop order comes near
WEIGHT_MAX = 1_000_000.0  # chosen: a million ounces, pounds or grams; a weight past it is a typo
# Text no source limits.
EMAIL = 254  # chosen: the longest address SMTP carries (RFC 5321)
IMAGE_URL = 2000  # chosen: the longest URL every browser and proxy handles
SOURCE = 50  # chosen

ELLIPSIS = "…"

# Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
# A ShipStation store import fails on them, so they are removed from every free-text value.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_xml_forbidden(text: str) -> str:
    """`text` without the characters XML 1.0 does not allow."""
    return _XML_FORBIDDEN.sub("", text)


def utf16_length(text: str) -> int:
    """Length as ShipStation (.NET) counts it: UTF-16 code units, so an emoji counts twice."""
    if text.isascii():  # nearly every value: one unit a character
        return len(text)
    # Encoded in C rather than counted in Python: every text field of every order comes through here.
    # surrogatepass: a lone surrogate is one unit, as .NET counts it, not an encoding error.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-16 units: the longest prefix that fits before "…".

    The rule: a value within the limit is kept exactly; a longer one keeps as many leading
    characters as fit in `limit - 1` units and ends with "…" (one unit), so the reader sees it was
    cut. Characters are never split, so an emoji is dropped whole rather than halved.
    """
    if utf16_length(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if used + width > limit - 1:
            break
        kept.append(ch)
        used += width
    return "".join(kept) + ELLIPSIS


def fit(text: str, limit: int | None) -> str:
    """Clean free text for ShipStation: forbidden characters removed, outer blanks trimmed, cut to `limit`."""
    cleaned = strip_xml_forbidden(text).strip()
    return cleaned if limit is None else truncate(cleaned, limit)


# ---------------------------------------------------------------- the whole order against the table

ORDER_TEXT = {"orderNumber": ORDER_NUMBER, "orderKey": ORDER_KEY, "customerUsername": EMAIL,
              "customerEmail": EMAIL, "customerNotes": NOTES, "internalNotes": NOTES,
              "giftMessage": GIFT_MESSAGE, "paymentMethod": PAYMENT_METHOD,
              "requestedShippingService": SHIPPING_METHOD}
ADDRESS_TEXT = {"name": ADDRESS_NAME, "company": ADDRESS_COMPANY, "street1": ADDRESS_LINE,
                "street2": ADDRESS_LINE, "street3": ADDRESS_LINE, "city": ADDRESS_CITY,
                "state": ADDRESS_STATE, "postalCode": POSTAL_CODE, "country": 2, "phone": PHONE}
ITEM_TEXT = {"lineItemKey": LINE_ITEM_KEY, "sku": SKU, "name": ITEM_NAME, "imageUrl": IMAGE_URL,
             "warehouseLocation": LOCATION}
ADVANCED_TEXT = {"customField1": CUSTOM_FIELD, "customField2": CUSTOM_FIELD, "customField3": CUSTOM_FIELD,
                 "source": SOURCE}
ORDER_MONEY = ("amountPaid", "taxAmount", "shippingAmount")
ITEM_MONEY = ("unitPrice", "taxAmount", "shippingAmount")


@dataclass(frozen=True)
class Violation:
    """One value of a mapped order that ShipStation would refuse: where (a ShipStation field path),
    the value as sent, and why."""

    field: str
    value: Any
    reason: str

    def text(self) -> str:
        shown = repr(self.value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return f"ShipStation's {self.field} {self.reason}: {shown}"


def violations(payload: Mapping[str, Any]) -> list[Violation]:
    """Every value of a ShipStation order payload outside the table above ([] when it may be sent)."""
    found: list[Violation] = []
    _text_within(payload, ORDER_TEXT, "", found)
    for money in ORDER_MONEY:
        _number_within(payload.get(money), money, MONEY_MAX, found)
    _weight_within(payload.get("weight"), "weight", found)
    for address in ("shipTo", "billTo"):
        if isinstance(payload.get(address), Mapping):
            _text_within(payload[address], ADDRESS_TEXT, f"{address}.", found)
    if isinstance(payload.get("advancedOptions"), Mapping):
        _text_within(payload["advancedOptions"], ADVANCED_TEXT, "advancedOptions.", found)
    items = payload.get("items")
    for index, item in enumerate(items if isinstance(items, list) else []):
        where = f"items[{index}]"
        if not isinstance(item, Mapping):
            found.append(Violation(where, item, "is not an object"))
            continue
        _text_within(item, ITEM_TEXT, f"{where}.", found)
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 <= quantity <= INT32_MAX:
            found.append(Violation(f"{where}.quantity", quantity, f"must be a whole number 0..{INT32_MAX}"))
        for money in ITEM_MONEY:
            _number_within(item.get(money), f"{where}.{money}", MONEY_MAX, found)
        _weight_within(item.get("weight"), f"{where}.weight", found)
        options = item.get("options") or []
        if len(options) > OPTIONS_PER_ITEM:
            found.append(Violation(f"{where}.options", len(options), f"holds more than {OPTIONS_PER_ITEM}"))
        for number, option in enumerate(options if isinstance(options, list) else []):
            if isinstance(option, Mapping):
                _text_within(option, {"name": OPTION_NAME, "value": OPTION_VALUE},
                             f"{where}.options[{number}].", found)
    return found


def _text_within(record: Mapping[str, Any], table: Mapping[str, int], prefix: str,
                 found: list[Violation]) -> None:
    for name, limit in table.items():
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            found.append(Violation(prefix + name, value, "is not text"))
        elif utf16_length(value) > limit:
            found.append(Violation(prefix + name, value, f"is longer than {limit} characters"))


def _number_within(value: Any, field: str, limit: float, found: list[Violation]) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        found.append(Violation(field, value, "is not a number"))
    elif abs(value) > limit:
        found.append(Violation(field, value, f"is beyond ±{limit:,.0f}"))


def _weight_within(weight: Any, field: str, found: list[Violation]) -> None:
    if isinstance(weight, Mapping):
        _number_within(weight.get("value"), f"{field}.value", WEIGHT_MAX, found)

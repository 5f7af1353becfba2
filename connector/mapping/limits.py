"""ShipStation field limits in one place, and the text cleaning every mapped free-text value goes through.

ShipStation's JSON API documents almost no lengths; the Custom Store XML guide does. We apply the
Custom Store limits to the JSON payload too, so one mapped order fits both channels.
"""

from __future__ import annotations

import re

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

ELLIPSIS = "…"

# Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
# A ShipStation store import fails on them, so they are removed from every free-text value.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_xml_forbidden(text: str) -> str:
    """`text` without the characters XML 1.0 does not allow."""
    return _XML_FORBIDDEN.sub("", text)


def utf16_length(text: str) -> int:
    """Length as ShipStation (.NET) counts it: UTF-16 code units, so an emoji counts twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


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

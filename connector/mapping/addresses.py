"""InkSoft addresses → ShipStation's `shipTo` and `billTo`. Pure.

`shipTo` needs a name, a street, a city, an ISO two-letter country and, in the US and Canada, a state;
the phone falls back to the buyer's first phone. `billTo` is the billing address when InkSoft has one,
else only the ship-to name.
"""

from __future__ import annotations

import re
from typing import Any

from inkship.connector.mapping import fields as f
from inkship.connector.mapping import limits
from inkship.connector.mapping.reading import (
    list_at,
    object_at,
    objects_in,
    optional_object_at,
    reject,
    shown,
    text_at,
)

_STATE_REQUIRED = frozenset({"US", "CA"})
_ISO2 = re.compile(r"^[A-Z]{2}$")


def _person_name(address: dict, field: str) -> str | None:
    name = text_at(address.get(f.ADDR_NAME), f"{field}.{f.ADDR_NAME}", limits.ADDRESS_NAME)
    if name:
        return name
    parts = [text_at(address.get(key), f"{field}.{key}") for key in (f.ADDR_FIRST_NAME, f.ADDR_LAST_NAME)]
    joined = " ".join(part for part in parts if part)
    return limits.fit(joined, limits.ADDRESS_NAME) or None


def _address(address: dict, field: str) -> dict[str, Any]:
    def text(key: str, limit: int) -> str | None:
        return text_at(address.get(key), f"{field}.{key}", limit)

    country = text_at(address.get(f.ADDR_COUNTRY_CODE), f"{field}.{f.ADDR_COUNTRY_CODE}")
    if country is not None:
        country = country.upper()
        if not _ISO2.match(country):
            where = f"{field}.{f.ADDR_COUNTRY_CODE}"
            raise reject(f"{where} is not an ISO 3166 two-letter code: {shown(country)}", where)
    return {
        "name": _person_name(address, field),
        "company": text(f.ADDR_COMPANY, limits.ADDRESS_COMPANY),
        "street1": text(f.ADDR_STREET1, limits.ADDRESS_LINE),
        "street2": text(f.ADDR_STREET2, limits.ADDRESS_LINE),
        "street3": None,
        "city": text(f.ADDR_CITY, limits.ADDRESS_CITY),
        "state": text(f.ADDR_STATE, limits.ADDRESS_STATE),
        "postalCode": text(f.ADDR_POSTCODE, limits.POSTAL_CODE),
        "country": country,
        "phone": text(f.ADDR_PHONE, limits.PHONE),
        "residential": None,
    }


def ship_to(order: dict) -> dict[str, Any]:
    field = f.SHIPPING_ADDRESS
    raw = order.get(field)
    if raw is None or raw == {}:
        raise reject("no shipping address", field)
    address = _address(object_at(raw, field), field)
    required = [("name", f.ADDR_NAME), ("street1", f.ADDR_STREET1), ("city", f.ADDR_CITY),
                ("country", f.ADDR_COUNTRY_CODE)]
    if address["country"] in _STATE_REQUIRED:
        required.append(("state", f.ADDR_STATE))
    for key, inksoft_name in required:
        if not address[key]:
            raise reject(f"shipping address has no {inksoft_name}", f"{field}.{inksoft_name}")
    if address["phone"] is None:
        address["phone"] = _user_phone(order)
    return address


def _user_phone(order: dict) -> str | None:
    user = optional_object_at(order.get(f.USER), f.USER)
    phones = list_at(user.get(f.USER_PHONES), f"{f.USER}.{f.USER_PHONES}") if user else []
    if not phones:
        return None
    where, first = next(objects_in(phones, f"{f.USER}.{f.USER_PHONES}"))
    return text_at(first.get(f.PHONE_NUMBER), f"{where}.{f.PHONE_NUMBER}", limits.PHONE)


def bill_to(order: dict, shipping: dict[str, Any]) -> dict[str, Any]:
    raw = optional_object_at(order.get(f.BILLING_ADDRESS), f.BILLING_ADDRESS)
    if raw:
        billing = _address(raw, f.BILLING_ADDRESS)
        if any(billing.values()):
            return billing
    return {key: (shipping["name"] if key == "name" else None) for key in shipping}

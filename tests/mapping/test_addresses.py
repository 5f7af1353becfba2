"""shipTo and billTo: required parts, fallbacks."""

from __future__ import annotations

from typing import Any

import pytest
from inkship.connector.mapping.orders import Skip

from tests.mapping.support import address_with, order_with, skip_of
from tests.mapping.test_example_order import mapped


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


def test_phone_falls_back_to_the_users_first_phone() -> None:
    order = order_with(
        ShippingAddress=address_with(Phone=None),
        User={"Phones": [{"Number": "541-555-0199", "PhoneType": "Mobile"}, {"Number": "x"}]},
    )
    assert mapped(order)["shipTo"]["phone"] == "541-555-0199"


def test_no_phone_anywhere_stays_empty() -> None:
    assert mapped(order_with(ShippingAddress=address_with(Phone=None)))["shipTo"]["phone"] is None


def test_billing_address_missing_leaves_only_the_name() -> None:
    bill_to = mapped(order_with(BillingAddress=None))["billTo"]
    assert bill_to["name"] == "Dana Ortiz"
    assert [key for key, value in bill_to.items() if value is not None] == ["name"]

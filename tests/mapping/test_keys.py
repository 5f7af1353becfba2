"""What an order is known by: orderKey, readable reference, fingerprint."""

from __future__ import annotations

from typing import Any

import pytest
from inkship.connector.config import MappingConfig
from inkship.connector.errors import OrderRejected
from inkship.connector.mapping.keys import fingerprint, order_key_for, order_ref_for
from inkship.connector.mapping.orders import MappedOrder, map_order
from inkship.connector.mapping.status import StatusTable

from tests.mapping.support import order_with


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

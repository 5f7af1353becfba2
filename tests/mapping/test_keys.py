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


def test_two_orders_sharing_a_unique_id_get_two_keys() -> None:
    # Issue 10, defect 2: keyed on UniqueId, two such orders flipped one ShipStation order between them.
    first = {"UniqueId": "3F6C1A52-8E0B-4C7E-9A51-2D0F4B7C9E10", "StoreId": 1, "ID": 2}
    second = {**first, "ID": 3}
    assert order_key_for(first) == "inksoft:1:2"
    assert order_key_for(second) == "inksoft:1:3"


def test_the_same_order_id_in_two_stores_gets_two_keys() -> None:
    assert order_key_for({"StoreId": 1, "ID": 2}) != order_key_for({"StoreId": 7, "ID": 2})


def test_order_key_falls_back_to_store_and_id() -> None:
    assert order_key_for({"StoreId": 12, "ID": 58231}) == "inksoft:12:58231"
    assert order_key_for({"UniqueId": "", "StoreId": 12, "ID": 58231}) == "inksoft:12:58231"


@pytest.mark.parametrize(
    ("order", "field"),
    [
        ({"ID": 1}, "StoreId"),
        ({"StoreId": 1}, "ID"),
        ({"StoreId": 1, "ID": "1"}, "ID"),
        ({"StoreId": True, "ID": 1}, "StoreId"),
        ({"StoreId": 1, "ID": 2**63}, "ID"),
        ({"StoreId": 1, "ID": 0}, "ID"),
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

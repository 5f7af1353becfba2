"""map_order as a whole: status, what is not an order, order number, store label, service."""

from __future__ import annotations

from typing import Any

import pytest
from inkship.connector.config import MappingConfig
from inkship.connector.mapping.orders import MappedOrder, map_order
from inkship.connector.mapping.status import StatusTable

from tests.mapping.support import order_with, skip_of
from tests.mapping.test_example_order import EXAMPLE_ORDER, mapped


def test_unmapped_status_is_skipped_naming_the_status() -> None:
    skip = skip_of(order_with(ProductionStatus="Awaiting Art"))
    assert skip.field == "ProductionStatus"
    assert "'Awaiting Art'" in skip.reason


def test_custom_status_from_configuration() -> None:
    table = StatusTable.from_config({"Awaiting Art": "on_hold"})
    result = map_order(order_with(ProductionStatus="awaiting-art"), table, MappingConfig(), None)
    assert isinstance(result, MappedOrder)
    assert result.payload["orderStatus"] == "on_hold"


@pytest.mark.parametrize("order", [None, [], "58231", 58231])
def test_something_that_is_not_an_order_is_skipped(order: Any) -> None:
    assert skip_of(order).order_ref == "unknown"


def test_order_number_over_fifty_characters_is_skipped() -> None:
    skip = skip_of(EXAMPLE_ORDER, MappingConfig(order_number_prefix="P" * 46))
    assert skip.field == "ID"


def test_shipping_service_from_summary_name() -> None:
    order = order_with(ShippingMethod=None, ShippingMethodName="UPS Ground")
    assert mapped(order)["requestedShippingService"] == "UPS Ground"


def test_store_label_falls_back_to_the_store_id() -> None:
    assert mapped(order_with(StoreName=None))["advancedOptions"]["customField1"] == "InkSoft store 12"

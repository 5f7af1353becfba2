"""Helpers shared by the mapping tests: the reference's example order with changes, and its Skip."""

from __future__ import annotations

import copy
from typing import Any

from inkship.connector.config import MappingConfig
from inkship.connector.mapping.orders import Skip, map_order
from inkship.connector.mapping.status import StatusTable

from tests.mapping.test_example_order import EXAMPLE_ORDER


def order_with(**changes: Any) -> dict[str, Any]:
    order = copy.deepcopy(EXAMPLE_ORDER)
    order.update(changes)
    return order


def skip_of(order: Any, settings: MappingConfig | None = None) -> Skip:
    result = map_order(order, StatusTable.from_config({}), settings or MappingConfig(), None)
    assert isinstance(result, Skip), result
    return result


def address_with(**changes: Any) -> dict[str, Any]:
    return {**EXAMPLE_ORDER["ShippingAddress"], **changes}

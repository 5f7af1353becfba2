"""Weights and their units, locations."""

from __future__ import annotations

import pytest
from inkship.connector.config import MappingConfig

from tests.mapping.support import order_with
from tests.mapping.test_example_order import EXAMPLE_ORDER, mapped


def test_weights_and_location_absent_stay_empty() -> None:
    line = {k: v for k, v in EXAMPLE_ORDER["Items"][0].items() if k not in ("Weight", "StockLocation")}
    payload = mapped(order_with(Items=[line], TotalWeight=None, WeightUnit=None))
    assert payload["weight"] is None
    assert payload["items"][0]["weight"] is None
    assert payload["items"][0]["warehouseLocation"] is None


def test_weight_and_location_defaults_from_configuration() -> None:
    line = {k: v for k, v in EXAMPLE_ORDER["Items"][0].items() if k not in ("Weight", "StockLocation")}
    settings = MappingConfig(default_weight=5.5, weight_unit="grams", default_location="Rack A")
    payload = mapped(order_with(Items=[line], TotalWeight=None), settings=settings)
    assert payload["items"][0]["weight"] == {"value": 5.5, "units": "grams"}
    assert payload["items"][0]["warehouseLocation"] == "Rack A"
    assert payload["weight"] is None  # ShipStation adds up the lines; no order weight is invented


@pytest.mark.parametrize(
    ("unit", "expected"), [("Pounds", "pounds"), ("grams", "grams"), ("OZ", "ounces"), (None, "pounds")]
)
def test_weight_units(unit: str | None, expected: str) -> None:
    payload = mapped(order_with(WeightUnit=unit), settings=MappingConfig(weight_unit="pounds"))
    assert payload["weight"]["units"] == expected
    assert payload["items"][0]["weight"]["units"] == expected

"""Weights: InkSoft's own unit, else the configured one, else ounces (inferred: US print shops weigh
garments in ounces), as ShipStation's `{value, units}`. Pure."""

from __future__ import annotations

from typing import Any

from inkship.connector.config import MappingConfig
from inkship.connector.mapping import fields as f
from inkship.connector.mapping.reading import reject, shown, text_at

DEFAULT_WEIGHT_UNIT = "ounces"
_WEIGHT_UNITS = {"ounces": "ounces", "ounce": "ounces", "oz": "ounces",
                 "pounds": "pounds", "pound": "pounds", "lb": "pounds", "lbs": "pounds",
                 "grams": "grams", "gram": "grams", "g": "grams", "gm": "grams"}


def weight(value: float | None, units: str) -> dict[str, Any] | None:
    return None if value is None else {"value": float(value), "units": units}


def weight_units(order: dict, settings: MappingConfig) -> str:
    """ShipStation's name for the order's weight unit, or FieldRejected for one it does not know."""
    unit = text_at(order.get(f.WEIGHT_UNIT), f.WEIGHT_UNIT)
    if unit is None:
        return settings.weight_unit or DEFAULT_WEIGHT_UNIT
    units = _WEIGHT_UNITS.get(unit.casefold())
    if units is None:
        raise reject(f"{f.WEIGHT_UNIT} {shown(unit)} is not ounces, pounds or grams", f.WEIGHT_UNIT)
    return units

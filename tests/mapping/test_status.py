"""InkSoft → ShipStation status table: the default as ShipStation's InkSoft connection, plus custom ones."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from inkship.connector.errors import ConfigError, OrderRejected
from inkship.connector.mapping.status import DEFAULT_STATUS_TABLE, StatusTable, normalize_status, status_of

from tests.strategies import spellings, status_cases

# What each status must become, written out by hand rather than derived from the code under test.
CUSTOM_CONFIG = {
    "Awaiting Art": "on_hold",
    "At Embroiderer": "on_hold",
    "Scheduled": "awaiting_shipment",
    "In Production": "awaiting_shipment",
    "Open": "awaiting_shipment",
}
EXPECTED_DEFAULT = {
    "Open": "awaiting_payment",
    "Ready to Ship": "awaiting_shipment",
    "Complete": "shipped",
    "Cancelled": "cancelled",
}
EXPECTED_CUSTOM = {
    **EXPECTED_DEFAULT,
    "Awaiting Art": "on_hold",
    "At Embroiderer": "on_hold",
    "Scheduled": "awaiting_shipment",
    "In Production": "awaiting_shipment",
    "Open": "awaiting_shipment",
}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"ProductionStatus": "Open"}, "awaiting_payment"),
        ({"ProductionStatus": "Ready to Ship"}, "awaiting_shipment"),
        ({"ProductionStatus": "ReadyToShip"}, "awaiting_shipment"),
        ({"ProductionStatus": "ready_to_ship"}, "awaiting_shipment"),
        ({"ProductionStatus": "Complete"}, "shipped"),
        ({"Status": "Canceled", "ProductionStatus": "Open"}, "cancelled"),
        ({"Status": "Cancelled", "ProductionStatus": "Ready to Ship"}, "cancelled"),
        ({"Cancelled": True, "ProductionStatus": "Complete"}, "cancelled"),
        ({"ProductionStatus": "Canceled"}, "cancelled"),
        ({"ProductionStatus": "In Production"}, None),
        ({"ProductionStatus": "Ready for Pickup"}, None),
        ({"Status": "Processing"}, None),
    ],
)
def test_default_table_is_shipstations_inksoft_mapping(fields: dict[str, Any], expected: str | None) -> None:
    assert StatusTable.from_config({}).shipstation_status(fields) == expected


def test_nothing_maps_to_on_hold_by_default() -> None:
    assert "on_hold" not in DEFAULT_STATUS_TABLE.values()


def test_status_of_reports_cancellation_over_production_status() -> None:
    assert status_of({"Status": "Canceled", "ProductionStatus": "Complete"}) == "Cancelled"
    assert status_of({"Cancelled": True}) == "Cancelled"
    assert status_of({"Cancelled": False, "ProductionStatus": " In Production "}) == "In Production"
    assert status_of({}) == ""


@pytest.mark.parametrize("value", [3, 2.5, True, ["Open"], {"Name": "Open"}])
def test_status_that_is_not_text_is_rejected_naming_the_field(value: object) -> None:
    # Was a TypeError, which crashed the import pass before the order could be reported (issue 10, 3).
    with pytest.raises(OrderRejected, match="ProductionStatus") as raised:
        status_of({"ProductionStatus": value})
    assert raised.value.field == "ProductionStatus"


def test_normalize_ignores_case_blanks_underscores_and_hyphens() -> None:
    assert {
        normalize_status(s)
        for s in ("Ready to Ship", "ReadyToShip", "ready_to_ship", "READY-TO-SHIP", " Ready\tto  Ship ")
    } == {"readytoship"}


def test_custom_statuses_several_to_one_and_overriding_a_default() -> None:
    table = StatusTable.from_config(CUSTOM_CONFIG)
    assert table.lookup("awaiting-art") == "on_hold"
    assert table.lookup("AT EMBROIDERER") == "on_hold"
    assert table.lookup("Open") == "awaiting_shipment"
    assert table.lookup("Complete") == "shipped"


def test_cancelled_spelled_either_way_in_configuration_is_one_entry() -> None:
    table = StatusTable.from_config({"Canceled": "on_hold"})
    assert table.shipstation_status({"Cancelled": True}) == "on_hold"


def test_configuration_naming_no_shipstation_status_is_refused() -> None:
    with pytest.raises(ConfigError) as raised:
        StatusTable.from_config({"Awaiting Art": "awaiting_pickup"})
    assert raised.value.key == "mapping.statuses"
    assert "awaiting_pickup" in str(raised.value)


@given(status_cases())
def test_default_table_for_every_status_and_spelling(case: tuple[dict[str, Any], str]) -> None:
    fields, meaning = case
    assert StatusTable.from_config({}).shipstation_status(fields) == EXPECTED_DEFAULT.get(meaning)


@given(status_cases())
def test_custom_table_for_every_status_and_spelling(case: tuple[dict[str, Any], str]) -> None:
    fields, meaning = case
    assert StatusTable.from_config(CUSTOM_CONFIG).shipstation_status(fields) == EXPECTED_CUSTOM.get(meaning)


@given(spellings("Awaiting Art"))
def test_configured_names_match_in_any_spelling(spelled: str) -> None:
    assert StatusTable.from_config({spelled: "on_hold"}).lookup("Awaiting Art") == "on_hold"

"""Expectations against a fake world: exact values, matchers, report outcomes, calls; readable diffs."""

from __future__ import annotations

from typing import Any

import pytest
from inkship.scenarios.expectations import MISSING, check, compare, resolve

SHIPSTATION_ORDER = {
    "orderNumber": "1001", "orderStatus": "awaiting_shipment",
    "shipTo": {"name": "Dana Ortiz", "city": "Portland", "street2": None},
    "items": [{"sku": "TEE-L", "quantity": 2, "options": [{"name": "Size", "value": "L"}]}],
    "labels": [],
}


class FakeWorld:
    """Observed, from plain data."""

    def __init__(self, **parts: Any) -> None:
        self.parts = parts

    def shipstation_order(self, inksoft_id: int) -> tuple[str, dict[str, Any] | None]:
        return f"inksoft:{inksoft_id}", self.parts.get("shipstation", {}).get(inksoft_id)

    def inksoft_order(self, inksoft_id: int) -> dict[str, Any] | None:
        return self.parts.get("inksoft", {}).get(inksoft_id)

    def shipstation_counts(self) -> dict[str, int]:
        return {"order_count": len(self.parts.get("shipstation", {})), "label_count": 0}

    def report(self) -> dict[str, Any] | None:
        return self.parts.get("report")

    def webhook_lines(self) -> list[dict[str, Any]]:
        return self.parts.get("webhooks", [])

    def calls(self, api: str, method: str | None, path: str | None) -> int:
        return int(self.parts.get("calls", {}).get((api, method, path), 0))

    def ledger_counts(self) -> dict[str, int]:
        return {"pending": 0, "written": 2, "voided": 0, "skipped": 0}

    def open_problems(self) -> list[dict[str, Any]]:
        return []


def texts(expect: dict[str, Any], world: FakeWorld) -> list[str]:
    return [m.text() for m in check(expect, world, ["expect"])]


WORLD = FakeWorld(shipstation={1001: SHIPSTATION_ORDER})


def test_a_wrong_field_names_the_order_the_field_and_both_values():
    found = check({"shipstation": {"orders": {1001: {"shipTo.city": "Eugene"}}}}, WORLD, ["expect"])
    [mismatch] = found
    assert mismatch.text() == ("ShipStation order for InkSoft #1001: field shipTo.city: "
                               "expected 'Eugene', got 'Portland'")
    assert mismatch.where == ("expect", "shipstation", "orders", 1001, "shipTo.city")


def test_nested_objects_lists_and_dotted_paths_compare_on_what_is_expected():
    expect = {"shipstation": {"orders": {1001: {
        "shipTo": {"name": "Dana Ortiz"}, "items.0.sku": "TEE-L",
        "items": [{"quantity": 3}], "orderNumber": 1001}}}}
    assert texts(expect, WORLD) == [
        "ShipStation order for InkSoft #1001: field items.0.quantity: expected 3, got 2",
        "ShipStation order for InkSoft #1001: field orderNumber: expected 1001, got '1001'",
    ]


def test_a_list_of_another_length_is_a_mismatch_showing_the_actual_list():
    [text] = texts({"shipstation": {"orders": {1001: {"labels": [{}]}}}}, WORLD)
    assert text == "ShipStation order for InkSoft #1001: field labels: expected 1 entries, got 0: []"


@pytest.mark.parametrize(("matcher", "ok"), [
    ({"present": True}, True), ({"absent": True}, False),
    ({"contains": "Orti"}, True), ({"contains": "Smith"}, False),
    ({"matches": "^Dana"}, True), ({"matches": "^Ortiz"}, False),
])
def test_text_matchers(matcher, ok):
    found = compare(matcher, "Dana Ortiz", "name", (), {})
    assert (found == []) is ok


@pytest.mark.parametrize(("matcher", "actual", "ok"), [
    ({"at_most": 3}, 3, True), ({"at_most": 3}, 4, False), ({"at_least": 3}, 2, False),
    ({"at_least": 1, "at_most": 5}, 5, True), ({"at_most": 3}, "3", False),
    ({"count": 2}, [1, 2], True), ({"count": {"at_most": 1}}, [1, 2], False),
    ({"absent": True}, MISSING, True), ({"absent": True}, None, True), ({"present": True}, None, False),
    ({"contains": {"name": "Size"}}, [{"name": "Size", "value": "L"}], True),
    ({"contains": 2}, [1, 2], True), ({"same_as": "other"}, [1], True), ({"same_as": "other"}, [2], False),
])
def test_other_matchers(matcher, actual, ok):
    found = compare(matcher, actual, "f", (), {"other": [1]})
    assert (found == []) is ok, found


def test_booleans_are_not_numbers_and_numbers_compare_by_value():
    assert compare(True, 1, "f", (), {}) != []
    assert compare(14, 14.0, "f", (), {}) == []


def test_resolve_walks_dicts_and_lists():
    assert resolve(SHIPSTATION_ORDER, "items.0.options.0.value") == "L"
    assert resolve(SHIPSTATION_ORDER, "items.3.sku") is MISSING
    assert resolve(SHIPSTATION_ORDER, "shipTo.street2") is None


def test_absent_and_missing_orders():
    assert texts({"shipstation": {"orders": {1002: {"orderStatus": "shipped"}}}}, WORLD) == [
        "ShipStation order for InkSoft #1002: not found (no ShipStation order with orderKey 'inksoft:1002')"]
    assert texts({"shipstation": {"orders": {1001: {"absent": True}}}}, WORLD) == [
        "ShipStation order for InkSoft #1001: expected none, found order '1001' (awaiting_shipment)"]
    assert texts({"shipstation": {"orders": {1002: {"absent": True}}}}, WORLD) == []


REPORT = {"ok": True, "crashed": False, "error": None, "shipback": None, "import": [
    {"outcome": "created", "order_ref": "#1001", "detail": "awaiting_shipment"},
    {"outcome": "skipped", "order_ref": "#1002", "detail": "no shipping address", "field": "ShippingAddress"},
]}


def test_report_outcomes_as_lists_mappings_and_counts():
    world = FakeWorld(report=REPORT)
    good = {"report": {"ok": True, "import": {
        "created": [1001], "counts": {"created": 1, "failed": 0},
        "skipped": {"#1002": {"field": "ShippingAddress", "detail": {"contains": "address"}}}}}}
    assert texts(good, world) == []
    bad = {"report": {"import": {"created": [1001, 1003], "skipped": {1002: "cancelled"},
                                 "counts": {"skipped": 0}}}}
    assert texts(bad, world) == [
        "report of the last run: field import.counts.skipped: expected 0, got 1",
        "report of the last run: field import.created: expected ['#1001', '#1003'], got ['#1001'] "
        "(#1001: awaiting_shipment)",
        "report of the last run: field import.skipped.#1002.detail: expected 'cancelled', "
        "got 'no shipping address'",
    ]


def test_a_pass_that_did_not_run_and_no_run_at_all_are_said_plainly():
    assert texts({"report": {"shipback": {"written": []}}}, FakeWorld(report=REPORT)) == [
        "report of the last run: field shipback: expected a shipback report, "
        "but the run had no shipback pass"]
    assert texts({"report": {"ok": True}}, FakeWorld()) == [
        "report of the last run: no run yet: add a sync step before this expectation"]


def test_calls_are_counted_by_api_method_and_path():
    world = FakeWorld(calls={("shipstation", "POST", "/orders/createorders"): 3,
                             ("inksoft", "write", None): 0})
    expect = {"calls": {"shipstation POST /orders/createorders": {"at_most": 2}, "inksoft write": 0}}
    assert texts(expect, world) == [
        "calls: field shipstation POST /orders/createorders: expected at most 2, got 3"]


def test_state_and_webhooks():
    world = FakeWorld(webhooks=[{"outcome": "written", "order_ref": "#1001", "detail": "x, order complete"}])
    expect = {"state": {"ledger": {"written": 3}}, "webhooks": {"written": {1001: {"contains": "complete"}}}}
    assert texts(expect, world) == ["state database: field ledger.written: expected 3, got 2"]


def test_a_misspelt_matcher_is_pointed_out():
    [(_, message, _)] = compare({"contain": "Orti"}, "Dana Ortiz", "name", (), {})
    assert message == "expected an object (or did you mean the matcher 'contains'?), got 'Dana Ortiz'"

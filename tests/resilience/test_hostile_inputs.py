"""Hostile inputs, one kind per case (tests/resilience/cases.py), each against the real engine and
both simulators: the run finishes, every other order is imported and written back exactly once, the
bad one is reported with its field, and a later pass, once the APIs answer normally, retries it."""

from __future__ import annotations

from typing import Any

import pytest
from inkship.connector.engine.reports import ReportLine
from inkship.connector.mapping import limits

from tests.e2e.conftest import World
from tests.regressions.support import packages, ready
from tests.resilience.cases import BAD, CASES, GOOD, Case, hostile_webhooks
from tests.resilience.tamper import tampered


def lines_about(reports: list[Any], order_ref: str) -> list[ReportLine]:
    return [line for report in reports if report is not None for line in report.lines
            if line.order_ref == order_ref]


def shipstation_order(world: World, order_id: int) -> dict[str, Any] | None:
    return next((o for o in world.shipstation_orders() if o["orderNumber"] == str(order_id)), None)


def test_there_are_at_least_forty_kinds():
    assert len({case.name for case in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=str)
def test_one_hostile_order_is_its_own_problem(world: World, case: Case) -> None:
    inksoft, shipstation = tampered(world)
    world.add_orders(*(ready(n, Notes=f"order {n}") for n in (*GOOD, BAD)))
    engine = world.engine()
    if case.stage == "import":
        case.install(inksoft, shipstation)
    first = engine.sync()
    world.create_labels(all=True)
    if case.stage == "shipback":
        case.install(inksoft, shipstation)
    world.clock.advance(60)
    second = engine.sync()

    reports = [first.import_report, first.shipback_report, second.import_report, second.shipback_report]
    assert first.ok and second.ok, (first.error, second.error)
    for order_id in GOOD:
        assert len(packages(world, order_id)) == 1, f"#{order_id} not written back exactly once"
    about_bad = lines_about(reports, f"#{BAD}")
    if case.field is None:
        imported = shipstation_order(world, BAD)
        assert imported is not None and limits.violations(imported) == [], "taken as is, within limits"
    else:
        named = [line for line in reports_lines(reports)
                 if line.field == case.field and line.outcome in case.outcomes]
        assert named, [line.to_dict() for line in about_bad] or [
            line.to_dict() for report in reports if report for line in report.lines]

    inksoft.clear()
    shipstation.clear()
    world.inksoft_state.update_order(BAD, {"Notes": "fixed"})
    world.clock.advance(360)  # past the first back-off, still inside the polling overlap
    engine.sync()
    bad_order = shipstation_order(world, BAD)
    if bad_order is not None and bad_order["orderStatus"] == "awaiting_shipment":
        world.create_labels(orderNumbers=[str(BAD)])
    world.clock.advance(60)
    final = engine.sync()
    assert final.ok
    if case.retried:
        assert len(packages(world, BAD)) == 1
    for order_id in GOOD:
        assert len(packages(world, order_id)) == 1, f"#{order_id} written twice"


def reports_lines(reports: list[Any]) -> list[ReportLine]:
    return [line for report in reports if report is not None for line in report.lines]


WEBHOOK_NAMES = [name for name, _, _ in hostile_webhooks(type("W", (), {"shipstation_url": "x"})())]


@pytest.mark.parametrize("name", WEBHOOK_NAMES)
def test_a_hostile_webhook_changes_nothing_and_polling_writes_every_label(world: World, name: str) -> None:
    world.add_orders(*(ready(n) for n in (*GOOD, BAD)))
    engine = world.engine()
    engine.sync()
    world.create_labels(all=True)
    [(_, payload, outcomes)] = [case for case in hostile_webhooks(world) if case[0] == name]

    report = engine.handle_webhook(payload)

    assert report.lines and {line.outcome for line in report.lines} <= outcomes
    world.clock.advance(60)
    assert engine.sync().ok
    for order_id in (*GOOD, BAD):
        assert len(packages(world, order_id)) == 1

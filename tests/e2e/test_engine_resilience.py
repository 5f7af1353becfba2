"""Crashes, timeouts, rate-limit and 5xx storms, fatal errors, dry runs, secrets in logs, and the
whole flow over real sockets."""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from inkship.connector.engine.crashpoints import CRASH_POINTS, SimulatedCrash
from inkship.connector.errors import AuthError

from tests.e2e.conftest import CREDENTIALS, INKSOFT_HOST, SHIPSTATION_HOST, World

WRITE_PATH = "/demo_print_shop/Api2/CreateOrderShipments"


def ready(**fields: Any) -> dict[str, Any]:
    return {"ProductionStatus": "Ready to Ship", "ShippingAddress": True, "Items": [{"Quantity": 2}],
            **fields}


def packages(world: World, order_id: int) -> list[dict[str, Any]]:
    return [p for s in world.inksoft_order(order_id)["Shipments"] for p in s["Packages"]]


def inksoft_writes(world: World) -> int:
    return world.journal_count(INKSOFT_HOST, method="POST", path_prefix=WRITE_PATH)


@pytest.mark.parametrize("crash_at", CRASH_POINTS)
def test_a_crash_at_any_point_then_a_restart_neither_loses_nor_doubles_anything(world, crash_at):
    world.add_orders(ready(ID=1), ready(ID=2), ready(ID=3))
    if crash_at.startswith("import."):
        with pytest.raises(SimulatedCrash):
            world.engine(crash_at=crash_at).sync()
    else:
        world.engine().run_import()
        world.create_labels(all=True)
        with pytest.raises(SimulatedCrash):
            world.engine(crash_at=crash_at).run_shipback()

    world.clock.advance(301)  # a restarted process; the dead one's claims have lapsed
    world.engine().sync()
    world.create_labels(all=True)  # only orders still waiting (none after a ship-back crash)
    world.clock.advance(60)
    restarted = world.engine()
    restarted.sync()

    assert sorted(o["orderNumber"] for o in world.shipstation_orders()) == ["1", "2", "3"]
    assert [len(packages(world, i)) for i in (1, 2, 3)] == [1, 1, 1]
    assert inksoft_writes(world) == 3
    counts = restarted.state.counts()
    assert counts["ledger"] == {"pending": 0, "written": 3, "voided": 0, "skipped": 0}
    assert restarted.state.open_problems() == []


def test_crash_between_inksoft_write_and_ledger_update_is_settled_without_a_second_write(world):
    world.add_orders(ready(ID=5))
    world.subscribe_webhooks()
    world.engine().run_import()
    [label] = world.create_labels(orderNumbers=["5"])
    [hook] = world.webhooks
    with pytest.raises(SimulatedCrash):
        world.engine(crash_at="shipback.after_inksoft_write").handle_webhook(hook)
    assert world.stores[-1].ledger_get(label["shipmentId"]).state == "pending"
    assert len(packages(world, 5)) == 1

    world.clock.advance(301)  # restart: a new engine on the same database file
    restarted = world.engine()
    again = restarted.handle_webhook(hook)  # ShipStation retried the webhook
    polled = restarted.sync()
    assert [line.outcome for line in again.lines] == ["duplicate"]
    assert polled.shipback_report.of("written") == []
    assert len(packages(world, 5)) == 1 and inksoft_writes(world) == 1
    assert restarted.state.ledger_get(label["shipmentId"]).state == "written"


def test_a_timed_out_write_back_is_checked_in_inksoft_and_not_sent_again(world):
    world.add_orders(ready(ID=6))
    engine = world.engine()
    engine.run_import()
    world.create_labels(orderNumbers=["6"])
    world.add_fault(INKSOFT_HOST, id="slow", method="POST", path="CreateOrderShipments", action="delay",
                    delay=120, times=1)
    first = engine.run_shipback()
    [failed] = first.of("failed")
    assert "timed out" in failed.detail.lower() or "timeout" in failed.detail.lower()
    assert [p.kind for p in engine.state.open_problems()] == ["writeback_failed"]

    world.clock.advance(60)
    second = engine.run_shipback()
    assert [line.outcome for line in second.lines] == ["duplicate"]
    assert engine.state.open_problems() == []
    assert inksoft_writes(world) == 1 and len(packages(world, 6)) == 1
    assert engine.state.counts()["ledger"]["written"] == 1


def test_rate_limit_and_server_error_storms_are_survived(world):
    world.add_orders(*(ready() for _ in range(30)))
    world.add_fault(SHIPSTATION_HOST, id="429", method="POST", path="createorders", action="status",
                    status=429, headers={"X-Rate-Limit-Reset": "7", "X-Rate-Limit-Remaining": "0"}, times=3)
    world.add_fault(INKSOFT_HOST, id="503", method="GET", path="GetOrderPackage", action="status",
                    status=503, times=2)
    world.add_fault(SHIPSTATION_HOST, id="502", method="GET", path="^/shipments", action="status", status=502,
                    times=2)
    engine = world.engine()
    report = engine.sync()
    assert report.ok and report.import_report.counts["created"] == 30
    assert 7 in world.sleeps
    world.create_labels(all=True)
    world.add_fault(INKSOFT_HOST, id="500", method="POST", path="CreateOrderShipments", action="status",
                    status=500, when="nth", n=3, times=1)
    world.clock.advance(600)
    shipped = engine.sync().shipback_report
    assert len(shipped.of("written")) == 29 and len(shipped.of("failed")) == 1
    world.clock.advance(600)
    retried = engine.sync().shipback_report
    assert len(retried.of("written")) == 1 and retried.of("failed") == []
    assert inksoft_writes(world) == 31  # 30 written, plus the one that answered 500 before writing
    assert all(len(packages(world, o["ID"])) == 1 for o in world.inksoft_state.list_orders())


def test_shipstation_down_leaves_orders_pending_for_the_next_run(world):
    world.add_orders(ready(ID=8), ready(ID=9))
    world.add_fault(SHIPSTATION_HOST, id="down", method="POST", path="createorders", action="status",
                    status=503)
    engine = world.engine()
    down = engine.sync()
    assert len(down.import_report.of("failed")) == 2 and down.failed
    assert sorted(link.inksoft_id for link in engine.state.pending_links()) == [8, 9]
    world.session.delete(f"{SHIPSTATION_HOST}/__sim/faults", timeout=5).raise_for_status()
    world.clock.advance(3600)  # InkSoft has not changed these orders since
    up = engine.sync()
    assert sorted(line.order_ref for line in up.import_report.of("created")) == ["#8", "#9"]
    assert engine.state.pending_links() == [] and engine.state.open_problems() == []


def test_refused_credentials_stop_the_run_with_a_clear_message_and_no_secret(world):
    world.add_orders(ready(ID=10))
    good = world.make_config()
    bad = replace(good, shipstation=replace(good.shipstation, api_secret="wrong-secret-123"))
    engine = world.engine(config=bad)
    with pytest.raises(AuthError) as err:
        engine.sync()
    assert "wrong-secret-123" not in str(err.value) and err.value.api == "shipstation"
    [run] = engine.state.recent_runs(1)
    assert run.finished_at and run.summary["ok"] is False and "401" in run.summary["error"]
    assert engine.state.get_cursor("import.modified_since") is None


def test_dry_run_reports_everything_and_writes_nothing_anywhere(world):
    world.add_orders(ready(ID=11), ready(ID=12))
    engine = world.engine()
    engine.sync()
    world.create_labels(orderNumbers=["11"])
    world.clock.advance(600)
    world.add_orders(ready(ID=13))
    world.inksoft_state.cancel_order(12)
    before = (engine.state.counts(), engine.state.get_cursor("import.modified_since"),
              engine.state.get_cursor("shipback.created_since"), engine.state.open_problems())
    world.clear_journals()

    report = engine.sync(dry_run=True)
    assert [line.order_ref for line in report.import_report.of("created")] == ["#13"]
    assert [line.order_ref for line in report.import_report.of("cancelled")] == ["#12"]
    assert [line.order_ref for line in report.shipback_report.of("written")] == ["#11"]
    assert report.summary_lines()[0].startswith("Import (dry run): 1 would create")
    assert world.journal_count(SHIPSTATION_HOST, method="POST") == 0
    assert world.journal_count(INKSOFT_HOST, method="POST") == 0
    after = (engine.state.counts(), engine.state.get_cursor("import.modified_since"),
             engine.state.get_cursor("shipback.created_since"), engine.state.open_problems())
    assert after == before
    assert packages(world, 11) == [] and world.shipstation_order("12")["orderStatus"] == "awaiting_shipment"


def test_no_secret_reaches_any_log_line(world, caplog):
    caplog.set_level(logging.DEBUG)
    world.add_orders(ready(ID=14), ready(ID=15), {"ID": 16, "ProductionStatus": "Ready to Ship"})
    world.add_fault(SHIPSTATION_HOST, id="429", method="*", path=".*", action="status", status=429,
                    headers={"X-Rate-Limit-Reset": "1"}, times=2)
    world.subscribe_webhooks()
    engine = world.engine()
    engine.sync()
    world.create_labels(all=True)
    engine.handle_webhook(world.webhooks[0])
    engine.handle_webhook({"resource_url": "https://evil.example/x", "resource_type": "SHIP_NOTIFY"})
    world.clock.advance(600)
    engine.sync()
    key, secret = CREDENTIALS.shipstation_api_key, CREDENTIALS.shipstation_api_secret
    secrets = [key, secret, CREDENTIALS.inksoft_api_key, CREDENTIALS.inksoft_password,
               base64.b64encode(f"{key}:{secret}".encode()).decode()]
    assert len(caplog.records) > 10
    for record in caplog.records:
        text = record.getMessage()
        assert not [s for s in secrets if s in text], text


@pytest.mark.sockets
def test_the_whole_flow_over_real_sockets(socket_world):
    world = socket_world
    world.add_orders(ready(ID=17), ready(ID=18))
    world.subscribe_webhooks()
    engine = world.engine()
    assert engine.sync().import_report.counts["created"] == 2
    world.create_labels(all=True)
    [hook] = world.webhooks
    assert hook["resource_url"].startswith(world.shipstation_url)
    assert len(engine.handle_webhook(hook).of("written")) == 2
    assert [len(packages(world, i)) for i in (17, 18)] == [1, 1]


def test_a_pass_that_fails_whole_is_reported_and_the_other_pass_still_runs(world):
    world.add_orders(ready(ID=19))
    engine = world.engine()
    engine.sync()
    world.create_labels(orderNumbers=["19"])
    world.add_fault(INKSOFT_HOST, id="summaries-down", method="GET", path="GetOrderSummaries",
                    action="status", status=503)
    world.clock.advance(600)
    report = engine.sync()
    assert report.import_report is None and report.error.startswith("import: ")
    assert len(report.shipback_report.of("written")) == 1
    assert report.failed == [report.error]
    [run] = engine.state.recent_runs(1)
    assert run.summary["ok"] is False and run.summary["shipback"]["written"] == 1
    assert engine.state.get_cursor("import.modified_since") < world.clock.now() - timedelta(minutes=5)

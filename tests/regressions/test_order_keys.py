"""Issue 10, defect 2: two InkSoft orders with the same UniqueId (or any two whose derived orderKey
collided) shared one ShipStation order and flipped it between them on every run. The key is now what
InkSoft keeps unique, (StoreId, ID); orders imported under the old UniqueId key keep it; a collision
that still happens is reported for both orders and neither overwrites the other."""

from __future__ import annotations

import sqlite3

import pytest
from inkship.connector.mapping import orders as mapping_orders
from inkship.connector.mapping.orders import MappedOrder, map_order
from inkship.connector.state.migrations import MIGRATIONS, SCHEMA_VERSION

from tests.e2e.conftest import World
from tests.regressions.support import ready, refs
from tests.resilience.tamper import in_orders, setter, tampered

SHARED = "3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10"
ORDER_READS = r"GetOrder(Package)?$"


def test_two_orders_with_one_unique_id_get_two_shipstation_orders_that_stay_put(world):
    inksoft, _ = tampered(world)
    world.add_orders(ready(1001, Notes="first"), ready(1002, Notes="second"))
    for order_id in (1001, 1002):  # InkSoft hands out one UniqueId twice
        inksoft.rewrite(ORDER_READS, in_orders(order_id, setter("UniqueId", SHARED)))
    engine = world.engine()

    assert refs(engine.sync().import_report, "created") == ["#1001", "#1002"]
    world.clock.advance(600)
    again = engine.sync().import_report
    assert refs(again, "unchanged") == ["#1001", "#1002"] and again.of("updated") == []
    notes = {o["orderNumber"]: o["internalNotes"].split("\n")[0] for o in world.shipstation_orders()}
    assert notes == {"1001": "first", "1002": "second"}


def legacy_database(world: World, order_id: int) -> str:
    """A state file as the previous version left it (schema 1), with `order_id` imported under the old
    `inksoft:<UniqueId>` key, and ShipStation holding that order under the same key."""
    order = world.inksoft().get_order(order_id)
    key = f"inksoft:{order['UniqueId'].lower()}"
    mapped = map_order(order, world.engine().status_table, world.config.mapping, None, order_key=key)
    assert isinstance(mapped, MappedOrder)
    [created] = world.shipstation().create_orders([mapped.payload])
    world.close()
    world.db_path.unlink()
    with sqlite3.connect(world.db_path) as conn:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("""INSERT INTO links (order_key, inksoft_id, inksoft_unique_id, store_id,
                        shipstation_order_id, order_number, fingerprint, shipstation_status, pending,
                        updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 'awaiting_shipment', 0, '2026-11-01T00:00:00+00:00')""",
                     (key, order_id, order["UniqueId"], order["StoreId"], created["orderId"],
                      str(order_id), mapped.fingerprint))
    return key


def test_an_existing_database_keeps_the_key_its_orders_were_imported_under(world):
    world.add_orders(ready(2001))
    key = legacy_database(world, 2001)
    engine = world.engine()
    assert engine.state.schema_version == SCHEMA_VERSION and engine.state.schema_version_found == 1

    assert refs(engine.sync().import_report, "unchanged") == ["#2001"]
    world.inksoft_state.update_order(2001, {"Notes": "gift wrap"})
    world.clock.advance(600)
    assert refs(engine.sync().import_report, "updated") == ["#2001"]
    [order] = world.shipstation_orders()  # the same order, not a second one
    assert order["orderKey"] == key and order["internalNotes"].startswith("gift wrap")

    world.subscribe_webhooks()
    world.create_labels(orderNumbers=["2001"])
    assert len(engine.handle_webhook(world.webhooks[-1]).of("written")) == 1


@pytest.fixture
def one_key_for_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key function that collides (the UniqueId key did, for orders sharing a UniqueId)."""
    monkeypatch.setattr(mapping_orders, "order_key_for", lambda order: "inksoft:same")


@pytest.mark.usefixtures("one_key_for_all")
def test_orders_colliding_in_one_pass_are_reported_and_none_is_sent(world):
    world.add_orders(ready(3001), ready(3002), ready(3003))
    report = world.engine().sync().import_report
    assert refs(report, "conflict") == ["#3001", "#3002", "#3003"]
    assert {line.field for line in report.of("conflict")} == {"orderKey"}
    assert world.shipstation_orders() == []


def test_an_order_colliding_with_an_imported_one_does_not_overwrite_it(world, monkeypatch):
    world.add_orders(ready(4001, Notes="the first"))
    engine = world.engine()
    engine.sync()
    [first] = world.shipstation_orders()
    monkeypatch.setattr(mapping_orders, "order_key_for", lambda order: first["orderKey"])
    world.add_orders(ready(4002, Notes="the second"))
    world.clock.advance(600)

    report = engine.sync().import_report

    assert refs(report, "conflict") == ["#4001", "#4002"]
    [still] = world.shipstation_orders()
    assert still["internalNotes"].startswith("the first\n") and still["modifyDate"] == first["modifyDate"]
    problems = {(p.order_ref, p.kind) for p in engine.state.open_problems()}
    assert problems == {("#4001", "key_collision"), ("#4002", "key_collision")}

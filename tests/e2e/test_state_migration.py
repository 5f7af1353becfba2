"""A state database made by the previous version (one store, schema version 1) opened by this one:
links, ledger, cursors, problems and runs all survive, belong to the configured store, and a sync
neither re-creates nor duplicates a ShipStation order nor writes a shipment back twice.

The old database is built from the previous version's DDL (`fixtures/state_schema_v1.sql`, captured
from its migrations) and filled as that version left it: orders imported under its `orderKey` format
(`inksoft:<UniqueId>`), one label written back to InkSoft, cursors, an open problem and a run."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from inkship.connector.mapping.orders import MappedOrder, map_order
from inkship.connector.mapping.shipments import writeback_for
from inkship.connector.mapping.status import StatusTable
from inkship.connector.state.migrations import SCHEMA_VERSION
from inkship.connector.stores import configured_stores

from tests.e2e.conftest import INKSOFT_HOST, World

OLD_SCHEMA = Path(__file__).parent / "fixtures" / "state_schema_v1.sql"
WRITE_PATH = "/demo_print_shop/Api2/CreateOrderShipments"


def ready(**fields: Any) -> dict[str, Any]:
    return {"ProductionStatus": "Ready to Ship", "ShippingAddress": True, "Items": [{"Quantity": 2}],
            **fields}


def imported_by_previous_version(world: World, order_id: int) -> tuple[str, MappedOrder, int]:
    """What the previous version did with a new order: sent to ShipStation keyed `inksoft:<UniqueId>`."""
    order = world.inksoft().get_order(order_id)
    key = f"inksoft:{order['UniqueId'].lower()}"
    store = configured_stores(world.config)[0]
    mapped = map_order(order, StatusTable.from_config({}), store.mapping, None, store_domain=store.domain,
                       order_key=key)
    assert isinstance(mapped, MappedOrder)
    [result] = world.shipstation().create_orders([mapped.payload])
    assert result["success"] and result["orderKey"] == key
    return key, mapped, result["orderId"]


def old_database(path: Path, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA.read_text())
        for table, values in rows.items():
            for row in values:
                conn.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", row)  # noqa: S608


def test_a_single_store_database_of_the_previous_version_moves_forward_with_nothing_lost(world: World):
    world.add_orders(ready(ID=7001), ready(ID=7002), ready(ID=7003, ShippingAddress=False))
    key_1, mapped_1, ss_1 = imported_by_previous_version(world, 7001)
    key_2, mapped_2, ss_2 = imported_by_previous_version(world, 7002)
    [label] = world.create_labels(orderNumbers=["7001"])
    order = world.inksoft().get_order(7001)
    writeback = writeback_for(label, order, {})
    assert writeback is not None
    world.inksoft().create_order_shipment(order, writeback)
    now = world.clock.now().isoformat(timespec="microseconds")
    import_cursor = (world.clock.now() - timedelta(seconds=1)).isoformat(timespec="microseconds")
    old_database(world.db_path, {
        # 7001 shipped and written back (complete): the previous version noted ShipStation's status.
        "links": [(key_1, 7001, order["UniqueId"], order["StoreId"], ss_1, "7001", mapped_1.fingerprint,
                   "shipped", 0, now),
                  (key_2, 7002, None, None, ss_2, "7002", mapped_2.fingerprint, "awaiting_shipment", 0, now)],
        "cursors": [("import.modified_since", import_cursor), ("shipback.created_since", now)],
        "ledger": [(label["shipmentId"], key_1, 7001, label["trackingNumber"], "written", None, 1, None, None,
                    now, now, None)],
        "problems": [(1, "#7003", "skipped", "ShippingAddress", "no shipping address", now, now, None)],
        "runs": [(1, "sync", now, now, '{"ok": true}')],
    })
    orders_before = {o["orderKey"]: o["orderId"] for o in world.shipstation_orders()}
    world.clear_journals()
    world.clock.advance(60)

    engine = world.engine()
    state = engine.state
    assert engine.database.schema_version_found == 1 and state.schema_version == SCHEMA_VERSION
    store = engine.context.state.store
    assert store == "demo_print_shop"
    for key, ss_id in ((key_1, ss_1), (key_2, ss_2)):
        link = state.get_link(key)
        assert link is not None and link.shipstation_order_id == ss_id and link.store == store
    assert state.get_cursor("import.modified_since").isoformat(timespec="microseconds") == import_cursor
    assert state.get_cursor("shipback.created_since").isoformat(timespec="microseconds") == now
    row = state.ledger_get(label["shipmentId"])
    assert row is not None and row.state == "written" and row.store == store
    assert [(p.order_ref, p.kind, p.store) for p in state.open_problems()] == [("#7003", "skipped", store)]
    assert [(run.id, run.store) for run in state.recent_runs()] == [(1, store)]
    assert world.store().counts_by_store() == {store: state.counts()}

    report = engine.sync()
    assert report.ok, report.error
    imported = report.import_report
    assert imported.counts["created"] == imported.counts["updated"] == 0
    assert {line.order_ref for line in imported.of("unchanged")} == {"#7001", "#7002"}
    assert imported.window_start == world.clock.now() - timedelta(seconds=61, minutes=10)
    assert world.journal_count(world.shipstation_url, method="POST", path="/orders/createorders") == 0
    assert {o["orderKey"]: o["orderId"] for o in world.shipstation_orders()} == orders_before
    assert report.shipback_report.counts["written"] == 0
    assert world.journal_count(INKSOFT_HOST, method="POST", path=WRITE_PATH) == 0
    assert len(world.inksoft_order(7001)["Shipments"]) == 1
    assert [p.order_ref for p in state.open_problems()] == ["#7003"]

"""Orders a 0.1 database's Custom Store exported as `inksoft:<UniqueId>` keep that OrderID after the
upgrade to store-and-id keys: the export keeps no links, and ShipStation takes a new OrderID for a new
order. Orders created after the upgrade, and every order of a fresh database, get the new key."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from defusedxml.ElementTree import fromstring
from inkship.connector.customstore.export import export_order, render_export
from inkship.connector.customstore.shipnotify import ShipNotice, find_order
from inkship.connector.mapping.keys import exported_key_for
from inkship.connector.state.store import StateStore

from tests.customstore.test_export_document import EXAMPLE, SETTINGS, mapped, with_changes

OLD_SCHEMA = Path(__file__).parents[1] / "e2e" / "fixtures" / "state_schema_v1.sql"
UNIQUE_KEY = f"inksoft:{EXAMPLE['UniqueId'].lower()}"
UPGRADED = datetime(2026, 12, 1, tzinfo=UTC)


def order_id_exported(order: dict, keys_before: datetime | None) -> str:
    rendered = render_export([export_order(mapped(order), order, SETTINGS, keys_before)], 1)
    return fromstring(rendered.encode()).findtext("Order/OrderID") or ""


def test_an_order_created_before_the_upgrade_keeps_its_old_order_id():
    assert order_id_exported(EXAMPLE, UPGRADED) == UNIQUE_KEY


def test_orders_created_after_the_upgrade_and_fresh_databases_get_the_store_and_id_key():
    newer = with_changes(DateCreated=(UPGRADED + timedelta(minutes=1)).isoformat())
    assert order_id_exported(newer, UPGRADED) == "inksoft:12:58231"
    assert order_id_exported(EXAMPLE, None) == "inksoft:12:58231"


def test_an_order_without_a_unique_id_or_a_readable_date_keeps_the_new_key():
    assert exported_key_for(with_changes(UniqueId=None), "inksoft:12:58231", UPGRADED) == "inksoft:12:58231"
    assert exported_key_for(with_changes(DateCreated="soon"), "inksoft:12:58231", UPGRADED) == (
        "inksoft:12:58231")


def test_only_a_database_made_by_0_1_records_when_it_was_upgraded(tmp_path: Path):
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as conn:
        conn.executescript(OLD_SCHEMA.read_text())
    before = datetime.now(UTC)
    upgraded = StateStore(old)
    first = upgraded.unique_id_keys_before()
    assert first is not None and first >= before
    upgraded.close()
    again = StateStore(old)  # opening it again does not move the moment
    assert again.unique_id_keys_before() == first
    again.close()
    fresh = StateStore(tmp_path / "fresh.sqlite3")
    assert fresh.unique_id_keys_before() is None
    fresh.close()


class OneOrder:
    def get_order(self, inksoft_id: int) -> dict:
        assert inksoft_id == EXAMPLE["ID"]
        return EXAMPLE


class NoLinks:
    def get_link(self, order_key: str) -> None:
        return None


def test_a_ship_notice_for_the_old_order_id_finds_its_order(caplog):
    notice = ShipNotice(order_id=UNIQUE_KEY, order_number="58231", carrier="USPS", service="",
                        tracking_number="9400", ship_date=None, notify_customer=None, items=None)
    with caplog.at_level("WARNING"):
        assert find_order(notice, OneOrder(), NoLinks(), SETTINGS) is EXAMPLE
    assert "unknown OrderID" not in caplog.text

"""The pure comparison of the three views: each drift kind, names the order, kind, field and both
values; nothing is reported when the views agree (a property over generated orders)."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.config import MappingConfig
from inkship.connector.engine.context import LOCKED
from inkship.connector.mapping.orders import MappedOrder, Skip, map_order
from inkship.connector.mapping.status import StatusTable
from inkship.connector.reconcile import drift as kinds
from inkship.connector.reconcile.compare import ADDRESS_FIELDS, find_drift
from inkship.connector.reconcile.labels import label_drift
from inkship.connector.reconcile.views import Views
from inkship.connector.state.store import LedgerRow, Link

from tests.mapping.test_example_order import EXAMPLE_ORDER
from tests.strategies import shipments_for, shippable_orders

TABLE = StatusTable.from_config({})
SHIPSTATION_ORDER_ID = 400_001


def expected(order: dict[str, Any]) -> MappedOrder | Skip:
    return map_order(order, TABLE, MappingConfig(), None)


def mapped(order: dict[str, Any]) -> MappedOrder:
    result = expected(order)
    assert isinstance(result, MappedOrder), result
    return result


def as_imported(order: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """ShipStation's copy of the order as the import sent it, with `changes` made there since."""
    shipstation = {**copy.deepcopy(mapped(order).payload), "orderId": SHIPSTATION_ORDER_ID}
    shipstation.update(changes)
    return shipstation


def link_of(order: dict[str, Any]) -> Link:
    return Link(order_key=mapped(order).order_key, inksoft_id=order["ID"],
                shipstation_order_id=SHIPSTATION_ORDER_ID,
                updated_at="2026-11-02T16:00:00.000000+00:00")


def views(order: dict[str, Any] | None, *, inksoft_id: int = 58231,
          shipstation: list[dict[str, Any]] | None = None, links: list[Link] | None = None,
          labels: list[dict[str, Any]] | None = None, ledger: list[LedgerRow] | None = None) -> Views:
    return Views(in_scope={inksoft_id}, inksoft={inksoft_id: order} if order else {},
                 inksoft_gone=set() if order else {inksoft_id},
                 shipstation_orders=shipstation or [], shipments=labels or [], links=links or [],
                 ledger=ledger or [])


def label(number: int = 1, *, tracking: str | None = None, voided: bool = False) -> dict[str, Any]:
    return {"shipmentId": 700_000 + number, "orderId": SHIPSTATION_ORDER_ID, "voided": voided,
            "trackingNumber": tracking or f"9400100000000000{number:04d}", "carrierCode": "stamps_com",
            "shipDate": "2026-11-02", "shipmentItems": None}


def ledger_row(shipment: dict[str, Any], state: str, order: dict[str, Any] = EXAMPLE_ORDER) -> LedgerRow:
    return LedgerRow(shipment_id=shipment["shipmentId"], order_key=mapped(order).order_key,
                     inksoft_id=order["ID"], tracking_number=shipment["trackingNumber"], state=state,
                     payload=None, attempts=1, created_at="", updated_at="", error=None)


def with_packages(order: dict[str, Any], *tracking: str) -> dict[str, Any]:
    return {**order, "Shipments": [{"ID": 1, "Packages": [{"ID": n, "TrackingNumber": t}
                                                          for n, t in enumerate(tracking)]}]}


def shipped(order: dict[str, Any], *tracking: str, labels: list[dict[str, Any]],
            ledger_states: tuple[str, ...] = ()) -> list[kinds.Drift]:
    """Drift of an imported order with `labels` in ShipStation and packages `tracking` in InkSoft."""
    ledger = [ledger_row(shipment, state) for shipment, state in zip(labels, ledger_states, strict=False)]
    status = "shipped" if any(not shipment["voided"] for shipment in labels) else "awaiting_shipment"
    world = views(with_packages(order, *tracking), shipstation=[as_imported(order, orderStatus=status)],
                  links=[link_of(order)], labels=labels, ledger=ledger)
    return find_drift(world, expected)


# -- orders ------------------------------------------------------------------------------------------


@given(shippable_orders(min_items=1))
def test_views_that_agree_show_no_drift(order: dict[str, Any]) -> None:
    order = {**order, "ID": 58231}
    assert find_drift(views(order, shipstation=[as_imported(order)], links=[link_of(order)]), expected) == []


@given(shippable_orders(min_items=1), st.sampled_from(ADDRESS_FIELDS), st.text(min_size=1, max_size=12))
def test_an_address_field_changed_in_shipstation_is_named_with_both_values(
        order: dict[str, Any], field: str, value: str) -> None:
    order = {**order, "ID": 58231}
    ship_to = mapped(order).payload["shipTo"]
    if ship_to.get(field) == value:
        return
    changed = as_imported(order, shipTo={**ship_to, field: value})

    [drift] = find_drift(views(order, shipstation=[changed], links=[link_of(order)]), expected)

    assert (drift.order, drift.kind, drift.field) == ("#58231", kinds.CONTENT, f"shipTo.{field}")
    assert (drift.inksoft, drift.shipstation) == (ship_to.get(field), value)
    # A shipped or cancelled ShipStation order cannot be updated: then a person must.
    locked = mapped(order).payload["orderStatus"] in LOCKED
    assert drift.repair == (None if locked else kinds.REIMPORT)


def test_a_line_quantity_and_a_removed_line_are_named_by_line_item_key() -> None:
    lines = mapped(EXAMPLE_ORDER).payload["items"]
    changed = [{**lines[0], "quantity": lines[0]["quantity"] + 4}, *lines[2:]]
    found = find_drift(views(EXAMPLE_ORDER, shipstation=[as_imported(EXAMPLE_ORDER, items=changed)],
                             links=[link_of(EXAMPLE_ORDER)]), expected)

    by_field = {d.field: d for d in found}
    first, second = lines[0]["lineItemKey"], lines[1]["lineItemKey"]
    assert by_field[f"items[{first}].quantity"].inksoft == lines[0]["quantity"]
    assert by_field[f"items[{first}].quantity"].shipstation == lines[0]["quantity"] + 4
    assert by_field[f"items[{second}]"].inksoft == f"{lines[1]['sku']} x {lines[1]['quantity']}"
    assert by_field[f"items[{second}]"].shipstation is None
    assert len(found) == 2


def test_an_order_deleted_in_shipstation_is_missing_and_reimported() -> None:
    [drift] = find_drift(views(EXAMPLE_ORDER, links=[link_of(EXAMPLE_ORDER)]), expected)

    assert (drift.kind, drift.inksoft, drift.shipstation, drift.state) == (
        kinds.MISSING_IN_SHIPSTATION, "awaiting_shipment", None, SHIPSTATION_ORDER_ID)
    assert drift.repair == kinds.REIMPORT
    assert drift.order_key == link_of(EXAMPLE_ORDER).order_key


def test_an_order_never_imported_is_missing_but_one_cancelled_before_import_is_not() -> None:
    [drift] = find_drift(views(EXAMPLE_ORDER), expected)
    assert drift.kind == kinds.MISSING_IN_SHIPSTATION
    assert "never imported" in drift.message

    cancelled = {**EXAMPLE_ORDER, "Status": "Canceled", "Cancelled": True}
    assert find_drift(views(cancelled), expected) == []


def test_an_order_inkship_skips_is_not_missing() -> None:
    assert find_drift(views({**EXAMPLE_ORDER, "ShippingAddress": None}), expected) == []


def test_the_orderkey_of_a_linked_order_comes_from_its_link() -> None:
    # A link made under another key scheme: ShipStation's order is found by the link's key.
    link = Link(order_key="inksoft:12:58231", inksoft_id=58231, shipstation_order_id=SHIPSTATION_ORDER_ID)
    shipstation = as_imported(EXAMPLE_ORDER, orderKey="inksoft:12:58231")

    assert find_drift(views(EXAMPLE_ORDER, shipstation=[shipstation], links=[link]), expected) == []


def test_shipstation_order_without_a_link_is_a_missing_link_repaired_by_reimport() -> None:
    [drift] = find_drift(views(EXAMPLE_ORDER, shipstation=[as_imported(EXAMPLE_ORDER)]), expected)

    assert (drift.kind, drift.shipstation, drift.repair) == (kinds.LINK_MISSING, SHIPSTATION_ORDER_ID,
                                                             kinds.REIMPORT)


def test_an_inksoft_order_gone_leaves_an_orphan_or_a_link_to_nothing() -> None:
    link = link_of(EXAMPLE_ORDER)
    [orphan] = find_drift(views(None, shipstation=[as_imported(EXAMPLE_ORDER)], links=[link]), expected)
    [nothing] = find_drift(views(None, links=[link]), expected)

    assert (orphan.kind, orphan.shipstation, orphan.needs_person) == (
        kinds.ORPHAN_IN_SHIPSTATION, "awaiting_shipment", True)
    assert (nothing.kind, nothing.repair, nothing.state) == (kinds.LINK_TO_NOTHING, kinds.FORGET_LINK,
                                                            link.order_key)


def test_an_order_in_scope_but_not_read_is_not_taken_for_gone() -> None:
    unread = Views(in_scope={58231}, inksoft={}, inksoft_gone=set(), shipstation_orders=[], shipments=[],
                   links=[link_of(EXAMPLE_ORDER)])
    assert find_drift(unread, expected) == []


def test_status_drift_is_repairable_only_while_shipstation_can_take_it() -> None:
    link = [link_of(EXAMPLE_ORDER)]
    on_hold_there = as_imported(EXAMPLE_ORDER, orderStatus="on_hold")
    [on_hold] = find_drift(views(EXAMPLE_ORDER, shipstation=[on_hold_there], links=link), expected)
    cancelled_there = find_drift(views(EXAMPLE_ORDER, links=link, shipstation=[
        as_imported(EXAMPLE_ORDER, orderStatus="cancelled", shipTo={"city": "Salem"})]), expected)

    assert (on_hold.field, on_hold.inksoft, on_hold.shipstation, on_hold.repair) == (
        "orderStatus", "awaiting_shipment", "on_hold", kinds.REIMPORT)
    assert cancelled_there and all(d.needs_person for d in cancelled_there)
    assert "cancelled and cannot be updated" in cancelled_there[0].message


def test_shipped_with_a_label_agrees_with_an_open_inksoft_status() -> None:
    shipment = label()
    found = shipped(EXAMPLE_ORDER, shipment["trackingNumber"], labels=[shipment], ledger_states=("written",))
    assert found == []


# -- labels and the ledger ---------------------------------------------------------------------------


def test_a_label_not_written_back_is_repaired_by_the_write_back() -> None:
    shipment = label()
    [drift] = shipped(EXAMPLE_ORDER, labels=[shipment])

    assert (drift.kind, drift.field, drift.inksoft, drift.shipstation) == (
        kinds.WRITEBACK_MISSING, "tracking", None, shipment["trackingNumber"])
    assert (drift.shipment_id, drift.repair) == (shipment["shipmentId"], kinds.WRITE_BACK)


def test_a_label_the_ledger_calls_written_but_inksoft_lacks_needs_a_person() -> None:
    [drift] = shipped(EXAMPLE_ORDER, labels=[label()], ledger_states=("written",))

    assert (drift.kind, drift.state, drift.needs_person) == (kinds.WRITEBACK_MISSING, "written", True)


def test_a_label_settled_as_owing_nothing_is_not_missing() -> None:
    assert shipped(EXAMPLE_ORDER, labels=[label()], ledger_states=("skipped",)) == []


def test_tracking_numbers_compare_without_blanks_and_case() -> None:
    shipment = label(tracking="1Z999AA10123456784")
    found = shipped(EXAMPLE_ORDER, "1z999 aa1 0123 456784", labels=[shipment], ledger_states=("written",))
    assert found == []


def test_a_label_on_two_packages_is_a_double_write_back() -> None:
    shipment = label()
    tracking = shipment["trackingNumber"]
    [drift] = shipped(EXAMPLE_ORDER, tracking, tracking, labels=[shipment], ledger_states=("written",))

    assert (drift.kind, drift.field, drift.inksoft, drift.shipstation, drift.needs_person) == (
        kinds.WRITEBACK_DUPLICATED, "packages", 2, 1, True)


def test_a_package_with_other_tracking_pairs_with_the_missing_label() -> None:
    shipment = label()
    [drift] = shipped(EXAMPLE_ORDER, "1ZTYPO", labels=[shipment], ledger_states=("written",))

    assert (drift.kind, drift.inksoft, drift.shipstation, drift.needs_person) == (
        kinds.WRITEBACK_OTHER_TRACKING, "1ZTYPO", shipment["trackingNumber"], True)


def test_a_package_of_a_manual_shipment_alone_is_not_drift() -> None:
    shipment = label()
    assert shipped(EXAMPLE_ORDER, shipment["trackingNumber"], "SHIPPED-BY-HAND", labels=[shipment],
                   ledger_states=("written",)) == []


def test_a_voided_label_still_on_an_inksoft_package_needs_a_person() -> None:
    shipment = label(voided=True)
    found = shipped(EXAMPLE_ORDER, shipment["trackingNumber"], labels=[shipment], ledger_states=("voided",))

    assert [(d.kind, d.field, d.inksoft, d.shipstation, d.needs_person) for d in found] == [
        (kinds.VOIDED_STILL_SHIPPED, "tracking", shipment["trackingNumber"], "voided", True)]


def test_a_pending_write_back_of_a_voided_label_is_settled_by_the_write_back() -> None:
    shipment = label(voided=True)
    [drift] = shipped(EXAMPLE_ORDER, labels=[shipment], ledger_states=("pending",))

    assert (drift.kind, drift.state, drift.shipstation, drift.repair) == (
        kinds.PENDING_WRITEBACK_VOIDED, "pending", "voided", kinds.WRITE_BACK)


def test_a_shipped_order_deleted_in_shipstation_is_not_created_again_by_fix() -> None:
    complete = {**EXAMPLE_ORDER, "ProductionStatus": "Complete"}
    [drift] = find_drift(views(complete, links=[link_of(complete)]), expected)

    assert (drift.kind, drift.inksoft, drift.needs_person) == (kinds.MISSING_IN_SHIPSTATION, "shipped", True)
    assert "re-create it by hand" in drift.message


@given(st.data())
def test_labels_each_on_one_package_agree_and_one_package_lost_is_one_drift(data: st.DataObject) -> None:
    order = data.draw(shippable_orders(min_items=1))
    labels = data.draw(shipments_for(order))
    live = [s for s in labels if not s["voided"]]
    ledger = {s["shipmentId"]: ledger_row(s, "written" if not s["voided"] else "voided") for s in live}
    key = mapped({**order, "ID": 58231}).order_key

    agreeing = label_drift("#58231", 58231, key, with_packages(order, *(s["trackingNumber"] for s in live)),
                           labels, ledger)
    assert agreeing == []
    if live:
        lost = data.draw(st.sampled_from(live))
        kept = [s["trackingNumber"] for s in live if s is not lost]
        [drift] = label_drift("#58231", 58231, key, with_packages(order, *kept), labels, ledger)
        assert (drift.kind, drift.shipment_id, drift.shipstation) == (
            kinds.WRITEBACK_MISSING, lost["shipmentId"], lost["trackingNumber"])


def test_a_report_line_says_what_fix_did_or_would_do() -> None:
    drift = kinds.Drift("#1002", kinds.CONTENT, "shipTo.city", "Bend", "Salem", "differs", inksoft_id=1002,
                        repair=kinds.REIMPORT)

    first_line = drift.line().splitlines()[0]
    assert first_line == "  #1002 content shipTo.city: InkSoft 'Bend', ShipStation 'Salem' (fix: reimport)"
    assert drift.line(fix_ran=True).endswith("(reimport did not repair it)\n      differs")
    assert "(fixed)" in dataclasses.replace(drift, fixed=True).line(fix_ran=True)
    assert "(needs a person)" in dataclasses.replace(drift, repair=None).line()

"""`/orders` and `/shipments` answered from indexes agree with filtering and sorting every record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask, jsonify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inkship.simulators.clock import SimClock
from inkship.simulators.shipstation import pacific, routes
from inkship.simulators.shipstation.state import ShipStationState

START = datetime(2024, 3, 9, 12, 0, tzinfo=UTC)
STATUSES = ("awaiting_shipment", "awaiting_payment", "shipped", "on_hold")


@pytest.fixture(scope="module")
def account() -> ShipStationState:
    """40 orders created an hour apart, some changed later, some deleted, some labelled."""
    clock = SimClock(frozen_at=START)
    state = ShipStationState(clock)
    for n in range(40):
        state.create_order({
            "orderNumber": f"N-{n % 13:02d}-{n}", "orderKey": f"key-{n}", "orderStatus": STATUSES[n % 4],
            "orderDate": pacific.render_datetime(START.replace(day=1 + n % 7)),
            "paymentDate": None if n % 3 else pacific.render_datetime(START),
            "billTo": {"name": "B"}, "shipTo": {"name": f"Ship {n}", "country": "US"},
            "items": [{"name": "Tee", "sku": f"T{n % 5}", "quantity": 1 + n % 2}]})
        clock.advance(3600)
    ids = [o["orderId"] for o in state.list_orders({"pageSize": "500"})["orders"]]
    state.seed({"tags": [{"tagId": 77, "name": "rush"}]})
    for order_id in ids[::5]:
        state.change_tag({"orderId": order_id, "tagId": 77}, add=True)
        clock.advance(60)
        state.hold_until({"orderId": order_id, "holdUntilDate": "2024-04-01"})
    state.delete_order(ids[7])
    state.create_labels({"orderIds": ids[0:30:4]})  # awaiting_shipment ones (n % 4 == 0)
    clock.advance(600)
    state.void_label({"shipmentId": state.list_shipments({"pageSize": "1"})["shipments"][0]["shipmentId"]})
    return state


def naive_orders(state: ShipStationState, args: dict[str, str]) -> tuple[list[int], int]:
    orders = [o for o in state.orders.values() if o["orderId"] not in state.order_book.inactive]
    if args.get("orderStatus"):
        orders = [o for o in orders if o["orderStatus"] == args["orderStatus"]]
    if args.get("orderNumber"):
        orders = [o for o in orders if o["orderNumber"].startswith(args["orderNumber"])]
    for field in ("modifyDate", "orderDate", "paymentDate", "createDate"):
        start, end = (args.get(field + edge) for edge in ("Start", "End"))
        if start or end:
            orders = [o for o in orders if o[field] is not None
                      and (not start or o[field] >= pacific.parse_pacific(start))
                      and (not end or o[field] <= pacific.parse_pacific(end))]
    field = {"orderdate": "orderDate", "modifydate": "modifyDate", "createdate": "createDate"}.get(
        args.get("sortBy", "").lower())
    by_id = (lambda o: o["orderId"])  # noqa: E731
    key = (lambda o: (o[field] is not None, o[field] or 0, o["orderId"])) if field else by_id
    orders.sort(key=key, reverse=args.get("sortDir") == "DESC")
    size, page = int(args.get("pageSize", 100)), int(args.get("page", 1))
    return [o["orderId"] for o in orders[(page - 1) * size:page * size]], len(orders)


def pacific_text(hours: int) -> str:
    """A filter bound some hours after the first order was made, as ShipStation's Pacific text."""
    return pacific.render_datetime(START + timedelta(hours=hours)) or ""


queries = st.fixed_dictionaries({}, optional={
    "orderStatus": st.sampled_from(STATUSES),
    "orderNumber": st.sampled_from(["N-0", "N-01", "N-12-", "X"]),
    "sortBy": st.sampled_from(["OrderDate", "ModifyDate", "CreateDate"]),
    "sortDir": st.sampled_from(["ASC", "DESC"]),
    "pageSize": st.integers(1, 15).map(str),
    "page": st.integers(1, 5).map(str),
    "modifyDateStart": st.integers(0, 45).map(pacific_text),
    "modifyDateEnd": st.integers(0, 45).map(pacific_text),
    "createDateStart": st.integers(0, 45).map(pacific_text),
    "paymentDateEnd": st.integers(0, 45).map(pacific_text),
})


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(args=queries)
def test_orders_list_matches_a_full_scan(account: ShipStationState, args: dict[str, str]) -> None:
    listing = account.list_orders(args)
    assert ([o["orderId"] for o in listing["orders"]], listing["total"]) == naive_orders(account, args)
    assert listing["orders"] == [account.get_order(o["orderId"]) for o in listing["orders"]]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(args=st.fixed_dictionaries({}, optional={
    "sortBy": st.sampled_from(["ShipDate", "CreateDate"]), "sortDir": st.sampled_from(["ASC", "DESC"]),
    "pageSize": st.integers(1, 6).map(str), "page": st.integers(1, 3).map(str),
    "voidDateStart": st.integers(0, 60).map(pacific_text),
    "createDateStart": st.integers(30, 60).map(pacific_text),
    "orderId": st.sampled_from(["0", "100000002", "100000006"]), "includeShipmentItems": st.just("true")}))
def test_shipments_list_matches_a_full_scan(account: ShipStationState, args: dict[str, str]) -> None:
    listing = account.list_shipments(args)
    records = list(account.shipments.values())
    if "orderId" in args:
        records = [s for s in records if s["orderId"] == int(args["orderId"])]
    for field in ("voidDate", "createDate"):
        if field + "Start" in args:
            start = pacific.parse_pacific(args[field + "Start"])
            records = [s for s in records if s[field] is not None and s[field] >= start]
    field = {"shipdate": "shipDate", "createdate": "createDate"}.get(args.get("sortBy", "").lower())
    default = lambda s: (s["createDate"], s["shipmentId"])  # noqa: E731
    key = (lambda s: (s[field] is not None, s[field] or 0, default(s))) if field else default
    records.sort(key=key, reverse=args.get("sortDir") == "DESC")
    size, page = int(args.get("pageSize", 100)), int(args.get("page", 1))
    assert [s["shipmentId"] for s in listing["shipments"]] == \
        [s["shipmentId"] for s in records[(page - 1) * size:page * size]]
    assert listing["total"] == len(records)


def test_bulk_labels_count_each_orders_units_from_its_own_labels() -> None:
    state = ShipStationState(SimClock(frozen_at=START))
    for n in range(3):
        state.create_order({"orderNumber": f"B-{n}", "orderKey": f"b-{n}", "orderStatus": "awaiting_shipment",
                            "orderDate": "2024-03-01T10:00:00", "billTo": {"name": "B"},
                            "shipTo": {"name": "S"}, "items": [{"name": "Tee", "sku": "T", "quantity": 3}]})
    [first, *others] = [o["orderId"] for o in state.list_orders({})["orders"]]
    made = state.create_labels({"orderIds": [first], "items": [{"lineItemKey": "T", "quantity": 1}]})
    assert [s["shipmentItems"][0]["quantity"] for s in made["shipments"]] == [1]
    state.create_labels({"all": True})
    assert [state.get_order(i)["orderStatus"] for i in (first, *others)] == ["shipped"] * 3
    units = [s["shipmentItems"][0]["quantity"] for s in state.list_shipments(
        {"includeShipmentItems": "true"})["shipments"]]
    assert units == [1, 2, 3, 3]  # the first order's second label carries only what was left


@pytest.mark.parametrize("args", [{"pageSize": "7", "page": "2", "sortBy": "ModifyDate"},
                                  {"pageSize": "1"}, {"pageSize": "7", "page": "99"}],
                         ids=["several", "one", "none"])
def test_orders_page_is_the_bytes_jsonify_would_answer(account: ShipStationState, args: dict) -> None:
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # as the simulator's app
    with app.test_request_context():
        spliced = routes._spliced(account.list_orders(args, encode=routes._json_bytes), "orders")
        assert spliced.get_data() == jsonify(account.list_orders(args)).get_data()
        assert spliced.mimetype == "application/json"

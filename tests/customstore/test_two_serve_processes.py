"""Issue 10, defect 8: ship notices with two `inkship serve` processes. A notice is acknowledged only once
the ledger holds it settled; a failed write is released and the next notice or the polling pass
writes it; a notice InkSoft refuses becomes a reported problem, not a pending row for ever."""

from __future__ import annotations

from defusedxml.ElementTree import fromstring
from inkship.connector.customstore.shipnotify import NOTICE_REJECTED, ledger_id, retry_pending_notices
from inkship.connector.mapping.orders import order_key_for

from tests.customstore import test_endpoint_shipnotify
from tests.customstore.test_endpoint_shipnotify import TRACKING, lines, notice_xml, packages, post

order = test_endpoint_shipnotify.order  # the fixture: an order of 3 + 2 units with an address

OTHER_TRACKING = "1Z999AA10123456784"


def key_of(order: dict, tracking: str = TRACKING) -> int:
    return ledger_id(f"shipnotify:{order_key_for(order)}:{tracking}")


def fail_inksoft_writes(world, times: int = 1, status: int = 503) -> None:
    world.add_fault(world.inksoft_url, id=f"write-{status}", method="POST", path="CreateOrderShipments",
                    action="status", status=status, times=times,
                    body={"Messages": [{"Content": "Order is locked"}]})


def test_a_notice_another_process_is_writing_is_not_acknowledged(cs_world, order):
    body = notice_xml(order, [(lines(order)[0], 3)])
    # The other `inkship serve` has claimed this notice and is writing it to InkSoft right now.
    other = cs_world.store()
    claim = other.ledger_claim(key_of(order), order_key=order_key_for(order), inksoft_id=order["ID"],
                               tracking_number=TRACKING, payload={})
    assert claim is not None

    answered = post(cs_world, order, body)

    assert answered.status_code == 503, answered.get_data(as_text=True)
    assert packages(cs_world, order) == []
    # Its write fails and it gives the claim back; ShipStation's next attempt writes the notice once.
    other.ledger_release(key_of(order), "InkSoft answered 503")
    assert post(cs_world, order, body).status_code == 200
    assert len(packages(cs_world, order)) == 1
    assert cs_world.store().ledger_get(key_of(order)).state == "written"


def test_a_failed_write_is_released_and_the_next_notice_writes_it(cs_world, order):
    second = cs_world.add_orders({"ShippingAddress": True, "Items": [{"Quantity": 1}]})[0]
    fail_inksoft_writes(cs_world)
    assert post(cs_world, order, notice_xml(order, [(lines(order)[0], 3)])).status_code == 503
    row = cs_world.store().ledger_get(key_of(order))
    assert row.state == "pending" and row.payload

    # Another label's notice: the endpoint writes it, then the one left pending.
    other = post(cs_world, second, notice_xml(second, None, tracking=OTHER_TRACKING), tracking=OTHER_TRACKING)

    assert other.status_code == 200
    assert [p["TrackingNumber"] for p in packages(cs_world, order)] == [TRACKING]
    assert cs_world.store().ledger_get(key_of(order)).state == "written"


def test_the_polling_pass_writes_a_released_notice_once(cs_world, order):
    fail_inksoft_writes(cs_world)
    assert post(cs_world, order, notice_xml(order, [(lines(order)[0], 3)])).status_code == 503

    engine = cs_world.engine(config=cs_world.cs_config)
    first = retry_pending_notices(engine)
    second = retry_pending_notices(engine)

    assert first == [(f"#{order['ID']}", "written")] and second == []
    [package] = packages(cs_world, order)
    assert sum(item["Quantity"] for item in package["Items"]) == 3
    assert cs_world.store().ledger_pending() == []


def test_a_retry_writes_only_units_still_owed(cs_world, order):
    first_line = lines(order)[0]
    fail_inksoft_writes(cs_world)
    assert post(cs_world, order, notice_xml(order, [(first_line, 3)])).status_code == 503
    # Meanwhile a second label shipped two of those three units; its notice also retries the first.
    assert post(cs_world, order, notice_xml(order, [(first_line, 2)], tracking=OTHER_TRACKING),
                tracking=OTHER_TRACKING).status_code == 200

    shipped = {p["TrackingNumber"]: sum(i["Quantity"] for i in p["Items"]) for p in packages(cs_world, order)}
    assert shipped == {OTHER_TRACKING: 2, TRACKING: 1}


def test_a_notice_inksoft_rejects_becomes_a_problem_not_an_eternal_pending_row(cs_world, order):
    fail_inksoft_writes(cs_world, times=5, status=400)

    answered = post(cs_world, order, notice_xml(order, [(lines(order)[0], 3)]))

    assert answered.status_code == 200
    assert fromstring(answered.data).findtext("Status") == "rejected"
    store = cs_world.store()
    row = store.ledger_get(key_of(order))
    assert row.state == "skipped" and "Order is locked" in row.error
    [problem] = store.open_problems(NOTICE_REJECTED)
    assert problem.order_ref == f"#{order['ID']}" and "Order is locked" in problem.message
    assert store.open_problems("writeback_failed") == []
    assert store.ledger_pending() == []
    assert retry_pending_notices(cs_world.engine(config=cs_world.cs_config)) == []
    assert packages(cs_world, order) == []


def test_a_notice_naming_another_orders_lines_is_refused_and_leaves_no_pending_row(cs_world, order):
    answered = post(cs_world, order, notice_xml(order, [("no-such-line", 1)]))

    assert answered.status_code == 400
    store = cs_world.store()
    assert store.ledger_pending() == []
    assert [p.kind for p in store.open_problems()] == [NOTICE_REJECTED]

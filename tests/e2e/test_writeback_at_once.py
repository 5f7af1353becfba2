"""Several write-backs in flight at once (`inksoft.write_concurrency`), over real sockets: every label
is written once, each order's split labels in label order (units counted, completed last), connections
dropped at random are settled by later passes, and the pass never holds more calls open than asked."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from inkship.connector.errors import ServerError
from inkship.simulators.clock import SimClock
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app as create_shipstation_app

from tests.e2e.conftest import CREDENTIALS, T0, World, hook_receiver

TWO_LINES = [{"Quantity": 2, "UnitPrice": 12.0}, {"Quantity": 1, "UnitPrice": 20.0}]
ORDERS = 24


class InFlight:
    """WSGI wrapper counting the InkSoft write-backs being answered at once, and the most seen."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.now = self.most = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        writing = environ.get("PATH_INFO", "").endswith("/CreateOrderShipments")
        if writing:
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
        try:
            return list(self.app(environ, start_response))
        finally:
            if writing:
                with self._lock:
                    self.now -= 1


@pytest.fixture
def counted_world(tmp_path: Path) -> Iterator[tuple[World, InFlight]]:
    clock = SimClock(frozen_at=T0)
    webhooks: list[dict[str, Any]] = []
    inksoft_app = create_inksoft_app({"clock": clock, "credentials": CREDENTIALS})
    shipstation_app = create_shipstation_app({"clock": clock, "credentials": CREDENTIALS, "rate_limit": None})
    in_flight = InFlight(inksoft_app)
    with ThreadedServer(hook_receiver(webhooks)) as hooks, ThreadedServer(in_flight, threads=8) as inksoft, \
            ThreadedServer(shipstation_app) as shipstation:
        world = World(tmp_path, inksoft_url=inksoft.url, shipstation_url=shipstation.url,
                      session=requests.Session(), inksoft_app=inksoft_app, shipstation_app=shipstation_app,
                      clock=clock, webhooks=webhooks, hooks_url=hooks.url, rate_limit=None)
        try:
            yield world, in_flight
        finally:
            world.close()
            world.session.close()


def with_concurrency(world: World, threads: int) -> None:
    world.config = dataclasses.replace(world.config, inksoft=dataclasses.replace(world.config.inksoft,
                                                                                 write_concurrency=threads))


def split_labels(world: World, order_number: str) -> None:
    """Two labels for one order: its first line, then its second."""
    first, second = world.shipstation_order(order_number)["items"]
    for line, quantity in ((first, 2), (second, 1)):
        world.create_labels(orderNumbers=[order_number], items=[{"lineItemKey": line["lineItemKey"],
                                                                 "quantity": quantity}])


def units_by_package(world: World, order_id: int) -> list[int]:
    return [sum(item["Quantity"] for item in package["Items"])
            for shipment in world.inksoft_order(order_id)["Shipments"] for package in shipment["Packages"]]


def test_labels_written_at_once_each_once_in_label_order_through_dropped_connections(counted_world):
    world, in_flight = counted_world
    with_concurrency(world, 4)
    world.add_orders(*({"ID": 100 + n, "ProductionStatus": "Ready to Ship", "ShippingAddress": True,
                        "Items": TWO_LINES} for n in range(ORDERS)))
    world.engine().sync()
    for n in range(ORDERS):
        split_labels(world, str(100 + n))
    # Some connections dropped after InkSoft wrote the package (the answer lost: the next pass must find
    # it on the order, not write it again), some before; the rest answered slowly enough to overlap.
    # (The first rule that fires wins.)
    for stage, probability in (("after", 0.2), ("before", 0.15)):
        world.add_fault(world.inksoft_url, id=f"lost-{stage}", method="POST", path="CreateOrderShipments",
                        action="drop", stage=stage, when="probability", probability=probability, seed=7)
    world.add_fault(world.inksoft_url, id="slow", method="POST", path="CreateOrderShipments",
                    action="delay", delay=0.05)

    passes = 0
    engine = world.engine()
    while engine.state.counts()["ledger"]["pending"] or passes == 0:
        passes += 1
        assert passes <= 12, f"write-backs still pending after {passes - 1} passes"
        world.clock.advance(301)  # a lapsed claim (a dropped answer) is taken up again
        engine.sync()

    assert passes > 1  # the drops left work for later passes, which settled it
    assert engine.state.counts()["ledger"] == {"pending": 0, "written": 2 * ORDERS, "voided": 0,
                                               "skipped": 0}
    for n in range(ORDERS):
        assert units_by_package(world, 100 + n) == [2, 1]  # once each, the first label first
        assert world.inksoft_order(100 + n)["ProductionStatus"] == "Complete"
    assert 1 < in_flight.most <= 4


def test_one_at_a_time_when_asked(counted_world):
    world, in_flight = counted_world
    with_concurrency(world, 1)
    world.add_orders(*({"ID": 200 + n, "ProductionStatus": "Ready to Ship", "ShippingAddress": True,
                        "Items": [{"Quantity": 1}]} for n in range(6)))
    world.engine().sync()
    world.create_labels(all=True)
    world.add_fault(world.inksoft_url, id="slow", method="POST", path="CreateOrderShipments",
                    action="delay", delay=0.05)
    world.clock.advance(60)
    report = world.engine().sync()
    written = [line.order_ref for line in report.shipback_report.of("written")]
    assert written == [f"#{200 + n}" for n in range(6)]
    assert in_flight.most == 1


def test_orders_are_read_and_written_a_page_at_a_time_and_a_page_inksoft_cannot_give_waits(world):
    world.config = dataclasses.replace(world.config, inksoft=dataclasses.replace(
        world.config.inksoft, page_size=2, write_concurrency=2))
    world.add_orders(*({"ID": 300 + n, "ProductionStatus": "Ready to Ship", "ShippingAddress": True,
                        "Items": [{"Quantity": 1}]} for n in range(5)))
    world.engine().sync()
    world.create_labels(all=True)
    world.clock.advance(60)
    engine = world.engine()
    reads: list[list[int]] = []
    read_orders = engine.context.inksoft.get_orders

    def second_page_down(ids: list[int]) -> list[dict[str, Any]]:
        reads.append(list(ids))
        if len(reads) == 2:
            raise ServerError("InkSoft answered 503 after every retry", api="inksoft", status=503)
        return read_orders(ids)

    engine.context.inksoft.get_orders = second_page_down  # type: ignore[method-assign]
    report = engine.run_shipback()
    assert reads == [[300, 301], [302, 303]]  # one page of InkSoft orders held at a time
    assert [line.order_ref for line in report.of("written")] == ["#300", "#301"]
    assert [line.order_ref for line in report.of("failed")] == ["#302", "#303", "#304"]
    assert "earlier page" in report.of("failed")[-1].detail

    world.clock.advance(60)
    later = world.engine().run_shipback()
    assert sorted(line.order_ref for line in later.of("written")) == ["#302", "#303", "#304"]
    assert world.engine().state.counts()["ledger"] == {"pending": 0, "written": 5, "voided": 0, "skipped": 0}

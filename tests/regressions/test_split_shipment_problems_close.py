"""Issue 10, defect 6: an order shipped in two labels, made one after the other, left a "conflict"
open and made a pass exit 1 although everything went through: the first write-back changed the InkSoft
order, ShipStation had shipped it by the next import, and the change was taken for an edit ShipStation
refused. Problems close when the thing they describe is resolved."""

from __future__ import annotations

from inkship.connector.commands.sync import report_failed

from tests.regressions.support import packages, ready


def test_an_order_shipped_in_two_labels_leaves_no_problem_and_every_pass_exits_0(world):
    two_lines = [{"Quantity": 2, "UnitPrice": 12.0}, {"Quantity": 1, "UnitPrice": 20.0}]
    world.add_orders(ready(61, Items=two_lines))
    engine = world.engine()
    assert not report_failed(engine.sync())
    for item in world.shipstation_order("61")["items"]:
        world.clock.advance(400)
        world.create_labels(orderNumbers=["61"],
                            items=[{"lineItemKey": item["lineItemKey"], "quantity": item["quantity"]}])
        world.clock.advance(400)
        report = engine.sync()
        assert not report_failed(report), report.summary_lines()
        assert report.import_report.of("conflict") == []
    world.clock.advance(400)
    assert not report_failed(engine.sync())
    assert engine.state.open_problems() == []
    assert len(packages(world, 61)) == 2
    assert world.inksoft_order(61)["ProductionStatus"] == "Complete"


def test_a_conflict_closes_once_inksoft_agrees_with_shipstation(world):
    world.add_orders(ready(62))
    engine = world.engine()
    engine.sync()
    world.create_labels(orderNumbers=["62"])
    world.sim_post(world.inksoft_url, "/__sim/faults", {"id": "down", "path": "CreateOrderShipments",
                                                         "action": "status", "status": 500})
    world.inksoft_state.update_order(62, {"Notes": "edited after shipping"})
    world.clock.advance(600)
    assert len(engine.run_import().of("conflict")) == 1  # a real edit ShipStation can no longer take
    world.session.delete(f"{world.inksoft_url}/__sim/faults", timeout=10)
    world.clock.advance(600)
    engine.sync()  # the label is written back: InkSoft marks the order Complete
    world.clock.advance(600)
    engine.sync()
    assert engine.state.open_problems("conflict") == []

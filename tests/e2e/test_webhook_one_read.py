"""Issue 12: a SHIP_NOTIFY webhook is written back with one ShipStation read per page of its batch: the
resource_url itself, asked for its items (shipstation.resource_url_items), instead of the URL and then
a second listing for the items."""

from __future__ import annotations

import dataclasses

import pytest

from tests.e2e.conftest import SHIPSTATION_HOST

ORDERS = 20


@pytest.mark.parametrize(("items_in_url", "reads"), [(True, 1), (False, 2)])
def test_a_webhook_costs_one_shipstation_read_with_items_in_the_resource_url(world, items_in_url, reads):
    config = dataclasses.replace(world.config, shipstation=dataclasses.replace(
        world.config.shipstation, resource_url_items=items_in_url))
    world.add_orders(*({"ProductionStatus": "Ready to Ship", "ShippingAddress": True} for _ in range(ORDERS)))
    world.subscribe_webhooks()
    engine = world.engine(config=config)
    engine.run_import()
    numbers = [order["orderNumber"] for order in world.shipstation_orders()]
    world.create_labels(orderNumbers=numbers[:5])
    # A split order: two labels for one order, each with some of its units, so items matter.
    [order] = [o for o in world.shipstation_orders() if o["orderNumber"] == numbers[5]]
    first_line = order["items"][0]
    world.create_labels(orderNumbers=[numbers[5]], items=[{"lineItemKey": first_line["lineItemKey"],
                                                           "quantity": 1}])
    world.clear_journals()

    reports = [engine.handle_webhook(hook) for hook in world.webhooks]

    assert sum(len(report.of("written")) for report in reports) == 6
    assert world.journal_count(SHIPSTATION_HOST) == reads * len(world.webhooks)
    split = world.inksoft_order(int(numbers[5]))
    [package] = [p for shipment in split["Shipments"] for p in shipment["Packages"]]
    assert sum(item["Quantity"] for item in package["Items"]) == 1

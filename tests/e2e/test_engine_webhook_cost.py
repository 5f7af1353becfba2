"""What one SHIP_NOTIFY costs under ShipStation's 40 calls a minute: bulk labels for a hundred orders
are announced by one webhook, and handling it takes a couple of ShipStation GETs, not one per order,
even when it is handled after many later labels."""

from __future__ import annotations

import dataclasses

from tests.e2e.conftest import SHIPSTATION_HOST

ORDERS = 100
# The webhook's own resource_url, and the batch listed again with its items (one page per 500 labels).
CALLS_PER_BATCH = 2


def test_one_webhook_for_a_hundred_labels_costs_a_couple_of_shipstation_gets(world):
    world.add_orders(*({"ProductionStatus": "Ready to Ship", "ShippingAddress": True} for _ in range(ORDERS)))
    world.subscribe_webhooks()
    engine = world.engine()
    engine.run_import()
    world.create_labels(all=True)
    [hook] = world.webhooks
    world.clear_journals()

    report = engine.handle_webhook(hook)

    assert len(report.of("written")) == ORDERS
    assert world.journal_count(SHIPSTATION_HOST, method="GET") <= CALLS_PER_BATCH
    assert world.journal_count(SHIPSTATION_HOST) == world.journal_count(SHIPSTATION_HOST, method="GET")


def test_a_webhook_handled_after_many_later_labels_still_lists_only_its_own_span(world):
    page_size = 10
    config = dataclasses.replace(world.config, shipstation=dataclasses.replace(world.config.shipstation,
                                                                               page_size=page_size))
    world.add_orders(*({"ProductionStatus": "Ready to Ship", "ShippingAddress": True}
                       for _ in range(3 * page_size)))
    world.subscribe_webhooks()
    engine = world.engine(config=config)
    engine.run_import()
    numbers = [order["orderNumber"] for order in world.shipstation_orders()]
    world.create_labels(orderNumbers=numbers[:page_size // 2])
    world.clock.advance(3 * 3600)
    world.create_labels(orderNumbers=numbers[page_size // 2:])  # two pages more, labelled later
    first = world.webhooks[0]
    world.clear_journals()

    report = engine.handle_webhook(first)

    assert len(report.of("written")) == page_size // 2
    assert world.journal_count(SHIPSTATION_HOST, method="GET") <= CALLS_PER_BATCH

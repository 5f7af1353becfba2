"""The Custom Store round trip over a real socket: ShipStation's simulator pulls the connector's endpoint
(served by werkzeug on port 0, as `inkship serve` serves it) and posts the ship notice back to it."""

from __future__ import annotations

import pytest
from inkship.simulators.server import ThreadedServer

from tests.customstore.conftest import CUSTOM_STORE_ID, PATH, shipstation_store

pytestmark = pytest.mark.sockets


def test_pull_and_ship_notice_over_a_socket(cs_world):
    order = cs_world.add_orders({"ShippingAddress": True, "Items": [{"Quantity": 2}]})[0]
    with ThreadedServer(cs_world.endpoint_app) as server:
        cs_world.shipstation_sim.state.seed({"stores": [shipstation_store(
            cs_world.cs_config, integrationUrl=server.url + PATH)]})
        cs_world.clock.advance(60)
        assert cs_world.refresh_store()["refreshStatus"] == "Completed"
        [pulled] = cs_world.store_orders()
        assert pulled["orderNumber"] == str(order["ID"])
        [label] = cs_world.create_labels(orderIds=[pulled["orderId"]])
    [shipment] = cs_world.inksoft_order(order["ID"])["Shipments"]
    assert [p["TrackingNumber"] for p in shipment["Packages"]] == [label["trackingNumber"]]
    assert cs_world.store_orders()[0]["advancedOptions"]["storeId"] == CUSTOM_STORE_ID

"""What `given` puts into the simulators: generated orders and lines, seed documents."""

from __future__ import annotations

from inkship.scenarios.seeds import generated_orders, inksoft_seed, shipstation_seed


def test_generated_orders_number_their_ids_strings_and_lines():
    spec = {"count": 3, "first_id": 500, "order": {"FirstName": "Buyer {n}", "ShippingAddress": True},
            "lines": {"count": 2, "item": {"ProductSku": "SKU-{n}-{line}", "Quantity": 1}}}
    orders = generated_orders(spec)
    assert [o["ID"] for o in orders] == [500, 501, 502]
    assert [o["FirstName"] for o in orders] == ["Buyer 1", "Buyer 2", "Buyer 3"]
    assert [i["ProductSku"] for i in orders[2]["Items"]] == ["SKU-3-1", "SKU-3-2"]
    assert spec["order"]["FirstName"] == "Buyer {n}"  # the template is left as it was


def test_generated_orders_without_ids_let_the_simulator_number_them():
    assert generated_orders({"count": 2}) == [{}, {}]


def test_the_inksoft_seed_holds_given_then_generated_orders():
    seed = inksoft_seed({"stores": [{"StoreUri": "s"}], "orders": [{"ID": 1}],
                         "generate": {"count": 1, "first_id": 2}})
    assert seed == {"stores": [{"StoreUri": "s"}], "orders": [{"ID": 1}, {"ID": 2}]}


def test_the_shipstation_seed_subscribes_the_receiver_only_when_asked():
    given = {"orders": [{"orderNumber": "X"}], "rate_limit": 5}
    assert shipstation_seed(given, None, None) == {"orders": [{"orderNumber": "X"}]}
    assert shipstation_seed({}, "http://r/webhooks/shipstation/t", 310001) == {"webhooks": [
        {"target_url": "http://r/webhooks/shipstation/t", "event": "SHIP_NOTIFY", "store_id": 310001}]}

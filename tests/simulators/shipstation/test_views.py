"""The HTML pages: tick orders, press "Create labels", see shipments and void one, see webhooks."""

from __future__ import annotations

from tests.simulators.shipstation.conftest import ApiClient, create


def test_orders_page_lists_orders_with_checkboxes(api: ApiClient) -> None:
    order = create(api)
    create(api, number="PAY-1", key="pay", orderStatus="awaiting_payment")
    page = api.client.get("/__sim/ui/orders").get_data(as_text=True)
    assert "INK-1001" in page and "PAY-1" in page and "Create labels" in page
    assert f'name="orderId" value="{order["orderId"]}"' in page
    assert page.count('type="checkbox"') == 1  # only orders that can ship get a box
    assert api.client.get("/").headers["Location"].endswith("/__sim/ui/orders")


def test_create_labels_button_then_void_from_the_shipments_page(api: ApiClient) -> None:
    first = create(api)
    second = create(api, number="INK-1002", key="k2")
    response = api.client.post("/__sim/ui/labels", data={"orderId": [first["orderId"], second["orderId"]],
                                                         "carrierCode": "fedex"}, follow_redirects=True)
    assert "Created 2 label(s)." in response.get_data(as_text=True)
    shipments = api.get("/shipments").json["shipments"]
    assert [s["carrierCode"] for s in shipments] == ["fedex", "fedex"]
    page = api.client.get("/__sim/ui/shipments").get_data(as_text=True)
    assert shipments[0]["trackingNumber"] in page and "Void" in page
    api.client.post("/__sim/ui/void", data={"shipmentId": shipments[0]["shipmentId"]})
    assert api.get(f"/orders/{first['orderId']}").json["orderStatus"] == "awaiting_shipment"
    assert "voided" in api.client.get("/__sim/ui/shipments").get_data(as_text=True)


def test_create_labels_button_reports_refusals(api: ApiClient) -> None:
    response = api.client.post("/__sim/ui/labels", data={}, follow_redirects=True)
    assert "Not created" in response.get_data(as_text=True)


def test_webhooks_page(api: ApiClient) -> None:
    api.post("/webhooks/subscribe", {"target_url": "http://receiver.test/hooks/a", "event": "SHIP_NOTIFY"})
    page = api.client.get("/__sim/ui/webhooks").get_data(as_text=True)
    assert "http://receiver.test/hooks/a" in page and "SHIP_NOTIFY" in page

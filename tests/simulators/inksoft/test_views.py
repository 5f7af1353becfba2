"""The InkSoft simulator's pages through Flask's test client: a shop creates an order (typed in or from a
template), moves it between statuses, edits the ship-to and deletes it; every action moves DateModified
(what the connector's import window reads), is journaled, and a bad value is a 400 naming the field."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from inkship.simulators.clock import SimClock
from inkship.simulators.inksoft.state import InkSoftState

from tests.page_forms import csrf_token

from .conftest import STORE, Api2

ADDRESS = {"Name": "Robin Banks", "Street1": "5 Quay St", "City": "Bend", "State": "OR", "PostCode": "97701",
           "CountryCode": "us", "Phone": "541-555-0100"}
NEW_ORDER = {"StoreUri": STORE, "ProductionStatus": "Open", "FirstName": "Robin", "LastName": "Banks",
             "Email": "robin@example.com", "ProductName": "Club Hoodie", "ColorwayName": "Forest",
             "Size": "L", "Quantity": "2", "PrintMethod": "Embroidery", "has_address": "on", **ADDRESS}


def _post(client: FlaskClient, path: str, data: dict) -> object:
    return client.post(path, data={"csrf_token": csrf_token(client, "/__sim/ui/orders/new"), **data})


def _create(client: FlaskClient, **changes: str) -> int:
    response = _post(client, "/__sim/ui/orders", {**NEW_ORDER, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)  # type: ignore[attr-defined]
    return int(response.headers["Location"].split("/orders/")[1].split("?")[0])  # type: ignore[attr-defined]


def test_an_order_from_the_short_form(client: FlaskClient, api: Api2) -> None:
    order_id = _create(client)
    order = api.data("GetOrder", OrderId=order_id)
    assert order["ProductionStatus"] == "Open" and order["Email"] == "robin@example.com"
    assert order["ShippingAddress"]["City"] == "Bend" and order["ShippingAddress"]["CountryCode"] == "US"
    detail = client.get(f"/__sim/ui/orders/{order_id}").get_data(as_text=True)
    for text in ("Club Hoodie", "Forest", "Embroidery", "5 Quay St", "Robin Banks"):
        assert text in detail
    journaled = client.get("/__sim/journal?path=/__sim/ui/orders").get_json()["requests"]
    assert [e["status"] for e in journaled] == [303] and "csrf_token" not in journaled[0]["body"]


def test_an_order_from_a_template(client: FlaskClient, api: Api2, state: InkSoftState) -> None:
    name = "Dana Ortiz: Youth Performance Tee"
    order_id = _create(client, template=name, ProductionStatus="Ready to Ship")
    order = api.data("GetOrder", OrderId=order_id)
    assert order["LastName"] == "Ortiz" and order["ProductionStatus"] == "Ready to Ship"
    assert sum(item["Quantity"] for item in order["Items"]) == 5


@pytest.mark.parametrize(("changes", "reason"), [
    ({"Quantity": "many"}, "Quantity"), ({"Quantity": "0"}, "Quantity"), ({"FirstName": ""}, "FirstName"),
    ({"StoreUri": "nowhere"}, "nowhere"), ({"ProductionStatus": "Lost"}, "Lost"),
    ({"City": ""}, "City"), ({"CountryCode": "USA"}, "CountryCode"), ({"template": "nothing"}, "template")])
def test_a_bad_new_order_is_400_naming_the_field(client: FlaskClient, state: InkSoftState, changes: dict,
                                                 reason: str) -> None:
    response = _post(client, "/__sim/ui/orders", {**NEW_ORDER, **changes})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert reason in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert state.list_orders() == []


@pytest.mark.parametrize("status", ["Ready to Ship", "Awaiting Art", "Complete"])
def test_moving_an_order_moves_its_modification_time(client: FlaskClient, api: Api2, clock: SimClock,
                                                     status: str) -> None:
    order_id = _create(client)
    before = api.data("GetOrder", OrderId=order_id)["DateModified"]
    clock.advance(60)
    _post(client, "/__sim/ui/orders/status", {"order": str(order_id), "ProductionStatus": status})
    order = api.data("GetOrder", OrderId=order_id)
    assert order["ProductionStatus"] == status and order["DateModified"] > before


def test_cancelling_and_refusals(client: FlaskClient, api: Api2) -> None:
    order_id = _create(client)
    _post(client, "/__sim/ui/orders/status", {"order": str(order_id), "ProductionStatus": "Cancelled"})
    assert api.data("GetOrder", OrderId=order_id)["Cancelled"] is True
    bad = _post(client, "/__sim/ui/orders/status", {"order": str(order_id), "ProductionStatus": "Lost"})
    unknown = _post(client, "/__sim/ui/orders/status", {"order": "abc", "ProductionStatus": "Open"})
    assert bad.status_code == 400 and unknown.status_code == 404  # type: ignore[attr-defined]


def test_editing_and_removing_the_ship_to(client: FlaskClient, api: Api2, clock: SimClock) -> None:
    order_id = _create(client)
    clock.advance(60)
    _post(client, "/__sim/ui/orders/ship-to", {"order": str(order_id), **ADDRESS, "City": "Salem"})
    assert api.data("GetOrder", OrderId=order_id)["ShippingAddress"]["City"] == "Salem"
    assert _post(client, "/__sim/ui/orders/ship-to",
                 {"order": str(order_id), **ADDRESS, "Street1": ""}).status_code == 400  # type: ignore[attr-defined]
    _post(client, "/__sim/ui/orders/ship-to", {"order": str(order_id), "remove_address": "on"})
    assert api.data("GetOrder", OrderId=order_id)["ShippingAddress"] is None


def test_deleting_an_order(client: FlaskClient, state: InkSoftState) -> None:
    order_id = _create(client)
    response = _post(client, "/__sim/ui/orders/delete", {"order": str(order_id)})
    assert response.headers["Location"].startswith(f"/__sim/ui/stores/{STORE}")  # type: ignore[attr-defined]
    assert state.list_orders() == []
    assert _post(client, "/__sim/ui/orders/delete", {"order": str(order_id)}).status_code == 404  # type: ignore[attr-defined]


def test_a_form_without_the_token_changes_nothing(client: FlaskClient, state: InkSoftState) -> None:
    assert client.post("/__sim/ui/orders", data=NEW_ORDER).status_code == 400
    assert state.list_orders() == []


def test_the_store_page_shows_ship_to_totals_items_and_filters_by_status(client: FlaskClient) -> None:
    order_id = _create(client)
    page = client.get(f"/__sim/ui/stores/{STORE}").get_data(as_text=True)
    assert f">{order_id}</a>" in page and "5 Quay St, Bend OR 97701 US" in page
    assert client.get(f"/__sim/ui/stores/{STORE}?status=Complete").get_data(as_text=True).count("Quay") == 0
    assert client.get(f"/__sim/ui/stores/{STORE}?status=Lost").status_code == 400

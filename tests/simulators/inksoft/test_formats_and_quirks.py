"""Response formats (JSON, JSONCamelCase, XML) and every quirk switch, over Api2."""

from __future__ import annotations

import json
import re

import pytest
from defusedxml import ElementTree as ET
from flask.testing import FlaskClient
from inkship.simulators.inksoft.state import InkSoftState

from .conftest import Api2, assert_error, make_app


@pytest.fixture
def order(state: InkSoftState) -> dict:
    return state.add_order({"ShippingAddress": True})


def set_quirks(client: FlaskClient, **quirks: object) -> dict:
    response = client.post("/__sim/quirks", json=quirks)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["quirks"]


def test_json_is_the_default_format(api: Api2, order: dict) -> None:
    response = api.get("GetOrder", OrderId=order["ID"])
    assert response.mimetype == "application/json"
    assert api.get("GetOrder", OrderId=order["ID"], Format="json").get_json() == response.get_json()


def test_json_camel_case_camel_cases_every_key(api: Api2, order: dict) -> None:
    body = api.get("GetOrderSummaries", Format="JSONCamelCase", IncludeProductionCards="true").get_json()
    assert set(body) == {"ok", "statusCode", "data", "pagination", "messages"}
    assert body["pagination"] == {"totalResults": 1, "includedResults": 1, "index": 0}
    summary = body["data"][0]
    assert summary["id"] == order["ID"] and "estimatedDeliveryDate_Min" in summary
    assert summary["productionCards"][0]["items"][0]["orderRetailItemSizeId"]
    full = api.get("GetOrder", OrderId=order["ID"], Format="JSONCamelCase").get_json()["data"]
    assert full["uniqueId"] == order["UniqueId"] and full["shippingAddress"]["postCode"] == "97401"


def test_camel_case_errors_read_severity_in_lower_case(api: Api2) -> None:
    body = api.get("GetOrder", OrderId=5, Format="JSONCamelCase").get_json()
    assert body["messages"] == [{"content": "Order 5 was not found", "title": None, "severity": "Error"}]


def test_xml_is_a_response_envelope_with_typed_entries(api: Api2, order: dict) -> None:
    response = api.get("GetOrderSummaries", Format="XML")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response" and root.findtext("OK") == "true"
    assert root.findtext("Pagination/TotalResults") == "1"
    assert root.findtext("Data/OrderSummary/ID") == str(order["ID"])
    assert root.find("Data/OrderSummary/ProductionCards").get("nil") == "true"
    response = api.get("GetOrder", OrderId=order["ID"], Format="xml", IncludeProductionCards=1)
    full = ET.fromstring(response.data)
    assert full.findtext("Data/Items/Item/Quantity") == "1"
    assert full.findtext("Data/ProductionCards/ProductionCard/Items/Item/Size") == "L"
    assert full.findtext("Data/Items/Item/SidePreviews/SidePreview/SideName") == "Front"


def test_xml_errors_carry_the_message(api: Api2) -> None:
    response = api.get("GetOrder", OrderId=5, Format="XML")
    root = ET.fromstring(response.data)
    assert response.status_code == 404 and root.findtext("Data") == "false"
    assert root.findtext("Messages/Message/Content") == "Order 5 was not found"


def test_an_unknown_format_is_400_in_json(api: Api2) -> None:
    assert_error(api.get("GetStoreData", Format="YAML"), 400, "BadRequest", contains="Format")


def test_quirks_are_all_off_by_default(client: FlaskClient) -> None:
    assert client.get("/__sim/quirks").get_json()["quirks"] == {
        "image_domain_placeholder": False, "empty_data_false": False, "null_pagination": False,
        "cancelled_spelling": "Canceled", "date_format": "iso_z", "xml_empty_not_wellformed": False,
        "camel_severity_typo": False}


@pytest.mark.parametrize(("mode", "pattern"), [
    ("https", r"^https://REPLACE_DOMAIN_WITH/images/"),
    ("http", r"^http://REPLACE_DOMAIN_WITH/images/"),
    ("bare", r"^REPLACE_DOMAIN_WITH/images/"),
])
def test_image_domain_placeholder(client: FlaskClient, api: Api2, order: dict, mode: str,
                                  pattern: str) -> None:
    set_quirks(client, image_domain_placeholder=mode)
    data = api.data("GetOrder", OrderId=order["ID"], IncludeProductionCards="true")
    urls = [data["ProductionCards"][0]["PreviewUrl"],
            data["Items"][0]["SidePreviews"][0]["DesignOnProductUrl"]]
    assert all(re.match(pattern, url) for url in urls), urls
    assert urls[0].endswith(f"/images/preview/{order['Items'][0]['OrderRetailItemSizeId']}.png")


def test_image_domain_placeholder_mixed_gives_urls_with_and_without_scheme(client: FlaskClient, api: Api2,
                                                                           order: dict) -> None:
    set_quirks(client, image_domain_placeholder=True)
    text = json.dumps(api.data("GetOrder", OrderId=order["ID"], IncludeProductionCards="true"))
    assert '"https://REPLACE_DOMAIN_WITH/' in text and '"REPLACE_DOMAIN_WITH/' in text
    assert "demoprintshop.example.com" not in text


def test_empty_data_false(client: FlaskClient, api: Api2) -> None:
    assert api.get("GetOrderSummaries").get_json()["Data"] == []
    set_quirks(client, empty_data_false=True)
    body = api.get("GetOrderSummaries").get_json()
    assert body["OK"] is True and body["Data"] is False and body["Pagination"] is None


def test_null_pagination(client: FlaskClient, api: Api2, order: dict) -> None:
    set_quirks(client, null_pagination=True)
    body = api.get("GetOrderSummaries").get_json()
    assert body["Pagination"] is None and len(body["Data"]) == 1


def test_cancelled_spelling(client: FlaskClient, api: Api2, state: InkSoftState, order: dict) -> None:
    state.cancel_order(order["ID"])
    assert api.data("GetOrder", OrderId=order["ID"])["Status"] == "Canceled"
    set_quirks(client, cancelled_spelling="Cancelled")
    assert api.data("GetOrder", OrderId=order["ID"])["Status"] == "Cancelled"
    assert [s["ID"] for s in api.data("GetOrderSummaries", Status="Canceled")] == [order["ID"]]


@pytest.mark.parametrize(("date_format", "expected"), [
    ("iso_z", "2026-10-02T17:41:09Z"),
    ("naive", "2026-10-02T17:41:09"),
    ("dotnet", "/Date(1790962869000)/"),
])
def test_date_format(client: FlaskClient, api: Api2, order: dict, date_format: str, expected: str) -> None:
    set_quirks(client, date_format=date_format)
    data = api.data("GetOrder", OrderId=order["ID"])
    assert data["DateCreated"] == data["DateModified"] == expected


@pytest.mark.parametrize(("value", "body"), [(True, ""), ("whitespace", "\r\n  \r\n"),
                                             ("text", "No orders found")])
def test_xml_empty_not_wellformed(client: FlaskClient, api: Api2, value: object, body: str) -> None:
    set_quirks(client, xml_empty_not_wellformed=value)
    response = api.get("GetOrderSummaries", Format="XML")
    assert response.status_code == 200 and response.get_data(as_text=True) == body
    with pytest.raises(ET.ParseError):
        ET.fromstring(response.data)
    assert api.get("GetOrderSummaries").get_json()["Data"] == []


def test_xml_with_orders_stays_wellformed_under_the_quirk(client: FlaskClient, api: Api2,
                                                          order: dict) -> None:
    set_quirks(client, xml_empty_not_wellformed=True)
    assert ET.fromstring(api.get("GetOrderSummaries", Format="XML").data).findtext("Data/OrderSummary/ID")


def test_camel_severity_typo(client: FlaskClient, api: Api2) -> None:
    set_quirks(client, camel_severity_typo=True)
    [message] = api.get("GetOrder", OrderId=5).get_json()["Messages"]
    assert message["Serverity"] == "Error" and "Severity" not in message
    [camel] = api.get("GetOrder", OrderId=5, Format="JSONCamelCase").get_json()["messages"]
    assert camel["serverity"] == "Error"


def test_quirks_from_config_survive_reset_and_bad_switches_are_400(order: dict) -> None:
    app = make_app(quirks={"date_format": "dotnet"})
    client = app.test_client()
    set_quirks(client, date_format="naive")
    client.post("/__sim/reset")
    assert client.get("/__sim/quirks").get_json()["quirks"]["date_format"] == "dotnet"
    assert client.post("/__sim/quirks", json={"date_format": "rfc"}).status_code == 400
    assert client.post("/__sim/quirks", json={"bogus": 1}).status_code == 400
    assert client.post("/__sim/quirks", json=[1]).status_code == 400
    assert "doc" in client.get("/__sim/quirks").get_json()["docs"]["xml_empty_not_wellformed"]

"""The export document: every field, CDATA escaping, forbidden characters, limits, validated by the XSD."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import given
from inkship.connector.config import MappingConfig
from inkship.connector.customstore.export import (
    cdata,
    clean_text,
    export_order,
    export_status,
    money,
    render_export,
    suggested_status_mappings,
)
from inkship.connector.errors import OrderRejected
from inkship.connector.mapping import fields, limits
from inkship.connector.mapping.orders import MappedOrder, Skip, map_order
from inkship.connector.mapping.status import StatusTable

from tests.customstore.conftest import SCHEMA
from tests.strategies import inksoft_orders, shippable_orders

SETTINGS = MappingConfig()
TABLE = StatusTable.from_config({})

# The reference's example order (inksoft-api.md §9.8b), with a modification date.
EXAMPLE: dict[str, Any] = {
    "ID": 58231, "UniqueId": "3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10", "StoreId": 12,
    "StoreName": "Riverside Youth Soccer", "Email": "dana.ortiz@example.org", "FirstName": "Dana",
    "LastName": "Ortiz", "DateCreated": "2026-10-02T17:41:09Z", "DateModified": "2026-10-03T08:00:30Z",
    "ProductionStatus": "Ready to Ship", "Status": "Processing", "PaymentStatus": "Paid", "Paid": True,
    "Cancelled": False,
    "ShippingAddress": {"Name": "Dana Ortiz", "FirstName": "Dana", "LastName": "Ortiz", "CompanyName": None,
                        "Street1": "77 Alder Way", "Street2": None, "City": "Eugene", "State": "OR",
                        "Country": "United States", "CountryCode": "US", "PostCode": "97401",
                        "Phone": "541-555-0142"},
    "BillingAddress": {"Name": "Dana Ortiz", "Street1": "77 Alder Way", "City": "Eugene", "State": "OR",
                       "CountryCode": "US", "PostCode": "97401"},
    "ShippingMethod": {"ID": 4, "Name": "USPS Priority", "VendorName": "USPS", "Price": 8.95},
    "PaymentMethod": "Credit Card", "DiscountCode": "TEAM15", "CouponCode": None, "TotalDiscount": 6.3,
    "GiftMessage": None, "Notes": "Coach pickup list attached",
    "Timeline": [{"Event": "Order placed", "Comment": None}], "CustomerNotes": "Need by Oct 12 please",
    "TotalWeight": 18.6, "WeightUnit": "Ounces", "RetailAmount": 42.0, "ShippingAmount": 8.95,
    "TaxAmount": 0, "TotalAmount": 44.65, "CurrencyCode": "USD",
    "Items": [{"OrderRetailItemId": 90311, "OrderRetailItemSizeId": 120455,
               "ItemGuid": "a1d3e0c4-5b6f-4f1e-8c2a-0b9d7e6f5a41",
               "FullName": "Youth Performance Tee - Navy - YM",
               "Quantity": 3, "UnitPrice": 14.0, "ItemTotal": 42.0, "Weight": 6.2, "StockLocation": "B-04",
               "SidePreviews": [{"SideName": "Front",
                                 "DesignOnProductUrl": "https://stores.inksoft.com/images/preview/120455-front.png"}]}],
    "ProductionCards": [{"ProductName": "Youth Performance Tee", "ProductSku": "YPT-NVY",
                         "ColorwayName": "Navy",
                         "PreviewUrl": "https://stores.inksoft.com/images/preview/120455.png",
                         "PrintMethod": "Screen Print", "Art": {"Name": "RYS Crest 2026"},
                         "Items": [{"Size": "YM", "Quantity": 3, "OrderRetailItemSizeId": 120455}]}],
    "Shipments": [],
}


def mapped(order: dict[str, Any], settings: MappingConfig = SETTINGS) -> MappedOrder:
    result = map_order(order, StatusTable.from_config(settings.statuses), settings, 310001)
    assert isinstance(result, MappedOrder), result
    return result


def document(*orders: dict[str, Any], pages: int = 1, settings: MappingConfig = SETTINGS) -> str:
    rendered = render_export([export_order(mapped(o, settings), o, settings) for o in orders], pages)
    SCHEMA.validate(rendered)
    return rendered


def parse(text: str) -> ET.Element:
    return fromstring(text.encode("utf-8"))


def with_changes(**changes: Any) -> dict[str, Any]:
    order = copy.deepcopy(EXAMPLE)
    order.update(changes)
    return order


def test_every_field_of_the_example_order():
    root = parse(document(EXAMPLE))
    assert root.get("pages") == "1"
    [order] = root.findall("Order")
    expected = {
        "OrderID": "inksoft:12:58231", "OrderNumber": "58231",
        "OrderDate": "10/02/2026 17:41", "OrderStatus": "Ready to Ship", "LastModified": "10/03/2026 08:00",
        "ShippingMethod": "USPS Priority", "PaymentMethod": "Credit Card", "OrderTotal": "44.65",
        "TaxAmount": "0.00", "ShippingAmount": "8.95", "CustomerNotes": "Need by Oct 12 please",
        "Gift": "false", "CustomField1": "Riverside Youth Soccer",
        "CustomField2": "3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10",
        "Customer/CustomerCode": "dana.ortiz@example.org", "Customer/BillTo/Name": "Dana Ortiz",
        "Customer/BillTo/Email": "dana.ortiz@example.org", "Customer/ShipTo/Name": "Dana Ortiz",
        "Customer/ShipTo/Address1": "77 Alder Way", "Customer/ShipTo/City": "Eugene",
        "Customer/ShipTo/State": "OR", "Customer/ShipTo/PostalCode": "97401", "Customer/ShipTo/Country": "US",
        "Customer/ShipTo/Phone": "541-555-0142",
    }
    assert {path: order.findtext(path) for path in expected} == expected
    assert "Coach pickup list attached" in order.findtext("InternalNotes")
    tee, discount = order.findall("Items/Item")
    assert {child.tag: child.text for child in tee if child.tag != "Options"} == {
        "LineItemID": "a1d3e0c4-5b6f-4f1e-8c2a-0b9d7e6f5a41", "SKU": "YPT-NVY-YM",
        "Name": "Youth Performance Tee - Navy - YM",
        "ImageUrl": "https://stores.inksoft.com/images/preview/120455.png", "Weight": "6.2",
        "WeightUnits": "Ounces", "Quantity": "3", "UnitPrice": "14.00", "Location": "B-04"}
    assert [(o.findtext("Name"), o.findtext("Value")) for o in tee.findall("Options/Option")] == [
        ("Design", "RYS Crest 2026"), ("Color", "Navy"), ("Size", "YM"), ("Print method", "Screen Print")]
    # The discount is an adjustment line with a negative price, as ShipStation's own plugins send it.
    assert (discount.findtext("SKU"), discount.findtext("UnitPrice"), discount.findtext("Adjustment"),
            discount.findtext("Location")) == ("total-discount", "-6.30", "true", "")
    assert discount.find("Location") is not None  # Location is always there, empty without a bin


def test_free_text_is_cdata_and_numbers_and_dates_are_plain():
    text = document(EXAMPLE)
    assert "<Name><![CDATA[Dana Ortiz]]></Name>" in text
    assert "<OrderDate>10/02/2026 17:41</OrderDate>" in text
    assert "<OrderTotal>44.65</OrderTotal>" in text and "<Country>US</Country>" in text


@pytest.mark.parametrize("notes", ["a ]]> b", "]]>", "]]>]]>", "x]]]>y", "]]",
                                   "<![CDATA[ nested ]]> &amp; <b>"])
def test_cdata_end_inside_text_cannot_break_the_section(notes):
    text = document(with_changes(CustomerNotes=notes))
    assert parse(text).findtext("Order/CustomerNotes") == notes


def test_cdata_filter_splits_every_terminator():
    assert cdata("a]]>b]]>c") == "<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>c]]>"


def test_characters_xml_forbids_are_removed_everything_else_kept():
    notes = "bell\x07 nul\x00 esc\x1b ok\tтекст 王 🎽 \ufffe end"
    order = parse(document(with_changes(CustomerNotes=notes))).find("Order")
    assert order.findtext("CustomerNotes") == "bell nul esc ok\tтекст 王 🎽  end"
    assert clean_text("lone \ud800 surrogate") == "lone  surrogate"


@pytest.mark.parametrize("notes", ["0\r0", "a\r\nb", "\r\n\r\nc"])
def test_line_ends_are_exported_as_shipstation_reads_them(notes):
    # Found by the round-trip property: an XML parser reads a CR inside CDATA as LF.
    exported = parse(document(with_changes(CustomerNotes=notes))).findtext("Order/CustomerNotes")
    assert exported == clean_text(notes) == notes.replace("\r\n", "\n").replace("\r", "\n").strip()


def test_limits_are_enforced_before_wrapping():
    long_name = "N" * 150
    long_notes = "]]>" * 400  # 1200 characters of terminators: cut to 1000 first, then wrapped
    order = with_changes(CustomerNotes=long_notes,
                         ShippingAddress={**EXAMPLE["ShippingAddress"], "Name": long_name})
    root = parse(document(order)).find("Order")
    assert limits.utf16_length(root.findtext("Customer/ShipTo/Name")) == limits.ADDRESS_NAME
    assert limits.utf16_length(root.findtext("CustomerNotes")) == limits.NOTES
    assert root.findtext("CustomerNotes").endswith(limits.ELLIPSIS)


def test_limits_count_utf16_units_like_shipstation():
    assert clean_text("🎽" * 20, 30) == "🎽" * 14 + limits.ELLIPSIS  # 28 units + the ellipsis
    assert clean_text("x" * 30, 30) == "x" * 30


def test_at_most_ten_options_each_within_thirty_characters():
    item_id = EXAMPLE["Items"][0]["OrderRetailItemSizeId"]
    personalisations = [{"Name": f"Player name number {n} on the back", "Value": "V" * 45} for n in range(12)]
    order = with_changes(Items=[{**EXAMPLE["Items"][0], "PersonalizationValues": personalisations}])
    options = parse(document(order)).findall("Order/Items/Item/Options/Option")
    assert 0 < len(options) <= 10
    assert all(len(o.findtext("Name")) <= 30 and len(o.findtext("Value")) <= 30 for o in options)
    assert item_id  # the line kept its identity


def test_lines_with_nothing_to_ship_are_left_out():
    order = with_changes(Items=[{**EXAMPLE["Items"][0], "Quantity": 0}], TotalDiscount=0)
    root = parse(document(order))
    assert root.findall("Order/Items/Item") == [] and root.find("Order/Items") is not None


def test_order_without_lines_still_has_items():
    root = parse(document(with_changes(Items=[], ProductionCards=[], TotalDiscount=0)))
    assert root.find("Order/Items") is not None and root.findall("Order/Items/Item") == []


def test_empty_window_is_a_valid_empty_document():
    text = render_export([], 0)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert parse(text).tag == "Orders" and parse(text).get("pages") == "0" and len(parse(text)) == 0
    SCHEMA.validate(text)


@pytest.mark.parametrize("value, expected", [(0, "0.00"), (8.955, "8.96"), (None, "0.00"), ("x", "0.00"),
                                             (-6.3, "-6.30"), (1e-7, "0.00"), (float("nan"), "0.00"),
                                             (1234567.891, "1234567.89")])
def test_money_has_two_places(value, expected):
    assert money(value) == expected


def test_weights_are_plain_decimals():
    order = with_changes(Items=[{**EXAMPLE["Items"][0], "Weight": 0.00001}])
    assert parse(document(order)).findtext("Order/Items/Item/Weight") == "0.00001"


def test_invalid_email_is_left_out_rather_than_failing_the_document():
    order = with_changes(Email="not an email")
    root = parse(document(order)).find("Order")
    assert root.find("Customer/BillTo/Email") is None
    assert root.findtext("Customer/CustomerCode") == "not an email"


def test_status_is_exported_as_spelled_in_the_status_table():
    settings = MappingConfig(statuses={"Awaiting Art": "on_hold"})
    assert export_status(with_changes(ProductionStatus="ReadyToShip"), settings) == "Ready to Ship"
    assert export_status(with_changes(ProductionStatus="awaiting-art"), settings) == "Awaiting Art"
    assert export_status(with_changes(Status="Canceled"), settings) == "Cancelled"
    assert suggested_status_mappings(settings) == {
        "awaiting_payment": ["Open"], "awaiting_shipment": ["Ready to Ship"], "shipped": ["Complete"],
        "cancelled": ["Cancelled"], "on_hold": ["Awaiting Art"]}


def test_several_store_statuses_share_one_box():
    settings = MappingConfig(statuses={"Awaiting Art": "awaiting_shipment",
                                       "At Embroiderer": "awaiting_shipment"})
    assert suggested_status_mappings(settings)["awaiting_shipment"] == ["Ready to Ship", "Awaiting Art",
                                                                        "At Embroiderer"]


def _texts(element: ET.Element) -> list[str]:
    return [child.text or "" for child in element.iter()]


@given(shippable_orders(max_items=3))
def test_any_mappable_order_renders_a_valid_document_that_round_trips(order):
    result = map_order(order, TABLE, SETTINGS, None)
    if isinstance(result, Skip):
        return  # e.g. a malformed line; what maps is what the property is about
    try:
        fields = export_order(result, order, SETTINGS)
    except OrderRejected as rejected:  # the protocol cannot carry it: say so, never render it
        assert "decimal(9,2)" in rejected.message
        return
    text = render_export([fields], 1)
    SCHEMA.validate(text)
    root = parse(text).find("Order")
    assert root.findtext("OrderID") == fields["order_id"]
    assert root.findtext("Customer/ShipTo/Name") == fields["ship_to"]["name"]
    assert root.findtext("CustomerNotes") == (fields["customer_notes"] or None)
    assert [i.findtext("Name") for i in root.findall("Items/Item")] == [i["name"] for i in fields["items"]]
    # Every line with something to ship, in order (the protocol's Quantity starts at 1).
    shippable = [item for item in result.payload["items"] if item["quantity"] >= 1]
    rendered = [i.findtext("Quantity") for i in root.findall("Items/Item")]
    assert rendered == [str(i["quantity"]) for i in shippable]


@given(inksoft_orders(max_items=2))
def test_export_never_breaks_on_whatever_maps(order):
    result = map_order(order, TABLE, SETTINGS, None)
    if isinstance(result, MappedOrder):
        try:
            fields = export_order(result, order, SETTINGS)
        except OrderRejected:
            return
        SCHEMA.validate(render_export([fields], 1))


def test_order_beyond_the_protocols_amounts_is_refused_not_rendered():
    # Found by the round-trip property: 9,999 units at 998.81 make a total of 10,000,000.58.
    order = with_changes(Items=[{**EXAMPLE["Items"][0], "Quantity": 9999, "UnitPrice": 998.81},
                                {**EXAMPLE["Items"][0], "OrderRetailItemSizeId": 120456, "ItemGuid": None,
                                 "Quantity": 127, "UnitPrice": 101.57}])
    with pytest.raises(OrderRejected, match=r"decimal\(9,2\)") as caught:
        export_order(mapped(order), order, SETTINGS)
    assert caught.value.field == "OrderTotal"


def test_last_modified_is_read_from_the_field_the_mapping_names(monkeypatch):
    # DateModified is an inferred InkSoft name: correcting it in connector.mapping.fields must be the
    # one edit that moves the export too.
    monkeypatch.setattr(fields, "DATE_MODIFIED", "ModifiedOn")
    root = parse(document(with_changes(ModifiedOn="2026-10-04T09:15:00Z")))
    assert root.find("Order").findtext("LastModified") == "10/04/2026 09:15"

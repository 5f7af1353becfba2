"""The reference's example order (inksoft-api.md §9.8b): each InkSoft field lands in its ShipStation field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from inkship.connector.config import MappingConfig
from inkship.connector.mapping.orders import MappedOrder, map_order
from inkship.connector.mapping.status import StatusTable

EXAMPLE_ORDER: dict[str, Any] = {
    "ID": 58231,
    "UniqueId": "3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10",
    "StoreId": 12,
    "StoreName": "Riverside Youth Soccer",
    "Email": "dana.ortiz@example.org",
    "FirstName": "Dana",
    "LastName": "Ortiz",
    "DateCreated": "2026-10-02T17:41:09Z",
    "ProductionStatus": "Ready to Ship",
    "Status": "Processing",
    "PaymentStatus": "Paid",
    "Authorized": True,
    "Paid": True,
    "Confirmed": True,
    "Ordered": False,
    "Received": False,
    "Prepared": True,
    "Shipped": False,
    "Cancelled": False,
    "ShippingAddress": {
        "Name": "Dana Ortiz",
        "FirstName": "Dana",
        "LastName": "Ortiz",
        "CompanyName": None,
        "Street1": "77 Alder Way",
        "Street2": None,
        "City": "Eugene",
        "State": "OR",
        "StateName": "Oregon",
        "Country": "United States",
        "CountryCode": "US",
        "PostCode": "97401",
        "Phone": "541-555-0142",
    },
    "BillingAddress": {
        "Name": "Dana Ortiz",
        "Street1": "77 Alder Way",
        "City": "Eugene",
        "State": "OR",
        "CountryCode": "US",
        "PostCode": "97401",
    },
    "ShippingMethod": {"ID": 4, "Name": "USPS Priority", "VendorName": "USPS", "Price": 8.95},
    "PaymentMethod": "Credit Card",
    "DiscountCode": "TEAM15",
    "CouponCode": None,
    "TotalDiscount": 6.3,
    "GiftMessage": None,
    "Notes": "Coach pickup list attached",
    "Timeline": [{"Event": "Order placed", "Comment": None}],
    "CustomerNotes": "Need by Oct 12 please",
    "TotalWeight": 18.6,
    "WeightUnit": "Ounces",
    "RetailAmount": 42.0,
    "ShippingAmount": 8.95,
    "TaxAmount": 0,
    "TotalAmount": 44.65,
    "CurrencyCode": "USD",
    "Items": [
        {
            "OrderRetailItemId": 90311,
            "OrderRetailItemSizeId": 120455,
            "ItemGuid": "a1d3e0c4-5b6f-4f1e-8c2a-0b9d7e6f5a41",
            "ProductId": 311,
            "ProductStyleId": 2207,
            "FullName": "Youth Performance Tee - Navy - YM",
            "Quantity": 3,
            "UnitPrice": 14.0,
            "ItemTotal": 42.0,
            "ArtId": 88120,
            "Weight": 6.2,
            "StockLocation": "B-04",
            "SidePreviews": [
                {
                    "SideName": "Front",
                    "DesignOnProductUrl": "https://stores.inksoft.com/images/preview/120455-front.png",
                }
            ],
        }
    ],
    "ProductionCards": [
        {
            "ProductName": "Youth Performance Tee",
            "ProductSku": "YPT-NVY",
            "ProductStyleName": "Navy",
            "ColorwayName": "Navy",
            "PreviewUrl": "https://stores.inksoft.com/images/preview/120455.png",
            "PrintMethod": "Screen Print",
            "Art": {"Name": "RYS Crest 2026"},
            "Items": [{"Size": "YM", "Quantity": 3, "OrderRetailItemSizeId": 120455}],
        }
    ],
    "Shipments": [],
}


def mapped(
    order: dict[str, Any] | None = None,
    settings: MappingConfig | None = None,
    store_domain: str | None = "stores.inksoft.com",
) -> dict[str, Any]:
    result = map_order(
        copy.deepcopy(order or EXAMPLE_ORDER),
        StatusTable.from_config({}),
        settings or MappingConfig(),
        310001,
        store_domain=store_domain,
    )
    assert isinstance(result, MappedOrder), result
    return result.payload


@pytest.fixture(scope="module")
def payload() -> dict[str, Any]:
    return mapped()


def test_identity_fields(payload: dict[str, Any]) -> None:
    assert payload["orderKey"] == "inksoft:12:58231"  # (StoreId, ID): unique in InkSoft (issue 10, 2)
    assert payload["orderNumber"] == "58231"
    assert payload["advancedOptions"]["storeId"] == 310001


def test_order_number_prefix_from_configuration() -> None:
    assert mapped(settings=MappingConfig(order_number_prefix="RYS-"))["orderNumber"] == "RYS-58231"


def test_dates_are_pacific_text(payload: dict[str, Any]) -> None:
    # 17:41:09 UTC on 2 October is 10:41:09 PDT.
    assert payload["orderDate"] == "2026-10-02T10:41:09.0000000"
    assert payload["paymentDate"] == "2026-10-02T10:41:09.0000000"


def test_status(payload: dict[str, Any]) -> None:
    assert payload["orderStatus"] == "awaiting_shipment"


def test_customer_email_and_phone(payload: dict[str, Any]) -> None:
    assert payload["customerEmail"] == "dana.ortiz@example.org"
    assert payload["customerUsername"] == "dana.ortiz@example.org"
    assert payload["shipTo"]["phone"] == "541-555-0142"


def test_ship_to(payload: dict[str, Any]) -> None:
    assert payload["shipTo"] == {
        "name": "Dana Ortiz",
        "company": None,
        "street1": "77 Alder Way",
        "street2": None,
        "street3": None,
        "city": "Eugene",
        "state": "OR",
        "postalCode": "97401",
        "country": "US",
        "phone": "541-555-0142",
        "residential": None,
    }


def test_bill_to(payload: dict[str, Any]) -> None:
    assert payload["billTo"]["name"] == "Dana Ortiz"
    assert payload["billTo"]["street1"] == "77 Alder Way"
    assert payload["billTo"]["country"] == "US"


def test_shipping_and_payment_method(payload: dict[str, Any]) -> None:
    assert payload["requestedShippingService"] == "USPS Priority"
    assert payload["paymentMethod"] == "Credit Card"


def test_money(payload: dict[str, Any]) -> None:
    assert payload["amountPaid"] == 44.65
    assert payload["taxAmount"] == 0.0
    assert payload["shippingAmount"] == 8.95
    assert "orderTotal" not in payload  # read-only in ShipStation


def test_discount_is_an_adjustment_line_and_a_note(payload: dict[str, Any]) -> None:
    adjustment = payload["items"][-1]
    assert adjustment["adjustment"] is True
    assert adjustment["unitPrice"] == -6.3
    assert adjustment["quantity"] == 1
    assert adjustment["sku"] == "total-discount"
    assert "TEAM15" in adjustment["name"]
    assert "Discount code: TEAM15" in payload["internalNotes"]
    assert "Total discount: 6.30" in payload["internalNotes"]


def test_gift(payload: dict[str, Any]) -> None:
    assert payload["gift"] is False
    assert payload["giftMessage"] is None
    order = {**EXAMPLE_ORDER, "GiftMessage": "Happy birthday, Sam!"}
    gift = mapped(order)
    assert gift["gift"] is True
    assert gift["giftMessage"] == "Happy birthday, Sam!"


def test_notes(payload: dict[str, Any]) -> None:
    assert payload["internalNotes"].startswith("Coach pickup list attached\n")
    assert payload["internalNotes"].endswith("Activity:\n- Order placed")
    assert payload["customerNotes"] == "Need by Oct 12 please"


def test_order_weight(payload: dict[str, Any]) -> None:
    assert payload["weight"] == {"value": 18.6, "units": "ounces"}


def test_line_fields(payload: dict[str, Any]) -> None:
    line = payload["items"][0]
    assert line["lineItemKey"] == "a1d3e0c4-5b6f-4f1e-8c2a-0b9d7e6f5a41"
    assert line["sku"] == "YPT-NVY-YM"
    assert line["name"] == "Youth Performance Tee - Navy - YM"
    assert line["quantity"] == 3
    assert line["unitPrice"] == 14.0
    assert line["weight"] == {"value": 6.2, "units": "ounces"}
    assert line["warehouseLocation"] == "B-04"
    assert line["imageUrl"] == "https://stores.inksoft.com/images/preview/120455.png"
    assert line["adjustment"] is False


def test_line_options(payload: dict[str, Any]) -> None:
    # Style ("Navy") says no more than Color, so it is left out.
    assert payload["items"][0]["options"] == [
        {"name": "Design", "value": "RYS Crest 2026"},
        {"name": "Color", "value": "Navy"},
        {"name": "Size", "value": "YM"},
        {"name": "Print method", "value": "Screen Print"},
    ]


def test_custom_fields(payload: dict[str, Any]) -> None:
    assert payload["advancedOptions"]["customField1"] == "Riverside Youth Soccer"
    assert payload["advancedOptions"]["customField2"] == "3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10"


def test_every_payload_field_is_accounted_for(payload: dict[str, Any]) -> None:
    assert set(payload) == {
        "orderNumber",
        "orderKey",
        "orderDate",
        "paymentDate",
        "orderStatus",
        "customerUsername",
        "customerEmail",
        "billTo",
        "shipTo",
        "items",
        "amountPaid",
        "taxAmount",
        "shippingAmount",
        "customerNotes",
        "internalNotes",
        "gift",
        "giftMessage",
        "paymentMethod",
        "requestedShippingService",
        "weight",
        "advancedOptions",
    }

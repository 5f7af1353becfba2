"""ShipStation shipment → InkSoft write-back: readable carrier and service, items capped, completion."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.errors import OrderRejected
from inkship.connector.mapping.items import ordered_quantities
from inkship.connector.mapping.shipments import (
    InkSoftShipment,
    carrier_name,
    find_package_with_tracking,
    service_name,
    shipped_quantities,
    writeback_for,
)

from tests.mapping.test_example_order import EXAMPLE_ORDER
from tests.strategies import shipments_for, shippable_orders

GUID_A = "a1d3e0c4-5b6f-4f1e-8c2a-0b9d7e6f5a41"
TWO_LINES: dict[str, Any] = {
    "ID": 58231,
    "UniqueId": "3f6c1a52-8e0b-4c7e-9a51-2d0f4b7c9e10",
    "Items": [
        {"OrderRetailItemSizeId": 120455, "ItemGuid": GUID_A, "Quantity": 3},
        {"OrderRetailItemSizeId": 120456, "Quantity": 2},
    ],
    "Shipments": [],
}


def label(items: list[tuple[str, int]] | None, **changes: Any) -> dict[str, Any]:
    shipment = {
        "shipmentId": 900001,
        "trackingNumber": "9400111899223344556677",
        "carrierCode": "stamps_com",
        "serviceCode": "usps_priority_mail",
        "shipDate": "2026-10-05",
        "createDate": "2026-10-05T09:12:00.0000000",
        "shipmentCost": 8.4,
        "voided": False,
        "shipmentItems": None
        if items is None
        else [{"lineItemKey": key, "quantity": quantity} for key, quantity in items],
    }
    shipment.update(changes)
    return shipment


def with_package(order: dict[str, Any], writeback: InkSoftShipment) -> dict[str, Any]:
    """The order as InkSoft shows it after the write-back (one Shipment with one Package)."""
    updated = copy.deepcopy(order)
    items = [
        {"ItemGuid" if isinstance(ref, str) else "OrderRetailItemSizeId": ref, "Quantity": quantity}
        for ref, quantity in writeback.items
    ]
    package = {"TrackingNumber": writeback.tracking_number, "CarrierName": writeback.carrier, "Items": items}
    updated.setdefault("Shipments", []).append({"Packages": [package]})
    return updated


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("stamps_com", "USPS"),
        ("usps", "USPS"),
        ("ups", "UPS"),
        ("ups_walleted", "UPS"),
        ("fedex", "FedEx"),
        ("dhl_express", "DHL Express"),
        ("UPS_WALLETED", "UPS"),
        ("lasership", "lasership"),
    ],
)
def test_carrier_names(code: str, name: str) -> None:
    assert carrier_name(code) == name


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("usps_priority_mail", "USPS Priority Mail"),
        ("usps_first_class_mail", "USPS First Class Mail"),
        ("usps_parcel_select", "USPS Parcel Select Ground"),
        ("ups_ground", "UPS Ground"),
        ("ups_2nd_day_air", "UPS 2nd Day Air"),
        ("fedex_2day", "FedEx 2Day"),
        ("dhl_express_worldwide", "DHL Express Worldwide"),
        ("some_new_service", "Some New Service"),
    ],
)
def test_service_names(code: str, name: str) -> None:
    assert service_name(code) == name


# ---------------------------------------------------------------- write-back examples


def test_full_shipment_of_the_example_order() -> None:
    writeback = writeback_for(label([(GUID_A, 3)]), EXAMPLE_ORDER, {})
    assert writeback == InkSoftShipment(
        tracking_number="9400111899223344556677",
        carrier="USPS",
        service="USPS Priority Mail",
        ship_date=date(2026, 10, 5),
        items=[(GUID_A, 3)],
        mark_completed=True,
        notify_customer=False,
    )


def test_write_back_never_carries_the_carrier_charge_or_a_buyer_note() -> None:
    fields = {f.name for f in dataclasses.fields(InkSoftShipment)}
    assert fields == {
        "tracking_number",
        "carrier",
        "service",
        "ship_date",
        "items",
        "mark_completed",
        "notify_customer",
    }
    cheap = writeback_for(label([(GUID_A, 3)], shipmentCost=0.01), EXAMPLE_ORDER, {})
    dear = writeback_for(label([(GUID_A, 3)], shipmentCost=99.0, notesToBuyer="Thanks!"), EXAMPLE_ORDER, {})
    assert cheap == dear


def test_partial_then_rest() -> None:
    first = writeback_for(label([(GUID_A, 2)]), TWO_LINES, {})
    assert first is not None
    assert first.items == [(GUID_A, 2)]
    assert first.mark_completed is False
    rest = writeback_for(label([(GUID_A, 1), ("120456", 2)]), TWO_LINES, {GUID_A: 2})
    assert rest is not None
    assert rest.items == [(GUID_A, 1), (120456, 2)]
    assert rest.mark_completed is True


def test_quantities_are_capped_at_what_is_still_unshipped() -> None:
    writeback = writeback_for(label([(GUID_A, 5), ("120456", 9)]), TWO_LINES, {GUID_A: 2})
    assert writeback is not None
    assert writeback.items == [(GUID_A, 1), (120456, 2)]
    assert writeback.mark_completed is True


def test_shipment_whose_items_were_not_requested_covers_every_unshipped_unit() -> None:
    writeback = writeback_for(label(None), TWO_LINES, {"120456": 1})
    assert writeback is not None
    assert writeback.items == [(GUID_A, 3), (120456, 1)]
    assert writeback.mark_completed is True


def test_a_package_dealt_no_unit_has_no_write_back() -> None:
    # A multi-package label's spare package lists no items: written, InkSoft would read its package
    # as "the rest of the order shipped" while units are still waiting for their labels.
    assert writeback_for(label([]), TWO_LINES, {}) is None
    assert writeback_for(label([]), TWO_LINES, {GUID_A: 3}) is None


def test_lines_inksoft_does_not_have_are_ignored() -> None:
    writeback = writeback_for(
        label([("inksoft-discount", 1), (GUID_A, 1), ("added-in-shipstation", 4)]), TWO_LINES, {}
    )
    assert writeback is not None
    assert writeback.items == [(GUID_A, 1)]


def test_regression_label_with_no_unit_of_the_order_has_no_write_back() -> None:
    # Found by test_write_backs_add_up...: written without items, InkSoft would read the package as
    # covering the whole order, though its one unit never shipped.
    order = {"ID": 1, "Items": [{"OrderRetailItemSizeId": 100000, "Quantity": 1}], "Shipments": []}
    shipment = label([("inksoft-discount", 1), ("added-in-shipstation", 2)])
    assert writeback_for(shipment, order, {}) is None


def test_label_for_units_already_shipped_has_no_write_back() -> None:
    assert writeback_for(label([(GUID_A, 2)]), TWO_LINES, {GUID_A: 3}) is None
    assert writeback_for(label(None), TWO_LINES, {GUID_A: 3, 120456: 2}) is None


def test_a_line_named_by_its_size_id_after_it_gained_a_guid() -> None:
    writeback = writeback_for(label([("120455", 3)]), TWO_LINES, {})
    assert writeback is not None
    assert writeback.items == [(GUID_A, 3)]


def test_voided_shipment_has_no_write_back() -> None:
    assert writeback_for(label([(GUID_A, 3)], voided=True), EXAMPLE_ORDER, {}) is None


def test_service_may_be_absent() -> None:
    writeback = writeback_for(label(None, serviceCode=None), EXAMPLE_ORDER, {})
    assert writeback is not None
    assert writeback.service is None


def test_ship_date_falls_back_to_the_label_date() -> None:
    writeback = writeback_for(label(None, shipDate=None), EXAMPLE_ORDER, {})
    assert writeback is not None
    assert writeback.ship_date == date(2026, 10, 5)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"trackingNumber": None}, "trackingNumber"),
        ({"trackingNumber": "  "}, "trackingNumber"),
        ({"carrierCode": None}, "carrierCode"),
        ({"shipDate": None, "createDate": None}, "shipDate"),
        ({"shipDate": "05/10/2026"}, "shipDate"),
        ({"shipmentItems": [{"lineItemKey": GUID_A, "quantity": "3"}]}, "shipmentItems[0].quantity"),
        ({"shipmentItems": "all"}, "shipmentItems"),
    ],
)
def test_unreadable_shipment_is_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(OrderRejected) as raised:
        writeback_for(label(None, **changes), EXAMPLE_ORDER, {})
    assert raised.value.field == field
    assert raised.value.order == "#58231"


def test_unreadable_order_lines_are_refused() -> None:
    with pytest.raises(OrderRejected) as raised:
        writeback_for(label(None), {"ID": 1, "Items": [{"OrderRetailItemSizeId": 5, "Quantity": -1}]}, {})
    assert raised.value.field == "Items[0].Quantity"


# ---------------------------------------------------------------- what InkSoft already has


def test_shipped_quantities_sums_packages_by_either_id() -> None:
    order = copy.deepcopy(TWO_LINES)
    order["Shipments"] = [
        {
            "Packages": [
                {"TrackingNumber": "1Z1", "Items": [{"OrderRetailItemSizeId": 120455, "Quantity": 1}]}
            ]
        },
        {
            "Packages": [
                {
                    "TrackingNumber": "1Z2",
                    "Items": [
                        {"ItemGuid": GUID_A, "Quantity": 1},
                        {"OrderRetailItemSizeId": 120456, "Quantity": 2},
                    ],
                }
            ]
        },
    ]
    assert shipped_quantities(order) == {GUID_A: 2, 120456: 2}


def test_package_without_items_covers_the_rest() -> None:
    order = copy.deepcopy(TWO_LINES)
    order["Shipments"] = [{"Packages": [{"TrackingNumber": "1Z1", "Items": []}]}]
    assert shipped_quantities(order) == {GUID_A: 3, 120456: 2}


def test_nothing_shipped_yet() -> None:
    assert shipped_quantities(TWO_LINES) == {GUID_A: 0, 120456: 0}


def test_find_package_with_tracking_ignores_blanks_and_case() -> None:
    order = copy.deepcopy(TWO_LINES)
    package = {"TrackingNumber": "1z999AA10123456784", "Items": []}
    order["Shipments"] = [{"Packages": [{"TrackingNumber": None}, package]}]
    assert find_package_with_tracking(order, "1Z 999 AA1 0123456784") is package
    assert find_package_with_tracking(order, "1Z999AA10123456785") is None
    assert find_package_with_tracking(order, "") is None
    assert find_package_with_tracking(TWO_LINES, "1Z999AA10123456784") is None


# ---------------------------------------------------------------- properties


@given(shippable_orders(max_items=3).flatmap(lambda order: st.tuples(st.just(order), shipments_for(order))))
def test_write_backs_add_up_to_what_was_shipped_and_never_more_than_ordered(
    case: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    order, shipments = case
    ordered = ordered_quantities(order)
    requested: dict[Any, int] = dict.fromkeys(ordered, 0)
    refs = {str(ref): ref for ref in ordered}
    for shipment in shipments:
        already = shipped_quantities(order)
        writeback = writeback_for(shipment, order, already)
        if shipment["voided"]:
            assert writeback is None
            continue
        listed = shipment["shipmentItems"]
        if listed is None:  # not requested: the label covers the whole order
            requested = dict(ordered)
        for entry in listed or []:
            if entry["lineItemKey"] in refs:
                requested[refs[entry["lineItemKey"]]] += entry["quantity"]
        if writeback is None:  # nothing still owed in this label: InkSoft must not change
            assert all(already[ref] == min(quantity, requested[ref]) for ref, quantity in ordered.items())
            continue
        assert all(quantity > 0 for _, quantity in writeback.items)
        order = with_package(order, writeback)
        shipped = shipped_quantities(order)
        assert find_package_with_tracking(order, shipment["trackingNumber"]) is not None
        for ref, quantity in ordered.items():
            assert shipped[ref] == min(quantity, requested[ref])  # adds up, capped at what was ordered
        assert writeback.mark_completed == all(shipped[ref] >= ordered[ref] for ref in ordered)
        assert writeback.notify_customer is False


@given(
    shippable_orders(max_items=3).flatmap(lambda order: st.tuples(st.just(order), shipments_for(order))),
    st.floats(0, 500),
)
def test_the_carrier_charge_never_changes_the_write_back(
    case: tuple[dict[str, Any], list[dict[str, Any]]],
    cost: float,
) -> None:
    order, shipments = case
    for shipment in shipments:
        assert writeback_for(shipment, order, {}) == writeback_for(
            {**shipment, "shipmentCost": cost}, order, {}
        )

"""InkSoftState without HTTP: order defaults, updates, cancellation, DateModified, seed and dump."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from inkship.simulators.clock import SimClock
from inkship.simulators.inksoft.errors import NotFound
from inkship.simulators.inksoft.state import InkSoftState, normalize_quirks

from .conftest import CREDENTIALS, SECOND_STORE, START


@pytest.fixture
def clock() -> SimClock:
    return SimClock(START)


@pytest.fixture
def state(clock: SimClock) -> InkSoftState:
    return InkSoftState(clock, CREDENTIALS)


def test_a_fresh_state_has_one_publisher_two_stores_two_users_and_no_orders(state: InkSoftState) -> None:
    dump = state.dump()
    assert [p["PublisherId"] for p in dump["publishers"]] == [4242]
    assert [s["StoreUri"] for s in dump["stores"]] == ["demo_print_shop", SECOND_STORE]
    assert {u["Username"] for u in dump["users"]} == {"fulfil@example.com", "designer@example.com"}
    assert dump["orders"] == []


def test_dump_never_shows_passwords_or_api_keys(state: InkSoftState) -> None:
    text = repr(state.dump())
    assert CREDENTIALS.inksoft_password not in text and CREDENTIALS.inksoft_api_key not in text


def test_add_order_fills_every_omitted_field_consistently(state: InkSoftState) -> None:
    order = state.add_order({})
    assert order["ID"] == 1001 and order["StoreId"] == 1201 and order["StoreName"] == "Demo Print Shop"
    assert len(order["UniqueId"]) == 36
    assert order["DateCreated"] == order["DateModified"] == START
    assert (order["ProductionStatus"], order["Status"], order["PaymentStatus"]) == ("Ready to Ship",
                                                                                    "Processing", "Paid")
    assert order["Paid"] and order["Authorized"] and order["Prepared"]
    assert not order["Shipped"] and not order["Cancelled"]
    assert order["ShippingAddress"] is None and order["BillingAddress"] is None
    [item] = order["Items"]
    [card] = order["ProductionCards"]
    assert card["Items"] == [{"Size": "L", "Quantity": 1,
                              "OrderRetailItemSizeId": item["OrderRetailItemSizeId"]}]
    assert card["Art"]["Name"] and card["ProductSku"] and card["PreviewUrl"].startswith("https://")
    assert order["TotalAmount"] == item["ItemTotal"] + order["ShippingAmount"]
    assert order["TotalWeight"] == item["Weight"] * item["Quantity"]
    assert order["Shipments"] == []


def test_guids_are_stable_across_fresh_states(clock: SimClock) -> None:
    first = InkSoftState(clock, CREDENTIALS).add_order({})
    second = InkSoftState(clock, CREDENTIALS).add_order({})
    assert first["UniqueId"] == second["UniqueId"]
    assert first["Items"][0]["ItemGuid"] == second["Items"][0]["ItemGuid"]


def test_card_fields_given_on_items_group_sizes_into_one_card(state: InkSoftState) -> None:
    order = state.add_order({"Items": [
        {"ProductName": "Tee", "ProductSku": "T-NVY", "ColorwayName": "Navy", "Size": "S", "Quantity": 2},
        {"ProductName": "Tee", "ProductSku": "T-NVY", "ColorwayName": "Navy", "Size": "M", "Quantity": 1},
        {"ProductName": "Cap", "ColorwayName": "Red", "Size": "OS", "PrintMethod": "Embroidery"}]})
    tee, cap = order["ProductionCards"]
    assert [(i["Size"], i["Quantity"]) for i in tee["Items"]] == [("S", 2), ("M", 1)]
    assert cap["PrintMethod"] == "Embroidery" and cap["ColorwayName"] == "Red"
    assert all("Size" not in item and "ProductSku" not in item for item in order["Items"])
    assert order["Items"][0]["FullName"] == "Tee - Navy - S"


def test_addresses_only_when_given_and_partial_ones_kept_as_given(state: InkSoftState) -> None:
    partial = state.add_order({"ShippingAddress": {"City": "Eugene"}})
    requested = state.add_order({"ShippingAddress": True, "FirstName": "Dana"})
    assert partial["ShippingAddress"] == {"City": "Eugene"}
    assert requested["ShippingAddress"]["Name"] == "Dana Lee"
    assert requested["ShippingAddress"]["CountryCode"] == "US"


def test_explicit_flags_and_ids_win_and_later_ids_skip_past_them(state: InkSoftState) -> None:
    order = state.add_order({"ID": 5000, "Paid": False, "Items": [{"OrderRetailItemSizeId": 777}]})
    assert order["Paid"] is False and order["Items"][0]["OrderRetailItemSizeId"] == 777
    assert state.add_order({})["ID"] == 5001
    with pytest.raises(ValueError, match="exists already"):
        state.add_order({"ID": 5000})


def test_statuses_are_checked_against_the_vocabularies_and_store_custom_statuses(state: InkSoftState) -> None:
    assert state.add_order({"ProductionStatus": "awaiting art"})["ProductionStatus"] == "Awaiting Art"
    assert state.add_order({"ProductionStatus": "ReadyToShip"})["ProductionStatus"] == "Ready to Ship"
    assert state.add_order({"Status": "Cancelled"})["Status"] == "Canceled"
    with pytest.raises(ValueError, match="ProductionStatus"):
        state.add_order({"ProductionStatus": "Awaiting Art"}, SECOND_STORE)
    with pytest.raises(ValueError, match="PaymentStatus"):
        state.add_order({"PaymentStatus": "Maybe"})


def test_store_is_chosen_by_argument_storeuri_or_storeid(state: InkSoftState) -> None:
    assert state.add_order({}, SECOND_STORE)["StoreId"] == 1202
    assert state.add_order({"StoreUri": SECOND_STORE})["StoreId"] == 1202
    assert state.add_order({"StoreId": 1202})["StoreName"] == "Riverside Youth Soccer"
    with pytest.raises(ValueError):
        state.add_order({"StoreUri": "nowhere"})


def test_update_order_recomputes_derived_fields_and_moves_date_modified(state: InkSoftState,
                                                                         clock: SimClock) -> None:
    order = state.add_order({"PaymentStatus": "NotPaid", "ProductionStatus": "Open"})
    assert not order["Paid"] and not order["Prepared"] and order["AmountDue"] == order["TotalAmount"]
    clock.advance(90)
    updated = state.update_order(order["UniqueId"], {"PaymentStatus": "Paid",
                                                     "ProductionStatus": "Ready to Ship"})
    assert updated["Paid"] and updated["Prepared"] and updated["AmountDue"] == 0
    assert updated["DateModified"] == START + timedelta(seconds=90)
    assert updated["DateCreated"] == START and updated["UniqueId"] == order["UniqueId"]


def test_update_order_with_new_items_rebuilds_cards_and_totals(state: InkSoftState) -> None:
    order = state.add_order({})
    updated = state.update_order(order["ID"], {"Items": [{"Quantity": 4, "UnitPrice": 10.0, "Size": "XL"}]})
    assert updated["RetailAmount"] == 40.0
    assert updated["ProductionCards"][0]["Items"][0]["Size"] == "XL"


def test_cancel_order_sets_status_flag_and_date_modified(state: InkSoftState, clock: SimClock) -> None:
    order = state.add_order({})
    clock.advance(5)
    cancelled = state.cancel_order(order["ID"])
    assert cancelled["Status"] == "Canceled" and cancelled["Cancelled"] is True
    assert cancelled["DateModified"] > order["DateModified"]
    assert cancelled["Timeline"][-1]["Event"] == "Order canceled"


def test_unknown_orders_raise_not_found(state: InkSoftState) -> None:
    with pytest.raises(NotFound):
        state.update_order(999, {})
    with pytest.raises(NotFound):
        state.cancel_order("no-such-guid")


def test_add_orders_is_all_or_nothing(state: InkSoftState) -> None:
    with pytest.raises(ValueError):
        state.add_orders([{"ID": 1}, {"ProductionStatus": "Nope"}])
    assert state.list_orders() == []


def test_seed_merges_stores_users_and_orders_and_reset_goes_back(clock: SimClock) -> None:
    state = InkSoftState(clock, CREDENTIALS, seed={"orders": [{"ID": 42}]})
    state.seed({"stores": [{"StoreId": 99, "StoreUri": "Other", "PublisherId": 7}],
                "users": [{"Username": "x@example.com", "Password": "p", "PublisherId": 7}],
                "orders": [{"StoreUri": "other"}]})
    assert state.store("OTHER")["PublisherId"] == 7
    assert [o["StoreId"] for o in state.list_orders()] == [1201, 99]
    state.reset()
    assert [o["ID"] for o in state.list_orders()] == [42]
    with pytest.raises(NotFound):
        state.store("other")


def test_seed_demo_adds_orders_of_every_kind(clock: SimClock) -> None:
    orders = InkSoftState(clock, CREDENTIALS, seed_demo=True).list_orders()
    assert {o["ProductionStatus"] for o in orders} >= {"Ready to Ship", "Open", "Awaiting Art"}
    assert any(o["ShippingAddress"] is None for o in orders)
    assert {o["StoreId"] for o in orders} == {1201, 1202}


def test_date_strings_in_partials_become_datetimes_and_odd_ones_stay(state: InkSoftState) -> None:
    order = state.add_order({"DateCreated": "2026-01-05T10:00:00Z", "DueDate": "/Date(1767607200000)/",
                             "EstimatedShipDate": "soon"})
    assert order["DateCreated"] == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert order["DueDate"] == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert order["EstimatedShipDate"] == "soon"


def test_quirks_are_validated(state: InkSoftState) -> None:
    assert normalize_quirks({"image_domain_placeholder": True}) == {"image_domain_placeholder": "mixed"}
    assert normalize_quirks({"cancelled_spelling": True}) == {"cancelled_spelling": "Cancelled"}
    with pytest.raises(ValueError, match="unknown quirk"):
        state.set_quirks({"nope": True})
    with pytest.raises(ValueError, match="date_format"):
        state.set_quirks({"date_format": "rfc822"})
    with pytest.raises(ValueError):
        state.set_quirks({"empty_data_false": 1})


def test_concurrent_adds_get_distinct_ids(state: InkSoftState) -> None:
    def add_many() -> None:
        for _ in range(20):
            state.add_order({})

    threads = [threading.Thread(target=add_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [o["ID"] for o in state.list_orders()]
    assert len(ids) == len(set(ids)) == 80

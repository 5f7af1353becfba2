"""Reading orders over Api2: GetOrderSummaries filters, order and paging; GetOrder; GetOrderPackage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from inkship.simulators.clock import SimClock
from inkship.simulators.inksoft.state import InkSoftState

from .conftest import KEY, SECOND_STORE, START, STORE, Api2, assert_error, make_app


@pytest.fixture
def five(state: InkSoftState, clock: SimClock) -> list[dict]:
    """Five orders a minute apart, each modified a minute after the last; varied statuses."""
    partials = [
        {"ProductionStatus": "Open", "PaymentStatus": "NotPaid", "LastName": "Young", "TotalAmount": 50},
        {"ProductionStatus": "Ready to Ship", "LastName": "Adams", "TotalAmount": 10},
        {"ProductionStatus": "Ready to Ship", "PaymentStatus": "PartiallyPaid", "LastName": "Baker",
         "TotalAmount": 30},
        {"ProductionStatus": "Awaiting Art", "LastName": "Clark", "TotalAmount": 20},
        {"ProductionStatus": "Complete", "Status": "Canceled", "LastName": "Diaz", "TotalAmount": 40},
    ]
    orders = []
    for partial in partials:
        orders.append(state.add_order(partial))
        clock.advance(60)
    return orders


def ids(summaries: list[dict]) -> list[int]:
    return [s["ID"] for s in summaries]


def test_summaries_have_the_reference_shape_with_date_modified(api: Api2, five: list[dict]) -> None:
    body = api.get("GetOrderSummaries").get_json()
    assert body["Pagination"] == {"TotalResults": 5, "IncludedResults": 5, "Index": 0}
    first = body["Data"][0]
    for key in ("ID", "Customer", "Email", "DateCreated", "DateModified", "PaymentStatus", "Status",
                "ProductionStatus", "Authorized", "Cancelled", "StoreId", "StoreName", "ShippingMethodName",
                "ProductionCardCount"):
        assert key in first
    assert first["DateCreated"] == "2026-10-02T17:41:09Z" and first["ProductionCards"] is None
    assert "Items" not in first and "UniqueId" not in first


def test_include_production_cards_adds_cards_to_summaries(api: Api2, five: list[dict]) -> None:
    [summary] = api.data("GetOrderSummaries", MaxResults=1, IncludeProductionCards="true")
    assert summary["ProductionCards"][0]["Items"][0]["OrderRetailItemSizeId"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"ProductionStatuses": ["Ready to Ship"]}, [1002, 1003]),
    ({"ProductionStatuses": ["ReadyToShip", "awaiting art"]}, [1002, 1003, 1004]),
    ({"PaymentSatuses": ["NotPaid", "PartiallyPaid"]}, [1001, 1003]),
    ({"PaymentStatuses": ["PartiallyPaid"]}, [1003]),
    ({"Status": "Cancelled"}, [1005]),
    ({"Status": "Processing"}, [1001, 1002, 1003, 1004]),
    ({"DateCreatedRange": {"UtcOffsetHours": 0, "Begin": "2026-10-02T17:42:09Z",
                           "End": "2026-10-02T17:43:09Z"}},
     [1002, 1003]),
    ({"DateCreatedRange": {"UtcOffsetHours": -7, "Begin": "2026-10-02T10:44:30"}}, [1005]),
    ({"DateModifiedRange": {"Begin": "2026-10-02T17:44:30.000Z"}}, [1005]),
])
def test_summary_filters(api: Api2, five: list[dict], params: dict, expected: list[int]) -> None:
    assert ids(api.data("GetOrderSummaries", **params)) == expected


def test_date_modified_range_sees_later_changes(api: Api2, five: list[dict], state: InkSoftState,
                                                clock: SimClock) -> None:
    clock.advance(3600)
    state.update_order(1001, {"ProductionStatus": "Ready to Ship"})
    since = (START + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(api.data("GetOrderSummaries", DateModifiedRange={"Begin": since})) == [1001]


def test_store_ids_select_among_the_publishers_stores(api: Api2, five: list[dict],
                                                      state: InkSoftState) -> None:
    other = state.add_order({}, SECOND_STORE)
    assert other["ID"] not in ids(api.data("GetOrderSummaries"))
    assert ids(api.data("GetOrderSummaries", StoreIds=[1202])) == [other["ID"]]
    assert len(api.data("GetOrderSummaries", StoreIds=[1201, 1202])) == 6
    from_second_store = api.get("GetOrderSummaries", StoreIds=[1202], store=SECOND_STORE).get_json()
    assert ids(from_second_store["Data"]) == [other["ID"]]


@pytest.mark.parametrize(("order_by", "direction", "expected"), [
    ("ID", "Descending", [1005, 1004, 1003, 1002, 1001]),
    ("LastName", "Ascending", [1002, 1003, 1004, 1005, 1001]),
    ("TotalAmount", "Descending", [1001, 1005, 1003, 1004, 1002]),
    ("StatusDesription", "Ascending", [1005, 1001, 1002, 1003, 1004]),
    ("DateCreated", "Descending", [1005, 1004, 1003, 1002, 1001]),
])
def test_order_by(api: Api2, five: list[dict], order_by: str, direction: str, expected: list[int]) -> None:
    assert ids(api.data("GetOrderSummaries", OrderBy=order_by, OrderByDirection=direction)) == expected


def test_paging_walks_every_order_once(api: Api2, five: list[dict]) -> None:
    seen, index = [], 0
    while True:
        body = api.get("GetOrderSummaries", Index=index, MaxResults=2).get_json()
        seen += ids(body["Data"])
        index += body["Pagination"]["IncludedResults"]
        if index >= body["Pagination"]["TotalResults"]:
            break
    assert seen == [1001, 1002, 1003, 1004, 1005]


def test_paging_past_the_end_is_an_empty_page(api: Api2, five: list[dict]) -> None:
    body = api.get("GetOrderSummaries", Index=10, MaxResults=2).get_json()
    assert body["Data"] == [] and body["Pagination"] == {"TotalResults": 5, "IncludedResults": 0, "Index": 10}


def test_default_and_maximum_page_sizes_come_from_config(five: list[dict]) -> None:
    app = make_app(default_page_size=2, max_page_size=3, seed={"orders": [{}] * 5})
    client_api = Api2(app.test_client())
    assert len(client_api.data("GetOrderSummaries")) == 2
    assert len(client_api.data("GetOrderSummaries", MaxResults=100)) == 3


@pytest.mark.parametrize("params", [
    {"Index": -1}, {"MaxResults": 0}, {"MaxResults": "ten"}, {"OrderBy": "Colour"},
    {"OrderByDirection": "Sideways"}, {"DateCreatedRange": "{not json"}, {"DateModifiedRange": [1]},
    {"DateCreatedRange": {"Begin": "yesterday"}}, {"StoreIds": ["abc"]}, {"IncludeProductionCards": "maybe"},
])
def test_bad_summary_parameters_are_400(api: Api2, params: dict) -> None:
    assert_error(api.get("GetOrderSummaries", **params), 400, "BadRequest")


def test_get_order_returns_the_full_order_with_cards_on_request(api: Api2, state: InkSoftState) -> None:
    order = state.add_order({"CustomerNotes": "Need by Friday", "ShippingAddress": True})
    plain = api.data("GetOrder", OrderId=order["ID"])
    assert plain["ProductionCards"] is None and plain["UniqueId"] == order["UniqueId"]
    full = api.data("GetOrder", OrderId=order["UniqueId"], IncludeProductionCards=True)
    assert full["ProductionCards"][0]["Art"]["Name"] and full["CustomerNotes"] == "Need by Friday"
    assert full["Items"][0]["SidePreviews"][0]["DesignOnProductUrl"].startswith("https://demoprintshop")
    assert full["ShippingAddress"]["PostCode"] == "97401" and full["WeightUnit"] == "Ounces"


def test_get_order_errors(api: Api2) -> None:
    assert_error(api.get("GetOrder", OrderId=424242), 404, "NotFound", contains="424242")
    assert_error(api.get("GetOrder"), 400, "BadRequest", contains="OrderId")


def test_get_order_package_answers_an_array_for_many_ids_and_an_object_for_one(api: Api2,
                                                                               five: list[dict]) -> None:
    many = api.data("GetOrderPackage", OrderIds=[1003, 1001, five[1]["UniqueId"]])
    assert [o["ID"] for o in many] == [1003, 1001, 1002] and many[0]["ProductionCards"]
    assert api.data("GetOrderPackage", OrderIds=[1004])["ID"] == 1004
    assert api.data("GetOrderPackage", OrderIds="1005")["ID"] == 1005
    assert_error(api.get("GetOrderPackage", OrderIds=[1001, 9999]), 404, "NotFound", contains="9999")
    assert_error(api.get("GetOrderPackage"), 400, "BadRequest")


def test_orders_of_another_publisher_are_not_found(api: Api2, state: InkSoftState) -> None:
    state.seed({"stores": [{"StoreId": 9001, "StoreUri": "elsewhere", "PublisherId": 77}]})
    foreign = state.add_order({}, "elsewhere")
    assert_error(api.get("GetOrder", OrderId=foreign["ID"]), 404, "NotFound")
    assert api.data("GetOrderSummaries", StoreIds=[9001]) == []


def test_get_stores_lists_the_publishers_stores(api: Api2) -> None:
    stores = api.data("GetStores")
    assert [s["StoreUri"] for s in stores] == [STORE, SECOND_STORE]
    assert "Awaiting Art" in stores[0]["ProductionStatuses"] and stores[0]["PublisherId"] == 4242
    assert api.data("GetStoreData")["StoreId"] == 1201


def test_method_names_are_case_insensitive_and_unknown_ones_404(client: FlaskClient) -> None:
    assert client.get(f"/{STORE}/api2/getstoredata", query_string={"ApiKey": KEY}).status_code == 200
    assert_error(client.get(f"/{STORE}/Api2/DeleteEverything", query_string={"ApiKey": KEY}), 404, "NotFound")


def test_query_and_body_parameters_merge(client: FlaskClient, five: list[dict]) -> None:
    response = client.post(f"/{STORE}/Api2/GetOrderSummaries?ApiKey={KEY}&MaxResults=1",
                           json={"ProductionStatuses": ["Ready to Ship"], "OrderByDirection": "Descending"})
    assert [s["ID"] for s in response.get_json()["Data"]] == [1003]

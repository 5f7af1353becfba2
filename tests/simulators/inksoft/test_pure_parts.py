"""The simulator's pure helpers: camel casing, dates, parameters, shipment arithmetic (with hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.simulators.inksoft.errors import BadRequest
from inkship.simulators.inksoft.orders import IdSequence, complete_order
from inkship.simulators.inksoft.params import Params, body_pairs
from inkship.simulators.inksoft.render import camel_case
from inkship.simulators.inksoft.shipments import (
    ShipmentRequest,
    append_shipment,
    package_lines,
    unshipped_quantities,
)
from inkship.simulators.inksoft.times import parse_datetime, render_datetime

STORE = {"StoreId": 1, "Name": "S", "Domain": "s.example.com"}
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("name", "expected"), [
    ("ID", "id"), ("OK", "ok"), ("UniqueId", "uniqueId"), ("StatusCode", "statusCode"),
    ("URLValue", "urlValue"), ("EstimatedDeliveryDate_Min", "estimatedDeliveryDate_Min"),
    ("already", "already"), ("", ""), ("Serverity", "serverity"),
])
def test_camel_case_follows_json_net(name: str, expected: str) -> None:
    assert camel_case(name) == expected


@pytest.mark.parametrize(("text", "offset", "expected"), [
    ("2026-10-02T17:41:09Z", 0, datetime(2026, 10, 2, 17, 41, 9, tzinfo=UTC)),
    ("2026-10-02T17:41:09.123+02:00", 0, datetime(2026, 10, 2, 15, 41, 9, 123000, tzinfo=UTC)),
    ("2026-10-02T10:41:09", -7, datetime(2026, 10, 2, 17, 41, 9, tzinfo=UTC)),
    ("2026-10-02", 0, datetime(2026, 10, 2, tzinfo=UTC)),
    ("/Date(1790962869000)/", 0, datetime(2026, 10, 2, 17, 41, 9, tzinfo=UTC)),
])
def test_parse_datetime(text: str, offset: float, expected: datetime) -> None:
    assert parse_datetime(text, offset) == expected


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
       st.sampled_from(["iso_z", "naive", "dotnet"]))
def test_rendered_dates_parse_back_to_the_same_millisecond(moment: datetime, date_format: str) -> None:
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert parse_datetime(render_datetime(moment, date_format)) == moment


def test_params_are_case_insensitive_and_body_wins() -> None:
    params = Params([("orderids", "[1,2]"), ("Flag", "TRUE")], [("OrderIds", "[3]")])
    assert params.array("OrderIds") == [3] and params.boolean("flag") is True
    assert Params([("OrderIds", "5,6")]).array("OrderIds") == ["5", "6"]
    assert Params([("OrderIds", 7)]).array("OrderIds") == [7]
    assert Params([("PaymentStatuses", '["Paid"]')]).array("PaymentSatuses", "PaymentStatuses") == ["Paid"]
    with pytest.raises(BadRequest, match="OrderIds"):
        Params([("OrderIds", "[1,")]).array("OrderIds")
    with pytest.raises(BadRequest, match="must be an object"):
        body_pairs("application/json", b"[1]", [])
    with pytest.raises(BadRequest, match="not valid JSON"):
        body_pairs("application/json", b"{", [])


quantities = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4)


@given(quantities, st.lists(st.tuples(st.integers(min_value=0, max_value=3), st.integers(1, 6)), max_size=8))
def test_shipping_never_exceeds_or_loses_quantities(ordered: list[int],
                                                    attempts: list[tuple[int, int]]) -> None:
    ids = IdSequence()
    order = complete_order({"Items": [{"Quantity": q} for q in ordered]}, STORE, ids, NOW)
    size_ids = [item["OrderRetailItemSizeId"] for item in order["Items"]]
    shipped = dict.fromkeys(size_ids, 0)
    for line, qty in attempts:
        size_id = size_ids[line % len(size_ids)]
        try:
            lines = package_lines(order, [(size_id, qty)])
        except ValueError:
            assert shipped[size_id] + qty > ordered[size_ids.index(size_id)]
            continue
        append_shipment(order, ShipmentRequest("T"), lines, ids, NOW + timedelta(seconds=1))
        shipped[size_id] += qty
    remaining = unshipped_quantities(order)
    assert all(remaining[s] == ordered[i] - shipped[s] >= 0 for i, s in enumerate(size_ids))
    all_shipped = not any(remaining.values()) and bool(order["Shipments"])
    assert (order["ProductionStatus"] == "Complete") == all_shipped


@pytest.mark.parametrize("moment", [datetime(2039, 3, 8, 19, 46, 13, 411000, tzinfo=UTC),
                                    datetime(1987, 2, 24, 12, 51, 47, 341000, tzinfo=UTC),
                                    datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)])
def test_dotnet_dates_count_whole_milliseconds_without_float_rounding(moment: datetime) -> None:
    # Issue 10, defect 15: `timestamp() * 1000` rounded these one millisecond low.
    assert parse_datetime(render_datetime(moment, "dotnet")) == moment

"""GetOrderSummaries from indexes and kept texts agrees with filtering, sorting and rendering every order."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inkship.simulators.clock import SimClock
from inkship.simulators.inksoft.backends.accounts import Principal
from inkship.simulators.inksoft.query import DateRange, SummaryQuery
from inkship.simulators.inksoft.render import data_reply, item_text, list_reply_from_texts, reply_from_texts
from inkship.simulators.inksoft.state import QUIRKS, InkSoftState

from tests.simulators.inksoft.conftest import CREDENTIALS, START

STATUSES = ("Open", "Ready to Ship", "Complete")


@pytest.fixture(scope="module")
def shop() -> InkSoftState:
    clock = SimClock(START)
    state = InkSoftState(clock, CREDENTIALS)
    for n in range(30):
        state.add_order({"ProductionStatus": STATUSES[n % 3], "Items": [{"Quantity": 1 + n % 2}],
                         "UniqueId": f"U-{n}"})
        clock.advance(3600)
    for n in range(0, 30, 4):
        state.update_order(1001 + n, {"ProductionStatus": "Complete"})
        clock.advance(60)
    state.cancel_order("u-5")
    return state


def window(hours: int | None) -> str | None:
    return None if hours is None else (START + timedelta(hours=hours)).isoformat()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=120)
@given(index=st.integers(0, 35), size=st.integers(1, 12), begin=st.none() | st.integers(0, 35),
       end=st.none() | st.integers(0, 35), created=st.none() | st.integers(0, 35),
       order_by=st.sampled_from(["ID", "DateModified", "DateCreated", "Name", "ProductionStatus"]),
       descending=st.booleans(),
       statuses=st.none() | st.sampled_from([("Complete",), ("open", "Ready to Ship")]))
def test_summaries_match_a_full_scan(shop: InkSoftState, index: int, size: int, begin: int | None,
                                     end: int | None, created: int | None, order_by: str, descending: bool,
                                     statuses: tuple[str, ...] | None) -> None:
    def date_range(start: int | None, stop: int | None) -> DateRange | None:
        if start is None and stop is None:
            return None
        return DateRange.from_param({"Begin": window(start), "End": window(stop)})

    query = SummaryQuery(index=index, max_results=size, production_statuses=statuses,
                         modified=date_range(begin, end), created=date_range(created, None),
                         order_by=order_by, descending=descending)
    principal = Principal(CREDENTIALS.inksoft_publisher_id)
    page, total = shop.order_summaries(principal, CREDENTIALS.inksoft_store, query)
    expected_page, expected_total = query.select(list(shop.orders.values()))
    assert [s["ID"] for s in page] == [o["ID"] for o in expected_page]
    assert total == expected_total


def test_orders_are_found_by_unique_id_in_any_case(shop: InkSoftState) -> None:
    assert shop.find_order("U-7")["ID"] == shop.find_order("u-7")["ID"] == 1008


@pytest.mark.parametrize("quirks", [
    {}, {"date_format": "dotnet", "cancelled_spelling": "Cancelled"}, {"image_domain_placeholder": "https"},
    {"null_pagination": True}, {"date_format": "naive"}])
@pytest.mark.parametrize("fmt", ["JSON", "JSONCamelCase"])
def test_kept_texts_answer_the_same_bytes(shop: InkSoftState, quirks: dict, fmt: str) -> None:
    switches = {name: quirk.default for name, quirk in QUIRKS.items()} | quirks
    query = SummaryQuery(max_results=7, include_cards=True)
    principal = Principal(CREDENTIALS.inksoft_publisher_id)
    summaries, total = shop.order_summaries(principal, CREDENTIALS.inksoft_store, query)
    texts, same_total = shop.order_summary_texts(principal, CREDENTIALS.inksoft_store, query,
                                                 render=lambda s: item_text(s, fmt, switches),
                                                 how=(fmt, tuple(sorted(switches.items()))))
    pagination = {"TotalResults": total, "IncludedResults": len(summaries), "Index": 0}
    expected = data_reply(summaries, fmt, switches, pagination=pagination, is_list=True,
                          data_item_name="OrderSummary")
    spliced = list_reply_from_texts(texts, fmt, switches, pagination=pagination,
                                    data_item_name="OrderSummary")
    assert (spliced, same_total) == (expected, total)
    assert json.loads(spliced.body)  # still one JSON document


def test_a_changed_order_is_rendered_again(shop: InkSoftState) -> None:
    principal = Principal(CREDENTIALS.inksoft_publisher_id)
    query = SummaryQuery(max_results=1)

    def first_text() -> str:
        [text], _ = shop.order_summary_texts(principal, CREDENTIALS.inksoft_store, query,
                                             render=lambda s: json.dumps(s["ProductionStatus"]), how="t")
        return text

    before = first_text()
    shop.update_order(1001, {"ProductionStatus": "Open"})
    assert (before, first_text()) == ('"Complete"', '"Open"')


@pytest.mark.parametrize("refs", [[1003], [1002, "u-9", 1004]])
@pytest.mark.parametrize("fmt", ["JSON", "JSONCamelCase"])
def test_kept_order_texts_answer_what_get_order_package_did(shop: InkSoftState, refs: list, fmt: str) -> None:
    switches = {name: quirk.default for name, quirk in QUIRKS.items()} | {"date_format": "dotnet"}
    principal = Principal(CREDENTIALS.inksoft_publisher_id)
    orders = shop.get_orders(principal, refs)
    texts = shop.order_texts(principal, refs, render=lambda o: item_text(o, fmt, switches),
                             how=(fmt, tuple(sorted(switches.items()))))
    expected = data_reply(orders[0] if len(orders) == 1 else orders, fmt, switches, data_item_name="Order")
    assert reply_from_texts(texts, fmt, data_item_name="Order") == expected

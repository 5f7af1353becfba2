"""Shrunk examples from tests/mapping/test_parsers_properties.py: InkSoft answers that once crashed
the client with a TypeError, OverflowError or RecursionError (or paged forever) instead of giving a
result or a `connector.errors` error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.config import InkSoftConfig
from inkship.connector.errors import MalformedResponse, ServerError

STORE = "https://stores.inksoft.example/Devo_Designs"
API = f"{STORE}/Api2"
SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def client() -> InkSoftClient:
    return InkSoftClient(InkSoftConfig(base_url=STORE, api_key="regression-key", page_size=2),
                         sleep=lambda seconds: None, clock=lambda: 0.0, max_attempts=2)


def answer(method: str, body: str, status: int = 200) -> None:
    responses.add(responses.GET, f"{API}/{method}", body=body, status=status, content_type="application/json")


@responses.activate
def test_a_batch_read_with_an_id_that_is_a_list_or_object_still_finds_the_good_orders():
    # Was: TypeError: unhashable type: 'list' (found.update keyed on the raw ID).
    answer("GetOrderPackage", '{"OK": true, "Data": [{"ID": []}, {"ID": {}}, {"ID": 7, "Name": "good"}]}')
    assert client().get_orders([7]) == [{"ID": 7, "Name": "good"}]


@responses.activate
def test_summaries_with_unhashable_ids_are_paged_without_a_crash():
    # Was: TypeError: unhashable type: 'list' (the seen-set keyed on the raw ID).
    answer("GetOrderSummaries", '{"OK": true, "Data": [{"ID": [1]}, {"ID": 5}], "Pagination": null}')
    assert [s["ID"] for s in client().iter_order_summaries(SINCE)] == [[1], 5]


@responses.activate
def test_a_server_ignoring_index_with_nan_ids_does_not_page_forever():
    # NaN never equals itself, so a seen-set of raw IDs never recognised the repeated page.
    answer("GetOrderSummaries", '{"OK": true, "Data": [{"ID": NaN}, {"ID": NaN}],'
                                ' "Pagination": {"IncludedResults": 2, "TotalResults": 1000000}}')
    assert len(list(client().iter_order_summaries(SINCE))) == 2
    assert len(responses.calls) == 2  # the repeated page is recognised and ends the paging


@responses.activate
def test_an_infinite_included_results_count_ends_the_paging():
    # Was: OverflowError: cannot convert float infinity to integer.
    answer("GetOrderSummaries",
           '{"OK": true, "Data": [{"ID": 1}], "Pagination": {"IncludedResults": Infinity}}')
    assert [s["ID"] for s in client().iter_order_summaries(SINCE)] == [1]


@pytest.mark.parametrize(("status", "error"), [(200, MalformedResponse), (500, ServerError)])
@responses.activate
def test_json_nested_deeper_than_the_decoder_goes_is_a_clear_error(status, error):
    # Was: RecursionError from response.json() (and again from redacting the body for the message).
    answer("GetOrder", "[" * 5000, status=status)
    with pytest.raises(error):
        client().get_order(7)

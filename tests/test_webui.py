"""The page kit's pure parts: masking URLs for display and reading whole numbers from a form."""

from __future__ import annotations

import pytest

from inkship.webui import BadInput, mask_url, whole_number


@pytest.mark.parametrize(("url", "shown"), [
    ("http://h:8765/webhooks/shipstation/Zq3xY8wV7uT6sR5qP4oN3mL2", "http://h:8765/webhooks/shipstation/***"),
    ("http://h/x?SS-Password=abc&page=2", "http://h/x?SS-Password=***&page=2"),
    ("http://h/shipments?storeID=310001&batchId=7", "http://h/shipments?storeID=310001&batchId=7"),
    ("http://h/orders/100000001", "http://h/orders/100000001"),
    ("", ""),
])
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


@pytest.mark.parametrize(("given", "reason"), [
    ({"orderId": "abc"}, "orderId must be a whole number, not 'abc'"),
    ({"orderId": ""}, "orderId is required"),
    ({"orderId": "0"}, "orderId must be at least 1"),
    ({"orderId": "1" * 13}, "whole number"),
])
def test_whole_number_refusals_name_the_field(given: dict, reason: str) -> None:
    with pytest.raises(BadInput, match=reason):
        whole_number(given, "orderId", minimum=1)


def test_whole_number_reads_an_optional_field() -> None:
    assert whole_number({}, "page", required=False) is None
    assert whole_number({"page": " 3 "}, "page", minimum=1) == 3


def test_pages_get_the_page_headers_and_api_answers_do_not() -> None:
    from inkship.simulators.shipstation.app import create_app

    client = create_app({"rate_limit": None}).test_client()
    page = client.get("/__sim/ui/orders")
    api = client.get("/orders")  # 401 JSON without credentials: the API's own answer
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in api.headers and "X-Frame-Options" not in api.headers

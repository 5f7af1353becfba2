"""Issue 10, defect 9: the export answers bad parameters with a 400 and a short reason, and server errors
with a generic body; InkSoft's URL and its error text reach the log, never the caller."""

from __future__ import annotations

import logging

import pytest
from defusedxml.ElementTree import fromstring
from inkship.connector.customstore import endpoint

from tests.customstore.test_endpoint_export import export

INKSOFT_TEXT = "internal db error at srv-17"


def message_of(response) -> str:
    assert response.content_type == "application/xml; charset=utf-8"
    return fromstring(response.data).findtext("Message")


@pytest.mark.parametrize(("start", "end"), [
    ("01/01/0001 00:00", "01/01/0001 00:10"),   # the overlap before the start leaves the calendar
    ("01/01/0001 00:00", "12/31/9999 23:59"),
    ("01/01/10000 00:00", "01/01/10000 00:10"),  # past the year 9999
    ("11/02/2026 17:00", "11/02/2026 15:00"),   # start after end
])
def test_dates_out_of_range_get_a_400_with_a_short_reason(cs_world, start, end):
    response = export(cs_world, start_date=start, end_date=end)

    assert response.status_code == 400, response.get_data(as_text=True)
    reason = message_of(response)
    assert ("start_date" in reason or "end_date" in reason) and len(reason) < 120


def test_an_inksoft_error_is_a_generic_500_with_the_detail_in_the_log(cs_world, caplog):
    cs_world.add_fault(cs_world.inksoft_url, id="refuse", method="*", path="GetOrderSummaries",
                       action="status", status=400, body={"Messages": [{"Content": INKSOFT_TEXT}]})
    caplog.set_level(logging.ERROR, logger="inkship")

    response = export(cs_world)

    assert response.status_code == 500
    assert message_of(response) == "internal error in the connector (the detail is in its log)"
    assert INKSOFT_TEXT in caplog.text and "GetOrderSummaries" in caplog.text


def test_a_defect_of_ours_is_a_generic_xml_500_with_the_traceback_in_the_log(cs_world, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("detail only the operator may see")

    monkeypatch.setattr(endpoint, "export_page", broken)

    response = export(cs_world)

    assert response.status_code == 500
    assert "detail only" not in response.get_data(as_text=True)
    assert message_of(response) == "internal error in the connector (the detail is in its log)"
    assert "detail only the operator may see" in caplog.text

"""Naive Pacific rendering and parsing, across both DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.simulators.shipstation import pacific


def test_render_winter_and_summer_offsets() -> None:
    assert pacific.render_datetime(datetime(2024, 1, 15, 20, 0, tzinfo=UTC)) == "2024-01-15T12:00:00.0000000"
    assert (
        pacific.render_datetime(datetime(2024, 7, 15, 20, 0, 0, 723000, tzinfo=UTC))
        == "2024-07-15T13:00:00.7230000"
    )
    assert pacific.render_datetime(None) is None


def test_render_across_spring_forward() -> None:
    # 2024-03-10 02:00 PST jumps to 03:00 PDT: 09:59 UTC is 01:59 PST, 10:00 UTC is 03:00 PDT.
    assert pacific.render_datetime(datetime(2024, 3, 10, 9, 59, tzinfo=UTC)) == "2024-03-10T01:59:00.0000000"
    assert pacific.render_datetime(datetime(2024, 3, 10, 10, 0, tzinfo=UTC)) == "2024-03-10T03:00:00.0000000"


def test_fall_back_hour_is_read_as_the_earlier_instant() -> None:
    # 2024-11-03 01:30 happens twice; ShipStation's naive text cannot tell, we take the PDT one.
    assert pacific.parse_pacific("2024-11-03 01:30:00") == datetime(2024, 11, 3, 8, 30, tzinfo=UTC)
    assert pacific.render_datetime(datetime(2024, 11, 3, 9, 30, tzinfo=UTC)) == "2024-11-03T01:30:00.0000000"


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-08 10:15:00",
        "2024-03-08T10:15:00",
        "2024-03-08T10:15:00.0000000",
        "2024-03-08 10:15",
        " 2024-03-08 10:15:00 ",
    ],
)
def test_filter_variants(text: str) -> None:
    assert pacific.parse_pacific(text) == datetime(2024, 3, 8, 18, 15, tzinfo=UTC)


def test_date_only_is_midnight_and_offsets_are_honoured() -> None:
    assert pacific.parse_pacific("2024-07-01") == datetime(2024, 7, 1, 7, 0, tzinfo=UTC)
    assert pacific.parse_pacific("2024-07-01T00:00:00Z") == datetime(2024, 7, 1, 0, 0, tzinfo=UTC)
    assert pacific.parse_date("2015-07-01") == date(2015, 7, 1)
    assert pacific.render_date(datetime(2024, 7, 2, 3, 0, tzinfo=UTC)) == "2024-07-01"


@pytest.mark.parametrize("text", ["", "yesterday", "07/01/2024", "2024-13-01 00:00:00"])
def test_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        pacific.parse_pacific(text)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)))
def test_render_then_parse_round_trips_except_the_repeated_hour(instant: datetime) -> None:
    instant = instant.replace(microsecond=instant.microsecond // 10 * 10)
    back = pacific.parse_pacific(pacific.render_datetime(instant) or "")
    local = instant.astimezone(pacific.PACIFIC)
    if local.fold:  # the second 01:xx of a fall-back night reads back one hour early
        assert (instant - back).total_seconds() == 3600
    else:
        assert back == instant

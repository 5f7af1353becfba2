"""Date conversions: ShipStation's naive Pacific, the Custom Store's UTC text, InkSoft's three forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.mapping.times import (
    PACIFIC,
    parse_custom_store_date,
    parse_inksoft_datetime,
    parse_pacific,
    to_custom_store_date,
    to_pacific_filter,
    to_pacific_text,
)

from tests.strategies import inksoft_dates, pacific_dst_datetimes, utc_datetimes


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-02T17:41:09Z", utc(2026, 10, 2, 17, 41, 9)),
        ("2026-10-02T17:41:09.123Z", utc(2026, 10, 2, 17, 41, 9, 123000)),
        ("2026-10-02T17:41:09.1234567Z", utc(2026, 10, 2, 17, 41, 9, 123456)),
        ("2026-10-02T10:41:09-07:00", utc(2026, 10, 2, 17, 41, 9)),
        ("2026-10-02T17:41:09", utc(2026, 10, 2, 17, 41, 9)),  # naive means UTC
        ("/Date(1790962869000)/", utc(2026, 10, 2, 17, 41, 9)),
        ("/Date(1790962869000+0000)/", utc(2026, 10, 2, 17, 41, 9)),
        ("/Date(1790962869000-0700)/", utc(2026, 10, 2, 17, 41, 9)),  # the offset does not move the instant
        ("/Date(-1000)/", utc(1969, 12, 31, 23, 59, 59)),
    ],
)
def test_inksoft_dates_in_every_form(text: str, expected: datetime) -> None:
    assert parse_inksoft_datetime(text) == expected


@pytest.mark.parametrize("bad", ["", "yesterday", "/Date(abc)/", "2026-13-02T00:00:00Z", 1696268469, None])
def test_inksoft_date_that_is_none_of_the_forms_is_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_inksoft_datetime(bad)  # type: ignore[arg-type]


@given(inksoft_dates())
def test_inksoft_dates_parse_to_the_instant_they_mean(case: tuple[str, datetime]) -> None:
    text, instant = case
    assert parse_inksoft_datetime(text) == instant


def test_pacific_text_has_seven_fraction_digits_and_no_offset() -> None:
    assert to_pacific_text(utc(2015, 6, 30, 22, 20, 26, 723000)) == "2015-06-30T15:20:26.7230000"
    assert to_pacific_text(utc(2015, 1, 30, 22, 20, 26)) == "2015-01-30T14:20:26.0000000"


def test_pacific_filter_format() -> None:
    assert to_pacific_filter(utc(2024, 3, 10, 9, 30)) == "2024-03-10 01:30:00"


def test_naive_datetimes_are_refused() -> None:
    for convert in (to_pacific_text, to_pacific_filter, to_custom_store_date):
        with pytest.raises(ValueError, match="naive"):
            convert(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-06-30T15:20:26.7230000", utc(2015, 6, 30, 22, 20, 26, 723000)),
        ("2014-10-03T06:51:33.627", utc(2014, 10, 3, 13, 51, 33, 627000)),
        ("2024-03-10 01:30:00", utc(2024, 3, 10, 9, 30)),
        ("2015-07-01", utc(2015, 7, 1, 7)),
        # The repeated fall-back hour: 01:30 happens at 08:30 and 09:30 UTC; the earlier one is chosen.
        ("2024-11-03 01:30:00", utc(2024, 11, 3, 8, 30)),
        # 02:30 on the spring-forward day never happened; read with the pre-change offset (PST).
        ("2024-03-10 02:30:00", utc(2024, 3, 10, 10, 30)),
    ],
)
def test_parse_pacific(text: str, expected: datetime) -> None:
    assert parse_pacific(text) == expected


@pytest.mark.parametrize("bad", ["", "2024-03-10T01", "03/10/2024 01:30", "2024-02-30 00:00:00"])
def test_parse_pacific_refuses_other_shapes(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_pacific(bad)


def _second_of_repeated_hour(dt: datetime) -> bool:
    local = dt.astimezone(PACIFIC)
    return local.replace(fold=0).astimezone(UTC) != dt


@given(utc_datetimes())
def test_pacific_text_round_trips_except_the_second_repeated_hour(dt: datetime) -> None:
    back = parse_pacific(to_pacific_text(dt))
    if _second_of_repeated_hour(dt):
        assert back == dt - timedelta(hours=1)  # documented: the earlier instant
    else:
        assert back == dt


@given(pacific_dst_datetimes())
def test_pacific_filter_round_trips_to_the_second(dt: datetime) -> None:
    back = parse_pacific(to_pacific_filter(dt))
    expected = dt.replace(microsecond=0)
    assert back in (expected, expected - timedelta(hours=1))
    assert back == expected or _second_of_repeated_hour(dt)


@given(pacific_dst_datetimes())
def test_pacific_text_is_what_a_wall_clock_in_los_angeles_shows(dt: datetime) -> None:
    shown = dt.astimezone(timezone(dt.astimezone(PACIFIC).utcoffset()))
    assert to_pacific_text(dt).startswith(shown.strftime("%Y-%m-%dT%H:%M:%S"))


def test_custom_store_date_format() -> None:
    assert to_custom_store_date(utc(2012, 1, 23, 17, 28, 59)) == "01/23/2012 17:28"
    assert (
        to_custom_store_date(datetime(2012, 1, 23, 9, 28, tzinfo=timezone(timedelta(hours=-8))))
        == "01/23/2012 17:28"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/23/2012 17:28", utc(2012, 1, 23, 17, 28)),
        ("1/2/2012 7:05", utc(2012, 1, 2, 7, 5)),
        ("01/23/12 17:28", utc(2012, 1, 23, 17, 28)),
        ("01/23/99 17:28", utc(1999, 1, 23, 17, 28)),
        ("01/23/2012 17:28:45", utc(2012, 1, 23, 17, 28, 45)),
        ("12/8/2011 21:56 PM", utc(2011, 12, 8, 21, 56)),  # the guide's own sample
        ("12/8/2011 9:56 PM", utc(2011, 12, 8, 21, 56)),
        ("12/8/2011 12:05 AM", utc(2011, 12, 8, 0, 5)),
        ("12/8/2011 12:05 pm", utc(2011, 12, 8, 12, 5)),
        ("12/8/2011 9:56:10AM", utc(2011, 12, 8, 9, 56, 10)),
        ("12/08/2011", utc(2011, 12, 8)),
        ("01232012x1728", utc(2012, 1, 23, 17, 28)),
        ("01232012 1728", utc(2012, 1, 23, 17, 28)),
        ("012320121728", utc(2012, 1, 23, 17, 28)),
        ("  01/23/2012 17:28  ", utc(2012, 1, 23, 17, 28)),
    ],
)
def test_custom_store_dates_are_parsed_leniently(text: str, expected: datetime) -> None:
    assert parse_custom_store_date(text) == expected


@pytest.mark.parametrize("bad", ["", "2012-01-23 17:28", "13/01/2012 10:00", "01/23/2012 25:00", "yesterday"])
def test_custom_store_date_refuses_garbage(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_custom_store_date(bad)


@given(utc_datetimes())
def test_custom_store_dates_round_trip_to_the_minute(dt: datetime) -> None:
    assert parse_custom_store_date(to_custom_store_date(dt)) == dt.replace(second=0, microsecond=0)


@given(pacific_dst_datetimes(), st.sampled_from(["%m/%d/%Y %I:%M %p", "%m/%d/%y %H:%M:%S", "%m%d%Y-%H%M"]))
def test_custom_store_dates_in_other_accepted_forms(dt: datetime, form: str) -> None:
    precision = dt.replace(microsecond=0) if "%S" in form else dt.replace(second=0, microsecond=0)
    assert parse_custom_store_date(dt.strftime(form)) == precision

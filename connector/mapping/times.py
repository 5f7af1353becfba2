"""Every date conversion between the connector (aware UTC) and the APIs' own formats.

ShipStation v1 speaks naive US Pacific time; the Custom Store protocol UTC `MM/dd/yyyy HH:mm`;
InkSoft ISO-8601 (with Z, an offset, or naive meaning UTC) or the .NET `/Date(ms)/` form.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")

_DOTNET_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
# ISO with more than 6 fractional digits (.NET emits 7): keep microseconds, drop the rest.
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_PACIFIC_TEXT = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$")
_CUSTOM_STORE_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
# The compact fallback one store plugin accepts: MMDDYYYY, one separator character, HHMM.
_COMPACT_DATE = re.compile(r"^(\d{2})(\d{2})(\d{4})\D?(\d{2})(\d{2})$")
# .NET's default two-digit-year window (Calendar.TwoDigitYearMax = 2049): 00-49 → 20xx, 50-99 → 19xx.
_TWO_DIGIT_YEAR_MAX = 2049


def _require_aware(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: the connector works in aware UTC")
    return dt


def parse_inksoft_datetime(text: str) -> datetime:
    """An InkSoft date string as aware UTC. Raises ValueError when it is none of InkSoft's forms."""
    if not isinstance(text, str):
        raise ValueError(f"expected a date string, got {type(text).__name__}")
    text = text.strip()
    dotnet = _DOTNET_DATE.match(text)
    if dotnet:
        # The milliseconds are UTC whatever offset follows; the offset only says where it was shown.
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(dotnet.group(1)))
    parsed = datetime.fromisoformat(_LONG_FRACTION.sub(r"\1", text))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_pacific_text(dt: datetime) -> str:
    """`dt` as ShipStation writes datetimes in bodies: naive Pacific `yyyy-MM-ddTHH:mm:ss.fffffff`."""
    local = _require_aware(dt).astimezone(PACIFIC)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond:06d}0"


def to_pacific_filter(dt: datetime) -> str:
    """`dt` as ShipStation's date filters want it: naive Pacific `yyyy-mm-dd hh:mm:ss`, 24-hour."""
    return _require_aware(dt).astimezone(PACIFIC).strftime("%Y-%m-%d %H:%M:%S")


def parse_pacific(text: str) -> datetime:
    """A ShipStation naive Pacific datetime (body, filter or date-only form) as aware UTC.

    In the fall-back hour the wall time happens twice; we take the earlier instant (fold=0), so a
    time read back may be an hour early and callers query with overlapping windows. A spring-forward
    wall time that never existed is read with the pre-change offset (PST), zoneinfo's fold=0 rule.
    """
    match = _PACIFIC_TEXT.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"not a ShipStation Pacific datetime: {text!r}")
    year, month, day, hour, minute, second, fraction = match.groups()
    microsecond = int((fraction or "0").ljust(7, "0")[:6])
    local = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                     int(second or 0), microsecond, tzinfo=PACIFIC, fold=0)
    return local.astimezone(UTC)


def to_custom_store_date(dt: datetime) -> str:
    """`dt` as the Custom Store protocol writes it: UTC `MM/dd/yyyy HH:mm` (seconds dropped)."""
    return _require_aware(dt).astimezone(UTC).strftime("%m/%d/%Y %H:%M")


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        century = _TWO_DIGIT_YEAR_MAX // 100 * 100
        year += century if century + year <= _TWO_DIGIT_YEAR_MAX else century - 100
    return year


def _hour_24(hour: int, marker: str | None) -> int:
    # The guide's own sample `12/8/2011 21:56 PM` carries a marker on a 24-hour time: an hour
    # above 12 is already 24-hour, so the marker is ignored there.
    if marker is None or hour > 12:
        return hour
    if marker.upper() == "AM":
        return 0 if hour == 12 else hour
    return hour if hour == 12 else hour + 12


def parse_custom_store_date(text: str) -> datetime:
    """A Custom Store date (UTC) as aware UTC, parsed as leniently as ShipStation's XSD allows.

    Accepts 1–2 digit month and day, 2–4 digit year, optional time, optional seconds, optional
    AM/PM, and the compact `MMDDYYYYxHHMM` fallback. Raises ValueError otherwise.
    """
    text = text.strip() if isinstance(text, str) else ""
    match = _CUSTOM_STORE_DATE.match(text)
    if match:
        month, day, year, hour, minute, second, marker = match.groups()
        return datetime(_full_year(year), int(month), int(day), _hour_24(int(hour or 0), marker),
                        int(minute or 0), int(second or 0), tzinfo=UTC)
    compact = _COMPACT_DATE.match(text)
    if compact:
        month, day, year, hour, minute = (int(part) for part in compact.groups())
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    raise ValueError(f"not a Custom Store date: {text!r}")

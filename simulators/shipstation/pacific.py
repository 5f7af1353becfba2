"""ShipStation v1 speaks naive US Pacific time: render UTC instants that way, parse filters back to UTC.

The simulator keeps every instant as an aware UTC datetime; only this module knows about Pacific.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")

# "2024-03-10 01:30:00", "2024-03-10T01:30:00.1234567", "2024-03-10", "2024-03-10 01:30", with an
# optional offset or Z (honoured when present; ShipStation itself never sends one).
_PACIFIC_TEXT = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)


def render_datetime(instant: datetime | None) -> str | None:
    """`yyyy-MM-ddTHH:mm:ss.fffffff` in Pacific local time, no offset (7 fractional digits, like .NET)."""
    if instant is None:
        return None
    local = instant.astimezone(PACIFIC)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f".{local.microsecond:06d}0"


def render_date(day: date | datetime | None) -> str | None:
    """`yyyy-MM-dd`; an instant is first moved to its Pacific calendar day."""
    if day is None:
        return None
    if isinstance(day, datetime):
        day = day.astimezone(PACIFIC).date()
    return day.isoformat()


def parse_pacific(text: str) -> datetime:
    """Read a Pacific wall-clock string as an aware UTC instant.

    DST: the repeated fall-back hour resolves to the earlier instant (fold=0); a time inside the
    spring-forward gap is read with the pre-transition offset, as zoneinfo does.
    """
    match = _PACIFIC_TEXT.match(text or "")
    if not match:
        raise ValueError(f"The value '{text}' is not a valid date and time.")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0").ljust(7, "0")[:6])
    wall = datetime(
        int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro
    )
    if offset:
        return datetime.fromisoformat(wall.isoformat() + ("+00:00" if offset == "Z" else offset)).astimezone(
            UTC
        )
    return wall.replace(tzinfo=PACIFIC).astimezone(UTC)


def parse_date(text: str) -> date:
    """A date-only field (`shipDate`, `holdUntilDate`); a trailing time part is ignored."""
    match = _PACIFIC_TEXT.match(text or "")
    if not match:
        raise ValueError(f"The value '{text}' is not a valid date.")
    year, month, day = (int(part) for part in match.groups()[:3])
    return date(year, month, day)


def start_of_day(day: date) -> datetime:
    """Pacific midnight of `day` as a UTC instant (when a hold date is reached)."""
    return datetime.combine(day, time(0), tzinfo=PACIFIC).astimezone(UTC)


def today(now: datetime) -> date:
    """The Pacific calendar day of an instant."""
    return now.astimezone(PACIFIC).date()

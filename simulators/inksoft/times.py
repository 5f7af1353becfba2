"""Date handling for the InkSoft simulator: parse what scenarios and clients send, render per quirk."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_DOTNET = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
# Keys whose string values are dates (DateCreated, DueDate, EstimatedDeliveryDate_Min, LastModified...).
_DATE_KEY = re.compile(r"Date|^LastModified$|^Created$")

DATE_FORMATS = ("iso_z", "naive", "dotnet")

# .NET dates count whole milliseconds from the Unix epoch; counted with integers, since a float
# product such as `timestamp() * 1000` lands a hair below the true value for about one in 150.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def to_millis(dt: datetime) -> datetime:
    """Truncate to milliseconds, the precision every rendered date carries."""
    return dt.replace(microsecond=dt.microsecond // 1000 * 1000)


def parse_datetime(text: str, utc_offset_hours: float = 0.0) -> datetime:
    """Parse ISO-8601 (with `Z`, an offset, or naive), a bare date, or .NET `/Date(ms)/`.

    A naive time is local to `utc_offset_hours` (the `UtcOffsetHours` of a range filter), so
    UTC = local - offset. Raises ValueError on anything else.
    """
    text = text.strip()
    dotnet = _DOTNET.match(text)
    if dotnet:
        return _EPOCH + int(dotnet.group(1)) * _MILLISECOND
    parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC) - timedelta(hours=utc_offset_hours)
    return to_millis(parsed.astimezone(UTC))


def parse_date_fields(value: object) -> object:
    """Turn date strings under date-named keys into aware datetimes, deeply; leave unparsable text as is.

    Unparsable text stays a string on purpose: a scenario may hand the connector an odd date.
    """
    if isinstance(value, dict):
        return {k: _parse_if_date(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [parse_date_fields(v) for v in value]
    return value


def _parse_if_date(key: str, value: object) -> object:
    # YAML scenario files hand over datetime and date objects ready-made.
    if isinstance(value, datetime):
        return to_millis(value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and _DATE_KEY.search(key):
        try:
            return parse_datetime(value)
        except ValueError:
            return value
    return parse_date_fields(value)


def render_datetime(dt: datetime, date_format: str) -> str:
    """Render an aware datetime as the `date_format` quirk says (see state.QUIRKS)."""
    dt = dt.astimezone(UTC)
    if date_format == "dotnet":
        return f"/Date({(dt - _EPOCH) // _MILLISECOND})/"
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        text += f".{dt.microsecond // 1000:03d}"
    return text if date_format == "naive" else text + "Z"


def render_dates(value: object, date_format: str) -> object:
    """Replace every datetime in a JSON-like tree by its rendered text."""
    if isinstance(value, datetime):
        return render_datetime(value, date_format)
    if isinstance(value, dict):
        return {k: render_dates(v, date_format) for k, v in value.items()}
    if isinstance(value, list):
        return [render_dates(v, date_format) for v in value]
    return value

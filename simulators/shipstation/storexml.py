"""Reading a Custom Store's XML as ShipStation does: leniently, by local element names (any namespace),
and its dates in every form the published XSD allows (UTC)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

# The XSD's loose date pattern: 1-2 digit month and day, 2-4 digit year, optional seconds and AM/PM.
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")


def xml_local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def xml_child(parent: ET.Element | None, name: str) -> ET.Element | None:
    if parent is None:
        return None
    return next((child for child in parent if xml_local(child.tag) == name), None)


def xml_children(parent: ET.Element | None, name: str) -> Iterator[ET.Element]:
    return (child for child in (parent if parent is not None else []) if xml_local(child.tag) == name)


def xml_text(parent: ET.Element | None, name: str) -> str:
    child = xml_child(parent, name)
    return (child.text or "").strip() if child is not None else ""


def parse_store_date(text: str) -> datetime:
    """A Custom Store date (UTC) in any form the published XSD allows; ValueError otherwise."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(text)
    month, day, year, hour, minute, second, marker = match.groups()
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    hour_24 = int(hour or 0)
    # The guide's own sample `12/8/2011 21:56 PM` puts a marker on a 24-hour time: ignore it then.
    if marker and hour_24 <= 12:
        hour_24 = hour_24 % 12 + (12 if marker.upper() == "PM" else 0)
    return datetime(full_year, int(month), int(day), hour_24, int(minute or 0), int(second or 0), tzinfo=UTC)


def store_date_text(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%m/%d/%Y %H:%M")

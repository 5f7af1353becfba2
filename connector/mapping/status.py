"""InkSoft status → ShipStation status, by default as ShipStation's own InkSoft connection maps it.

Custom (store-defined) statuses come from configuration; a status that maps to nothing is not
imported, exactly as ShipStation drops unmapped store statuses. Names match ignoring case, blanks,
`_` and `-`, so "Ready to Ship", "ReadyToShip" and "ready_to_ship" are one status.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from inkship.connector.config_values import SHIPSTATION_STATUSES
from inkship.connector.errors import ConfigError
from inkship.connector.mapping import fields as f
from inkship.connector.mapping.reading import FieldRejected

# ShipStation help, InkSoft article (inksoft-api.md §10.4); on_hold has no InkSoft status.
DEFAULT_STATUS_TABLE: Mapping[str, str] = {
    "Open": "awaiting_payment",
    "Ready to Ship": "awaiting_shipment",
    "Complete": "shipped",
    "Cancelled": "cancelled",
}

CANCELLED = "Cancelled"
_CANCELLED_SPELLINGS = frozenset({"cancelled", "canceled"})
_IGNORED = re.compile(r"[\s_\-]+")


def normalize_status(name: str) -> str:
    """The form statuses are compared in: case-folded, without blanks, `_` or `-`."""
    return _IGNORED.sub("", name).casefold()


def _table_key(name: str) -> str:
    key = normalize_status(name)
    return "cancelled" if key in _CANCELLED_SPELLINGS else key


def status_of(order: Mapping) -> str:
    """InkSoft's status as the table sees it: "Cancelled" for either spelling or the boolean,
    else `ProductionStatus` ("" when absent). Raises FieldRejected naming a status field that is not text."""
    cancelled_flag = order.get(f.CANCELLED_FLAG)
    if cancelled_flag is True:
        return CANCELLED
    for key in (f.STATUS, f.PRODUCTION_STATUS):
        value = order.get(key)
        if value is not None and not isinstance(value, str):
            raise FieldRejected(f"{key} is a {type(value).__name__}, not text", key)
        if value and normalize_status(value) in _CANCELLED_SPELLINGS:
            return CANCELLED
    return (order.get(f.PRODUCTION_STATUS) or "").strip()


@dataclass(frozen=True)
class StatusTable:
    """Normalised InkSoft status → ShipStation status code."""

    entries: Mapping[str, str]

    @classmethod
    def from_config(cls, mapping: Mapping[str, str] | None = None) -> StatusTable:
        """The default table with `mapping` (InkSoft status → ShipStation code) merged over it."""
        entries = {_table_key(name): code for name, code in DEFAULT_STATUS_TABLE.items()}
        for name, code in (mapping or {}).items():
            if code not in SHIPSTATION_STATUSES:
                raise ConfigError(f"{code!r} is not a ShipStation status (one of "
                                  f"{', '.join(SHIPSTATION_STATUSES)})", key="mapping.statuses")
            entries[_table_key(name)] = code
        return cls(entries)

    def lookup(self, inksoft_status: str) -> str | None:
        """The ShipStation status for an InkSoft status name, or None when it maps to nothing."""
        return self.entries.get(_table_key(inksoft_status))

    def shipstation_status(self, order: Mapping) -> str | None:
        """The ShipStation status for `order`, or None when its status maps to nothing."""
        return self.lookup(status_of(order))

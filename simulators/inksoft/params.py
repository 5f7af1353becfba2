"""API 2 request parameters: query and body merged, names case-insensitive, arrays and objects as JSON text.

Pure (no Flask): routes hand in the query pairs and the decoded body. Every bad value raises BadRequest
naming the parameter.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from inkship.simulators.inksoft.errors import BadRequest
from inkship.simulators.inksoft.times import parse_datetime

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


class Params:
    """Parameters by case-insensitive name; body values win over query values of the same name."""

    def __init__(self, *sources: Iterable[tuple[str, Any]]) -> None:
        self._values: dict[str, Any] = {}
        for source in sources:
            for name, value in source:
                self._values[name.lower()] = value

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._values

    def raw(self, *names: str) -> Any:
        """The value of the first name present (aliases, e.g. `PaymentSatuses` and `PaymentStatuses`)."""
        for name in names:
            if name.lower() in self._values:
                return self._values[name.lower()]
        return None

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.raw(name)
        return default if value is None else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise BadRequest(f"{name} must be an integer") from None

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None or isinstance(value, bool):
            return default if value is None else value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise BadRequest(f"{name} must be true or false")

    def json_value(self, *names: str) -> Any:
        """A JSON literal parameter (`[1,2]`, `{"Begin": ...}`); JSON bodies hand the value over parsed."""
        value = self.raw(*names)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise BadRequest(f"{names[0]} must be a JSON value") from None

    def array(self, *names: str) -> list | None:
        """`[1,2,3]` as JSON; a bare scalar (`OrderIds=5`, or a GUID) counts as a one-element array."""
        value = self.raw(*names)
        if value is None:
            return None
        if isinstance(value, str) and not value.lstrip().startswith("["):
            return [v.strip() for v in value.split(",") if v.strip()]
        value = self.json_value(*names)
        return value if isinstance(value, list) else [value]

    def datetime(self, name: str) -> datetime | None:
        value = self.raw(name)
        if value is None or value == "":
            return None
        try:
            return parse_datetime(str(value))
        except ValueError:
            raise BadRequest(f"{name} must be an ISO-8601 date") from None


def body_pairs(content_type: str, raw: bytes, form: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The body's parameters: a JSON object's members, else the form fields."""
    if "json" in (content_type or "").lower():
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise BadRequest("The request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise BadRequest("A JSON body must be an object of parameters")
        return list(body.items())
    return list(form)

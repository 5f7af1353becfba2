"""Copies of the simulators' JSON-like records: dicts and lists copied, every other value (text, numbers,
booleans, None, dates) shared, since those cannot change. Several times faster than `copy.deepcopy`,
which records every object it meets; handing out copies is what keeps a caller from changing a stored
record by accident."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def json_copy(value: T) -> T:
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [json_copy(item) for item in value]  # type: ignore[return-value]
    return value



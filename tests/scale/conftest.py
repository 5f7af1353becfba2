"""Scale tests run only when asked for: `pytest -m scale tests/scale` (they take minutes, not seconds)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "scale" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("scale") is None]
    dropped = [item for item in items if item.get_closest_marker("scale") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept

"""The hostile-input suite runs the real engine against both simulators in process, with a Tamper in
front of each, and no rate limit (it counts outcomes, not seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import World


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path, rate_limit=None)
    yield w
    w.close()
